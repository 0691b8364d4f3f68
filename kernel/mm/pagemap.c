/* /proc/<pid>/pagemap's entries (proc(5)): one 64-bit word per virtual page saying whether a
 * frame backs it (bit 63), its frame number (bits 0-54, for privileged readers only), whether
 * it is mapped exactly once (bit 56) and whether it is a file or shared page (bit 61). Zero-OS
 * does not swap, so bit 62 is never set. */
#include <mm/vm.h>
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/paging.h>
#include <mm/layout.h>

#define PM_PRESENT (1ULL << 63)
#define PM_FILE (1ULL << 61)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN_MASK ((1ULL << 55) - 1)

static uint64_t entry_locked(struct mm *mm, const struct vma *v, uint64_t va, bool pfn)
{
	spin_assert_held(&mm->lock);
	pte_t *e = pt_entry(mm->pml4_pa, va, PT_LEVEL_PT, false);
	if (!e || !pte_has_frame(*e))
		return 0;
	uint64_t pa = *e & PTE_ADDR_MASK, w = PM_PRESENT;
	if (pfn)
		w |= (pa / PAGE_SIZE) & PM_PFN_MASK;
	if (v && (v->file || v->shared))
		w |= PM_FILE;
	if (pa != vm_zero_page_pa && page_ref_count(pa) == 1)
		w |= PM_EXCLUSIVE;
	return w;
}

void vm_pagemap(struct mm *mm, uint64_t va, uint64_t *out, size_t n, bool pfn)
{
	uint64_t f = spin_lock_irqsave(&mm->lock);
	struct vma *v = vma_find_locked(mm, va);
	for (size_t i = 0; i < n; i++, va += PAGE_SIZE) {
		while (v && v->end <= va)
			v = v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma,
									 node);
		bool mapped = v && v->start <= va;
		out[i] = mapped ? entry_locked(mm, v, va, pfn) : 0;
	}
	spin_unlock_irqrestore(&mm->lock, f);
}
