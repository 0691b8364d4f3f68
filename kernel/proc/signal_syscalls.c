/* The signal system calls with Linux's semantics: kill, tkill, tgkill, rt_sigaction,
 * rt_sigprocmask, rt_sigpending, rt_sigsuspend, rt_sigreturn, sigaltstack, pause, alarm,
 * setitimer and getitimer. Each call decodes and checks its arguments first, then acts. */
#include <proc/signal.h>
#include <proc/process.h>
#include <proc/pidfd.h>
#include <security/capability.h>
#include <syscall/syscall.h>
#include <sched/sched.h>
#include <arch/x86_64/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <lib/string.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/pidfd.h>
#include <uapi/time.h>

/* struct timeval / struct itimerval as Linux x86_64 lays them out. */
struct k_timeval {
	int64_t tv_sec, tv_usec;
};
struct k_itimerval {
	struct k_timeval it_interval, it_value;
};
_Static_assert(sizeof(struct k_itimerval) == 32, "itimerval is 32 bytes");

#define ITIMER_MAX_SEC (1LL << 32) /* keeps nanoseconds far from overflow (136 years) */

/* ---- kill and friends -------------------------------------------------------------------- */

/* Linux's kill_ok_by_cred: a real or effective uid of the sender matches the target's real or
 * saved uid, or the sender has CAP_KILL. */
static bool may_signal(const struct process *target)
{
	struct process *me = process_current();
	if (target == me)
		return true;
	/* Only the user ids matter: not the whole cred with its groups. */
	uint64_t f = spin_lock_irqsave(&me->lock);
	uint32_t uid = me->cred.uid, euid = me->cred.euid;
	spin_unlock_irqrestore(&me->lock, f);
	f = spin_lock_irqsave((struct spinlock *)&target->lock);
	uint32_t tuid = target->cred.uid, tsuid = target->cred.suid;
	spin_unlock_irqrestore((struct spinlock *)&target->lock, f);
	return euid == tsuid || euid == tuid || uid == tsuid || uid == tuid || capable(CAP_KILL);
}

/* One target: permission, then (unless sig 0) the send. Tree lock held. */
static int kill_one_locked(struct process *p, int sig, const k_siginfo_t *info)
{
	spin_assert_held(&process_tree_lock);
	if (!may_signal(p))
		return -EPERM;
	return sig ? signal_send_process_locked(p, sig, info) : 0;
}

/* Several targets (a group, or everyone): 0 when at least one was signalled, else the last
 * error, -ESRCH when nothing matched. */
static int kill_many_locked(int pgid, bool all, int sig, const k_siginfo_t *info)
{
	spin_assert_held(&process_tree_lock);
	struct process *me = process_current();
	int ret = -ESRCH;
	bool any = false;
	for (int pid = 1; pid < PID_MAX; pid++) {
		struct process *p = process_by_pid_locked(pid);
		if (!p || p->state != PROCESS_ALIVE)
			continue;
		if (all ? (p->pid == INIT_PID || p == me) : p->pgid != pgid)
			continue;
		int r = kill_one_locked(p, sig, info);
		if (r == 0)
			any = true;
		else
			ret = r;
	}
	return any ? 0 : ret;
}

SYSCALL_DEFINE2(kill, int, pid, int, sig)
{
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	k_siginfo_t info __noinit; /* signal_info_kill clears it */
	signal_info_kill(&info, sig, SI_USER);
	struct process *me = process_current();
	if (capmode_current() && pid != me->pid)
		return -ECAPMODE; /* [capmode] only itself */
	int ret;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (pid > 0) {
		struct process *p = process_by_pid_locked(pid);
		ret = p ? kill_one_locked(p, sig, &info) : -ESRCH;
	} else if (pid == -1) {
		ret = kill_many_locked(0, true, sig, &info);
	} else if (pid == (int)0x80000000) {
		ret = -ESRCH; /* -INT_MIN cannot be negated: Linux refuses it too */
	} else {
		/* Process groups: pgid is inherited at fork; until setpgid exists every group is
		 * the one its members inherited, which kill_many_locked matches by value. */
		ret = kill_many_locked(pid == 0 ? me->pgid : -pid, false, sig, &info);
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

/* tkill/tgkill/rt_tgsigqueueinfo: sig with info to thread tid (of process tgid when > 0). */
static int send_to_thread(int tgid, int tid, int sig, const k_siginfo_t *info)
{
	int ret;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct thread *t = thread_by_tid_locked(tid);
	if (!t || !t->proc || (tgid > 0 && t->proc->pid != tgid))
		ret = -ESRCH;
	else if (capmode_current() && t->proc != process_current())
		ret = -ECAPMODE; /* [capmode] only its own threads */
	else if (!may_signal(t->proc))
		ret = -EPERM;
	else
		ret = sig ? signal_send_thread_locked(t, sig, info) : 0;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

static int do_tkill(int tgid, int tid, int sig)
{
	if (tid <= 0 || sig < 0 || sig > _NSIG)
		return -EINVAL;
	k_siginfo_t info;
	signal_info_kill(&info, sig, SI_TKILL);
	return send_to_thread(tgid, tid, sig, &info);
}

SYSCALL_DEFINE2(tkill, int, tid, int, sig)
{
	return do_tkill(0, tid, sig);
}

SYSCALL_DEFINE3(tgkill, int, tgid, int, tid, int, sig)
{
	if (tgid <= 0)
		return -EINVAL;
	return do_tkill(tgid, tid, sig);
}

/* The siginfo of rt_sigqueueinfo / rt_tgsigqueueinfo for target thread id tid: only negative
 * si_codes other than SI_TKILL may be forged for anyone but the calling thread (as Linux: no
 * pretending to be the kernel or kill()). */
static int queued_info(int tid, int sig, const k_siginfo_t __user *uinfo, k_siginfo_t *info)
{
	if (copy_from_user(info, uinfo, sizeof(*info)) < 0)
		return -EFAULT;
	if (sig < 0 || sig > _NSIG)
		return -EINVAL;
	if ((info->si_code >= 0 || info->si_code == SI_TKILL) && tid != current_thread()->tid)
		return -EPERM;
	info->si_signo = sig;
	return 0;
}

/* rt_sigqueueinfo (sigqueue(3)): to the process of pid (a thread id names its process, as
 * Linux); -EAGAIN past RLIMIT_SIGPENDING. */
SYSCALL_DEFINE3(rt_sigqueueinfo, int, pid, int, sig, const k_siginfo_t __user *, uinfo)
{
	k_siginfo_t info;
	int ret = queued_info(pid, sig, uinfo, &info);
	if (ret)
		return ret;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct thread *t = pid > 0 ? thread_by_tid_locked(pid) : NULL;
	struct process *p = t ? t->proc : NULL;
	if (!p || p->state != PROCESS_ALIVE)
		ret = -ESRCH;
	else if (capmode_current() && p != process_current())
		ret = -ECAPMODE; /* [capmode] only itself */
	else
		ret = kill_one_locked(p, sig, &info);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

/* rt_tgsigqueueinfo: the same to one thread, as tgkill. */
SYSCALL_DEFINE4(rt_tgsigqueueinfo, int, tgid, int, tid, int, sig,
		const k_siginfo_t __user *, uinfo)
{
	if (tgid <= 0 || tid <= 0)
		return -EINVAL;
	k_siginfo_t info;
	int ret = queued_info(tid, sig, uinfo, &info);
	return ret ? ret : send_to_thread(tgid, tid, sig, &info);
}

/* pidfd_send_signal's target, permission and send, as kill (flags: one PIDFD_SIGNAL_* scope
 * or none). Tree lock held. */
static int pidfd_kill_locked(struct process *p, int sig, k_siginfo_t *info, unsigned flags)
{
	spin_assert_held(&process_tree_lock);
	if (flags & PIDFD_SIGNAL_PROCESS_GROUP)
		return kill_many_locked(p->pgid, false, sig, info);
	if (!(flags & PIDFD_SIGNAL_THREAD))
		return kill_one_locked(p, sig, info);
	struct thread *t = thread_by_tid_locked(p->pid); /* the thread the pid names */
	if (!t || t->proc != p)
		return -ESRCH;
	if (!may_signal(p))
		return -EPERM;
	return sig ? signal_send_thread_locked(t, sig, info) : 0;
}

/* pidfd_send_signal(2): kill through a pidfd (or an open /proc/<pid> directory), with
 * rt_sigqueueinfo's siginfo rule. */
SYSCALL_DEFINE4(pidfd_send_signal, int, pidfd, int, sig, const k_siginfo_t __user *, uinfo,
		unsigned, flags)
{
	if ((flags & ~PIDFD_SIGNAL_FLAGS) || (flags & (flags - 1))) /* one scope at most */
		return -EINVAL;
	int pid;
	uint64_t start_ns;
	int ret = pidfd_target(pidfd, true, &pid, &start_ns, NULL);
	if (ret)
		return ret;
	k_siginfo_t info;
	if (uinfo) {
		if (copy_from_user(&info, uinfo, sizeof(info)) < 0)
			return -EFAULT;
		if (info.si_signo != sig)
			return -EINVAL;
	} else {
		signal_info_kill(&info, sig, flags & PIDFD_SIGNAL_THREAD ? SI_TKILL : SI_USER);
	}
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pidfd_process_locked(pid, start_ns);
	struct process *me = process_current();
	if (!p)
		ret = -ESRCH;
	else if (sig < 0 || sig > _NSIG)
		ret = -EINVAL;
	else if (capmode_current() && (p != me || (flags & PIDFD_SIGNAL_PROCESS_GROUP)))
		ret = -ECAPMODE; /* [capmode] only itself */
	/* Only to oneself may a siginfo pretend to come from the kernel or from kill. */
	else if (uinfo && (p != me || (flags & ~PIDFD_SIGNAL_THREAD_GROUP)) &&
		 (info.si_code >= 0 || info.si_code == SI_TKILL))
		ret = -EPERM;
	else
		ret = pidfd_kill_locked(p, sig, &info, flags);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

/* ---- actions and masks ------------------------------------------------------------------- */

SYSCALL_DEFINE4(rt_sigaction, int, sig, const struct k_sigaction __user *, uact,
		struct k_sigaction __user *, uoact, size_t, sigsetsize)
{
	if (sigsetsize != sizeof(k_sigset_t))
		return -EINVAL;
	struct k_sigaction act, oact;
	if (uact && copy_from_user(&act, uact, sizeof(act)))
		return -EFAULT;
	int err = signal_do_sigaction(sig, uact ? &act : NULL, uoact ? &oact : NULL);
	if (err)
		return err;
	if (uoact && copy_to_user(uoact, &oact, sizeof(oact)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE4(rt_sigprocmask, int, how, const k_sigset_t __user *, uset,
		k_sigset_t __user *, uoset, size_t, sigsetsize)
{
	if (sigsetsize != sizeof(k_sigset_t))
		return -EINVAL;
	struct thread *t = current_thread();
	uint64_t old = t->sig_blocked;
	if (uset) {
		k_sigset_t set;
		if (copy_from_user(&set, uset, sizeof(set)))
			return -EFAULT;
		switch (how) {
		case SIG_BLOCK:
			signal_set_blocked(old | set);
			break;
		case SIG_UNBLOCK:
			signal_set_blocked(old & ~set);
			break;
		case SIG_SETMASK:
			signal_set_blocked(set);
			break;
		default:
			return -EINVAL;
		}
	}
	if (uoset && copy_to_user(uoset, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(rt_sigpending, k_sigset_t __user *, uset, size_t, sigsetsize)
{
	if (sigsetsize > sizeof(k_sigset_t))
		return -EINVAL;
	k_sigset_t set = signal_pending_set() & current_thread()->sig_blocked;
	return copy_to_user(uset, &set, sigsetsize) ? -EFAULT : 0;
}

/* Sleep until a signal wants this thread (its handler, a stop, or death). */
static void wait_for_signal(void)
{
	while (!signal_pending()) {
		sched_prepare_block(0, SLEEP_INTERRUPTIBLE);
		sched_block_finish(); /* returns at once if a signal beat us to it */
	}
}

int signal_set_temporary_mask(const k_sigset_t __user *umask, size_t sigsetsize)
{
	if (sigsetsize != sizeof(k_sigset_t))
		return -EINVAL;
	k_sigset_t mask;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	struct thread *t = current_thread();
	t->sig_saved_blocked = t->sig_blocked;
	t->sig_restore_blocked = true; /* the handler's frame saves the old mask */
	signal_set_blocked(mask);
	return 0;
}

void signal_end_temporary_mask(void)
{
	struct thread *t = current_thread();
	if (!t->sig_restore_blocked)
		return;
	t->sig_restore_blocked = false;
	signal_set_blocked(t->sig_saved_blocked);
}

SYSCALL_DEFINE2(rt_sigsuspend, const k_sigset_t __user *, umask, size_t, sigsetsize)
{
	int r = signal_set_temporary_mask(umask, sigsetsize);
	if (r)
		return r;
	wait_for_signal();
	return -ERESTARTNOHAND; /* -EINTR once a handler ran; otherwise suspended again */
}

/* rt_sigtimedwait's wait: until a signal of `set` is pending (taken, its number returned), the
 * deadline (monotonic; 0 = none; already past = a poll) passes (-EAGAIN), or another signal
 * interrupts (-EINTR, never restarted, as Linux). While it sleeps, `set` is unblocked so that
 * a process-directed signal of the set may choose this thread (Linux's real_blocked). */
static long wait_for_signal_in(uint64_t set, k_siginfo_t *info, uint64_t deadline)
{
	struct thread *t = current_thread();
	uint64_t saved = t->sig_blocked;
	for (;;) {
		int sig = signal_dequeue_set(set, info);
		if (sig)
			return sig;
		if (signal_pending())
			return -EINTR;
		if (deadline && time_monotonic_ns() >= deadline)
			return -EAGAIN;
		signal_set_blocked_waiting(saved & ~set, set);
		sched_prepare_block(deadline, SLEEP_INTERRUPTIBLE);
		sched_block_finish();
		signal_set_blocked(saved); /* the set is dequeued above, never delivered */
	}
}

SYSCALL_DEFINE4(rt_sigtimedwait, const k_sigset_t __user *, uset, k_siginfo_t __user *, uinfo,
		const struct linux_timespec __user *, utimeout, size_t, sigsetsize)
{
	k_sigset_t set;
	if (sigsetsize != sizeof(k_sigset_t))
		return -EINVAL;
	if (copy_from_user(&set, uset, sizeof(set)))
		return -EFAULT;
	uint64_t deadline;
	long err = timeout_from_user(utimeout, &deadline);
	if (err)
		return err;
	k_siginfo_t info;
	long r = wait_for_signal_in(set & ~SIG_UNCATCHABLE, &info, deadline);
	if (r > 0 && uinfo && copy_to_user(uinfo, &info, sizeof(info)))
		return -EFAULT;
	return r;
}

SYSCALL_DEFINE0(pause)
{
	wait_for_signal();
	return -ERESTARTNOHAND;
}

SYSCALL_DEFINE0(rt_sigreturn)
{
	struct trap_frame *f = current_user_frame();
	if (signal_restore_frame(f) < 0) {
		signal_force_segv(0);
		return 0;
	}
	return (long)f->rax; /* the dispatcher stores it back: the restored rax */
}

SYSCALL_DEFINE2(sigaltstack, const k_stack_t __user *, uss, k_stack_t __user *, uoss)
{
	k_stack_t ss, oss;
	if (uss && copy_from_user(&ss, uss, sizeof(ss)))
		return -EFAULT;
	int err = signal_do_sigaltstack(uss ? &ss : NULL, &oss, current_user_frame()->rsp);
	if (err)
		return err;
	if (uoss && copy_to_user(uoss, &oss, sizeof(oss)))
		return -EFAULT;
	return 0;
}

/* ---- timers ------------------------------------------------------------------------------ */

SYSCALL_DEFINE1(alarm, unsigned, seconds)
{
	uint64_t old, old_interval;
	int err = itimer_real_set((uint64_t)seconds * NSEC_PER_SEC, 0, &old, &old_interval);
	if (err)
		return err;
	uint64_t sec = old / NSEC_PER_SEC, rem = old % NSEC_PER_SEC;
	if ((!sec && rem) || rem >= NSEC_PER_SEC / 2)
		sec++; /* Linux rounds to the nearest second, and never reports 0 while armed */
	return (long)sec;
}

static bool timeval_to_ns(const struct k_timeval *tv, uint64_t *ns)
{
	if (tv->tv_sec < 0 || tv->tv_usec < 0 || tv->tv_usec >= 1000000)
		return false;
	int64_t sec = tv->tv_sec > ITIMER_MAX_SEC ? ITIMER_MAX_SEC : tv->tv_sec;
	*ns = (uint64_t)sec * NSEC_PER_SEC + (uint64_t)tv->tv_usec * NSEC_PER_USEC;
	return true;
}

static void ns_to_timeval(uint64_t ns, struct k_timeval *tv)
{
	tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	tv->tv_usec = (int64_t)((ns % NSEC_PER_SEC + NSEC_PER_USEC - 1) / NSEC_PER_USEC);
	if (tv->tv_usec == 1000000) {
		tv->tv_sec++;
		tv->tv_usec = 0;
	}
}

/* ITIMER_REAL (proc/signal.c's thread), ITIMER_VIRTUAL and ITIMER_PROF (proc/cpu_itimer.c). */
SYSCALL_DEFINE2(getitimer, int, which, struct k_itimerval __user *, uval)
{
	struct k_itimerval v;
	uint64_t value, interval;
	if (which == ITIMER_REAL)
		itimer_real_get(&value, &interval);
	else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF)
		cpu_itimer_get(process_current(), which, &value, &interval);
	else
		return -EINVAL;
	ns_to_timeval(value, &v.it_value);
	ns_to_timeval(interval, &v.it_interval);
	return copy_to_user(uval, &v, sizeof(v)) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(setitimer, int, which, const struct k_itimerval __user *, unew,
		struct k_itimerval __user *, uold)
{
	struct k_itimerval n, o;
	memset(&n, 0, sizeof(n)); /* a NULL new value disarms, as Linux still accepts */
	memset(&o, 0, sizeof(o));
	if (unew && copy_from_user(&n, unew, sizeof(n)))
		return -EFAULT;
	uint64_t value, interval, ov, oi;
	if (!timeval_to_ns(&n.it_value, &value) || !timeval_to_ns(&n.it_interval, &interval))
		return -EINVAL;
	if (which == ITIMER_REAL) {
		int err = itimer_real_set(value, value ? interval : 0, &ov, &oi);
		if (err)
			return err;
	} else if (which == ITIMER_VIRTUAL || which == ITIMER_PROF) {
		cpu_itimer_set(process_current(), which, value, interval, &ov, &oi);
	} else {
		return -EINVAL;
	}
	ns_to_timeval(ov, &o.it_value);
	ns_to_timeval(oi, &o.it_interval);
	if (uold && copy_to_user(uold, &o, sizeof(o)))
		return -EFAULT;
	return 0;
}

/* restart_syscall(2): the exit path points an interrupted call that returned
 * ERESTART_RESTARTBLOCK here when no handler ran; the block says how to go on. Called by a
 * program on its own (nothing to resume), it fails with EINTR, as on Linux. */
SYSCALL_DEFINE0(restart_syscall)
{
	struct restart_block *rb = &current_thread()->restart;
	long (*fn)(struct restart_block *) = rb->fn;
	rb->fn = NULL;
	return fn ? fn(rb) : -EINTR;
}
