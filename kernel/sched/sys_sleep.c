/* nanosleep and clock_nanosleep: a deadline on the monotonic clock, slept on with
 * sched_sleep_until. A signal cuts the sleep short: a relative sleep writes the time left to
 * rem and, when no handler runs (a stop and continue, say), resumes through restart_syscall
 * towards the same deadline; an absolute one just starts again. With a handler the caller
 * gets EINTR. Spurious wake-ups sleep again. */
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <sched/sched.h>
#include <proc/signal.h>
#include <uapi/errno.h>
#include <uapi/time.h>

#define NSEC_MAX (NSEC_PER_SEC - 1)
#define DEADLINE_NEVER UINT64_MAX

static int timespec_to_ns(const struct linux_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec > (int64_t)NSEC_MAX)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > (DEADLINE_NEVER - NSEC_MAX) / NSEC_PER_SEC)
		*ns = DEADLINE_NEVER; /* centuries away: sleep "forever" */
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

static uint64_t add_saturating(uint64_t a, uint64_t b)
{
	return a > DEADLINE_NEVER - b ? DEADLINE_NEVER : a + b;
}

int timeout_from_user(const void __user *uts, uint64_t *deadline)
{
	struct linux_timespec ts;
	uint64_t ns;
	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (timespec_to_ns(&ts, &ns))
		return -EINVAL;
	*deadline = add_saturating(time_monotonic_ns(), ns);
	return 0;
}

static int report_remaining(uint64_t deadline, struct linux_timespec __user *rem)
{
	if (!rem)
		return 0;
	uint64_t now = time_monotonic_ns();
	uint64_t left = deadline > now ? deadline - now : 0;
	struct linux_timespec ts = { .tv_sec = (int64_t)(left / NSEC_PER_SEC),
				     .tv_nsec = (int64_t)(left % NSEC_PER_SEC) };
	return copy_to_user(rem, &ts, sizeof(ts)) ? -EFAULT : 0;
}

static long sleep_relative(uint64_t deadline, struct linux_timespec __user *rem);

static long sleep_resume(struct restart_block *rb)
{
	return sleep_relative(rb->deadline_ns, (struct linux_timespec __user *)rb->arg[0]);
}

/* Until deadline (monotonic); true when a signal cut it short. */
static bool sleep_interrupted(uint64_t deadline)
{
	while (time_monotonic_ns() < deadline) {
		if (signal_sleep_until(deadline) == -EINTR)
			return true;
	}
	return false;
}

static long sleep_relative(uint64_t deadline, struct linux_timespec __user *rem)
{
	if (!sleep_interrupted(deadline))
		return 0;
	int err = report_remaining(deadline, rem);
	if (err)
		return err;
	struct restart_block *rb = &current_thread()->restart;
	*rb = (struct restart_block){ .fn = sleep_resume, .deadline_ns = deadline,
				      .arg = { (uint64_t)rem } };
	return -ERESTART_RESTARTBLOCK;
}

static long sleep_absolute(uint64_t deadline)
{
	return sleep_interrupted(deadline) ? -ERESTARTNOHAND : 0;
}

SYSCALL_DEFINE2(nanosleep, const struct linux_timespec __user *, req,
		struct linux_timespec __user *, rem)
{
	struct linux_timespec ts;
	uint64_t ns;
	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	int err = timespec_to_ns(&ts, &ns);
	if (err)
		return err;
	return sleep_relative(add_saturating(time_monotonic_ns(), ns), rem);
}

/* The clocks Linux lets one sleep on; the realtime ones are converted with the offset between
 * wall and monotonic time at the call (a later clock change does not move the deadline). */
static int clock_kind(int clock, bool *realtime)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_TAI:
		*realtime = true;
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID: /* monotonic-based until CPU-time accounting exists */
		*realtime = false;
		return 0;
	case CLOCK_THREAD_CPUTIME_ID:
		return -EOPNOTSUPP; /* Linux: the clock has no nsleep (bug clock_nanosleep01) */
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_MONOTONIC_COARSE:
		return -EOPNOTSUPP;
	default:
		return -EINVAL;
	}
}

SYSCALL_DEFINE4(clock_nanosleep, int, clock, int, flags, const struct linux_timespec __user *, req,
		struct linux_timespec __user *, rem)
{
	bool realtime;
	struct linux_timespec ts;
	uint64_t ns;
	int err = clock_kind(clock, &realtime);
	if (err)
		return err;
	if (copy_from_user(&ts, req, sizeof(ts)))
		return -EFAULT;
	err = timespec_to_ns(&ts, &ns);
	if (err)
		return err;
	if (!(flags & TIMER_ABSTIME))
		return sleep_relative(add_saturating(time_monotonic_ns(), ns), rem);
	if (realtime) { /* a wall time before boot is already past */
		uint64_t offset = time_realtime_ns() - time_monotonic_ns();
		ns = ns > offset ? ns - offset : 0;
	}
	return sleep_absolute(ns);
}
