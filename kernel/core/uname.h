/* The names uname(2) reports (core/uname.c), shared with /proc/version. */
#ifndef CORE_UNAME_H
#define CORE_UNAME_H

#define UTS_SYSNAME "Linux"
#define UTS_NODENAME "zero"
#define UTS_RELEASE "6.1.0-zero"
/* The release under personality(UNAME26), as Linux rewrites it: 2.6.(60 + minor) (6.1). */
#define UTS_RELEASE_UNAME26 "2.6.61-zero"
#define UTS_VERSION "#1 SMP PREEMPT Zero-OS"
#define UTS_MACHINE "x86_64"
#define UTS_DOMAINNAME "(none)"

#endif
