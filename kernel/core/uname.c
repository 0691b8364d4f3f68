/* uname(2). The system calls itself "Linux" because it implements Linux's ABI: C libraries
 * check the release (glibc's static start-up refuses kernels older than it supports), so the
 * release names the Linux version whose interface Zero-OS follows. */
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <uapi/utsname.h>
#include <core/uname.h>
#include <proc/process.h>

static void uname_fill(struct linux_utsname *u)
{
	struct process *p = process_current();
	bool uname26 = p && (READ_ONCE(p->personality) & UNAME26);
	memset(u, 0, sizeof(*u));
	strlcpy(u->sysname, UTS_SYSNAME, sizeof(u->sysname));
	strlcpy(u->nodename, UTS_NODENAME, sizeof(u->nodename));
	strlcpy(u->release, uname26 ? UTS_RELEASE_UNAME26 : UTS_RELEASE, sizeof(u->release));
	strlcpy(u->version, UTS_VERSION, sizeof(u->version));
	strlcpy(u->machine, UTS_MACHINE, sizeof(u->machine));
	strlcpy(u->domainname, UTS_DOMAINNAME, sizeof(u->domainname));
}

SYSCALL_DEFINE1(uname, struct linux_utsname __user *, name)
{
	struct linux_utsname u;
	uname_fill(&u);
	return copy_to_user(name, &u, sizeof(u));
}
