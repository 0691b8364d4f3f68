/* Resource limits (prlimit64, getrlimit, setrlimit), scheduling priority (getpriority,
 * setpriority: nice values mapped onto the MLFQ by the scheduler), and CPU-time reports
 * (getrusage, times). Limits are enforced where the resource is used: RLIMIT_NPROC by fork,
 * RLIMIT_STACK by exec and stack growth, RLIMIT_FSIZE by regular-file writes and truncation
 * (rlimit_fsize_allow, here). */
#include <proc/process.h>
#include <proc/signal.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <sched/mlfq.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <uapi/resource.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

/* Raising a hard limit or touching another user's limits takes CAP_SYS_RESOURCE, lowering a
 * nice value or renicing another user's process CAP_SYS_NICE (capable is lock-free: callers
 * hold other processes' locks). */
static bool privileged(int cap)
{
	return capable(cap);
}

/* The target of prlimit/setpriority by pid (0 = self); caller holds the tree lock. A non-root
 * caller may only touch processes of its own real uid. */
static struct process *target_locked(int pid, int *err)
{
	spin_assert_held(&process_tree_lock);
	struct process *self = process_current();
	struct process *p = pid ? process_by_pid_locked(pid) : self;
	*err = -ESRCH;
	if (!p || p->state != PROCESS_ALIVE)
		return NULL;
	*err = -EPERM;
	/* Each uid is one aligned word read once without p->lock: a setuid racing on another CPU
	 * is seen wholly before or after, as if it had come first or last. */
	if (p != self && !privileged(CAP_SYS_RESOURCE) &&
	    READ_ONCE(p->cred.uid) != READ_ONCE(self->cred.uid))
		return NULL;
	return p;
}

static long do_prlimit(int pid, unsigned resource, const struct rlimit *new, struct rlimit *old)
{
	int err;
	if (resource >= RLIM_NLIMITS)
		return -EINVAL;
	if (new && new->rlim_cur > new->rlim_max)
		return -EINVAL;
	if (new && resource == RLIMIT_NOFILE &&
	    new->rlim_max > (uint64_t)__atomic_load_n(&sysctl_nr_open, __ATOMIC_RELAXED))
		return -EPERM; /* as Linux: the ceiling is fs.nr_open, even for root */
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = target_locked(pid, &err);
	if (!p)
		goto out_unlock;
	spin_lock(&p->lock);
	struct rlimit *r = &p->rlimits[resource];
	err = -EPERM;
	if (new && new->rlim_max > r->rlim_max && !privileged(CAP_SYS_RESOURCE))
		goto out_unlock_p;
	if (old)
		*old = *r;
	if (new)
		*r = *new;
	err = 0;
out_unlock_p:
	spin_unlock(&p->lock);
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return err;
}

int64_t rlimit_fsize_allow(int64_t pos, int64_t end)
{
	struct process *p = process_current();
	if (!p)
		return end - pos;
	uint64_t f = spin_lock_irqsave(&p->lock);
	uint64_t limit = p->rlimits[RLIMIT_FSIZE].rlim_cur;
	spin_unlock_irqrestore(&p->lock, f);
	if (limit >= (uint64_t)INT64_MAX || end <= (int64_t)limit)
		return end - pos;
	if (pos < (int64_t)limit)
		return (int64_t)limit - pos;
	k_siginfo_t info;
	signal_info_kill(&info, SIGXFSZ, SI_KERNEL);
	f = spin_lock_irqsave(&process_tree_lock);
	signal_send_process_locked(p, SIGXFSZ, &info);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return -EFBIG;
}

bool rlimit_cpu_tick(struct process *p, uint64_t before_ns, uint64_t after_ns)
{
	/* Read without p->lock (this is the timer interrupt): an aligned 64-bit load is atomic,
	 * and a limit changed meanwhile is seen at the next second. */
	uint64_t soft = READ_ONCE(p->rlimits[RLIMIT_CPU].rlim_cur);
	uint64_t secs = after_ns / NSEC_PER_SEC;
	if (soft == RLIM_INFINITY || secs == before_ns / NSEC_PER_SEC || secs < soft)
		return false;
	__atomic_store_n(&p->cpu_limit_due, true, __ATOMIC_RELAXED);
	return true;
}

void rlimit_cpu_enforce(struct process *p)
{
	if (!__atomic_exchange_n(&p->cpu_limit_due, false, __ATOMIC_RELAXED))
		return;
	uint64_t secs = (__atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED) +
			 __atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED)) / NSEC_PER_SEC;
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct rlimit lim = p->rlimits[RLIMIT_CPU];
	spin_unlock_irqrestore(&p->lock, f);
	int sig = secs >= lim.rlim_max ? SIGKILL : secs >= lim.rlim_cur ? SIGXCPU : 0;
	if (!sig)
		return;
	k_siginfo_t info;
	signal_info_kill(&info, sig, SI_KERNEL);
	f = spin_lock_irqsave(&process_tree_lock);
	signal_send_process_locked(p, sig, &info);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

SYSCALL_DEFINE4(prlimit64, int, pid, unsigned, resource,
		const struct rlimit __user *, unew, struct rlimit __user *, uold)
{
	struct rlimit new, old;
	if (unew && copy_from_user(&new, unew, sizeof(new)) < 0)
		return -EFAULT;
	/* Checked before the limit changes, so that -EFAULT means nothing happened. */
	if (uold && clear_user(uold, sizeof(old)) < 0)
		return -EFAULT;
	long r = do_prlimit(pid, resource, unew ? &new : NULL, uold ? &old : NULL);
	if (r == 0 && uold && copy_to_user(uold, &old, sizeof(old)) < 0)
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE2(getrlimit, unsigned, resource, struct rlimit __user *, rlim)
{
	struct rlimit old;
	long r = do_prlimit(0, resource, NULL, &old);
	if (r == 0 && copy_to_user(rlim, &old, sizeof(old)) < 0)
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE2(setrlimit, unsigned, resource, const struct rlimit __user *, rlim)
{
	struct rlimit new;
	if (copy_from_user(&new, rlim, sizeof(new)) < 0)
		return -EFAULT;
	return do_prlimit(0, resource, &new, NULL);
}

/* ---- priority ------------------------------------------------------------------------------ */

struct prio_walk {
	int which, who;
	int nice; /* setpriority: the value; getpriority: the best (lowest) found */
	bool set, found;
	int err;
};

static bool prio_matches(const struct prio_walk *w, const struct process *p)
{
	const struct process *self = process_current();
	switch (w->which) {
	case PRIO_PROCESS:
		return p->pid == (w->who ? w->who : self->pid);
	case PRIO_PGRP:
		return p->pgid == (w->who ? w->who : self->pgid);
	default: /* PRIO_USER */
		return p->cred.uid == (w->who ? (uint32_t)w->who : self->cred.uid);
	}
}

static void prio_visit(struct process *p, void *ctx)
{
	struct prio_walk *w = ctx;
	struct process *self = process_current();
	if (!prio_matches(w, p))
		return;
	w->found = true;
	if (!w->set) {
		if (p->nice < w->nice)
			w->nice = p->nice;
		return;
	}
	if (p != self && !privileged(CAP_SYS_NICE) && p->cred.uid != self->cred.uid) {
		w->err = -EPERM;
		return;
	}
	spin_lock(&p->lock);
	if (w->nice < p->nice && !privileged(CAP_SYS_NICE)) {
		w->err = -EACCES;
	} else {
		p->nice = w->nice;
		struct list_node *pos;
		list_for_each(pos, &p->threads)
			sched_set_nice(list_entry(pos, struct thread, proc_node), w->nice);
	}
	spin_unlock(&p->lock);
}

static long prio_walk(struct prio_walk *w)
{
	if (w->which != PRIO_PROCESS && w->which != PRIO_PGRP && w->which != PRIO_USER)
		return -EINVAL;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	process_for_each_locked(prio_visit, w);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!w->found)
		return -ESRCH;
	return w->err;
}

/* The system call returns 20 - nice (1..40), so that no success looks like an error; the C
 * library converts it back. */
SYSCALL_DEFINE2(getpriority, int, which, int, who)
{
	struct prio_walk w = { .which = which, .who = who, .nice = NICE_MAX + 1 };
	long r = prio_walk(&w);
	return r < 0 ? r : 20 - w.nice;
}

SYSCALL_DEFINE3(setpriority, int, which, int, who, int, prio)
{
	if (prio < NICE_MIN)
		prio = NICE_MIN;
	if (prio > NICE_MAX)
		prio = NICE_MAX;
	struct prio_walk w = { .which = which, .who = who, .nice = prio, .set = true };
	return prio_walk(&w);
}

/* ---- scheduling policy ------------------------------------------------------------------- */

/* The MLFQ is the one policy: SCHED_OTHER (SCHED_NORMAL), whose static priority is always 0
 * (nice is separate). sched_getparam and sched_getscheduler report it (bug
 * sched_getparam_enosys); sched_setparam and sched_setscheduler accept it (what is already
 * so), with Linux's checks, and refuse every other policy with EPERM (real-time scheduling is
 * not offered, as in a container without CAP_SYS_NICE). */
#define SCHED_OTHER 0

/* 0 when pid names a live process (0 = the caller), -EINVAL for a negative pid, -ESRCH. */
static long sched_target(int pid)
{
	if (pid < 0)
		return -EINVAL;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid ? process_by_pid_locked(pid) : process_current();
	long r = p && p->state == PROCESS_ALIVE ? 0 : -ESRCH;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

SYSCALL_DEFINE2(sched_getparam, int, pid, int __user *, param)
{
	if (!param)
		return -EINVAL;
	long r = sched_target(pid);
	if (r == 0 && put_user(0, param) < 0)
		r = -EFAULT;
	return r;
}

SYSCALL_DEFINE1(sched_getscheduler, int, pid)
{
	long r = sched_target(pid);
	return r < 0 ? r : SCHED_OTHER;
}

/* The static priority range of a policy, as Linux reports it (1..99 for SCHED_FIFO and
 * SCHED_RR, though they are not offered here; 0..0 for the others, SCHED_DEADLINE included);
 * -EINVAL for no policy. */
#define SCHED_RT_PRIO_MAX 99
static long priority_bound(int policy, bool max)
{
	switch (policy) {
	case 1: /* SCHED_FIFO */
	case 2: /* SCHED_RR */
		return max ? SCHED_RT_PRIO_MAX : 1;
	case SCHED_OTHER:
	case 3: /* SCHED_BATCH */
	case 5: /* SCHED_IDLE */
	case 6: /* SCHED_DEADLINE */
		return 0;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE1(sched_get_priority_max, int, policy)
{
	return priority_bound(policy, true);
}

SYSCALL_DEFINE1(sched_get_priority_min, int, policy)
{
	return priority_bound(policy, false);
}

/* sched_setscheduler/sched_setparam, with Linux's order of checks: the arguments (-EINVAL,
 * -EFAULT), the target (-ESRCH), the policy and priority (-EINVAL; SCHED_DEADLINE needs
 * sched_setattr), the caller's right over the target (-EPERM unless the same user or
 * CAP_SYS_NICE); then what is offered: SCHED_OTHER with priority 0, else -EPERM. */
static long sched_set(int pid, int policy, const int __user *param)
{
	int prio;
	if (!param || pid < 0)
		return -EINVAL;
	if (get_user(&prio, param) < 0)
		return -EFAULT;
	long max = policy < 0 || policy == 6 ? -EINVAL : priority_bound(policy, true);
	bool valid = max >= 0 && prio >= priority_bound(policy, false) && prio <= max;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *self = process_current();
	struct process *p = pid ? process_by_pid_locked(pid) : self;
	uint32_t euid = READ_ONCE(self->cred.euid);
	long r;
	if (!p || p->state != PROCESS_ALIVE)
		r = -ESRCH;
	else if (!valid)
		r = -EINVAL;
	else if (euid != READ_ONCE(p->cred.uid) && euid != READ_ONCE(p->cred.euid) &&
		 !privileged(CAP_SYS_NICE))
		r = -EPERM;
	else
		r = policy == SCHED_OTHER ? 0 : -EPERM; /* what is already so, or not offered */
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

SYSCALL_DEFINE3(sched_setscheduler, int, pid, int, policy, const int __user *, param)
{
	return sched_set(pid, policy, param);
}

SYSCALL_DEFINE2(sched_setparam, int, pid, const int __user *, param)
{
	return sched_set(pid, SCHED_OTHER, param);
}

/* ---- usage and times ----------------------------------------------------------------------- */

static void ns_to_timeval(uint64_t ns, struct timeval_abi *tv)
{
	tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	tv->tv_usec = (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
}

/* CPU times are not accounted per thread yet: they read as 0 (honestly unknown). */
SYSCALL_DEFINE2(getrusage, int, who, struct rusage __user *, uru)
{
	struct process *p = process_current();
	struct rusage ru = { 0 };
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	switch (who) {
	case RUSAGE_SELF:
		ns_to_timeval(p->utime_ns, &ru.ru_utime);
		ns_to_timeval(p->stime_ns, &ru.ru_stime);
		break;
	case RUSAGE_THREAD:
		ns_to_timeval(__atomic_load_n(&current_thread()->utime_ns, __ATOMIC_RELAXED),
			      &ru.ru_utime);
		ns_to_timeval(__atomic_load_n(&current_thread()->stime_ns, __ATOMIC_RELAXED),
			      &ru.ru_stime);
		break;
	case RUSAGE_CHILDREN:
		ns_to_timeval(p->cutime_ns, &ru.ru_utime);
		ns_to_timeval(p->cstime_ns, &ru.ru_stime);
		break;
	default:
		spin_unlock_irqrestore(&process_tree_lock, f);
		return -EINVAL;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return copy_to_user(uru, &ru, sizeof(ru)) < 0 ? -EFAULT : 0;
}

#define NS_PER_TICK (NSEC_PER_SEC / USER_HZ)

/* Returns clock ticks since boot (an arbitrary point in the past, as POSIX allows). */
SYSCALL_DEFINE1(times, struct tms __user *, ubuf)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct tms t = {
		.tms_utime = (int64_t)(p->utime_ns / NS_PER_TICK),
		.tms_stime = (int64_t)(p->stime_ns / NS_PER_TICK),
		.tms_cutime = (int64_t)(p->cutime_ns / NS_PER_TICK),
		.tms_cstime = (int64_t)(p->cstime_ns / NS_PER_TICK),
	};
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (ubuf && copy_to_user(ubuf, &t, sizeof(t)) < 0)
		return -EFAULT;
	return (long)(time_monotonic_ns() / NS_PER_TICK);
}
