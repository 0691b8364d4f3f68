/* Internals of interrupt entry shared by the stubs (isr.S), the IDT and dispatcher (idt.c), the
 * exception handlers and the self-tests: trap_frame offsets for assembly, the gate format, and
 * the few counters the tests observe. Drivers use trap.h, not this. */
#ifndef ARCH_IDT_H
#define ARCH_IDT_H

#define IDT_VECTORS 256
#define EXCEPTION_VECTORS 32 /* 0-31 are reserved for CPU exceptions */

/* Byte offsets in struct trap_frame (checked against the struct in idt.c). */
#define TF_R11 32
#define TF_RBP 64
#define TF_RCX 96
#define TF_RAX 112
#define TF_VECTOR 120
#define TF_ERROR_CODE 128
#define TF_RIP 136
#define TF_CS 144
#define TF_RFLAGS 152
#define TF_RSP 160
#define TF_SS 168
#define TF_SIZE 176

/* Same value as MSR_GS_BASE in cpu.h, which assembly cannot include (checked in idt.c). */
#define ISR_MSR_GS_BASE 0xc0000101

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <arch/x86_64/trap.h>
#include <core/compiler.h>

/* A 64-bit IDT gate (Intel SDM vol. 3, "64-Bit Mode IDT"). */
struct idt_gate {
	uint16_t offset_low;
	uint16_t selector;
	uint8_t ist; /* bits 2:0; 0 = stay on the current stack */
	uint8_t type_attr; /* P, DPL, gate type */
	uint16_t offset_mid;
	uint32_t offset_high;
	uint32_t reserved;
} __packed;
_Static_assert(sizeof(struct idt_gate) == 16, "IDT gate layout");

#define GATE_PRESENT 0x80
#define GATE_DPL_SHIFT 5
#define GATE_DPL_MASK (3 << GATE_DPL_SHIFT)
#define GATE_TYPE_MASK 0x0f
#define GATE_TYPE_INTERRUPT 0x0e /* clears IF on entry */
#define GATE_IST_MASK 0x07

/* Entry stub of each vector, in isr.S. */
extern const uint64_t isr_stub_table[IDT_VECTORS];

/* Called by isr.S with the frame it built; routes exceptions and interrupts. */
void trap_dispatch(struct trap_frame *f);

/* Remove a handler installed by irq_register (only if it is still h). */
void irq_unregister(uint8_t vector, irq_handler_t h);
/* External interrupts (spurious ones included) taken on all CPUs since boot. */
uint64_t irq_total_count(void);
/* Interrupts on VECTOR_SPURIOUS taken on all CPUs. */
uint64_t irq_spurious_count(void);
#endif

#endif
