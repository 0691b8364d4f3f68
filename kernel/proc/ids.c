/* Identity system calls: pids and tids, user and group ids (root by default; setuid and
 * friends follow Linux's rules for root and non-root callers, without capabilities), and the
 * per-thread addresses musl registers at start-up (set_tid_address, set_robust_list). */
#include <proc/process.h>
#include <syscall/syscall.h>
#include <sched/thread.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

#define ROBUST_LIST_HEAD_SIZE 24 /* struct robust_list_head on x86_64 */
#define ID_UNCHANGED 0xffffffffu /* -1: leave this id as it is */

SYSCALL_DEFINE0(getpid)
{
	return process_current()->pid;
}

SYSCALL_DEFINE0(gettid)
{
	return current_thread()->tid;
}

SYSCALL_DEFINE0(getppid)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	int ppid = p->parent ? p->parent->pid : 0;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ppid;
}

SYSCALL_DEFINE1(getpgid, int, pid)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid ? process_by_pid_locked(pid) : process_current();
	long r = p ? p->pgid : -ESRCH;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

SYSCALL_DEFINE0(getpgrp)
{
	return process_current()->pgid;
}

SYSCALL_DEFINE1(getsid, int, pid)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid ? process_by_pid_locked(pid) : process_current();
	long r = p ? p->sid : -ESRCH;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

/* Read one credential field under the process lock. */
static long cred_read(size_t offset)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	uint32_t v = *(const uint32_t *)((const char *)&p->cred + offset);
	spin_unlock_irqrestore(&p->lock, f);
	return v;
}

SYSCALL_DEFINE0(getuid)
{
	return cred_read(offsetof(struct cred, uid));
}

SYSCALL_DEFINE0(geteuid)
{
	return cred_read(offsetof(struct cred, euid));
}

SYSCALL_DEFINE0(getgid)
{
	return cred_read(offsetof(struct cred, gid));
}

SYSCALL_DEFINE0(getegid)
{
	return cred_read(offsetof(struct cred, egid));
}

/* setresuid/setresgid semantics: an unprivileged caller (euid != 0) may only set each id to
 * one of its current real, effective or saved ids. */
static bool id_allowed(uint32_t v, const uint32_t cur[3], bool privileged)
{
	return v == ID_UNCHANGED || privileged || v == cur[0] || v == cur[1] || v == cur[2];
}

/* The real, effective and saved user (or group) ids of c. */
static void cred_ids(struct cred *c, bool group, uint32_t *ids[3])
{
	ids[0] = group ? &c->gid : &c->uid;
	ids[1] = group ? &c->egid : &c->euid;
	ids[2] = group ? &c->sgid : &c->suid;
}

/* setresuid/setresgid, or with `re` setreuid/setregid (bug setreuid_enosys: they were
 * missing). For the latter, unprivileged, the real id may only become the real or effective
 * one, and setting the real id, or the effective one to other than the old real id, also sets
 * the saved id to the new effective one (setreuid(2)); s is ignored. */
/* The effective or fs ids changed: as Linux's commit_creds, the parent-death signal is
 * forgotten (a process now of another identity must not be signalled on its old terms). */
static void creds_changed(struct process *p)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	p->pdeath_signal = 0;
	spin_unlock_irqrestore(&process_tree_lock, f);
}

static long set_ids(uint32_t r, uint32_t e, uint32_t s, bool group, bool re)
{
	struct process *p = process_current();
	long ret = -EPERM;
	bool changed = false;
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct cred *c = &p->cred;
	uint32_t *ids[3];
	cred_ids(c, group, ids);
	uint32_t cur[3] = { *ids[0], *ids[1], *ids[2] };
	uint32_t real_or_eff[3] = { cur[0], cur[1], cur[1] };
	uint32_t *fs = group ? &c->fsgid : &c->fsuid, old_fs = *fs;
	bool privileged = (c->cap_effective >> (group ? CAP_SETGID : CAP_SETUID)) & 1;
	if (re)
		s = r != ID_UNCHANGED || (e != ID_UNCHANGED && e != cur[0]) ?
			    (e != ID_UNCHANGED ? e : cur[1]) : ID_UNCHANGED;
	if (!id_allowed(r, re ? real_or_eff : cur, privileged) ||
	    !id_allowed(e, cur, privileged) || (!re && !id_allowed(s, cur, privileged)))
		goto out_unlock;
	if (r != ID_UNCHANGED)
		*ids[0] = r;
	if (e != ID_UNCHANGED)
		*ids[1] = e;
	if (s != ID_UNCHANGED)
		*ids[2] = s;
	*fs = *ids[1]; /* the fs id follows the effective one */
	if (!group)
		cred_caps_setuid(c, cur[0], cur[1], cur[2]);
	changed = *ids[1] != cur[1] || *fs != old_fs;
	ret = 0;
out_unlock:
	spin_unlock_irqrestore(&p->lock, f);
	if (changed)
		creds_changed(p);
	return ret;
}

static long set_res_ids(uint32_t r, uint32_t e, uint32_t s, bool group)
{
	return set_ids(r, e, s, group, false);
}

SYSCALL_DEFINE3(setresuid, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return set_res_ids(r, e, s, false);
}

SYSCALL_DEFINE3(setresgid, uint32_t, r, uint32_t, e, uint32_t, s)
{
	return set_res_ids(r, e, s, true);
}

SYSCALL_DEFINE2(setreuid, uint32_t, r, uint32_t, e)
{
	return set_ids(r, e, ID_UNCHANGED, false, true);
}

SYSCALL_DEFINE2(setregid, uint32_t, r, uint32_t, e)
{
	return set_ids(r, e, ID_UNCHANGED, true, true);
}

/* setuid: a caller with CAP_SETUID (CAP_SETGID) sets all three; others may set the effective
 * id to the real or saved one. */
static long set_one_id(uint32_t id, bool group)
{
	if (id == ID_UNCHANGED)
		return -EINVAL;
	if (capable(group ? CAP_SETGID : CAP_SETUID))
		return set_res_ids(id, id, id, group);
	return set_res_ids(ID_UNCHANGED, id, ID_UNCHANGED, group);
}

SYSCALL_DEFINE1(setuid, uint32_t, uid)
{
	return set_one_id(uid, false);
}

SYSCALL_DEFINE1(setgid, uint32_t, gid)
{
	return set_one_id(gid, true);
}

/* setfsuid/setfsgid (bug setfsuid_enosys): the id for file access becomes id when it is the
 * real, effective, saved or current fs id, or the caller has CAP_SETUID (CAP_SETGID); the old
 * one is returned either way (-1 only asks). Losing fsuid 0 drops the file capabilities from
 * the effective set, regaining it restores them from the permitted one. */
static long set_fs_id(uint32_t id, bool group)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct cred *c = &p->cred;
	uint32_t *ids[3];
	cred_ids(c, group, ids);
	uint32_t *fs = group ? &c->fsgid : &c->fsuid, old = *fs;
	bool privileged = (c->cap_effective >> (group ? CAP_SETGID : CAP_SETUID)) & 1;
	bool change = id != ID_UNCHANGED && id != old &&
		      (privileged || id == *ids[0] || id == *ids[1] || id == *ids[2]);
	if (change) {
		*fs = id;
		if (!group)
			cred_caps_setfsuid(c, old);
	}
	spin_unlock_irqrestore(&p->lock, f);
	if (change)
		creds_changed(p);
	return old;
}

SYSCALL_DEFINE1(setfsuid, uint32_t, uid)
{
	return set_fs_id(uid, false);
}

SYSCALL_DEFINE1(setfsgid, uint32_t, gid)
{
	return set_fs_id(gid, true);
}

static long get_res_ids(uint32_t __user *r, uint32_t __user *e, uint32_t __user *s, bool group)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct cred c = p->cred;
	spin_unlock_irqrestore(&p->lock, f);
	if (put_user(group ? c.gid : c.uid, r) < 0 || put_user(group ? c.egid : c.euid, e) < 0 ||
	    put_user(group ? c.sgid : c.suid, s) < 0)
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE3(getresuid, uint32_t __user *, r, uint32_t __user *, e, uint32_t __user *, s)
{
	return get_res_ids(r, e, s, false);
}

SYSCALL_DEFINE3(getresgid, uint32_t __user *, r, uint32_t __user *, e, uint32_t __user *, s)
{
	return get_res_ids(r, e, s, true);
}

/* The address is only stored (and cleared + futex-woken at exit): not checked now, as Linux. */
SYSCALL_DEFINE1(set_tid_address, int __user *, tidptr)
{
	struct thread *t = current_thread();
	t->clear_child_tid = (uint64_t)tidptr;
	return t->tid;
}

SYSCALL_DEFINE2(set_robust_list, void __user *, head, size_t, len)
{
	if (len != ROBUST_LIST_HEAD_SIZE)
		return -EINVAL;
	struct thread *t = current_thread();
	t->robust_list = (uint64_t)head;
	t->robust_list_len = len;
	return 0;
}

SYSCALL_DEFINE3(get_robust_list, int, pid, void __user *__user *, head, size_t __user *, len)
{
	struct thread *t = current_thread();
	if (pid && pid != t->tid)
		return -EPERM; /* other threads' lists: with ptrace rights, later */
	if (put_user((void __user *)t->robust_list, head) < 0 ||
	    put_user((size_t)ROBUST_LIST_HEAD_SIZE, len) < 0)
		return -EFAULT;
	return 0;
}

/* Restartable sequences are optional for musl and glibc: they fall back when it is absent. */
SYSCALL_DEFINE0(rseq)
{
	return -ENOSYS;
}
