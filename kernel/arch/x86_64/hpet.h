/* HPET (IA-PC High Precision Event Timers, spec rev 1.0a): its main counter as a calibration
 * reference and a clock source. The comparators are left disabled; the kernel takes no HPET
 * interrupts. */
#ifndef ARCH_HPET_H
#define ARCH_HPET_H

#include <stdbool.h>
#include <stdint.h>

/* Map the block at `phys` (from the ACPI HPET table), check its period, disable every
 * comparator's interrupt and start the main counter. -ENODEV when it is unusable. */
int hpet_init(uint64_t phys);
bool hpet_available(void);
/* The main counter, widened to 64 bits for 32-bit HPETs (the tick keeps the widening fed). */
uint64_t hpet_counter(void);
uint64_t hpet_period_fs(void); /* femtoseconds per counter tick */
uint64_t hpet_ticks_to_ns(uint64_t ticks);
uint64_t hpet_read_ns(void); /* clock-source read: counter in nanoseconds */
/* Called from the tick: reads a 32-bit counter often enough not to miss a wrap. */
void hpet_keepalive(void);

#endif
