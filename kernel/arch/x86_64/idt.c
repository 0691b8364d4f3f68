/* The interrupt descriptor table (one table, shared by all CPUs) and trap_dispatch, which isr.S
 * calls for every vector: CPU exceptions go to exceptions.c, other vectors to the handler
 * registered with irq_register, followed by the LAPIC end-of-interrupt. */
#include <arch/x86_64/idt.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/exceptions.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/percpu.h>
#include <sched/sched.h>
#include <core/compiler.h>
#include <core/printk.h>
#include <mm/layout.h>
#include <uapi/errno.h>

_Static_assert(offsetof(struct trap_frame, r11) == TF_R11, "TF_R11");
_Static_assert(offsetof(struct trap_frame, rbp) == TF_RBP, "TF_RBP");
_Static_assert(offsetof(struct trap_frame, rcx) == TF_RCX, "TF_RCX");
_Static_assert(offsetof(struct trap_frame, rax) == TF_RAX, "TF_RAX");
_Static_assert(offsetof(struct trap_frame, vector) == TF_VECTOR, "TF_VECTOR");
_Static_assert(offsetof(struct trap_frame, error_code) == TF_ERROR_CODE, "TF_ERROR_CODE");
_Static_assert(offsetof(struct trap_frame, rflags) == TF_RFLAGS, "TF_RFLAGS");
_Static_assert(offsetof(struct trap_frame, rsp) == TF_RSP, "TF_RSP");
_Static_assert(offsetof(struct trap_frame, ss) == TF_SS, "TF_SS");
_Static_assert(offsetof(struct trap_frame, rip) == TF_RIP, "TF_RIP");
_Static_assert(offsetof(struct trap_frame, cs) == TF_CS, "TF_CS");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "TF_SIZE");
_Static_assert(ISR_MSR_GS_BASE == MSR_GS_BASE, "ISR_MSR_GS_BASE");

/* Exactly one page, so that it can be mapped read-only once paging allows it. Built by the boot
 * CPU's first idt_init, before other CPUs run; read-only afterwards. */
static struct idt_gate idt[IDT_VECTORS] __aligned(PAGE_SIZE);
_Static_assert(sizeof(idt) == PAGE_SIZE, "IDT is one page");
static bool idt_built;

/* Handlers of vectors 32-255; changed only by atomic compare-exchange, read by any CPU. */
static irq_handler_t irq_handlers[IDT_VECTORS];
/* One bit per vector already reported as having no handler (set atomically). */
static uint64_t unexpected_reported[IDT_VECTORS / 64];
static uint64_t spurious_count;
static uint64_t irq_count; /* external interrupts taken on all CPUs (/proc/stat) */

/* The IST slot of each vector; must match IS_PARANOID in isr.S. */
static uint8_t gate_ist(unsigned vector)
{
	switch (vector) {
	case VEC_NMI:
		return IST_NMI;
	case VEC_DF:
		return IST_DOUBLE_FAULT;
	case VEC_MC:
		return IST_MACHINE_CHECK;
	default:
		return 0;
	}
}

/* Interrupt gates only (IF cleared on entry), all DPL 0: `int n` from user mode is a #GP. */
static void idt_build(void)
{
	for (unsigned v = 0; v < IDT_VECTORS; v++) {
		uint64_t addr = isr_stub_table[v];
		idt[v] = (struct idt_gate){
			.offset_low = (uint16_t)addr,
			.selector = GDT_KERNEL_CS,
			.ist = gate_ist(v),
			.type_attr = GATE_PRESENT | GATE_TYPE_INTERRUPT,
			.offset_mid = (uint16_t)(addr >> 16),
			.offset_high = (uint32_t)(addr >> 32),
		};
	}
}

void idt_init(void)
{
	if (!idt_built) {
		idt_build();
		idt_built = true;
	}
	struct descriptor_ptr p = { .limit = sizeof(idt) - 1, .base = (uint64_t)idt };
	__asm__ volatile("lidt %0" ::"m"(p) : "memory");
}

int irq_register(uint8_t vector, irq_handler_t h)
{
	if (vector < EXCEPTION_VECTORS || vector == VECTOR_SPURIOUS || !h)
		return -EINVAL;
	irq_handler_t expected = NULL;
	if (!__atomic_compare_exchange_n(&irq_handlers[vector], &expected, h, false,
					 __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
		return -EBUSY;
	return 0;
}

/* The handler may still be running on another CPU when this returns. */
void irq_unregister(uint8_t vector, irq_handler_t h)
{
	irq_handler_t expected = h;
	__atomic_compare_exchange_n(&irq_handlers[vector], &expected, NULL, false, __ATOMIC_ACQ_REL,
				    __ATOMIC_ACQUIRE);
}

uint64_t irq_total_count(void)
{
	return __atomic_load_n(&irq_count, __ATOMIC_RELAXED);
}

uint64_t irq_spurious_count(void)
{
	return __atomic_load_n(&spurious_count, __ATOMIC_RELAXED);
}

/* A vector nobody registered is reported once; it is still acknowledged, or the LAPIC would
 * block every interrupt of its priority class and below. */
static void report_unexpected(uint8_t vector)
{
	uint64_t bit = 1ULL << (vector % 64);
	if (__atomic_fetch_or(&unexpected_reported[vector / 64], bit, __ATOMIC_RELAXED) & bit)
		return;
	pr_warn("irq: vector %#x has no handler (reported once)\n", vector);
}

/* The LAPIC does not set an in-service bit for its spurious vector, so that one gets no EOI. */
static void irq_dispatch(struct trap_frame *f)
{
	uint8_t vector = (uint8_t)f->vector;
	__atomic_fetch_add(&irq_count, 1, __ATOMIC_RELAXED);
	if (vector == VECTOR_SPURIOUS) {
		__atomic_fetch_add(&spurious_count, 1, __ATOMIC_RELAXED);
		return;
	}
	irq_handler_t h = __atomic_load_n(&irq_handlers[vector], __ATOMIC_ACQUIRE);
	if (h)
		h(f);
	else
		report_unexpected(vector);
	lapic_eoi();
}

/* irq_depth counts interrupt context (external interrupts and NMIs); exceptions are not
 * counted, because a page fault taken by a thread is still that thread's context. */
void trap_dispatch(struct trap_frame *f)
{
	if (f->vector < EXCEPTION_VECTORS && f->vector != VEC_NMI) {
		exception_dispatch(f);
		return;
	}
	struct percpu *cpu = this_cpu();
	cpu->irq_depth++;
	if (f->vector == VEC_NMI) {
		exception_dispatch(f);
		cpu->irq_depth--;
		return;
	}
	irq_dispatch(f);
	cpu->irq_depth--;
	/* Preemption point: the interrupt is acknowledged; if the interrupted context had
	 * interrupts enabled it holds no spinlock (a software int from IRQs-off code does not). */
	if (cpu->irq_depth == 0 && (f->rflags & RFLAGS_IF))
		sched_preempt_point();
}
