/* The kernel's monotonic clock. Before a clock source is registered it reads 0; the timer code
 * registers the best source it calibrates (invariant TSC, else HPET). */
#ifndef CORE_TIME_H
#define CORE_TIME_H

#include <stdint.h>

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_MSEC 1000000ULL
#define NSEC_PER_USEC 1000ULL

struct clocksource {
	const char *name;
	uint64_t (*read_ns)(void); /* monotonic nanoseconds since an arbitrary origin */
};

void clocksource_register(const struct clocksource *cs);
const struct clocksource *clocksource_current(void);
uint64_t time_monotonic_ns(void); /* nanoseconds since the kernel started its clock */
/* Wall-clock time (CLOCK_REALTIME) in nanoseconds since 1970: the RTC's reading at boot plus
 * the monotonic clock since; time_set_realtime() sets it (boot RTC read, settimeofday). */
uint64_t time_realtime_ns(void);
void time_set_realtime(uint64_t now_ns);

/* Interval-timer values (timerfd_settime, timer_settime): a timespec as nanoseconds, -EINVAL
 * for a negative or non-normalized one; centuries are capped (far enough to never come). */
struct linux_timespec;
int timer_timespec_ns(const struct linux_timespec *ts, uint64_t *ns);
struct linux_timespec timer_ns_timespec(uint64_t ns);
/* A timer on CLOCK_REALTIME_ALARM or CLOCK_BOOTTIME_ALARM: the clock it runs on (there is no
 * suspend to wake from), or -EPERM without CAP_WAKE_ALARM. */
int timer_alarm_clock(int clockid);

#endif
