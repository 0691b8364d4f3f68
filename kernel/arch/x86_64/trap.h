/* Interrupt and exception entry: the register frame every vector's stub builds, the IDT, and
 * registration of interrupt handlers. Vector map: 0-31 CPU exceptions, 32-55 IOAPIC GSIs
 * (VECTOR_GSI_BASE + gsi), 0xf0 LAPIC timer, 0xf1-0xfd IPIs, 0xff LAPIC spurious. */
#ifndef ARCH_TRAP_H
#define ARCH_TRAP_H

#define VECTOR_GSI_BASE 0x20
#define VECTOR_GSI_COUNT 24
#define VECTOR_TIMER 0xf0
#define VECTOR_IPI_RESCHED 0xf1
#define VECTOR_IPI_TLB 0xf2
#define VECTOR_IPI_STOP 0xf3
#define VECTOR_SPURIOUS 0xff
/* Not a hardware vector: the `vector` of a frame built by the SYSCALL entry (syscall_entry.S),
 * whose error_code holds the original rax (the system-call number) for restart logic. */
#define VECTOR_SYSCALL 0x100

#ifndef __ASSEMBLER__
#include <stdbool.h>
#include <stdint.h>

/* Saved by the entry stubs, lowest address first; the CPU pushed everything from rip on
 * (and error_code, or the stub pushed 0). Layout is shared with isr.S: keep in sync. */
struct trap_frame {
	uint64_t r15, r14, r13, r12, r11, r10, r9, r8;
	uint64_t rbp, rdi, rsi, rdx, rcx, rbx, rax;
	uint64_t vector, error_code;
	uint64_t rip, cs, rflags, rsp, ss;
};
_Static_assert(sizeof(struct trap_frame) == 22 * 8, "trap_frame layout");

typedef void (*irq_handler_t)(struct trap_frame *f);

/* Load this CPU's IDT (the table itself is shared by all CPUs). */
void idt_init(void);
/* Install a handler for an external-interrupt vector (32-255); EOI is sent by the dispatcher
 * after the handler returns. Returns -EBUSY if taken, -EINVAL for exception vectors. */
int irq_register(uint8_t vector, irq_handler_t h);
/* True when the frame was interrupted while in user mode (CPL 3). */
static inline bool trap_from_user(const struct trap_frame *f)
{
	return (f->cs & 3) == 3;
}
#endif

#endif
