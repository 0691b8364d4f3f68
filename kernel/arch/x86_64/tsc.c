/* TSC frequency bookkeeping and cycles -> nanoseconds: ns = cycles * mult >> 32 with a 128-bit
 * product, so no intermediate overflows however long the machine has been up. */
#include <arch/x86_64/tsc.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/cpu_features.h>
#include <core/time.h>

#define NS_MULT_SHIFT 32

/* Written once by the boot CPU's calibration, before the TSC clock source is registered. */
static uint64_t hz;
static uint64_t ns_mult;

void tsc_set_hz(uint64_t f)
{
	if (!f)
		return;
	hz = f;
	ns_mult = (NSEC_PER_SEC << NS_MULT_SHIFT) / f;
}

uint64_t tsc_hz(void)
{
	return hz;
}

uint64_t tsc_khz(void)
{
	return hz / 1000;
}

bool tsc_is_invariant(void)
{
	return cpu_features.invariant_tsc;
}

uint64_t tsc_cycles_to_ns(uint64_t cycles)
{
	return (uint64_t)(((unsigned __int128)cycles * ns_mult) >> NS_MULT_SHIFT);
}

uint64_t tsc_read_ns(void)
{
	return tsc_cycles_to_ns(rdtsc_ordered());
}
