/* Per-CPU data, reached through the GS base (in kernel mode GS always points at this CPU's
 * struct percpu). Laid out for SMP: one instance per CPU, the boot CPU's set up first.
 * Fields at fixed offsets are used by assembly (syscall entry); keep PERCPU_* in sync. */
#ifndef ARCH_PERCPU_H
#define ARCH_PERCPU_H

#define PERCPU_SELF 0
#define PERCPU_KERNEL_RSP 8
#define PERCPU_USER_RSP 16
#define PERCPU_CPU_ID 24

#ifndef __ASSEMBLER__
#include <stddef.h>
#include <stdbool.h>
#include <stdint.h>

#define MAX_CPUS 64

struct thread;
struct mm;

struct percpu {
	struct percpu *self; /* for reading the struct's own address through %gs */
	uint64_t kernel_rsp; /* top of the current thread's kernel stack (syscall entry) */
	uint64_t user_rsp; /* scratch: user rsp during syscall entry */
	uint32_t cpu_id; /* dense index 0..ncpus-1 */
	uint32_t apic_id;
	struct thread *current;
	uint64_t irq_depth; /* nesting of interrupt handlers on this CPU */
	struct gdt_state *gdt; /* this CPU's GDT and TSS (arch/x86_64/gdt.c) */
	/* The scheduler asks this CPU to switch threads at its next preemption point. Written
	 * by sched.c under this CPU's run-queue lock; read locklessly by the exit paths. */
	bool need_resched;
	/* The address space in this CPU's CR3 (NULL: the kernel's tables). Only this CPU
	 * changes it, with interrupts off (mm/tlb.c). */
	struct mm *active_mm;
};

_Static_assert(offsetof(struct percpu, self) == PERCPU_SELF, "percpu layout");
_Static_assert(offsetof(struct percpu, kernel_rsp) == PERCPU_KERNEL_RSP, "percpu layout");
_Static_assert(offsetof(struct percpu, user_rsp) == PERCPU_USER_RSP, "percpu layout");
_Static_assert(offsetof(struct percpu, cpu_id) == PERCPU_CPU_ID, "percpu layout");

extern struct percpu percpu_array[MAX_CPUS];

/* Point GS at cpu's struct percpu; called once per CPU, first thing. */
void percpu_init_cpu(uint32_t cpu_id, uint32_t apic_id);

static inline struct percpu *this_cpu(void)
{
	struct percpu *p;
	__asm__ volatile("mov %%gs:0, %0" : "=r"(p));
	return p;
}

static inline uint32_t this_cpu_id(void)
{
	uint32_t id;
	__asm__ volatile("movl %%gs:%c1, %0" : "=r"(id) : "i"(PERCPU_CPU_ID));
	return id;
}
#endif

#endif
