/* madvise: MADV_DONTNEED drops pages (private anonymous memory reads back as zeros, shared
 * memory keeps its contents in the object), fork-behaviour advice is recorded on the VMAs,
 * POPULATE_* faults pages in, and pure hints are accepted without action. Advice for features
 * Zero-OS does not have (KSM's MADV_(UN)MERGEABLE, transparent huge pages' MADV_(NO)HUGEPAGE)
 * is EINVAL, as on a Linux built without them. */
#include <mm/vm_internal.h>
#include <mm/layout.h>
#include <uapi/errno.h>
#include <uapi/mman.h>

static bool is_hint(int advice)
{
	switch (advice) {
	case MADV_NORMAL: case MADV_RANDOM: case MADV_SEQUENTIAL: case MADV_WILLNEED:
	case MADV_FREE: /* keeping the data is one of the outcomes MADV_FREE allows */
	case MADV_DONTDUMP: case MADV_DODUMP: case MADV_COLD: case MADV_PAGEOUT:
		return true;
	default:
		return false;
	}
}

static int dontneed_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	spin_assert_held(&mm->lock);
	for (struct vma *v = vma_find_locked(mm, start); v && v->start < end;
	     v = vma_find_locked(mm, v->end))
		vm_release_pages_locked(mm, v, MAX(v->start, start), MIN(v->end, end));
	return 0;
}

/* Fork-behaviour advice as VM_* bits to clear and set; false for other advice. */
static bool fork_flags(int advice, uint32_t *clear, uint32_t *set)
{
	*clear = *set = 0;
	switch (advice) {
	case MADV_DONTFORK: *set = VM_DONTCOPY; return true;
	case MADV_DOFORK: *clear = VM_DONTCOPY; return true;
	case MADV_WIPEONFORK: *set = VM_WIPEONFORK; return true;
	case MADV_KEEPONFORK: *clear = VM_WIPEONFORK; return true;
	default: return false;
	}
}

static int advise_locked(struct mm *mm, uint64_t start, uint64_t end, int advice,
			 struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	uint32_t clear, set;
	if (!vma_range_mapped_locked(mm, start, end))
		return -ENOMEM;
	for (struct vma *v = vma_find_locked(mm, start); v && v->start < end;
	     v = vma_find_locked(mm, v->end)) {
		if (advice == MADV_DONTNEED && (v->flags & VM_LOCKED))
			return -EINVAL; /* locked pages are not dropped, as Linux */
		if (advice == MADV_FREE && (v->shared || v->file))
			return -EINVAL; /* private anonymous memory only, as Linux */
	}
	if (advice == MADV_DONTNEED)
		return dontneed_locked(mm, start, end);
	if (fork_flags(advice, &clear, &set)) {
		if (advice == MADV_WIPEONFORK)
			for (struct vma *v = vma_find_locked(mm, start); v && v->start < end;
			     v = vma_find_locked(mm, v->end))
				if (v->shared || v->file)
					return -EINVAL; /* private anonymous only, as Linux */
		int r = vma_may_split_locked(mm, start, end);
		if (r)
			return r;
		vma_change_flags_locked(mm, start, end, clear, set, s);
	}
	return 0;
}

int vm_advise(struct mm *mm, uint64_t addr, uint64_t len, int advice)
{
	uint32_t clear, set;
	bool known = is_hint(advice) || advice == MADV_DONTNEED ||
		     advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE ||
		     fork_flags(advice, &clear, &set);
	if (!known || !IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	uint64_t end = addr + ALIGN_UP(len, PAGE_SIZE);
	if (end < addr || end > USER_SPACE_END)
		return -EINVAL;
	if (end == addr)
		return 0;
	if (advice == MADV_POPULATE_READ || advice == MADV_POPULATE_WRITE) {
		int err = vm_populate(mm, addr, end - addr, advice == MADV_POPULATE_WRITE);
		if (err == -ENXIO)
			return -EFAULT; /* a file page beyond the end of the file: SIGBUS */
		return err == -EFAULT ? -EINVAL : err;
	}
	struct vma_spares s;
	if (vma_spares_fill(&s, 2))
		return -ENOMEM;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	int err = advise_locked(mm, addr, end, advice, &s);
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return err;
}
