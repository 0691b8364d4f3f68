/* The page-fault handler for user addresses: demand-zero pages, file pages (private copies or
 * the file's own), copy-on-write, stack growth; and vm_write/vm_read, which reach an address
 * space through the same page resolution. A file page is got with mm->lock dropped (the file
 * system may sleep), then installed if the mapping still wants it (see struct file_fill). */
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <arch/x86_64/exceptions.h>
#include <lib/string.h>
#include <sched/thread.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <arch/x86_64/cpu.h>
#include <core/test_hook.h>
#include <uapi/errno.h>
#include <uapi/signal.h>

static bool vma_allows(const struct vma *v, uint32_t access)
{
	if (access == VM_READ) /* x86 cannot map write- or exec-only: those imply read */
		return v->flags & VM_PROT_MASK;
	return v->flags & access;
}

/* Map a frame where nothing is mapped yet. */
static int populate_locked(struct vma *v, uint64_t page, bool write, struct file_fill *fill,
			   pte_t *e)
{
	uint64_t pa;
	bool writable = true;
	if (v->file) {
		uint64_t index = v->pgoff + (page - v->start) / PAGE_SIZE;
		if (!fill || fill->file != v->file || fill->index != index ||
		    fill->shared != !!(v->flags & VM_SHARED))
			return -EAGAIN;
		if (fill->err)
			return fill->err;
		pa = fill->pa; /* its reference passes to the entry; a private copy is ours alone */
		fill->pa = 0;
	} else if (v->shared) {
		int err = shared_anon_page(v->shared, v->pgoff + (page - v->start) / PAGE_SIZE,
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
	spin_assert_held(&mm->lock);
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
			 bool force, struct file_fill *fill, uint64_t *pa_out)
{
	spin_assert_held(&mm->lock);
	if (!force && !vma_allows(v, access))
		return -EFAULT;
	if (access == VM_WRITE && (v->flags & VM_RDONLY_FILE))
		return -EFAULT; /* even forced: the file was not opened for writing */
	pte_t *e = pt_entry(mm->pml4_pa, page, PT_LEVEL_PT, true);
	if (!e)
		return -ENOMEM;
	int err = 0;
	if (!pte_has_frame(*e))
		err = populate_locked(v, page, access == VM_WRITE, fill, e);
	if (!err && access == VM_WRITE && !(v->flags & VM_SHARED) && !(*e & PTE_W)) {
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
	spin_assert_held(&mm->lock);
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

/* The present user entry e lets user mode make this access now. */
static bool pte_permits(pte_t e, uint32_t access)
{
	if (!(e & PTE_U))
		return false;
	if (access == VM_WRITE)
		return e & PTE_W;
	if (access == VM_EXEC)
		return !(e & PTE_NX);
	return true;
}

static uint32_t access_of(uint32_t error_code)
{
	if (error_code & PF_ERR_WRITE)
		return VM_WRITE;
	return (error_code & PF_ERR_IFETCH) ? VM_EXEC : VM_READ;
}

int vm_page_op(struct mm *mm, uint64_t addr, vm_page_op_t op, void *arg)
{
	struct file_fill fill = { 0 };
	int err;
	for (;;) {
		uint64_t f = spin_lock_irqsave(&mm->lock);
		err = op(mm, addr, &fill, arg);
		spin_unlock_irqrestore(&mm->lock, f);
		if (err != -EAGAIN)
			break;
		if (!irqs_enabled()) { /* the faulting code cannot sleep: no file to read */
			err = -EFAULT;
			break;
		}
		vm_file_fill_finish(&fill);
		vm_file_fill_prepare(mm, ALIGN_DOWN(addr, PAGE_SIZE), &fill);
	}
	vm_file_fill_finish(&fill);
	return err;
}

struct fault_args {
	uint32_t error_code;
	uint64_t limit;
};

static int fault_locked(struct mm *mm, uint64_t addr, struct file_fill *fill, void *arg)
{
	spin_assert_held(&mm->lock);
	const struct fault_args *a = arg;
	uint32_t error_code = a->error_code;
	struct vma *v = vma_find_locked(mm, addr);
	if (!v)
		return -EFAULT;
	if (addr < v->start) {
		if (!(v->flags & VM_GROWSDOWN))
			return -EFAULT;
		int err = grow_stack_locked(mm, v, addr, a->limit);
		if (err)
			return err;
	}
	uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE);
	uint32_t access = access_of(error_code);
	pte_t *e = pt_entry(mm->pml4_pa, page, PT_LEVEL_PT, false);
	/* A protection fault is resolvable only as a write to a COW page; anything else (a
	 * kernel access without STAC, an exec of an NX page) would fault again forever —
	 * unless it is spurious: another thread made the page accessible (resolved the COW,
	 * mprotect) between the fault and our taking mm->lock. The entry that faulted left
	 * the TLB with the fault, so user mode simply runs the access again (as Linux; bug
	 * spurious_write_fault_segv). Kernel accesses are not retried: that could loop. */
	if ((error_code & PF_ERR_PRESENT) && e && (*e & PTE_P) &&
	    (access != VM_WRITE || (*e & PTE_W))) {
		bool spurious = (error_code & PF_ERR_USER) && pte_permits(*e, access) &&
				vma_allows(v, access);
		return spurious ? 0 : -EFAULT;
	}
	uint64_t pa;
	return vm_fault_page_locked(mm, v, page, access, false, fill, &pa);
}

int vm_fault(struct mm *mm, uint64_t addr, uint32_t error_code, uint64_t stack_limit)
{
	if (addr >= USER_SPACE_END || (error_code & PF_ERR_RSVD))
		return -EFAULT;
	struct fault_args a = { error_code, stack_limit };
	return vm_page_op(mm, addr, fault_locked, &a);
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
	/* Reading a file page may sleep: interrupts on, if the faulting code had them on. */
	bool irqs = f->rflags & RFLAGS_IF;
	if (irqs)
		irq_enable();
	if (trap_from_user(f))
		test_hook_hold(TEST_HOOK_FAULT_BEFORE_LOCK); /* interrupts on, no lock held */
	int err = vm_fault(mm, addr, error_code, current_stack_limit());
	if (irqs)
		irq_disable();
	if (err == -ENXIO && trap_from_user(f)) { /* a file page beyond the end of the file */
		signal_force_fault(SIGBUS, BUS_ADRERR, addr, VEC_PF, error_code);
		return true;
	}
	return err == 0;
}

struct access_args {
	void *buf;
	uint64_t n;
	bool write;
};

/* Copy between a kernel buffer and the page at addr through the direct map. */
static int access_page_locked(struct mm *mm, uint64_t addr, struct file_fill *fill, void *arg)
{
	spin_assert_held(&mm->lock);
	const struct access_args *a = arg;
	uint64_t page = ALIGN_DOWN(addr, PAGE_SIZE), off = addr - page, pa;
	struct vma *v = vma_find_locked(mm, addr);
	if (!v || v->start > addr)
		return -EFAULT;
	/* Untouched private pages map the zero page when read; shared ones their object's. */
	int err = vm_fault_page_locked(mm, v, page, a->write ? VM_WRITE : VM_READ, true, fill,
				       &pa);
	if (err)
		return err == -ENXIO ? -EFAULT : err;
	if (a->write)
		memcpy((char *)phys_to_virt(pa) + off, a->buf, a->n);
	else
		memcpy(a->buf, (char *)phys_to_virt(pa) + off, a->n);
	return 0;
}

/* Copy between a kernel buffer and an address space, a page at a time. */
static int access_mm(struct mm *mm, uint64_t addr, void *buf, uint64_t len, bool write)
{
	if (addr + len < addr || addr + len > USER_SPACE_END)
		return -EFAULT;
	int err = 0;
	while (len && !err) {
		struct access_args a = { buf, MIN(len, PAGE_SIZE - addr % PAGE_SIZE), write };
		err = vm_page_op(mm, addr, access_page_locked, &a);
		addr += a.n;
		buf = (char *)buf + a.n;
		len -= a.n;
	}
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
	if (!v || v->start > addr || v->shared || v->file)
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
