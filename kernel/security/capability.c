/* Descriptor rights (cap_limit, cap_rights) and capability mode (cap_enter, cap_getmode):
 * Zero-OS's own system calls. The rights live in the fd table (fs/fdtable.h); capability
 * mode is a one-way per-process flag checked by path lookup (fs/namei.c) and kill. */
#include <security/capability.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <proc/process.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>

bool capmode_current(void)
{
	struct process *p = process_current();
	return p && READ_ONCE(p->cap_mode);
}

SYSCALL_DEFINE2(zero_cap_limit, int, fd, uint64_t, rights)
{
	if (rights & ~ZERO_CAP_ALL)
		return -EINVAL;
	return fd_limit_rights(fd, rights);
}

SYSCALL_DEFINE2(zero_cap_rights, int, fd, uint64_t __user *, urights)
{
	struct file *f;
	uint64_t rights;
	int r = fd_get_rights(fd, 0, &f, &rights);
	if (r)
		return r;
	file_put(f);
	return put_user(rights, urights) ? -EFAULT : 0;
}

/* Threads of the process see the flag at their next check; it is never cleared. */
SYSCALL_DEFINE0(zero_cap_enter)
{
	struct process *p = process_current();
	if (!p)
		return -EPERM; /* a kernel thread */
	WRITE_ONCE(p->cap_mode, true);
	return 0;
}

SYSCALL_DEFINE0(zero_cap_getmode)
{
	return capmode_current() ? 1 : 0;
}
