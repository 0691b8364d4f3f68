/* Monotonic time: reads the registered clock source and offsets it so that the kernel's clock
 * starts near zero and never runs backwards when a better source replaces a worse one. */
#include <core/time.h>
#include <core/compiler.h>
#include <fs/timerfd.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/time.h>

static const struct clocksource *current_cs; /* written once per switch, at boot */
static uint64_t cs_offset; /* added to the source's reading */
static uint64_t last_before_switch;

void clocksource_register(const struct clocksource *cs)
{
	uint64_t now = time_monotonic_ns();
	last_before_switch = now;
	cs_offset = now - cs->read_ns();
	WRITE_ONCE(current_cs, cs);
}

const struct clocksource *clocksource_current(void)
{
	return current_cs;
}

uint64_t time_monotonic_ns(void)
{
	const struct clocksource *cs = READ_ONCE(current_cs);
	if (!cs)
		return 0;
	uint64_t t = cs->read_ns() + cs_offset;
	return t < last_before_switch ? last_before_switch : t;
}

static int64_t realtime_offset; /* realtime - monotonic, in ns */

uint64_t time_realtime_ns(void)
{
	return time_monotonic_ns() + (uint64_t)READ_ONCE(realtime_offset);
}

void time_set_realtime(uint64_t now_ns)
{
	WRITE_ONCE(realtime_offset, (int64_t)(now_ns - time_monotonic_ns()));
	timerfd_clock_was_set(); /* TFD_TIMER_CANCEL_ON_SET, realtime deadlines */
	itimer_clock_was_set(); /* absolute CLOCK_REALTIME POSIX timers */
}

int timer_timespec_ns(const struct linux_timespec *ts, uint64_t *ns)
{
	if (ts->tv_sec < 0 || ts->tv_nsec < 0 || ts->tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	if ((uint64_t)ts->tv_sec > UINT64_MAX / 4 / NSEC_PER_SEC) /* centuries: cap */
		*ns = UINT64_MAX / 4;
	else
		*ns = (uint64_t)ts->tv_sec * NSEC_PER_SEC + (uint64_t)ts->tv_nsec;
	return 0;
}

struct linux_timespec timer_ns_timespec(uint64_t ns)
{
	return (struct linux_timespec){ .tv_sec = (int64_t)(ns / NSEC_PER_SEC),
					.tv_nsec = (int64_t)(ns % NSEC_PER_SEC) };
}

int timer_alarm_clock(int clockid)
{
	if (!capable(CAP_WAKE_ALARM))
		return -EPERM;
	return clockid == CLOCK_REALTIME_ALARM ? CLOCK_REALTIME : CLOCK_MONOTONIC;
}
