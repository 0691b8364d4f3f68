/* The legacy 8259 PIC pair. Zero-OS takes interrupts through the LAPIC and IOAPIC only; the PICs
 * are remapped away from the exception vectors and masked so they stay silent. */
#ifndef ARCH_PIC_H
#define ARCH_PIC_H

/* Where the PICs deliver after pic_disable (IRQ 0-15). A spurious IRQ 7/15 that a masked PIC can
 * still raise then looks like an unexpected device interrupt, never like a CPU exception. */
#define PIC_VECTOR_BASE 0x40 /* clear of the IOAPIC GSI vectors (0x20-0x37): a spurious
			      * IRQ 7/15 from the masked PIC is not mistaken for a device */
#define PIC_LINES 16

/* Remap both PICs to PIC_VECTOR_BASE and mask every line. */
void pic_disable(void);

#endif
