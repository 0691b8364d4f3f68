/* Capabilities (capabilities(7)) as part of a process's credentials: the effective, permitted,
 * inheritable and bounding sets, what a change of user ids and an exec do to them (Linux's
 * rules without file capabilities, the ambient set or securebits), capget/capset, the bounding
 * set's prctls, and `capable`, the check behind the kernel's "only root may" decisions. Root
 * starts with every capability and everyone else with none, so the sets follow the user ids
 * unless a process gives some up with capset (bug capget_enosys). */
#include <proc/process.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/prctl.h>

void cred_caps_init_root(struct cred *c)
{
	c->cap_effective = c->cap_permitted = c->cap_bset = CAP_FULL_SET;
	c->cap_inheritable = 0;
}

/* Lock-free, so that any code may ask (even holding the process's lock): the set is changed
 * under p->lock, and an aligned 64-bit load sees it whole, before or after a change that races
 * with the check either way. */
bool capable(int cap)
{
	struct process *p = process_current();
	if (!p)
		return true; /* kernel threads */
	return (READ_ONCE(p->cred.cap_effective) >> cap) & 1;
}

void cred_caps_setuid(struct cred *c, uint32_t old_uid, uint32_t old_euid, uint32_t old_suid)
{
	bool was_root = old_uid == 0 || old_euid == 0 || old_suid == 0;
	if (was_root && c->uid && c->euid && c->suid)
		c->cap_permitted = c->cap_effective = 0; /* no root id left */
	if (old_euid == 0 && c->euid)
		c->cap_effective = 0;
	else if (old_euid && c->euid == 0)
		c->cap_effective = c->cap_permitted;
}

/* Linux's CAP_FS_MASK: what file access by root rests on. */
#define CAP_FS_MASK                                                                              \
	(1ull << CAP_CHOWN | 1ull << CAP_DAC_OVERRIDE | 1ull << CAP_DAC_READ_SEARCH |            \
	 1ull << CAP_FOWNER | 1ull << CAP_FSETID | 1ull << CAP_LINUX_IMMUTABLE |                 \
	 1ull << CAP_MKNOD | 1ull << CAP_MAC_OVERRIDE)

void cred_caps_setfsuid(struct cred *c, uint32_t old_fsuid)
{
	if (old_fsuid == 0 && c->fsuid)
		c->cap_effective &= ~CAP_FS_MASK;
	else if (old_fsuid && c->fsuid == 0)
		c->cap_effective |= c->cap_permitted & CAP_FS_MASK;
}

void cred_exec(struct cred *c)
{
	/* No set-id program here: the saved and fs ids become the effective ones, as Linux. */
	c->suid = c->fsuid = c->euid;
	c->sgid = c->fsgid = c->egid;
	/* Root's program counts as having every file capability: P' = I | bounding set. */
	if (c->uid == 0 || c->euid == 0)
		c->cap_permitted = c->cap_inheritable | c->cap_bset;
	else
		c->cap_permitted = 0;
	c->cap_effective = c->euid == 0 ? c->cap_permitted : 0;
}

/* The number of data structs of header's version, or -EINVAL after writing the preferred
 * version back (how a program asks for it), or -EFAULT. */
static int cap_version(struct cap_user_header __user *uh)
{
	uint32_t v;
	if (get_user(&v, &uh->version) < 0)
		return -EFAULT;
	if (v == _LINUX_CAPABILITY_VERSION_1)
		return 1;
	if (v == _LINUX_CAPABILITY_VERSION_2 || v == _LINUX_CAPABILITY_VERSION_3)
		return 2;
	if (put_user((uint32_t)_LINUX_CAPABILITY_VERSION_3, &uh->version) < 0)
		return -EFAULT;
	return -EINVAL;
}

/* The credentials of pid (0: the caller): 0, or -ESRCH. */
static int cred_of(int pid, struct cred *out)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid ? process_by_pid_locked(pid) : process_current();
	int r = -ESRCH;
	if (p && p->state == PROCESS_ALIVE) {
		spin_lock(&p->lock);
		*out = p->cred;
		spin_unlock(&p->lock);
		r = 0;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

SYSCALL_DEFINE2(capget, struct cap_user_header __user *, uh, struct cap_user_data __user *, ud)
{
	int n = cap_version(uh);
	if (!ud) /* a query of the preferred version */
		return n == -EINVAL ? 0 : n < 0 ? n : 0;
	if (n < 0)
		return n;
	int32_t pid;
	if (get_user(&pid, &uh->pid) < 0)
		return -EFAULT;
	if (pid < 0)
		return -EINVAL;
	struct cred c;
	int r = cred_of(pid, &c);
	if (r)
		return r;
	struct cap_user_data d[2];
	for (int i = 0; i < 2; i++) {
		d[i].effective = (uint32_t)(c.cap_effective >> (32 * i));
		d[i].permitted = (uint32_t)(c.cap_permitted >> (32 * i));
		d[i].inheritable = (uint32_t)(c.cap_inheritable >> (32 * i));
	}
	return copy_to_user(ud, d, (size_t)n * sizeof(d[0])) < 0 ? -EFAULT : 0;
}

static bool subset(uint64_t a, uint64_t b)
{
	return !(a & ~b);
}

/* capset's rules (capabilities(7)): the inheritable set within the old inheritable and
 * permitted sets (unless CAP_SETPCAP) and within the old inheritable and bounding sets, the
 * permitted set only shrinking, the effective set within the new permitted one. */
static int caps_change(struct process *p, uint64_t e, uint64_t pm, uint64_t inh)
{
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct cred *c = &p->cred;
	bool setpcap = (c->cap_effective >> CAP_SETPCAP) & 1;
	int r = -EPERM;
	if ((!setpcap && !subset(inh, c->cap_inheritable | c->cap_permitted)) ||
	    !subset(inh, c->cap_inheritable | c->cap_bset) || !subset(pm, c->cap_permitted) ||
	    !subset(e, pm))
		goto out_unlock;
	c->cap_effective = e;
	c->cap_permitted = pm;
	c->cap_inheritable = inh;
	r = 0;
out_unlock:
	spin_unlock_irqrestore(&p->lock, f);
	return r;
}

SYSCALL_DEFINE2(capset, struct cap_user_header __user *, uh,
		const struct cap_user_data __user *, ud)
{
	int n = cap_version(uh);
	if (n < 0)
		return n;
	int32_t pid;
	if (get_user(&pid, &uh->pid) < 0)
		return -EFAULT;
	struct process *p = process_current();
	if (pid != 0 && pid != p->pid)
		return -EPERM; /* only the caller's own sets */
	struct cap_user_data d[2] = { 0 };
	if (copy_from_user(d, ud, (size_t)n * sizeof(d[0])) < 0)
		return -EFAULT;
	uint64_t e = d[0].effective | (uint64_t)d[1].effective << 32;
	uint64_t pm = d[0].permitted | (uint64_t)d[1].permitted << 32;
	uint64_t inh = d[0].inheritable | (uint64_t)d[1].inheritable << 32;
	return caps_change(p, e, pm, inh);
}

long cap_bset_prctl(int option, uint64_t cap)
{
	if (cap > CAP_LAST_CAP)
		return -EINVAL;
	struct process *p = process_current();
	if (option == PR_CAPBSET_READ) {
		uint64_t f = spin_lock_irqsave(&p->lock);
		long r = (p->cred.cap_bset >> cap) & 1;
		spin_unlock_irqrestore(&p->lock, f);
		return r;
	}
	if (!capable(CAP_SETPCAP))
		return -EPERM;
	uint64_t f = spin_lock_irqsave(&p->lock);
	p->cred.cap_bset &= ~(1ull << cap);
	spin_unlock_irqrestore(&p->lock, f);
	return 0;
}

/* Linux's ptrace_may_access with PTRACE_MODE_ATTACH_REALCREDS: the caller itself, or its real
 * uid and gid are the target's real, effective and saved ones and the target is dumpable (not
 * set-id), or the caller has CAP_SYS_PTRACE. process_tree_lock held. */
bool ptrace_may_access_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct process *me = process_current();
	if (p == me || capable(CAP_SYS_PTRACE))
		return true;
	spin_lock(&me->lock);
	uint32_t uid = me->cred.uid, gid = me->cred.gid;
	spin_unlock(&me->lock);
	spin_lock(&p->lock);
	const struct cred *c = &p->cred;
	bool same = c->uid == uid && c->euid == uid && c->suid == uid && c->gid == gid &&
		    c->egid == gid && c->sgid == gid;
	spin_unlock(&p->lock);
	return same && __atomic_load_n(&p->dumpable, __ATOMIC_RELAXED);
}
