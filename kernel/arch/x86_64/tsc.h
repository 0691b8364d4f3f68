/* The time-stamp counter: ordered reads, the calibrated frequency and conversion of cycles to
 * nanoseconds without overflow (a 32.32 fixed-point multiplier and a 128-bit product). */
#ifndef ARCH_TSC_H
#define ARCH_TSC_H

#include <stdbool.h>
#include <stdint.h>

/* RDTSC that does not move ahead of earlier instructions (LFENCE first). */
static inline uint64_t rdtsc_ordered(void)
{
	uint32_t lo, hi;
	__asm__ volatile("lfence; rdtsc" : "=a"(lo), "=d"(hi)::"memory");
	return ((uint64_t)hi << 32) | lo;
}

/* Record the calibrated frequency; the conversions below are valid from then on. */
void tsc_set_hz(uint64_t hz);
uint64_t tsc_hz(void); /* 0 before calibration */
/* CPUID 0x80000007 EDX bit 8: the TSC runs at a constant rate in every P/C-state. */
bool tsc_is_invariant(void);
uint64_t tsc_cycles_to_ns(uint64_t cycles);
uint64_t tsc_read_ns(void); /* clock-source read: the TSC in nanoseconds */

#endif
