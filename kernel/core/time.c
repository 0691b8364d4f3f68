/* Monotonic time: reads the registered clock source and offsets it so that the kernel's clock
 * starts near zero and never runs backwards when a better source replaces a worse one. */
#include <core/time.h>
#include <core/compiler.h>
#include <fs/timerfd.h>

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
}
