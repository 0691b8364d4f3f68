/* Supplementary groups: setgroups (root only) and getgroups, and the membership test that
 * permission checks use. A process holds at most CRED_GROUPS_MAX groups (EINVAL beyond). */
#include <proc/process.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

bool current_in_group(uint32_t gid)
{
	struct process *p = process_current();
	if (!p)
		return gid == 0;
	bool in = false;
	uint64_t f = spin_lock_irqsave(&p->lock);
	if (p->cred.fsgid == gid)
		in = true;
	for (uint32_t i = 0; !in && i < p->cred.ngroups; i++)
		in = p->cred.groups[i] == gid;
	spin_unlock_irqrestore(&p->lock, f);
	return in;
}

SYSCALL_DEFINE2(setgroups, int, size, const uint32_t __user *, list)
{
	uint32_t groups[CRED_GROUPS_MAX];
	if (size < 0 || size > CRED_GROUPS_MAX)
		return -EINVAL;
	if (size && copy_from_user(groups, list, (size_t)size * sizeof(uint32_t)))
		return -EFAULT;
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	long r = (p->cred.cap_effective >> CAP_SETGID) & 1 ? 0 : -EPERM;
	if (!r) {
		for (int i = 0; i < size; i++)
			p->cred.groups[i] = groups[i];
		p->cred.ngroups = (uint32_t)size;
	}
	spin_unlock_irqrestore(&p->lock, f);
	return r;
}

SYSCALL_DEFINE2(getgroups, int, size, uint32_t __user *, list)
{
	uint32_t groups[CRED_GROUPS_MAX];
	if (size < 0)
		return -EINVAL;
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	uint32_t n = p->cred.ngroups;
	for (uint32_t i = 0; i < n; i++)
		groups[i] = p->cred.groups[i];
	spin_unlock_irqrestore(&p->lock, f);
	if (size == 0)
		return n;
	if ((uint32_t)size < n)
		return -EINVAL;
	return copy_to_user(list, groups, n * sizeof(uint32_t)) ? -EFAULT : (long)n;
}
