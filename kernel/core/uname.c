/* uname(2), sethostname(2) and setdomainname(2). The system calls itself "Linux" because it
 * implements Linux's ABI: C libraries check the release (glibc's static start-up refuses
 * kernels older than it supports), so the release names the Linux version whose interface
 * Zero-OS follows. The host and domain names are settable by root (and /proc/sys/kernel). */
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <core/uname.h>
#include <fs/vfs.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

struct spinlock uts_lock = SPINLOCK_INIT("uts");
char uts_nodename[UTSNAME_LEN] = UTS_NODENAME;
char uts_domainname[UTSNAME_LEN] = UTS_DOMAINNAME;

static void uname_fill(struct linux_utsname *u)
{
	struct process *p = process_current();
	bool uname26 = p && (READ_ONCE(p->personality) & UNAME26);
	memset(u, 0, sizeof(*u));
	strlcpy(u->sysname, UTS_SYSNAME, sizeof(u->sysname));
	strlcpy(u->release, uname26 ? UTS_RELEASE_UNAME26 : UTS_RELEASE, sizeof(u->release));
	strlcpy(u->version, UTS_VERSION, sizeof(u->version));
	strlcpy(u->machine, UTS_MACHINE, sizeof(u->machine));
	uint64_t f = spin_lock_irqsave(&uts_lock);
	memcpy(u->nodename, uts_nodename, sizeof(u->nodename));
	memcpy(u->domainname, uts_domainname, sizeof(u->domainname));
	spin_unlock_irqrestore(&uts_lock, f);
}

SYSCALL_DEFINE1(uname, struct linux_utsname __user *, name)
{
	struct linux_utsname u;
	uname_fill(&u);
	return copy_to_user(name, &u, sizeof(u));
}

/* Linux's order: EPERM without privilege, then EINVAL for a bad length, then EFAULT. */
static long set_uts_name(char *field, const char __user *uname, int len)
{
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (len < 0 || len >= UTSNAME_LEN)
		return -EINVAL;
	char tmp[UTSNAME_LEN];
	if (copy_from_user(tmp, uname, (size_t)len))
		return -EFAULT;
	uint64_t f = spin_lock_irqsave(&uts_lock);
	memcpy(field, tmp, (size_t)len);
	memset(field + len, 0, UTSNAME_LEN - (size_t)len);
	spin_unlock_irqrestore(&uts_lock, f);
	return 0;
}

SYSCALL_DEFINE2(sethostname, const char __user *, name, int, len)
{
	return set_uts_name(uts_nodename, name, len);
}

SYSCALL_DEFINE2(setdomainname, const char __user *, name, int, len)
{
	return set_uts_name(uts_domainname, name, len);
}
