/* The names uname(2) reports (core/uname.c), shared with /proc/version and /proc/sys/kernel;
 * the host and domain names are set by sethostname/setdomainname and /proc/sys/kernel. */
#ifndef CORE_UNAME_H
#define CORE_UNAME_H

#include <stddef.h>
#include <core/spinlock.h>
#include <uapi/utsname.h>

#define UTS_SYSNAME "Linux"
#define UTS_NODENAME "zero"
#define UTS_RELEASE "6.1.0-zero"
/* The release under personality(UNAME26), as Linux rewrites it: 2.6.(60 + minor) (6.1). */
#define UTS_RELEASE_UNAME26 "2.6.61-zero"
#define UTS_VERSION "#1 SMP PREEMPT Zero-OS"
#define UTS_MACHINE "x86_64"
#define UTS_DOMAINNAME "(none)"

/* The settable names: NUL-terminated, at most UTSNAME_LEN - 1 bytes, guarded by uts_lock
 * (a leaf lock). */
extern struct spinlock uts_lock;
extern char uts_nodename[UTSNAME_LEN];
extern char uts_domainname[UTSNAME_LEN];

#endif
