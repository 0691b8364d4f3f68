/* Local APIC (xAPIC via MMIO, or x2APIC via MSRs when the CPU has it): per-CPU interrupt
 * controller, end-of-interrupt, the per-CPU timer, and inter-processor interrupts. */
#ifndef ARCH_LAPIC_H
#define ARCH_LAPIC_H

#include <stdbool.h>
#include <stdint.h>

void lapic_init(void); /* this CPU: enable, spurious vector, mask LINTs as the MADT says */
void lapic_eoi(void);
uint32_t lapic_id(void);
void lapic_send_ipi(uint32_t apic_id, uint8_t vector);
/* SMP bring-up: INIT, then STARTUP with the real-mode entry at page * 4 KiB. */
void lapic_send_init(uint32_t apic_id);
void lapic_send_startup(uint32_t apic_id, uint8_t page);
bool lapic_is_x2apic(void);

/* The LAPIC timer of this CPU counts down at the APIC timer clock / LAPIC_TIMER_DIVIDER. */
#define LAPIC_TIMER_DIVIDER 16
/* Masked one-shot from the maximum count: a free-running down-counter for calibration. */
void lapic_timer_start_free(void);
uint32_t lapic_timer_count(void);
/* One-shot mode on `vector` (nothing counts until lapic_timer_set_count). */
void lapic_timer_oneshot(uint8_t vector);
/* (Re)start the one-shot countdown: one interrupt after `count` timer clocks. */
void lapic_timer_set_count(uint32_t count);
void lapic_timer_stop(void);

#endif
