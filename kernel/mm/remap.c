/* mremap: shrinking, growing in place, and moving a mapping (its page-table entries move with
 * it, so no page is copied and COW sharing is preserved). */
#include <mm/vm_internal.h>
#include <mm/layout.h>
#include <uapi/errno.h>
#include <uapi/mman.h>

#define REMAP_SPARES 5 /* destination unmap 2, tail unmap or source isolation 2, 1 spare */

struct remap_args {
	uint64_t old_addr, old_len, new_len, new_addr;
	uint32_t flags;
};

static uint64_t page_len(uint64_t len)
{
	uint64_t r = ALIGN_UP(len, PAGE_SIZE);
	return r < len ? 0 : r;
}

static int check_args(struct remap_args *a)
{
	if (a->flags & ~(MREMAP_MAYMOVE | MREMAP_FIXED))
		return -EINVAL; /* MREMAP_DONTUNMAP is not supported */
	if ((a->flags & MREMAP_FIXED) && !(a->flags & MREMAP_MAYMOVE))
		return -EINVAL;
	if (!IS_ALIGNED(a->old_addr, PAGE_SIZE))
		return -EINVAL;
	a->old_len = page_len(a->old_len);
	a->new_len = page_len(a->new_len);
	if (!a->old_len || !a->new_len) /* old_len 0 (duplicate a shared mapping): unsupported */
		return -EINVAL;
	if (!(a->flags & MREMAP_FIXED))
		return 0;
	if (!IS_ALIGNED(a->new_addr, PAGE_SIZE) || a->new_addr < USER_MIN_ADDR ||
	    a->new_addr + a->new_len < a->new_addr || a->new_addr + a->new_len > USER_MAX_ADDR)
		return -EINVAL;
	if (a->new_addr < a->old_addr + a->old_len && a->old_addr < a->new_addr + a->new_len)
		return -EINVAL; /* overlapping source and destination */
	return 0;
}

struct move_ctx {
	struct mm *mm;
	uint64_t delta; /* destination minus source */
};

static void move_pte(uint64_t va, pte_t *e, void *ctx)
{
	struct move_ctx *m = ctx;
	pte_t *dst = pt_entry(m->mm->pml4_pa, va + m->delta, PT_LEVEL_PT, false);
	*dst = *e; /* tables were allocated up front */
	*e = 0;
}

/* Allocate the destination's page tables before anything moves, so moving cannot fail. */
static int prepare_tables(struct mm *mm, uint64_t dst, uint64_t len)
{
	uint64_t step = pt_level_size(PT_LEVEL_PD);
	for (uint64_t va = dst; va < dst + len; va = ALIGN_DOWN(va, step) + step)
		if (!pt_entry(mm->pml4_pa, va, PT_LEVEL_PT, true))
			return -ENOMEM;
	return 0;
}

/* Move the whole VMA v (exactly the old range) to dst with length new_len. */
static void move_vma_locked(struct mm *mm, struct vma *v, uint64_t dst, uint64_t new_len)
{
	spin_assert_held(&mm->lock);
	struct move_ctx m = { mm, dst - v->start };
	pt_walk_ptes(mm->pml4_pa, v->start, v->end, move_pte, &m);
	/* One shootdown for the old range (the frames live on at the new one). */
	vm_flush_tlb_range(mm, v->start, v->end);
	list_remove(&v->node);
	mm->map_count--; /* vma_insert_locked counts it again */
	v->start = dst;
	v->end = dst + new_len;
	vma_insert_locked(mm, v);
	vma_merge_locked(mm, v);
}

/* A shared object must cover the mapping's new length before the mapping grows. */
static int grow_object(struct vma *v, uint64_t new_len)
{
	if (!v->shared)
		return 0;
	return shared_anon_grow(v->shared, v->pgoff + new_len / PAGE_SIZE);
}

static int64_t remap_locked(struct mm *mm, struct remap_args *a, struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	uint64_t old_end = a->old_addr + a->old_len;
	struct vma *v = vma_find_locked(mm, a->old_addr);
	if (!v || v->start > a->old_addr || old_end > v->end || old_end < a->old_addr)
		return -EFAULT;
	bool fixed = a->flags & MREMAP_FIXED;
	if (!fixed && a->new_len <= a->old_len) {
		vma_remove_range_locked(mm, a->old_addr + a->new_len, old_end, s);
		return (int64_t)a->old_addr;
	}
	int err = grow_object(v, a->new_len);
	if (err)
		return err;
	uint64_t grown_end = a->old_addr + a->new_len;
	if (!fixed && old_end == v->end && grown_end <= USER_MAX_ADDR && grown_end > old_end &&
	    vma_range_free_locked(mm, old_end, grown_end)) {
		v->end = grown_end;
		vma_merge_locked(mm, v);
		return (int64_t)a->old_addr;
	}
	if (!(a->flags & MREMAP_MAYMOVE))
		return -ENOMEM;
	uint64_t dst = fixed ? a->new_addr : vma_find_gap_locked(mm, a->new_len);
	if (!dst)
		return -ENOMEM;
	uint64_t moved = a->new_len < a->old_len ? a->new_len : a->old_len;
	err = prepare_tables(mm, dst, moved);
	if (err)
		return err;
	if (fixed)
		vma_remove_range_locked(mm, dst, dst + a->new_len, s);
	if (a->new_len < a->old_len)
		vma_remove_range_locked(mm, a->old_addr + a->new_len, old_end, s);
	vma_isolate_range_locked(mm, a->old_addr, a->old_addr + moved, s);
	move_vma_locked(mm, vma_find_locked(mm, a->old_addr), dst, a->new_len);
	return (int64_t)dst;
}

int64_t vm_remap(struct mm *mm, uint64_t old_addr, uint64_t old_len, uint64_t new_len,
		 uint32_t flags, uint64_t new_addr)
{
	struct remap_args a = { old_addr, old_len, new_len, new_addr, flags };
	int err = check_args(&a);
	if (err)
		return err;
	struct vma_spares s;
	if (vma_spares_fill(&s, REMAP_SPARES))
		return -ENOMEM;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	int64_t ret = remap_locked(mm, &a, &s);
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return ret;
}
