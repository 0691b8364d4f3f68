/* POSIX per-process timers (see proc/posix_timer.h): timer_create, timer_settime,
 * timer_gettime, timer_getoverrun, timer_delete on the realtime, monotonic, boot-time, TAI and
 * CPU-time clocks, with SIGEV_SIGNAL, SIGEV_NONE and SIGEV_THREAD_ID notification. */
#include <proc/posix_timer.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <lib/printf.h>
#include <mm/kmalloc.h>
#include <sched/thread.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/mqueue.h>
#include <uapi/time.h>
#include <uapi/timerfd.h>

#define TIMER_ID_MAX 0x7fffffff
#define OVERRUN_MAX 0x7fffffff /* si_overrun and timer_getoverrun are capped (CVE-2018-12896) */
#define IGNORED_REARM_MIN_NS NSEC_PER_MSEC /* a timer whose signal is ignored: at most 1 kHz */

struct posix_timer {
	struct list_node node; /* in p->ptimers */
	int id;
	int clock; /* what the timer measures: CLOCK_REALTIME, _MONOTONIC or a CPU-time clock */
	int notify; /* SIGEV_SIGNAL, SIGEV_NONE or SIGEV_THREAD_ID */
	int signo;
	int tid; /* SIGEV_THREAD_ID: the thread signalled */
	int cpu_tid; /* CLOCK_THREAD_CPUTIME_ID: the thread measured (the creator) */
	uint64_t value; /* sigev_value */
	int base; /* the clock expiry is on: CLOCK_REALTIME only for an absolute realtime value */
	uint64_t expiry; /* ns on base; 0: disarmed */
	uint64_t interval; /* ns; 0: one-shot */
	bool sig_queued; /* its signal waits to be taken: re-armed then */
	bool cpu_armed; /* counted in p->ptimer_cpu_armed */
	int64_t overrun; /* expirations missed since the queued signal's */
	int overrun_last; /* of the last signal taken (timer_getoverrun) */
	struct itimer_real kt; /* wall-clock timers: the timer thread's entry */
};

static struct spinlock ptimer_lock = SPINLOCK_INIT("ptimer");

static bool is_cpu_clock(int clock)
{
	return clock == CLOCK_PROCESS_CPUTIME_ID || clock == CLOCK_THREAD_CPUTIME_ID;
}

static struct posix_timer *find_locked(struct process *p, int id)
{
	spin_assert_held(&ptimer_lock);
	struct list_node *pos;
	list_for_each(pos, &p->ptimers) {
		struct posix_timer *t = list_entry(pos, struct posix_timer, node);
		if (t->id == id)
			return t;
	}
	return NULL;
}

/* The CPU time of thread th (user plus system, as the tick samples it). */
static uint64_t thread_cpu_ns(const struct thread *th)
{
	return __atomic_load_n(&th->utime_ns, __ATOMIC_RELAXED) +
	       __atomic_load_n(&th->stime_ns, __ATOMIC_RELAXED);
}

/* Now on t's base clock; false when it cannot be read: a thread CPU clock whose thread is
 * gone, or is not the caller's when `tree` (process_tree_lock held) is false. */
static bool base_now(struct process *p, const struct posix_timer *t, bool tree, uint64_t *now)
{
	switch (t->base) {
	case CLOCK_REALTIME:
		*now = time_realtime_ns();
		return true;
	case CLOCK_PROCESS_CPUTIME_ID:
		*now = __atomic_load_n(&p->utime_ns, __ATOMIC_RELAXED) +
		       __atomic_load_n(&p->stime_ns, __ATOMIC_RELAXED);
		return true;
	case CLOCK_THREAD_CPUTIME_ID: {
		struct thread *th = current_thread();
		if (th->tid != t->cpu_tid)
			th = tree ? thread_by_tid_locked(t->cpu_tid) : NULL;
		if (!th || th->proc != p)
			return false;
		*now = thread_cpu_ns(th);
		return true;
	}
	default:
		*now = time_monotonic_ns();
		return true;
	}
}

/* Take t off whatever notices its expiry. */
static void unschedule_locked(struct process *p, struct posix_timer *t)
{
	spin_assert_held(&ptimer_lock);
	itimer_thread_cancel(&t->kt);
	if (t->cpu_armed) {
		t->cpu_armed = false;
		__atomic_fetch_sub(&p->ptimer_cpu_armed, 1, __ATOMIC_RELAXED);
	}
}

/* Have t's next expiry noticed: the timer thread for wall clocks, the tick for CPU clocks;
 * nothing for SIGEV_NONE (its state is computed when read). */
static void schedule_locked(struct process *p, struct posix_timer *t)
{
	spin_assert_held(&ptimer_lock);
	unschedule_locked(p, t);
	if (!t->expiry || t->notify == SIGEV_NONE || t->sig_queued)
		return;
	if (is_cpu_clock(t->base)) {
		t->cpu_armed = true;
		__atomic_fetch_add(&p->ptimer_cpu_armed, 1, __ATOMIC_RELAXED);
		return;
	}
	uint64_t mono = time_monotonic_ns(), deadline = t->expiry;
	t->kt.real_deadline = 0;
	if (t->base == CLOCK_REALTIME) {
		uint64_t real = time_realtime_ns();
		t->kt.real_deadline = t->expiry;
		deadline = t->expiry > real ? mono + (t->expiry - real) : mono;
	}
	itimer_thread_arm(&t->kt, deadline);
}

/* Move a periodic timer's expiry past now, counting the expirations skipped as overruns. */
static void forward(struct posix_timer *t, uint64_t now)
{
	if (!t->interval || !t->expiry || now < t->expiry)
		return;
	uint64_t missed = (now - t->expiry) / t->interval;
	if (missed > (uint64_t)INT64_MAX - (uint64_t)t->overrun)
		t->overrun = INT64_MAX;
	else
		t->overrun += (int64_t)missed;
	uint64_t step = (missed + 1) * t->interval;
	t->expiry = step > UINT64_MAX / 4 - t->expiry ? UINT64_MAX / 4 : t->expiry + step;
}

static void timer_siginfo(const struct posix_timer *t, k_siginfo_t *info)
{
	*info = (k_siginfo_t){ .si_signo = t->signo, .si_code = SI_TIMER };
	info->u.timer.tid = t->id;
	info->u.timer.value.sival_ptr = t->value;
}

/* The signal of an expired timer could not be queued (ignored, no memory): go on as if it had
 * been taken at once, not more often than IGNORED_REARM_MIN_NS. */
static void signal_dropped(struct process *p, int id)
{
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	struct posix_timer *t = find_locked(p, id);
	uint64_t now;
	if (t && t->sig_queued && base_now(p, t, true, &now)) {
		t->sig_queued = false;
		forward(t, now);
		t->overrun = 0;
		if (t->expiry && t->expiry - now < IGNORED_REARM_MIN_NS && t->interval)
			t->expiry = now + IGNORED_REARM_MIN_NS;
		schedule_locked(p, t);
	}
	spin_unlock_irqrestore(&ptimer_lock, f);
}

/* Timer id of p expired (maybe): queue its signal. process_tree_lock held. */
static void fire_locked(struct process *p, int id)
{
	spin_assert_held(&process_tree_lock);
	spin_lock(&ptimer_lock);
	struct posix_timer *t = find_locked(p, id);
	uint64_t now;
	if (!t || !t->expiry || t->sig_queued || t->notify == SIGEV_NONE ||
	    !base_now(p, t, true, &now)) {
		spin_unlock(&ptimer_lock);
		return;
	}
	if (now < t->expiry) { /* the clock was set back, or a CPU tick came early */
		schedule_locked(p, t);
		spin_unlock(&ptimer_lock);
		return;
	}
	unschedule_locked(p, t);
	struct thread *target = NULL;
	if (t->notify == SIGEV_THREAD_ID) {
		target = thread_by_tid_locked(t->tid);
		target = target && target->proc == p ? target : NULL;
		if (!target) { /* its thread is gone: nobody to tell, ever (disarmed) */
			t->expiry = 0;
			spin_unlock(&ptimer_lock);
			return;
		}
	}
	if (t->interval)
		forward(t, now);
	else
		t->expiry = 0;
	t->sig_queued = true;
	k_siginfo_t info;
	timer_siginfo(t, &info);
	spin_unlock(&ptimer_lock);
	if (signal_send_timer_locked(p, target, info.si_signo, &info) != 1)
		signal_dropped(p, id);
}

void posix_timer_fire(int pid, int id)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = process_by_pid_locked(pid);
	if (p && p->state == PROCESS_ALIVE)
		fire_locked(p, id);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

void posix_timer_dequeued_locked(struct process *p, k_siginfo_t *info)
{
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	struct posix_timer *t = find_locked(p, info->u.timer.tid);
	if (t && t->sig_queued) {
		uint64_t now;
		t->sig_queued = false;
		if (base_now(p, t, false, &now))
			forward(t, now);
		t->overrun_last = t->overrun > OVERRUN_MAX ? OVERRUN_MAX : (int)t->overrun;
		t->overrun = 0;
		schedule_locked(p, t);
		info->u.timer.overrun = t->overrun_last;
	}
	spin_unlock_irqrestore(&ptimer_lock, f);
}

/* A due CPU-time timer of p, or -1. process_tree_lock held. */
static int cpu_timer_due_locked(struct process *p)
{
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	int id = -1;
	struct list_node *pos;
	list_for_each(pos, &p->ptimers) {
		struct posix_timer *t = list_entry(pos, struct posix_timer, node);
		uint64_t now;
		if (t->cpu_armed && base_now(p, t, true, &now) && now >= t->expiry) {
			id = t->id;
			break;
		}
	}
	spin_unlock_irqrestore(&ptimer_lock, f);
	return id;
}

void posix_cpu_timers_check(struct process *p)
{
	/* Each firing takes its timer off the tick's list (or moves it past now): this ends. */
	for (;;) {
		uint64_t f = spin_lock_irqsave(&process_tree_lock);
		int id = p->state == PROCESS_ALIVE ? cpu_timer_due_locked(p) : -1;
		if (id >= 0)
			fire_locked(p, id);
		spin_unlock_irqrestore(&process_tree_lock, f);
		if (id < 0)
			return;
	}
}

void posix_timers_delete_all(struct process *p)
{
	signal_cancel_timer(p, -1);
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	while (!list_empty(&p->ptimers)) {
		struct posix_timer *t = list_first(&p->ptimers, struct posix_timer, node);
		unschedule_locked(p, t);
		list_remove(&t->node);
		kfree(t);
	}
	p->ptimer_count = 0;
	spin_unlock_irqrestore(&ptimer_lock, f);
}

long posix_timers_show_locked(struct process *p, char *buf, size_t size)
{
	spin_assert_held(&process_tree_lock);
	static const char *const how[] = { [SIGEV_SIGNAL] = "signal", [SIGEV_NONE] = "none",
					   [SIGEV_THREAD] = "thread" };
	size_t len = 0;
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	struct list_node *pos;
	list_for_each(pos, &p->ptimers) {
		struct posix_timer *t = list_entry(pos, struct posix_timer, node);
		bool tid = t->notify == SIGEV_THREAD_ID;
		if (len < size)
			len += (size_t)ksnprintf(buf + len, size - len,
						 "ID: %d\nsignal: %d/%016lx\nnotify: %s/%s.%d\n"
						 "ClockID: %d\n",
						 t->id, t->signo, t->value,
						 how[tid ? SIGEV_SIGNAL : t->notify],
						 tid ? "tid" : "pid", tid ? t->tid : p->pid, t->clock);
	}
	spin_unlock_irqrestore(&ptimer_lock, f);
	return (long)(len < size ? len : size);
}

/* ---- the system calls ------------------------------------------------------------------------ */

/* The clock a timer of clockid measures, or -EINVAL (unknown), -EOPNOTSUPP (a clock without
 * timers), -EPERM (an alarm clock without CAP_WAKE_ALARM). There is no suspend: boot time is
 * monotonic time, and alarm clocks are the clocks they wake from. */
static int timer_clock(int clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		return CLOCK_REALTIME;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
		return CLOCK_MONOTONIC;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		return clockid;
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return timer_alarm_clock(clockid);
	}
	return -EINVAL;
}

/* Check a sigevent as Linux's good_sigevent does and fill t's notification from it. */
static int timer_sigevent(struct posix_timer *t, const struct k_sigevent *ev)
{
	switch (ev->sigev_notify) {
	case SIGEV_SIGNAL | SIGEV_THREAD_ID: {
		uint64_t f = spin_lock_irqsave(&process_tree_lock);
		struct thread *th = thread_by_tid_locked(ev->sigev_tid);
		bool ours = th && th->proc == process_current();
		spin_unlock_irqrestore(&process_tree_lock, f);
		if (!ours)
			return -EINVAL;
		t->tid = ev->sigev_tid;
	}
		/* fallthrough */
	case SIGEV_SIGNAL:
	case SIGEV_THREAD: /* the library's business: the kernel sends a signal */
		if (!sig_valid(ev->sigev_signo))
			return -EINVAL;
		t->notify = ev->sigev_notify == SIGEV_THREAD ? SIGEV_SIGNAL : ev->sigev_notify;
		t->signo = ev->sigev_signo;
		t->value = ev->sigev_value;
		return 0;
	case SIGEV_NONE:
		t->notify = SIGEV_NONE;
		return 0;
	}
	return -EINVAL;
}

/* Give t an unused id (also its sigev_value when `id_value`: the default sigevent) and add it
 * to p's list: 0, or -EAGAIN past RLIMIT_SIGPENDING timers. */
static int timer_insert(struct process *p, struct posix_timer *t, bool id_value)
{
	uint64_t lim = READ_ONCE(p->rlimits[RLIMIT_SIGPENDING].rlim_cur);
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	if ((uint64_t)p->ptimer_count >= lim) {
		spin_unlock_irqrestore(&ptimer_lock, f);
		return -EAGAIN;
	}
	do {
		t->id = p->ptimer_next_id;
		p->ptimer_next_id = (p->ptimer_next_id + 1) & TIMER_ID_MAX;
	} while (find_locked(p, t->id));
	if (id_value)
		t->value = (uint64_t)t->id;
	t->kt.pid = p->pid;
	t->kt.posix_id = t->id;
	list_add_tail(&p->ptimers, &t->node);
	p->ptimer_count++;
	spin_unlock_irqrestore(&ptimer_lock, f);
	return 0;
}

/* Remove timer id of p: 0 or -EINVAL. */
static int timer_remove(struct process *p, int id)
{
	/* Under the tree lock no expiry queues a signal between the cancel and the removal. */
	uint64_t tf = spin_lock_irqsave(&process_tree_lock);
	signal_cancel_timer(p, id);
	spin_lock(&ptimer_lock);
	struct posix_timer *t = find_locked(p, id);
	if (t) {
		unschedule_locked(p, t);
		list_remove(&t->node);
		p->ptimer_count--;
	}
	spin_unlock(&ptimer_lock);
	spin_unlock_irqrestore(&process_tree_lock, tf);
	kfree(t);
	return t ? 0 : -EINVAL;
}

SYSCALL_DEFINE3(timer_create, int, clockid, const struct k_sigevent __user *, uev,
		int __user *, uid)
{
	/* The default: SIGALRM with the timer's id as sival_int. */
	struct k_sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGALRM };
	if (uev && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	int clock = timer_clock(clockid);
	if (clock < 0)
		return clock;
	struct posix_timer *t = kmalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct posix_timer){ .clock = clock, .base = clock };
	t->cpu_tid = current_thread()->tid;
	list_init(&t->kt.node);
	t->kt.posix = true;
	int err = timer_sigevent(t, &ev);
	struct process *p = process_current();
	if (!err)
		err = timer_insert(p, t, !uev);
	if (err) {
		kfree(t);
		return err;
	}
	if (put_user(t->id, uid)) {
		timer_remove(p, t->id);
		return -EFAULT;
	}
	return 0;
}

/* The setting of t as timer_gettime reports it. ptimer_lock and process_tree_lock held. */
static struct linux_itimerspec timer_get_locked(struct process *p, const struct posix_timer *t)
{
	spin_assert_held(&ptimer_lock);
	struct linux_itimerspec cur = { { 0, 0 }, { 0, 0 } };
	uint64_t now;
	if (!t->expiry || !base_now(p, t, true, &now))
		return cur;
	uint64_t expiry = t->expiry;
	/* A periodic timer waiting for its signal to be taken, or one nobody is told about,
	 * has gone on meanwhile. */
	if (t->interval && now >= expiry && (t->sig_queued || t->notify == SIGEV_NONE))
		expiry += ((now - expiry) / t->interval + 1) * t->interval;
	uint64_t left = expiry > now ? expiry - now : t->notify == SIGEV_NONE ? 0 : 1;
	cur.it_interval = timer_ns_timespec(t->interval);
	cur.it_value = timer_ns_timespec(left);
	return cur;
}

/* Arm (value 0: disarm) t, on t->clock or, absolute realtime, on the realtime clock. */
static void timer_set_locked(struct process *p, struct posix_timer *t, uint64_t value,
			     uint64_t interval, bool abs)
{
	spin_assert_held(&ptimer_lock);
	unschedule_locked(p, t);
	t->sig_queued = false;
	t->overrun = 0;
	t->expiry = 0;
	t->interval = 0;
	if (!value)
		return;
	/* A relative realtime timer runs on the monotonic clock (Linux): only absolute ones
	 * follow clock_settime. */
	t->base = t->clock == CLOCK_REALTIME && !abs ? CLOCK_MONOTONIC : t->clock;
	uint64_t now = 0;
	if (!abs && !base_now(p, t, true, &now))
		return;
	t->interval = interval;
	t->expiry = abs ? value : now + value;
	schedule_locked(p, t);
}

SYSCALL_DEFINE4(timer_settime, int, id, int, flags, const struct linux_itimerspec __user *,
		unew, struct linux_itimerspec __user *, uold)
{
	struct linux_itimerspec its, old;
	uint64_t value, interval;
	if (!unew)
		return -EINVAL;
	if (copy_from_user(&its, unew, sizeof(its)))
		return -EFAULT;
	if (timer_timespec_ns(&its.it_value, &value) ||
	    timer_timespec_ns(&its.it_interval, &interval))
		return -EINVAL;
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	signal_cancel_timer(p, id); /* a signal of the old setting goes (not for a bad id) */
	spin_lock(&ptimer_lock);
	struct posix_timer *t = find_locked(p, id);
	if (t) {
		old = timer_get_locked(p, t);
		timer_set_locked(p, t, value, interval, flags & TIMER_ABSTIME);
	}
	spin_unlock(&ptimer_lock);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!t)
		return -EINVAL;
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(timer_gettime, int, id, struct linux_itimerspec __user *, ucur)
{
	struct linux_itimerspec cur;
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	spin_lock(&ptimer_lock);
	struct posix_timer *t = find_locked(p, id);
	if (t)
		cur = timer_get_locked(p, t);
	spin_unlock(&ptimer_lock);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!t)
		return -EINVAL;
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}

SYSCALL_DEFINE1(timer_getoverrun, int, id)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&ptimer_lock);
	struct posix_timer *t = find_locked(p, id);
	int r = t ? t->overrun_last : -EINVAL;
	spin_unlock_irqrestore(&ptimer_lock, f);
	return r;
}

SYSCALL_DEFINE1(timer_delete, int, id)
{
	return timer_remove(process_current(), id);
}
