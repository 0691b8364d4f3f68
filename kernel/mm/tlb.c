/* TLB shootdown over inter-processor interrupts (see tlb.h). Each CPU owns one outgoing
 * request slot and waits, interrupts off, until every target has answered, so a slot is never
 * reused while a target may still read it. Targets learn which slots to read from their
 * pending mask (one bit per requesting CPU). */
#include <mm/tlb.h>
#include <mm/vm.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/smp.h>
#include <arch/x86_64/cpu_features.h>
#include <core/panic.h>

#define TLB_FLUSH_PAGES_MAX 32 /* beyond this, a full flush is cheaper than invlpg per page */

enum tlb_kind { TLB_USER_RANGE, TLB_KERNEL_RANGE, TLB_LEAVE_MM };

struct tlb_request {
	enum tlb_kind kind;
	struct mm *mm; /* USER_RANGE, LEAVE_MM */
	uint64_t start, end;
	uint32_t pending; /* atomic: targets that have not answered yet */
};

/* Slot i is written only by CPU i, with interrupts off, while no target may read it. */
static struct tlb_request requests[MAX_CPUS];
/* Atomic: bit i set in tlb_pending[c] asks CPU c to serve requests[i]. */
static uint64_t tlb_pending[MAX_CPUS];

static void flush_all_nonglobal(void)
{
	write_cr3(read_cr3());
}

/* Global (kernel) entries survive a CR3 write: toggling CR4.PGE drops them too. */
static void flush_everything(void)
{
	uint64_t cr4 = read_cr4();
	if (cr4 & CR4_PGE) {
		write_cr4(cr4 & ~CR4_PGE);
		write_cr4(cr4);
	} else {
		flush_all_nonglobal();
	}
}

static void flush_range_here(uint64_t start, uint64_t end, bool kernel)
{
	if ((end - start) / PAGE_SIZE > TLB_FLUSH_PAGES_MAX) {
		if (kernel)
			flush_everything();
		else
			flush_all_nonglobal();
		return;
	}
	for (uint64_t va = start; va < end; va += PAGE_SIZE)
		invlpg(va);
}

/* This CPU stops using mm's tables (interrupts off). */
static void leave_mm_here(struct mm *mm)
{
	struct percpu *c = this_cpu();
	if (c->active_mm != mm)
		return;
	write_cr3(kernel_pml4_pa);
	__atomic_fetch_and(&mm->cpus, ~(1ULL << c->cpu_id), __ATOMIC_SEQ_CST);
	c->active_mm = NULL;
}

static void serve(const struct tlb_request *r)
{
	switch (r->kind) {
	case TLB_KERNEL_RANGE:
		flush_range_here(r->start, r->end, true);
		break;
	case TLB_USER_RANGE:
		if (this_cpu()->active_mm == r->mm)
			flush_range_here(r->start, r->end, false);
		break;
	case TLB_LEAVE_MM:
		leave_mm_here(r->mm);
		break;
	}
}

void tlb_service(void)
{
	uint32_t me = this_cpu_id();
	uint64_t mask = __atomic_exchange_n(&tlb_pending[me], 0, __ATOMIC_ACQUIRE);
	while (mask) {
		unsigned from = (unsigned)__builtin_ctzll(mask);
		mask &= mask - 1;
		serve(&requests[from]);
		__atomic_fetch_sub(&requests[from].pending, 1, __ATOMIC_RELEASE);
	}
}

/* Send r to the CPUs in targets (this CPU excluded) and wait for all of them. */
static void shootdown(uint64_t targets, const struct tlb_request *r)
{
	uint64_t flags = irq_save();
	uint32_t me = this_cpu_id();
	targets &= smp_online_mask() & ~(1ULL << me);
	if (targets) {
		struct tlb_request *slot = &requests[me];
		*slot = *r;
		uint32_t count = 0;
		for (uint64_t m = targets; m; m &= m - 1)
			count++;
		__atomic_store_n(&slot->pending, count, __ATOMIC_RELEASE);
		for (uint64_t m = targets; m; m &= m - 1) {
			unsigned cpu = (unsigned)__builtin_ctzll(m);
			__atomic_fetch_or(&tlb_pending[cpu], 1ULL << me, __ATOMIC_RELEASE);
			smp_send_ipi(cpu, VECTOR_IPI_TLB);
		}
		/* Answer others meanwhile: two CPUs may be shooting at each other. */
		while (__atomic_load_n(&slot->pending, __ATOMIC_ACQUIRE)) {
			tlb_service();
			cpu_relax();
		}
	}
	irq_restore(flags);
}

void tlb_flush_user_range(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t flags = irq_save(); /* this CPU's active_mm must not change under us */
	if (this_cpu()->active_mm == mm)
		flush_range_here(start, end, false);
	irq_restore(flags);
	if (smp_online_mask() == 1) /* one CPU (only the boot CPU can be alone) */
		return;
	/* The page-table change is visible before the mask is read: a CPU that loads mm later
	 * reads the new entries (its mask bit is set before its CR3 write). */
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint64_t targets = __atomic_load_n(&mm->cpus, __ATOMIC_SEQ_CST);
	struct tlb_request r = { .kind = TLB_USER_RANGE, .mm = mm, .start = start, .end = end };
	shootdown(targets, &r);
}

void tlb_flush_kernel_range(uint64_t start, uint64_t end)
{
	flush_range_here(start, end, true);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	struct tlb_request r = { .kind = TLB_KERNEL_RANGE, .start = start, .end = end };
	shootdown(~0ULL, &r);
}

void tlb_mm_leave_all(struct mm *mm)
{
	uint64_t flags = irq_save();
	leave_mm_here(mm);
	irq_restore(flags);
	struct tlb_request r = { .kind = TLB_LEAVE_MM, .mm = mm };
	shootdown(__atomic_load_n(&mm->cpus, __ATOMIC_SEQ_CST), &r);
}

void tlb_switch_mm(struct mm *mm)
{
	uint64_t flags = irq_save();
	tlb_switch_mm_irqs_off(mm);
	irq_restore(flags);
}

void tlb_switch_mm_irqs_off(struct mm *mm)
{
	struct percpu *c = this_cpu();
	struct mm *prev = c->active_mm;
	uint64_t bit = 1ULL << c->cpu_id;
	if (prev != mm) {
		/* The bit goes up before the tables are loaded (see tlb_flush_user_range). */
		if (mm)
			__atomic_fetch_or(&mm->cpus, bit, __ATOMIC_SEQ_CST);
		write_cr3(mm ? mm->pml4_pa : kernel_pml4_pa);
		if (prev)
			__atomic_fetch_and(&prev->cpus, ~bit, __ATOMIC_SEQ_CST);
		c->active_mm = mm;
	}
}

static void tlb_ipi(struct trap_frame *f)
{
	(void)f;
	tlb_service();
}

void tlb_init(void)
{
	if (irq_register(VECTOR_IPI_TLB, tlb_ipi))
		panic("tlb: cannot register the shootdown vector");
}
