/* Clock system calls: clock_gettime, clock_getres, gettimeofday, time. CLOCK_REALTIME(_COARSE)
 * and CLOCK_TAI are the wall clock (time_realtime_ns; TAI without the leap-second offset);
 * the others are the monotonic clock for now: there is no suspend (BOOTTIME = MONOTONIC), no
 * frequency adjustment (RAW = MONOTONIC), and the CPU-time clocks wait for per-thread
 * accounting (they report monotonic time, which only over-reports CPU time). */
#include <syscall/syscall.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <uapi/errno.h>
#include <uapi/time.h>

#define COARSE_RES_NS (NSEC_PER_SEC / TIMER_HZ)
#define HIRES_RES_NS 1

/* Nanoseconds on `clock`, or -EINVAL for an id this kernel does not know. */
static int clock_now_ns(int clock, uint64_t *ns)
{
	switch (clock) {
	case CLOCK_REALTIME:
	case CLOCK_REALTIME_COARSE:
	case CLOCK_TAI:
		*ns = time_realtime_ns();
		return 0;
	case CLOCK_MONOTONIC:
	case CLOCK_MONOTONIC_RAW:
	case CLOCK_MONOTONIC_COARSE:
	case CLOCK_BOOTTIME:
	case CLOCK_PROCESS_CPUTIME_ID:
	case CLOCK_THREAD_CPUTIME_ID:
		*ns = time_monotonic_ns();
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
	if (tz) { /* UTC, no DST: the kernel keeps no time zone */
		struct linux_timezone z = { 0, 0 };
		if (copy_to_user(tz, &z, sizeof(z)))
			return -EFAULT;
	}
	return 0;
}

SYSCALL_DEFINE1(time, int64_t __user *, tloc)
{
	int64_t secs = (int64_t)(time_realtime_ns() / NSEC_PER_SEC);
	if (tloc && put_user(secs, tloc))
		return -EFAULT;
	return secs;
}
