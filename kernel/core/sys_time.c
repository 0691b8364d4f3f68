/* Clock system calls: clock_gettime, clock_getres, gettimeofday, time, and setting the wall
 * clock (clock_settime, settimeofday) with its time zone. CLOCK_REALTIME(_COARSE)
 * and CLOCK_TAI are the wall clock (time_realtime_ns; TAI without the leap-second offset);
 * the CPU-time clocks are the thread's or the process's CPU time as the tick samples it; the
 * others are the monotonic clock: there is no suspend (BOOTTIME = MONOTONIC) and no frequency
 * adjustment (RAW = MONOTONIC). */
#include <syscall/syscall.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <lib/string.h>
#include <proc/process.h>
#include <sched/thread.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/time.h>

#define COARSE_RES_NS (NSEC_PER_SEC / TIMER_HZ)

/* The time zone settimeofday last set (struct linux_timezone, both fields in one atomic word);
 * the kernel only keeps it for gettimeofday, as Linux's sys_tz. */
static uint64_t sys_tz;
_Static_assert(sizeof(struct linux_timezone) == sizeof(sys_tz), "timezone fits one word");
#define HIRES_RES_NS 1

/* The CPU time of the calling thread, or of its whole process (every thread, those gone too),
 * as the tick samples it: user plus system. */
static uint64_t cpu_time_ns(bool thread_only)
{
	struct thread *t = current_thread();
	const uint64_t *u = &t->utime_ns, *s = &t->stime_ns;
	if (!thread_only && t->proc) {
		u = &t->proc->utime_ns;
		s = &t->proc->stime_ns;
	}
	return __atomic_load_n(u, __ATOMIC_RELAXED) + __atomic_load_n(s, __ATOMIC_RELAXED);
}

/* Nanoseconds on `clock`, or -EINVAL for an id this kernel does not know. */
static int clock_now_ns(int clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
	case CLOCK_REALTIME_ALARM: /* the alarm clocks read as the clocks they wake from */
		*ns = time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_BOOTTIME_ALARM:
		*ns = time_monotonic_ns();
		return 0;
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = cpu_time_ns(clock == CLOCK_THREAD_CPUTIME_ID);
		return 0;
	default:
		return -EINVAL;
	}
}

static struct linux_timespec ns_to_timespec(uint64_t ns)
{
	return (struct linux_timespec){ .tv_sec = (int64_t)(ns / NSEC_PER_SEC),
					.tv_nsec = (int64_t)(ns % NSEC_PER_SEC) };
}

SYSCALL_DEFINE2(clock_gettime, int, clock, struct linux_timespec __user *, tp)
{
	uint64_t ns;
	int err = clock_now_ns(clock, &ns);
	if (err)
		return err;
	struct linux_timespec ts = ns_to_timespec(ns);
	return copy_to_user(tp, &ts, sizeof(ts));
}

SYSCALL_DEFINE2(clock_getres, int, clock, struct linux_timespec __user *, res)
{
	uint64_t ns;
	int err = clock_now_ns(clock, &ns);
	if (err)
		return err;
	if (!res) /* allowed: only validates the clock id */
		return 0;
	bool coarse = clock == CLOCK_REALTIME_COARSE || clock == CLOCK_MONOTONIC_COARSE;
	struct linux_timespec ts = ns_to_timespec(coarse ? COARSE_RES_NS : HIRES_RES_NS);
	return copy_to_user(res, &ts, sizeof(ts));
}

SYSCALL_DEFINE2(gettimeofday, struct linux_timeval __user *, tv, struct linux_timezone __user *,
		tz)
{
	if (tv) {
		uint64_t ns = time_realtime_ns();
		struct linux_timeval v = { .tv_sec = (int64_t)(ns / NSEC_PER_SEC),
					   .tv_usec = (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC) };
		if (copy_to_user(tv, &v, sizeof(v)))
			return -EFAULT;
	}
	if (tz) {
		uint64_t packed = __atomic_load_n(&sys_tz, __ATOMIC_RELAXED);
		struct linux_timezone z;
		memcpy(&z, &packed, sizeof(z));
		if (copy_to_user(tz, &z, sizeof(z)))
			return -EFAULT;
	}
	return 0;
}

/* Linux's limit for a settable wall clock: 30 years short of where 64-bit nanoseconds end, so
 * that uptime can be added to it (TIME_SETTOD_SEC_MAX). */
#define SETTOD_SEC_MAX (INT64_MAX / (int64_t)NSEC_PER_SEC - 30LL * 365 * 86400)

/* Set the wall clock to ts, checked as Linux does: EINVAL for a bad value or a time before the
 * system started (the monotonic clock), then EPERM without privilege (CAP_SYS_TIME). */
static int settime(const struct linux_timespec *ts)
{
	if (ts->tv_sec < 0 || ts->tv_sec >= SETTOD_SEC_MAX || ts->tv_nsec < 0 ||
	    ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if (!capable(CAP_SYS_TIME))
		return -EPERM;
	uint64_t ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	if (ns < time_monotonic_ns())
		return -EINVAL;
	time_set_realtime(ns);
	return 0;
}

SYSCALL_DEFINE2(clock_settime, int, clock, const struct linux_timespec __user *, tp)
{
	uint64_t ns;
	int err = clock_now_ns(clock, &ns);
	if (err)
		return err;
	if (clock != CLOCK_REALTIME)
		return -EINVAL; /* the other clocks cannot be set */
	struct linux_timespec ts;
	if (copy_from_user(&ts, tp, sizeof(ts)))
		return -EFAULT;
	return settime(&ts);
}

SYSCALL_DEFINE2(settimeofday, const struct linux_timeval __user *, tv,
		const struct linux_timezone __user *, tz)
{
	struct linux_timeval v;
	struct linux_timezone z;
	if (tv && copy_from_user(&v, tv, sizeof(v)))
		return -EFAULT;
	if (tz && copy_from_user(&z, tz, sizeof(z)))
		return -EFAULT;
	if (tv && (v.tv_usec < 0 || v.tv_usec >= (int64_t)(NSEC_PER_SEC / NSEC_PER_USEC)))
		return -EINVAL;
	if (tz && (z.tz_minuteswest < -15 * 60 || z.tz_minuteswest > 15 * 60))
		return -EINVAL;
	if ((tv || tz) && !capable(CAP_SYS_TIME))
		return -EPERM;
	if (tz) {
		uint64_t packed;
		memcpy(&packed, &z, sizeof(packed));
		__atomic_store_n(&sys_tz, packed, __ATOMIC_RELAXED);
	}
	if (!tv)
		return 0;
	struct linux_timespec ts = { v.tv_sec, v.tv_usec * (int64_t)NSEC_PER_USEC };
	return settime(&ts);
}

SYSCALL_DEFINE1(time, int64_t __user *, tloc)
{
	int64_t secs = (int64_t)(time_realtime_ns() / NSEC_PER_SEC);
	if (tloc && put_user(secs, tloc))
		return -EFAULT;
	return secs;
}
