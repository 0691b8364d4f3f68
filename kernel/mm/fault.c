/* The page-fault handler for user addresses: demand-zero pages, copy-on-write, stack growth;
 * and vm_write/vm_read, which reach an address space through the same page resolution. */
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <arch/x86_64/exceptions.h>
#include <lib/string.h>
#include <sched/thread.h>
#include <proc/process.h>
#include <uapi/errno.h>

static bool vma_allows(const struct vma *v, uint32_t access)
{
	if (access == VM_READ) /* x86 cannot map write- or exec-only: those imply read */
		return v->flags & VM_PROT_MASK;
	return v->flags & access;
}

/* Map a frame where nothing is mapped yet. */
static int populate_locked(struct vma *v, uint64_t page, bool write, pte_t *e)
{
	uint64_t pa;
	bool writable = true;
	if (v->shared) {
		int err = shared_anon_page(v->shared, v->shared_pgoff + (page - v->start) / PAGE_SIZE,
					   &pa);
		if (err)
			return err;
	} else if (!write && !(v->flags & VM_EXEC)) {
		pa = vm_zero_page_pa; /* nothing to allocate until somebody writes */
		writable = false;
	} else {
		pa = phys_alloc_pages(0); /* zeroed by the allocator */
		if (!pa)
			return -ENOMEM;
		page_ref_set_one(pa);
	}
	*e = pa | vm_pte_flags(v->flags, writable);
	return 0;
}

/* Give a private page its own frame for writing: the zero page or a frame other mappings share
 * is copied; a frame only this entry maps is kept. */
static int unshare_locked(struct mm *mm, struct vma *v, uint64_t page, pte_t *e)
{
	uint64_t old = *e & PTE_ADDR_MASK;
	if (old != vm_zero_page_pa && page_ref_count(old) == 1) {
		*e = old | vm_pte_flags(v->flags, true);
		vm_flush_tlb_range(mm, page, page + PAGE_SIZE);
		return 0;
	}
	/* A copy overwrites the whole page, so only a copy of the zero page needs zeroing. */
	uint64_t pa = old == vm_zero_page_pa ? phys_alloc_pages(0) : phys_alloc_page_unzeroed();
	if (!pa)
		return -ENOMEM;
	if (old != vm_zero_page_pa)
		memcpy(phys_to_virt(pa), phys_to_virt(old), PAGE_SIZE);
	page_ref_set_one(pa);
	*e = pa | vm_pte_flags(v->flags, true);
	vm_flush_tlb_range(mm, page, page + PAGE_SIZE);
	if (old != vm_zero_page_pa && page_ref_dec(old) == 0)
		phys_free_pages(old, 0); /* the other mapper let go meanwhile */
	return 0;
}

int vm_fault_page_locked(struct mm *mm, struct vma *v, uint64_t page, uint32_t access,
			 bool force, uint64_t *pa_out)
{
	spin_assert_held(&mm->lock);
	if (!force && !vma_allows(v, access))
		return -EFAULT;
	pte_t *e = pt_entry(mm->pml4_pa, page, PT_LEVEL_PT, true);
	if (!e)
		return -ENOMEM;
	int err = 0;
	if (!pte_has_frame(*e))
		err = populate_locked(v, page, access == VM_WRITE, e);
	if (!err && access == VM_WRITE && !v->shared && !(*e & PTE_W)) {
		uint64_t pa = *e & PTE_ADDR_MASK;
		if (!force || pa == vm_zero_page_pa || page_ref_count(pa) > 1)
			err = unshare_locked(mm, v, page, e);
	}
	if (!err)
		*pa_out = *e & PTE_ADDR_MASK;
	return err;
}

/* Extend a VM_GROWSDOWN area down to cover addr, within the stack limit and never closer than
 * the guard gap to the mapping below. */
static int grow_stack_locked(struct mm *mm, struct vma *v, uint64_t addr, uint64_t limit)
{
	uint64_t start = ALIGN_DOWN(addr, PAGE_SIZE);
	if (start < USER_MIN_ADDR || v->end - start > limit)
		return -EFAULT;
	if (v->node.prev != &mm->vmas) {
		const struct vma *below = list_entry(v->node.prev, struct vma, node);
		if (below->end + USER_STACK_GUARD_GAP > start)
			return -EFAULT;
	}
	v->start = start;
	return 0;
}

static uint32_t access_of(uint32_t error_code)
{
	if (error_code & PF_ERR_WRITE)
		return VM_WRITE;
	return (error_code & PF_ERR_IFETCH) ? VM_EXEC : VM_READ;
}

static int fault_locked(struct mm *mm, uint64_t addr, uint32_t error_code, uint64_t limit)
{
	struct vma *v = vma_find_locked(mm, addr);
	if (!v)
		return -EFAULT;
	if (addr < v->start) {
		if (!(v->flags & VM_GROWSDOWN))
			return -EFAULT;
		int err = grow_stack_locked(mm, v, addr, limit);
		if (err)
			return err;
	}
	uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE);
	uint32_t access = access_of(error_code);
	pte_t *e = pt_entry(mm->pml4_pa, page, PT_LEVEL_PT, false);
	/* A protection fault is resolvable only as a write to a COW page; anything else (a
	 * kernel access without STAC, an exec of an NX page) would fault again forever. */
	if ((error_code & PF_ERR_PRESENT) && e && (*e & PTE_P) &&
	    (access != VM_WRITE || (*e & PTE_W)))
		return -EFAULT;
	uint64_t pa;
	return vm_fault_page_locked(mm, v, page, access, false, &pa);
}

int vm_fault(struct mm *mm, uint64_t addr, uint32_t error_code, uint64_t stack_limit)
{
	if (addr >= USER_SPACE_END || (error_code & PF_ERR_RSVD))
		return -EFAULT;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	int err = fault_locked(mm, addr, error_code, stack_limit);
	spin_unlock_irqrestore(&mm->lock, f);
	return err;
}

static uint64_t current_stack_limit(void)
{
	struct thread *t = current_thread();
	return READ_ONCE(t->proc->rlimits[RLIMIT_STACK].rlim_cur); /* one word: no p->lock */
}

bool vm_handle_fault(struct trap_frame *f, uint64_t addr, uint32_t error_code)
{
	if (addr >= USER_SPACE_END)
		return false; /* kernel addresses are never demand-paged */
	if (!trap_from_user(f) && (error_code & PF_ERR_IFETCH))
		return false; /* the kernel never executes user memory (SMEP) */
	struct mm *mm = current_mm();
	if (!mm)
		return false;
	return vm_fault(mm, addr, error_code, current_stack_limit()) == 0;
}

/* Copy between a kernel buffer and an address space through the direct map, a page at a time. */
static int access_mm(struct mm *mm, uint64_t addr, void *buf, uint64_t len, bool write)
{
	if (addr + len < addr || addr + len > USER_SPACE_END)
		return -EFAULT;
	int err = 0;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	while (len && !err) {
		uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE), off = addr - page;
		uint64_t n = MIN(len, PAGE_SIZE - off), pa;
		struct vma *v = vma_find_locked(mm, addr);
		if (!v || v->start > addr) {
			err = -EFAULT;
		} else if (write) {
			err = vm_fault_page_locked(mm, v, page, VM_WRITE, true, &pa);
			if (!err)
				memcpy((char *)phys_to_virt(pa) + off, buf, n);
		} else {
			/* Untouched private pages map the zero page; shared ones their object's. */
			err = vm_fault_page_locked(mm, v, page, VM_READ, true, &pa);
			if (!err)
				memcpy(buf, (char *)phys_to_virt(pa) + off, n);
		}
		addr += n;
		buf = (char *)buf + n;
		len -= n;
	}
	spin_unlock_irqrestore(&mm->lock, f);
	return err;
}

int vm_write(struct mm *mm, uint64_t addr, const void *src, uint64_t len)
{
	return access_mm(mm, addr, (void *)src, len, true);
}

int vm_read(struct mm *mm, uint64_t addr, void *dst, uint64_t len)
{
	return access_mm(mm, addr, dst, len, false);
}

int vm_install_page(struct mm *mm, uint64_t addr, uint64_t pa)
{
	if (!IS_ALIGNED(addr, PAGE_SIZE) || addr >= USER_SPACE_END)
		return -EFAULT;
	int err = 0;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	struct vma *v = vma_find_locked(mm, addr);
	pte_t *e = NULL;
	if (!v || v->start > addr || v->shared)
		err = -EFAULT;
	else if (!(e = pt_entry(mm->pml4_pa, addr, PT_LEVEL_PT, true)))
		err = -ENOMEM;
	else if (pte_has_frame(*e))
		err = -EEXIST;
	if (!err) { /* an empty entry: nothing to flush */
		page_ref_set_one(pa);
		*e = pa | vm_pte_flags(v->flags, true);
	}
	spin_unlock_irqrestore(&mm->lock, f);
	return err;
}
