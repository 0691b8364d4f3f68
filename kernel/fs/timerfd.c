/* timerfd_create, timerfd_settime, timerfd_gettime (see fs/timerfd.h): the timer's state, its
 * lazy expiration count, the kernel thread that wakes expired timers' waiters. */
#include <lib/printf.h>
#include <fs/timerfd.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/timerfd.h>

#define TFD_CREATE_FLAGS (TFD_NONBLOCK | TFD_CLOEXEC)
#define TFD_SETTIME_FLAGS (TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET)

struct timerfd {
	int clockid; /* immutable: CLOCK_REALTIME or CLOCK_MONOTONIC (what the others map to) */
	/* The rest: timerfd_lock. */
	uint64_t expiry; /* next expiration on the timer's clock, ns; 0: disarmed */
	uint64_t interval; /* ns; 0: one-shot */
	uint64_t ticks; /* expirations not yet read */
	bool cancel_on_set; /* TFD_TIMER_CANCEL_ON_SET given with an absolute realtime value */
	bool canceled; /* the clock was set since: the next read fails with ECANCELED */
	struct wait_queue wq; /* readers and pollers */
	struct list_node node; /* in timerfd_armed while expiry != 0 */
};

static struct spinlock timerfd_lock = SPINLOCK_INIT("timerfd");
static struct list_node timerfd_armed = LIST_HEAD_INIT(timerfd_armed);
static struct wait_queue timerfd_thread_wq = WAIT_QUEUE_INIT(timerfd_thread_wq);
static int timerfd_thread_started; /* atomic: the thread exists (or is being made) */
static const struct file_ops timerfd_ops;

static uint64_t clock_now(int clockid)
{
	return clockid == CLOCK_REALTIME ? time_realtime_ns() : time_monotonic_ns();
}

/* Count the expirations up to now; wake the waiters when there are new ones. */
static void timerfd_update_locked(struct timerfd *t)
{
	spin_assert_held(&timerfd_lock);
	uint64_t now = clock_now(t->clockid);
	if (!t->expiry || now < t->expiry)
		return;
	if (t->interval) {
		uint64_t n = (now - t->expiry) / t->interval + 1;
		t->ticks += n;
		t->expiry += n * t->interval;
	} else {
		t->ticks++;
		t->expiry = 0;
		list_remove(&t->node);
	}
	wait_queue_wake_locked(&t->wq, 0);
}

/* ---- the thread ------------------------------------------------------------------------------ */

/* The monotonic deadline of t's next expiration (a realtime timer's moves with the clock: the
 * thread recomputes it at every pass). */
static uint64_t mono_deadline(const struct timerfd *t)
{
	if (t->clockid != CLOCK_REALTIME)
		return t->expiry;
	uint64_t mono = time_monotonic_ns(), real = time_realtime_ns();
	return t->expiry > real ? mono + (t->expiry - real) : mono;
}

static void timerfd_thread(void *unused)
{
	(void)unused;
	uint64_t f = spin_lock_irqsave(&timerfd_lock);
	for (;;) {
		uint64_t next = 0;
		struct list_node *pos, *tmp;
		list_for_each_safe(pos, tmp, &timerfd_armed) {
			struct timerfd *t = list_entry(pos, struct timerfd, node);
			timerfd_update_locked(t); /* may take t off the list */
			if (t->expiry && (!next || mono_deadline(t) < next))
				next = mono_deadline(t);
		}
		/* A kernel thread: no signal reaches it, and it is never told to exit. */
		wait_queue_sleep_locked(&timerfd_thread_wq, &timerfd_lock, &f, next,
					SLEEP_UNINTERRUPTIBLE);
	}
}

void timerfd_clock_was_set(void)
{
	if (!__atomic_load_n(&timerfd_thread_started, __ATOMIC_ACQUIRE))
		return; /* no timerfd was ever made (the boot's own setting) */
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	struct list_node *pos;
	list_for_each(pos, &timerfd_armed) {
		struct timerfd *t = list_entry(pos, struct timerfd, node);
		if (t->cancel_on_set) {
			t->canceled = true;
			wait_queue_wake_locked(&t->wq, 0);
		}
	}
	wait_queue_wake_locked(&timerfd_thread_wq, 0); /* realtime deadlines moved */
	spin_unlock_irqrestore(&timerfd_lock, fl);
}

static int timerfd_thread_start(void)
{
	if (__atomic_exchange_n(&timerfd_thread_started, 1, __ATOMIC_ACQ_REL))
		return 0;
	struct thread *th = thread_create_kernel("timerfd", timerfd_thread, NULL);
	if (!th) {
		__atomic_store_n(&timerfd_thread_started, 0, __ATOMIC_RELEASE);
		return -ENOMEM;
	}
	sched_add_thread(th);
	return 0;
}

/* ---- the file -------------------------------------------------------------------------------- */

static long timerfd_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct timerfd *t = f->priv;
	if (u->resid < sizeof(uint64_t))
		return -EINVAL;
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	long r = 0;
	for (;;) {
		if (t->canceled) {
			t->canceled = false;
			t->ticks = 0;
			r = -ECANCELED;
			break;
		}
		timerfd_update_locked(t);
		if (t->ticks)
			break;
		if (uio_nonblock(u, READ_ONCE(f->flags))) {
			r = -EAGAIN;
			break;
		}
		/* Woken by the thread at expiry (or by a settime: then the count is 0 again). */
		if (signal_wait_queue_sleep_locked(&t->wq, &timerfd_lock, &fl, 0) == -EINTR) {
			r = -ERESTARTSYS;
			break;
		}
	}
	uint64_t ticks = t->ticks;
	if (r == 0)
		t->ticks = 0;
	spin_unlock_irqrestore(&timerfd_lock, fl);
	if (r)
		return r;
	if (uio_copy_out(u, &ticks, sizeof(ticks)))
		return -EFAULT;
	return sizeof(ticks);
}

static uint32_t timerfd_poll(struct file *f, struct poll_table *pt)
{
	struct timerfd *t = f->priv;
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	if (pt)
		poll_wait_locked(pt, &t->wq, &timerfd_lock);
	timerfd_update_locked(t);
	uint32_t mask = t->ticks || t->canceled ? POLLIN | POLLRDNORM : 0;
	spin_unlock_irqrestore(&timerfd_lock, fl);
	return mask;
}

static void timerfd_disarm_locked(struct timerfd *t)
{
	spin_assert_held(&timerfd_lock);
	if (t->expiry)
		list_remove(&t->node);
	t->expiry = 0;
}

static void timerfd_release(struct file *f)
{
	struct timerfd *t = f->priv;
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	timerfd_disarm_locked(t);
	spin_unlock_irqrestore(&timerfd_lock, fl);
	kfree(t);
}

static struct linux_itimerspec timerfd_get_locked(struct timerfd *t);

/* /proc/<pid>/fdinfo: Linux's lines (the expirations not yet read, the setting; the flags only
 * say whether TFD_TIMER_CANCEL_ON_SET is in force). */
static long timerfd_fdinfo(struct file *f, char *buf, size_t size)
{
	struct timerfd *t = f->priv;
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	struct linux_itimerspec cur = timerfd_get_locked(t);
	uint64_t ticks = t->ticks;
	uint32_t flags = t->cancel_on_set ? TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET : 0;
	int clockid = t->clockid;
	spin_unlock_irqrestore(&timerfd_lock, fl);
	return ksnprintf(buf, size,
			 "clockid: %d\nticks: %lu\nsettime flags: 0%o\nit_value: (%ld, %ld)\n"
			 "it_interval: (%ld, %ld)\n",
			 clockid, ticks, flags, cur.it_value.tv_sec, cur.it_value.tv_nsec,
			 cur.it_interval.tv_sec, cur.it_interval.tv_nsec);
}

static const struct file_ops timerfd_ops = {
	.fdinfo = timerfd_fdinfo,
	.read = timerfd_read,
	.llseek = noop_llseek,
	.poll = timerfd_poll,
	.release = timerfd_release,
};

/* ---- the system calls -------------------------------------------------------------------------- */

/* The clock a timerfd of clockid runs on, or -EINVAL / -EPERM. */
static int timerfd_clock(int clockid)
{
	switch (clockid) {
	case CLOCK_REALTIME:
	case CLOCK_MONOTONIC:
		return clockid;
	case CLOCK_BOOTTIME:
		return CLOCK_MONOTONIC;
	case CLOCK_REALTIME_ALARM:
	case CLOCK_BOOTTIME_ALARM:
		return timer_alarm_clock(clockid);
	}
	return -EINVAL;
}

SYSCALL_DEFINE2(timerfd_create, int, clockid, int, flags)
{
	if (flags & ~TFD_CREATE_FLAGS)
		return -EINVAL;
	int clock = timerfd_clock(clockid);
	if (clock < 0)
		return clock;
	int r = timerfd_thread_start();
	if (r)
		return r;
	struct timerfd *t = kmalloc(sizeof(*t));
	if (!t)
		return -ENOMEM;
	*t = (struct timerfd){ .clockid = clock };
	wait_queue_init(&t->wq);
	list_init(&t->node);
	return anon_fd_create(&timerfd_ops, t, O_RDWR | ((uint32_t)flags & O_NONBLOCK),
			      flags & TFD_CLOEXEC);
}

/* The current setting: time to the next expiration and the interval. */
static struct linux_itimerspec timerfd_get_locked(struct timerfd *t)
{
	spin_assert_held(&timerfd_lock);
	timerfd_update_locked(t);
	uint64_t left = 0, now = clock_now(t->clockid);
	if (t->expiry)
		left = t->expiry > now ? t->expiry - now : 1;
	return (struct linux_itimerspec){ .it_interval = timer_ns_timespec(t->interval),
					  .it_value = timer_ns_timespec(left) };
}

/* The timerfd behind fd (referenced in *fp): 0, -EBADF or -EINVAL (not a timerfd). */
static int timerfd_get_file(int fd, struct file **fp)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->ops != &timerfd_ops) {
		file_put(f);
		return -EINVAL;
	}
	*fp = f;
	return 0;
}

/* Arm (value 0: disarm) t, the expiration count starting again from zero. */
static void timerfd_arm_locked(struct timerfd *t, uint64_t value, uint64_t interval, bool abs)
{
	spin_assert_held(&timerfd_lock);
	timerfd_disarm_locked(t);
	t->ticks = 0;
	t->interval = interval;
	if (value) {
		t->expiry = abs ? value : clock_now(t->clockid) + value;
		list_add_tail(&timerfd_armed, &t->node);
		wait_queue_wake_locked(&timerfd_thread_wq, 0); /* a new earliest deadline? */
	}
}

SYSCALL_DEFINE4(timerfd_settime, int, fd, int, flags, const struct linux_itimerspec __user *,
		unew, struct linux_itimerspec __user *, uold)
{
	if (flags & ~TFD_SETTIME_FLAGS)
		return -EINVAL;
	struct linux_itimerspec its;
	if (copy_from_user(&its, unew, sizeof(its)))
		return -EFAULT;
	uint64_t value, interval;
	if (timer_timespec_ns(&its.it_value, &value) ||
	    timer_timespec_ns(&its.it_interval, &interval))
		return -EINVAL;
	struct file *f;
	int r = timerfd_get_file(fd, &f);
	if (r)
		return r;
	struct timerfd *t = f->priv;
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	struct linux_itimerspec old = timerfd_get_locked(t);
	/* An absolute time of 0 is in the past yet must not read as "disarm". */
	if (value == 0 && (its.it_value.tv_sec || its.it_value.tv_nsec))
		value = 1;
	timerfd_arm_locked(t, value, interval, flags & TFD_TIMER_ABSTIME);
	t->cancel_on_set = t->clockid == CLOCK_REALTIME && (flags & TFD_TIMER_ABSTIME) &&
			   (flags & TFD_TIMER_CANCEL_ON_SET);
	t->canceled = false;
	spin_unlock_irqrestore(&timerfd_lock, fl);
	file_put(f);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

SYSCALL_DEFINE2(timerfd_gettime, int, fd, struct linux_itimerspec __user *, ucur)
{
	struct file *f;
	int r = timerfd_get_file(fd, &f);
	if (r)
		return r;
	uint64_t fl = spin_lock_irqsave(&timerfd_lock);
	struct linux_itimerspec cur = timerfd_get_locked(f->priv);
	spin_unlock_irqrestore(&timerfd_lock, fl);
	file_put(f);
	return copy_to_user(ucur, &cur, sizeof(cur)) ? -EFAULT : 0;
}
