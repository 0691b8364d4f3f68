/* Per-CPU GDT and TSS. Selector values are fixed by the SYSCALL/SYSRET convention:
 * STAR needs kernel CS, kernel SS = CS+8, and for SYSRET user SS = base+8, user CS = base+16. */
#ifndef ARCH_GDT_H
#define ARCH_GDT_H

#define GDT_KERNEL_CS 0x08
#define GDT_KERNEL_DS 0x10
#define GDT_USER_CS32 0x18 /* SYSRET base (unused 32-bit code segment) */
#define GDT_USER_DS 0x23 /* 0x20 | RPL 3 */
#define GDT_USER_CS 0x2b /* 0x28 | RPL 3 */
#define GDT_TSS 0x30 /* 16-byte system descriptor: 0x30 and 0x38 */

/* Interrupt Stack Table slots (1-based as the IDT encodes them). */
#define IST_DOUBLE_FAULT 1
#define IST_NMI 2
#define IST_MACHINE_CHECK 3
#define IST_COUNT 3 /* slots in use */

#define IST_STACK_SIZE 16384
/* The top of every IST stack holds this CPU's struct percpu pointer (the rest of the slot is
 * padding that keeps the stack 16-byte aligned); TSS.IST points just below it, so the paranoid
 * entry in isr.S finds the pointer right after the trap frame, whatever GS holds. */
#define IST_TOP_RESERVED 16

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <core/compiler.h>

#define GDT_ENTRIES 8 /* null, kernel CS/DS, user CS32/DS/CS, TSS (two slots) */

/* Hardware layout of the 64-bit TSS (Intel SDM vol. 3, "Task Management in 64-bit Mode"). */
struct tss {
	uint32_t reserved0;
	uint64_t rsp[3]; /* stacks for a transition to CPL 0..2; only rsp[0] is used */
	uint64_t reserved1;
	uint64_t ist[7]; /* IST1..IST7 */
	uint64_t reserved2;
	uint16_t reserved3;
	uint16_t iomap_base; /* beyond the limit: no I/O permission bitmap, all ports denied */
} __packed;
_Static_assert(sizeof(struct tss) == 104, "64-bit TSS layout");

/* One CPU's descriptor tables. Aligned so that neither table crosses a page boundary. The GDT is
 * written by this CPU only: at gdt_init_cpu, and by the CPU itself (TSS busy bit on ltr).
 * tss.rsp[0] is written by tss_set_kernel_stack on this CPU, with interrupts off. */
struct gdt_state {
	uint64_t gdt[GDT_ENTRIES];
	struct tss tss;
} __aligned(256);

/* Operand of lgdt/lidt/sgdt/sidt. */
struct descriptor_ptr {
	uint16_t limit;
	uint64_t base;
} __packed;

/* Build and load this CPU's GDT and TSS (with IST stacks), reload segment registers. Call with
 * interrupts off, after percpu_init_cpu and before idt_init (the GS selector is reloaded and
 * the GS base rewritten here, while the previous IDT, which never uses GS, is still live). */
void gdt_init_cpu(uint32_t cpu_id);
/* Unmap the guard pages below the boot CPU's boot and IST stacks (after kvm_init). */
void gdt_guard_boot_stacks(void);
/* Stack loaded on a transition from ring 3 (TSS.rsp0) for this CPU. */
void tss_set_kernel_stack(uint64_t rsp0);
#endif

#endif
