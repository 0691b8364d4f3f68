/* Creating, removing and re-protecting mappings: the address-space side of mmap, munmap and
 * mprotect. Each operation checks everything and allocates what it may need first, then
 * changes the space with code that cannot fail. */
#include <mm/vm_internal.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <core/panic.h>
#include <fs/vfs.h>
#include <uapi/errno.h>

static bool wx(uint32_t flags)
{
	return (flags & VM_WRITE) && (flags & VM_EXEC);
}

/* Page-rounded length, 0 when len is 0 or rounding overflows. */
static uint64_t page_len(uint64_t len)
{
	uint64_t r = ALIGN_UP(len, PAGE_SIZE);
	return r < len ? 0 : r;
}

static bool user_range(uint64_t addr, uint64_t len)
{
	return addr >= USER_MIN_ADDR && addr + len >= addr && addr + len <= USER_MAX_ADDR;
}

/* Where a new mapping goes, or -errno. */
static int64_t place_locked(struct mm *mm, uint64_t addr, uint64_t len, bool fixed,
			    bool noreplace)
{
	spin_assert_held(&mm->lock);
	if (fixed) {
		if (noreplace && !vma_range_free_locked(mm, addr, addr + len))
			return -EEXIST;
		return (int64_t)addr;
	}
	if (addr && IS_ALIGNED(addr, PAGE_SIZE) && user_range(addr, len) &&
	    vma_range_free_locked(mm, addr, addr + len))
		return (int64_t)addr;
	uint64_t found = vma_find_gap_locked(mm, len);
	return found ? (int64_t)found : -ENOMEM;
}

/* vm_map, vm_map_file and vm_map_shared: file NULL for anonymous memory; sa an existing shared
 * object (referenced here) or NULL. */
static int64_t map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
		   bool noreplace, struct file *file, uint64_t pgoff, struct shared_anon *sa)
{
	if (!len)
		return -EINVAL;
	len = page_len(len);
	if (!len)
		return -ENOMEM;
	if (wx(flags))
		return -EACCES;
	if (fixed || noreplace) {
		fixed = true;
		if (!IS_ALIGNED(addr, PAGE_SIZE))
			return -EINVAL;
		if (addr < USER_MIN_ADDR)
			return -EPERM;
		if (!user_range(addr, len))
			return -ENOMEM;
	}
	struct vma_spares s;
	if (vma_spares_fill(&s, 3))
		return -ENOMEM;
	if (sa)
		shared_anon_get(sa);
	else if ((flags & VM_SHARED) && !file && !(sa = shared_anon_create(len / PAGE_SIZE))) {
		vma_spares_free(&s);
		return -ENOMEM;
	}
	uint64_t f = spin_lock_irqsave(&mm->lock);
	int64_t at = vma_may_map_locked(mm) ? place_locked(mm, addr, len, fixed, noreplace)
					     : -ENOMEM;
	if (at >= 0) {
		vma_remove_range_locked(mm, (uint64_t)at, (uint64_t)at + len, &s);
		struct vma *v = vma_spares_take(&s);
		v->start = (uint64_t)at;
		v->end = (uint64_t)at + len;
		v->flags = flags | mm->def_flags;
		v->shared = sa;
		v->file = file;
		v->pgoff = pgoff;
		if (file)
			file_get(file);
		sa = NULL;
		vma_insert_locked(mm, v);
		vma_merge_locked(mm, v);
	}
	spin_unlock_irqrestore(&mm->lock, f);
	if (sa)
		shared_anon_put(sa);
	vma_spares_free(&s);
	return at;
}

int64_t vm_map(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
	       bool noreplace)
{
	return map(mm, addr, len, flags, fixed, noreplace, NULL, 0, NULL);
}

int64_t vm_map_file(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
		    bool noreplace, struct file *file, uint64_t pgoff)
{
	return map(mm, addr, len, flags, fixed, noreplace, file, pgoff, NULL);
}

int64_t vm_map_shared(struct mm *mm, uint64_t addr, uint64_t len, uint32_t flags, bool fixed,
		      bool noreplace, struct shared_anon *sa)
{
	return map(mm, addr, len, flags | VM_SHARED, fixed, noreplace, NULL, 0, sa);
}

int vm_unmap(struct mm *mm, uint64_t addr, uint64_t len)
{
	len = page_len(len);
	if (!len || !IS_ALIGNED(addr, PAGE_SIZE) || addr + len < addr || addr + len > USER_SPACE_END)
		return -EINVAL;
	struct vma_spares s;
	if (vma_spares_fill(&s, 2))
		return -ENOMEM;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	int err = vma_may_unmap_locked(mm, addr, addr + len);
	if (!err)
		vma_remove_range_locked(mm, addr, addr + len, &s);
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return err;
}

static struct vma *vma_after(struct mm *mm, struct vma *v)
{
	return v->node.next == &mm->vmas ? NULL : list_entry(v->node.next, struct vma, node);
}

/* v is a piece of an object owned through release, mapped where its page 0 would be at addr. */
static bool owned_piece(const struct vma *v, uint64_t addr, shared_anon_release_fn release)
{
	return v->shared && shared_anon_owned_by(v->shared, release) && v->start >= addr &&
	       (v->start - addr) / PAGE_SIZE == v->pgoff;
}

/* Linux's shmdt: the first matching piece at or after addr, then the others of the same object
 * that end within its size from addr. */
static int unmap_owned_locked(struct mm *mm, uint64_t addr, shared_anon_release_fn release,
			      struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	struct vma *v = vma_find_locked(mm, addr);
	while (v && !owned_piece(v, addr, release))
		v = vma_after(mm, v);
	if (!v)
		return -EINVAL;
	struct shared_anon *sa = v->shared;
	uint64_t end = addr + shared_anon_pages(sa) * PAGE_SIZE;
	while (v && v->end <= end) {
		struct vma *next = vma_after(mm, v);
		if (v->shared == sa && owned_piece(v, addr, release))
			vma_remove_range_locked(mm, v->start, v->end, s);
		v = next;
	}
	return 0;
}

int vm_unmap_owned_at(struct mm *mm, uint64_t addr, shared_anon_release_fn release)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE))
		return -EINVAL;
	struct vma_spares s;
	if (vma_spares_fill(&s, 2))
		return -ENOMEM;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	int err = unmap_owned_locked(mm, addr, release, &s);
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return err;
}

struct reprotect_ctx {
	uint32_t vm_flags;
};

static void reprotect_pte(uint64_t va, pte_t *e, void *ctx)
{
	(void)va; /* the caller flushes the whole range once */
	struct reprotect_ctx *r = ctx;
	if (!pte_has_frame(*e))
		return;
	uint64_t pa = *e & PTE_ADDR_MASK;
	/* A private page keeps W only if it had it (then it is exclusively ours); one without W
	 * may be COW-shared, and its next write fault decides. */
	bool writable = (r->vm_flags & VM_SHARED) || (*e & PTE_W);
	if (pa == vm_zero_page_pa)
		writable = false;
	*e = pa | vm_pte_flags(r->vm_flags, writable);
}

int vm_protect(struct mm *mm, uint64_t addr, uint64_t len, uint32_t prot)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || (prot & ~VM_PROT_MASK))
		return -EINVAL;
	if (wx(prot))
		return -EACCES;
	if (!len)
		return 0;
	len = page_len(len);
	if (!len || addr + len < addr || addr + len > USER_MAX_ADDR)
		return -ENOMEM;
	struct vma_spares s;
	if (vma_spares_fill(&s, 2))
		return -ENOMEM;
	int err = 0;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	if (!vma_range_mapped_locked(mm, addr, addr + len) ||
	    vma_may_split_locked(mm, addr, addr + len)) {
		err = -ENOMEM;
		goto out_unlock;
	}
	for (struct vma *v = vma_find_locked(mm, addr); v && v->start < addr + len;
	     v = vma_find_locked(mm, v->end)) {
		if ((prot & VM_WRITE) && (v->flags & VM_RDONLY_FILE)) {
			err = -EACCES;
			goto out_unlock;
		}
	}
	vma_change_flags_locked(mm, addr, addr + len, VM_PROT_MASK, prot, &s);
	for (struct vma *v = vma_find_locked(mm, addr); v && v->start < addr + len;
	     v = vma_find_locked(mm, v->end)) {
		struct reprotect_ctx r = { v->flags };
		pt_walk_ptes(mm->pml4_pa, MAX(v->start, addr), MIN(v->end, addr + len),
			     reprotect_pte, &r);
	}
	/* One shootdown for the whole range, before mprotect returns (no frame is freed). */
	vm_flush_tlb_range(mm, addr, addr + len);
out_unlock:
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return err;
}

static int populate_page_locked(struct mm *mm, uint64_t page, struct file_fill *fill,
				void *write)
{
	spin_assert_held(&mm->lock);
	struct vma *v = vma_find_locked(mm, page);
	uint64_t pa;
	if (!v || v->start > page)
		return -ENOMEM;
	return vm_fault_page_locked(mm, v, page, *(bool *)write ? VM_WRITE : VM_READ, false, fill,
				    &pa);
}

int vm_populate(struct mm *mm, uint64_t addr, uint64_t len, bool write)
{
	int err = 0;
	uint64_t end = addr + page_len(len);
	for (uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE); page < end && !err; page += PAGE_SIZE)
		err = vm_page_op(mm, page, populate_page_locked, &write);
	return err;
}
