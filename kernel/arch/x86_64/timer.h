/* Time keeping: calibrates the TSC (and the LAPIC timer) against the HPET, or the PIT when
 * there is no HPET, registers the monotonic clock source, and runs a tick of TIMER_HZ on each
 * CPU through its LAPIC timer in one-shot mode, with an interrupt in between for any earlier
 * deadline the scheduler arms. */
#ifndef ARCH_TIMER_H
#define ARCH_TIMER_H

#include <stdbool.h>
#include <stdint.h>

#define TIMER_HZ 1000

void timer_init(void); /* boot CPU: calibrate, register clock source, start the tick */
void timer_init_ap(void); /* secondary CPU, after its lapic_init: start its tick */
uint64_t timer_ticks(void); /* ticks since timer_init on the boot CPU */
uint64_t timer_ticks_this_cpu(void); /* ticks of this CPU's timer since it started */
uint64_t tsc_khz(void); /* calibrated TSC frequency */
/* Busy-wait; only for early boot and drivers that must wait microseconds. */
void udelay(uint64_t us);

/* Called on every timer interrupt with interrupts off (the scheduler hooks in here): tick says
 * whether a tick period ended (time slices and CPU-time accounting run only then), from_user
 * whether the interrupt came from user mode. Setting returns the hook replaced. */
typedef void (*tick_hook_t)(bool from_user, bool tick);
tick_hook_t timer_set_tick_hook(tick_hook_t hook);
/* This CPU's timer interrupt comes at deadline_ns (monotonic) at the latest: an earlier
 * deadline than the one programmed reprograms it (until that interrupt, the earliest wins).
 * Interrupts off. */
void timer_arm(uint64_t deadline_ns);

/* Reference clocks for calibration. */
enum timer_ref { TIMER_REF_HPET, TIMER_REF_PIT };
/* Measure the TSC frequency (and, when lapic_hz is not NULL, this CPU's LAPIC timer clock
 * after its divider, which stops its tick) against `ref`: the median of several rounds, with
 * interrupts off. -ENODEV when the reference is absent, -ETIMEDOUT when it never advanced. */
int timer_calibrate(enum timer_ref ref, uint64_t *tsc_hz, uint64_t *lapic_hz);

#endif
