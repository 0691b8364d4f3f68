/* The program break (brk): the heap is anonymous private read-write memory from brk_start up to
 * the page-rounded break; moving the break maps or unmaps the difference. */
#include <mm/vm_internal.h>
#include <mm/layout.h>

void vm_brk_init(struct mm *mm, uint64_t start)
{
	uint64_t f = spin_lock_irqsave(&mm->lock);
	mm->brk_start = mm->brk = start;
	spin_unlock_irqrestore(&mm->lock, f);
}

uint64_t vm_brk(struct mm *mm, uint64_t addr)
{
	struct vma_spares s;
	if (vma_spares_fill(&s, 3))
		return READ_ONCE(mm->brk); /* brk reports failure by returning the old break */
	uint64_t f = spin_lock_irqsave(&mm->lock);
	uint64_t old_top = ALIGN_UP(mm->brk, PAGE_SIZE), new_top = ALIGN_UP(addr, PAGE_SIZE);
	if (!mm->brk_start || addr < mm->brk_start || new_top < addr || new_top > USER_MAX_ADDR)
		goto out_unlock;
	if (new_top < old_top) {
		vma_remove_range_locked(mm, new_top, old_top, &s);
	} else if (new_top > old_top) {
		/* Growth must not run into another mapping or a stack's guard gap. */
		struct vma *above = vma_find_locked(mm, old_top);
		uint64_t limit = above ? above->start : USER_MAX_ADDR;
		if (above && (above->flags & VM_GROWSDOWN))
			limit = limit > USER_STACK_GUARD_GAP ? limit - USER_STACK_GUARD_GAP : 0;
		if (new_top > limit)
			goto out_unlock;
		struct vma *v = vma_spares_take(&s);
		v->start = old_top;
		v->end = new_top;
		v->flags = VM_READ | VM_WRITE;
		v->shared = NULL;
		v->file = NULL;
		v->pgoff = 0;
		vma_insert_locked(mm, v);
		vma_merge_locked(mm, v);
	}
	mm->brk = addr;
out_unlock:
	addr = mm->brk;
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return addr;
}
