/* The 8254 PIT's channel 2 (gated through port 0x61) as a polled one-shot: the calibration
 * reference when there is no HPET, and the busy-wait before any clock is calibrated. */
#ifndef ARCH_PIT_H
#define ARCH_PIT_H

#include <stdbool.h>
#include <stdint.h>

#define PIT_HZ 1193182 /* input clock of the 8254 */
#define PIT_MAX_COUNT 0xffff

/* Count `ticks` PIT clocks down from now; pit_oneshot_done() turns true when they elapsed. */
void pit_oneshot_start(uint16_t ticks);
bool pit_oneshot_done(void);
/* Busy-wait at least `us` microseconds on channel 2. */
void pit_udelay(uint64_t us);

#endif
