/* IOAPIC: routes global system interrupts (GSIs) to vectors VECTOR_GSI_BASE + gsi on a CPU. */
#ifndef ARCH_IOAPIC_H
#define ARCH_IOAPIC_H

#include <stdint.h>

void ioapic_init(void); /* all pins masked */
/* Route `gsi` to vector VECTOR_GSI_BASE+gsi on the CPU with apic_id, unmasked; MPS INTI flags
 * give polarity/trigger (0 = bus default: ISA edge/high). */
int ioapic_route(uint32_t gsi, uint16_t flags, uint32_t apic_id);
void ioapic_mask(uint32_t gsi);

#endif
