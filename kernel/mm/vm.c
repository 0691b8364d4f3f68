/* Address-space lifetime: creating a space (kernel half shared), activating it, tearing it down,
 * the leaf encoding of VMA rights, TLB maintenance and boot-time set-up. */
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <mm/kvm.h>
#include <mm/tlb.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <core/panic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/exceptions.h>
#include <sched/thread.h>
#include <proc/process.h>

uint64_t vm_zero_page_pa;

static bool page_fault_hook(struct trap_frame *f, uint64_t cr2)
{
	return vm_handle_fault(f, cr2, (uint32_t)f->error_code);
}

void vm_init(void)
{
	page_ref_init();
	vm_zero_page_pa = phys_alloc_pages(0);
	if (!vm_zero_page_pa)
		panic("vm: no memory for the zero page");
	exceptions_set_page_fault_handler(page_fault_hook);
}

pte_t vm_pte_flags(uint32_t vm_flags, bool writable)
{
	if (!(vm_flags & VM_PROT_MASK))
		return PTE_PROTNONE;
	pte_t f = PTE_P | PTE_U;
	if (!(vm_flags & VM_EXEC))
		f |= PTE_NX;
	else
		writable = false; /* W^X, even if a VMA ever slipped through with both */
	if (writable && (vm_flags & VM_WRITE))
		f |= PTE_W;
	return f;
}

struct mm *mm_create(void)
{
	struct mm *mm = kmalloc(sizeof(*mm));
	if (!mm)
		return NULL;
	mm->pml4_pa = phys_alloc_pages(0);
	if (!mm->pml4_pa) {
		kfree(mm);
		return NULL;
	}
	/* Every kernel PML4 slot is populated once at boot (kvm.h), so copying them now shares
	 * all present and future kernel mappings. */
	const pte_t *kernel = phys_to_virt(kernel_pml4_pa);
	pte_t *pml4 = phys_to_virt(mm->pml4_pa);
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		pml4[i] = kernel[i];
	mm->lock = (struct spinlock)SPINLOCK_INIT("mm");
	list_init(&mm->vmas);
	mm->map_count = 0;
	mm->mmap_base = USER_MMAP_BASE;
	mm->stack_top = USER_STACK_TOP;
	mm->refcount = 1;
	mm->cpus = 0;
	return mm;
}

void mm_get(struct mm *mm)
{
	__atomic_fetch_add(&mm->refcount, 1, __ATOMIC_RELAXED);
}

static void mm_destroy(struct mm *mm)
{
	/* Never free tables a CPU is running on: this one, or another that keeps the space
	 * loaded while it runs a kernel thread. */
	tlb_mm_leave_all(mm);
	uint64_t f = spin_lock_irqsave(&mm->lock);
	struct list_node *n, *tmp;
	list_for_each(n, &mm->vmas) {
		struct vma *vma = list_entry(n, struct vma, node);
		vm_release_pages_locked(mm, vma, vma->start, vma->end);
	}
	spin_unlock_irqrestore(&mm->lock, f);
	list_for_each_safe(n, tmp, &mm->vmas) { /* unlocked: a mapped file's release may sleep */
		list_remove(n);
		vma_free(list_entry(n, struct vma, node));
	}
	pt_free_user_tables(mm->pml4_pa);
	phys_free_pages(mm->pml4_pa, 0);
	kfree(mm);
}

void mm_put(struct mm *mm)
{
	if (!mm)
		return;
	int left = __atomic_sub_fetch(&mm->refcount, 1, __ATOMIC_ACQ_REL);
	ASSERT(left >= 0);
	if (left == 0)
		mm_destroy(mm);
}

void mm_activate(struct mm *mm)
{
	tlb_switch_mm(mm);
}

struct mm *current_mm(void)
{
	struct thread *t = current_thread();
	return t && t->proc ? t->proc->mm : NULL;
}

/* Every CPU that may hold translations of mm flushes the range before this returns (mm/tlb.h),
 * so that a frame unmapped before the call can be reused after it. */
void vm_flush_tlb_range(struct mm *mm, uint64_t start, uint64_t end)
{
	tlb_flush_user_range(mm, start, end);
}

void vm_flush_tlb_all(struct mm *mm)
{
	vm_flush_tlb_range(mm, 0, USER_SPACE_END);
}

#define RELEASE_BATCH 128 /* pages cleared per TLB shootdown when unmapping */

/* Cleared entries wait in a batch until one shootdown covers them all; only then may their
 * frames be freed (another CPU could still write through a stale translation). */
struct release_ctx {
	struct mm *mm;
	bool object_owned; /* shared anonymous memory */
	unsigned n;
	uint64_t first_va, last_va; /* of the batch */
	pte_t old[RELEASE_BATCH];
};

static void release_flush(struct release_ctx *r)
{
	if (!r->n)
		return;
	vm_flush_tlb_range(r->mm, r->first_va, r->last_va + PAGE_SIZE);
	for (unsigned i = 0; i < r->n; i++) {
		uint64_t pa = r->old[i] & PTE_ADDR_MASK;
		/* Shared-anonymous frames belong to their object, the zero page to nobody. */
		if (r->object_owned || !pte_has_frame(r->old[i]) || pa == vm_zero_page_pa)
			continue;
		if (page_ref_dec(pa) == 0)
			phys_free_pages(pa, 0);
	}
	r->n = 0;
}

static void release_pte(uint64_t va, pte_t *e, void *ctx)
{
	struct release_ctx *r = ctx;
	pte_t old = *e;
	*e = 0;
	if (!r->n)
		r->first_va = va;
	r->last_va = va;
	r->old[r->n++] = old;
	if (r->n == RELEASE_BATCH)
		release_flush(r);
}

void vm_release_pages_locked(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end)
{
	spin_assert_held(&mm->lock);
	/* __noinit: the 1 KiB batch is written before it is read (only old[0..n) is), and
	 * pattern-filling it on every unmap cost more than the rest of a small munmap. */
	struct release_ctx r __noinit;
	r.mm = mm;
	r.object_owned = vma->shared != NULL;
	r.n = 0;
	pt_walk_ptes(mm->pml4_pa, start, end, release_pte, &r);
	release_flush(&r);
}
