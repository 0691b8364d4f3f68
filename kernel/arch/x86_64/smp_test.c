/* Self-tests of the multiprocessor set-up: every online CPU runs a thread pinned to it (and only
 * there), a TLB shootdown of a kernel page reaches every CPU, and each CPU's stacks have an
 * unmapped guard page below them. */
#include <arch/x86_64/smp.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/percpu.h>
#include <core/ktest.h>
#include <core/time.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <mm/tlb.h>
#include <mm/vmap.h>
#include <sched/sched.h>
#include <sched/thread.h>

#define SMP_TEST_DEADLINE_NS (10ULL * NSEC_PER_SEC)

static uint64_t ran_on; /* atomic: bit c when the thread pinned to CPU c saw itself there */
static uint64_t ran_elsewhere; /* atomic: bit c when it saw another CPU */

static void pinned_thread(void *arg)
{
	uint32_t want = (uint32_t)(uint64_t)arg;
	for (int i = 0; i < 20; i++) {
		uint64_t *which = this_cpu_id() == want ? &ran_on : &ran_elsewhere;
		__atomic_fetch_or(which, 1ULL << want, __ATOMIC_RELAXED);
		sched_yield();
	}
}

KTEST(smp_each_cpu_runs_its_pinned_thread)
{
	uint64_t online = smp_online_mask();
	__atomic_store_n(&ran_on, 0, __ATOMIC_RELAXED);
	__atomic_store_n(&ran_elsewhere, 0, __ATOMIC_RELAXED);
	uint64_t mine = READ_ONCE(current_thread()->cpus_allowed);
	for (uint64_t m = online; m; m &= m - 1) {
		uint32_t cpu = (uint32_t)__builtin_ctzll(m);
		/* A new thread inherits our affinity: set it to the target CPU for the creation. */
		sched_set_affinity(current_thread(), 1ULL << cpu);
		sched_preempt_point();
		struct thread *th = thread_create_kernel("pinned", pinned_thread,
							 (void *)(uint64_t)cpu);
		if (KEXPECT(th != NULL))
			sched_add_thread(th);
	}
	sched_set_affinity(current_thread(), mine);
	uint64_t deadline = time_monotonic_ns() + SMP_TEST_DEADLINE_NS;
	while (__atomic_load_n(&ran_on, __ATOMIC_RELAXED) != online &&
	       time_monotonic_ns() < deadline)
		sched_yield();
	KEXPECT(__atomic_load_n(&ran_on, __ATOMIC_RELAXED) == online);
	KEXPECT(__atomic_load_n(&ran_elsewhere, __ATOMIC_RELAXED) == 0);
}

/* Map a page, read it (so the TLB has it), unmap it with a shootdown: no translation is left
 * on this CPU, and every other CPU answered (the call returned). */
KTEST(smp_kernel_shootdown_returns_and_unmaps)
{
	void *p = vmalloc_pages(1);
	if (!KEXPECT(p != NULL))
		return;
	KEXPECT(*(volatile uint64_t *)p == 0);
	vfree_pages(p, 1);
	uint64_t pa, flags;
	KEXPECT(!pt_translate(kernel_pml4_pa, (uint64_t)p, &pa, &flags));
}

/* Below each IST stack (whose top, less IST_TOP_RESERVED, is in the TSS) lies a guard page. */
KTEST(smp_stacks_have_guard_pages)
{
	extern char boot_stack_guard[];
	uint64_t pa, flags;
	KEXPECT(!pt_translate(kernel_pml4_pa, (uint64_t)boot_stack_guard, &pa, &flags));
	const struct tss *tss = &this_cpu()->gdt->tss;
	for (int i = 0; i < IST_COUNT; i++) {
		uint64_t top = tss->ist[i] + IST_TOP_RESERVED;
		KEXPECT(pt_translate(kernel_pml4_pa, top - IST_STACK_SIZE, &pa, &flags));
		KEXPECT(!pt_translate(kernel_pml4_pa, top - IST_STACK_SIZE - PAGE_SIZE, &pa,
				      &flags));
	}
}
