/* mlock, mlock2, munlock, mlockall, munlockall: memory locks as Linux keeps them — VM_LOCKED
 * (and VM_LOCKONFAULT) on the VMAs of the range, the range faulted in at once unless locked on
 * fault, RLIMIT_MEMLOCK counted over every locked VMA (CAP_IPC_LOCK is exempt; a zero limit
 * without it is EPERM), mlockall(MCL_FUTURE) locking every later mapping, and nothing of it
 * inherited by fork or kept by exec. Zero-OS never pages memory out, so a lock changes no
 * residency; it is what /proc/<pid>/status's VmLck and the limit see, and what swap and reclaim
 * (the storage work) must honour. */
#include <mm/vm.h>
#include <mm/vm_internal.h>
#include <mm/layout.h>
#include <proc/process.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/mman.h>
#include <uapi/resource.h>

uint64_t vm_locked_bytes_locked(struct mm *mm)
{
	spin_assert_held(&mm->lock);
	uint64_t n = 0;
	struct list_node *pos;
	list_for_each(pos, &mm->vmas) {
		const struct vma *v = list_entry(pos, struct vma, node);
		if (v->flags & VM_LOCKED)
			n += v->end - v->start;
	}
	return n;
}

/* Locked bytes inside [start, end). mm->lock held. */
static uint64_t locked_in_range_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t n = 0;
	for (struct vma *v = vma_find_locked(mm, start); v && v->start < end;
	     v = vma_find_locked(mm, v->end))
		if (v->flags & VM_LOCKED)
			n += MIN(v->end, end) - MAX(v->start, start);
	return n;
}

/* RLIMIT_MEMLOCK in bytes, or UINT64_MAX for a caller with CAP_IPC_LOCK. */
static uint64_t lock_limit(void)
{
	if (capable(CAP_IPC_LOCK))
		return UINT64_MAX;
	return READ_ONCE(process_current()->rlimits[RLIMIT_MEMLOCK].rlim_cur);
}

/* Linux's can_do_mlock: a non-zero limit, or the capability. */
static bool may_lock(void)
{
	return lock_limit() != 0;
}

/* Fault in the locked, accessible VMAs of [start, end) (not those locked on fault): writable
 * private memory for writing, so that copy-on-write is broken now, as Linux does. Errors are
 * the range's, not the lock's: the lock stays. */
static int populate_locked_range(struct mm *mm, uint64_t start, uint64_t end)
{
	int err = 0;
	for (uint64_t at = start; at < end && err != -ENOMEM;) {
		uint64_t f = spin_lock_irqsave(&mm->lock);
		struct vma *v = vma_find_locked(mm, at);
		uint32_t flags = v && v->start < end ? v->flags : 0;
		uint64_t lo = v ? MAX(v->start, at) : end, hi = v ? MIN(v->end, end) : end;
		spin_unlock_irqrestore(&mm->lock, f);
		if (!v || lo >= end)
			break;
		bool want = (flags & VM_LOCKED) && !(flags & VM_LOCKONFAULT) &&
			    (flags & (VM_READ | VM_WRITE));
		if (want)
			err = vm_populate(mm, lo, hi - lo,
					  (flags & VM_WRITE) && !(flags & VM_SHARED));
		at = hi;
	}
	return err == -ENOMEM ? -ENOMEM : 0;
}

/* Set (lock) or clear the lock bits on [start, end), which must be mapped whole. */
static int apply_range(struct mm *mm, uint64_t start, uint64_t end, uint32_t set, bool lock)
{
	struct vma_spares s;
	if (vma_spares_fill(&s, 2))
		return -ENOMEM;
	int err = 0;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	if (!vma_range_mapped_locked(mm, start, end) || vma_may_split_locked(mm, start, end))
		err = -ENOMEM;
	else if (lock && vm_locked_bytes_locked(mm) - locked_in_range_locked(mm, start, end) +
				 (end - start) > lock_limit())
		err = -ENOMEM;
	if (!err)
		vma_change_flags_locked(mm, start, end, VM_LOCK_MASK, set, &s);
	spin_unlock_irqrestore(&mm->lock, f);
	vma_spares_free(&s);
	return err;
}

/* The page-aligned range of (addr, len): addr rounded down, as mlock(2) allows. */
static int lock_range(uint64_t addr, uint64_t len, uint64_t *start, uint64_t *end)
{
	*start = ALIGN_DOWN(addr, PAGE_SIZE);
	uint64_t span = len + (addr - *start);
	if (span < len || ALIGN_UP(span, PAGE_SIZE) < span)
		return -EINVAL;
	*end = *start + ALIGN_UP(span, PAGE_SIZE);
	return *end < *start ? -EINVAL : 0;
}

int vm_mlock_mapping_ok(struct mm *mm, uint64_t len)
{
	if (!may_lock())
		return -EPERM;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	uint64_t locked = vm_locked_bytes_locked(mm);
	spin_unlock_irqrestore(&mm->lock, f);
	return locked + ALIGN_UP(len, PAGE_SIZE) > lock_limit() ? -EAGAIN : 0;
}

static long do_mlock(uint64_t addr, uint64_t len, uint32_t set)
{
	struct mm *mm = process_current() ? process_current()->mm : NULL;
	uint64_t start, end;
	if (!may_lock())
		return -EPERM;
	int err = lock_range(addr, len, &start, &end);
	if (err || !mm || start == end)
		return err;
	err = apply_range(mm, start, end, set, true);
	return err ? err : populate_locked_range(mm, start, end);
}

SYSCALL_DEFINE2(mlock, uint64_t, addr, uint64_t, len)
{
	return do_mlock(addr, len, VM_LOCKED);
}

SYSCALL_DEFINE3(mlock2, uint64_t, addr, uint64_t, len, unsigned int, flags)
{
	if (flags & ~MLOCK_ONFAULT)
		return -EINVAL;
	return do_mlock(addr, len, VM_LOCKED | (flags & MLOCK_ONFAULT ? VM_LOCKONFAULT : 0));
}

SYSCALL_DEFINE2(munlock, uint64_t, addr, uint64_t, len)
{
	struct mm *mm = process_current() ? process_current()->mm : NULL;
	uint64_t start, end;
	int err = lock_range(addr, len, &start, &end);
	if (err || !mm || start == end)
		return err;
	return apply_range(mm, start, end, 0, false);
}

/* Set the lock bits of every VMA (set 0: clear them). mm->lock held. */
static void apply_all_locked(struct mm *mm, uint32_t set)
{
	spin_assert_held(&mm->lock);
	struct list_node *pos;
	list_for_each(pos, &mm->vmas) {
		struct vma *v = list_entry(pos, struct vma, node);
		v->flags = (v->flags & ~VM_LOCK_MASK) | set;
	}
}

SYSCALL_DEFINE1(mlockall, int, flags)
{
	if (!flags || (flags & ~(MCL_CURRENT | MCL_FUTURE | MCL_ONFAULT)) || flags == MCL_ONFAULT)
		return -EINVAL;
	if (!may_lock())
		return -EPERM;
	struct mm *mm = process_current()->mm;
	uint32_t set = VM_LOCKED | (flags & MCL_ONFAULT ? VM_LOCKONFAULT : 0);
	int err = 0;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	uint64_t total = 0;
	struct list_node *pos;
	list_for_each(pos, &mm->vmas) {
		const struct vma *v = list_entry(pos, struct vma, node);
		total += v->end - v->start;
	}
	if ((flags & MCL_CURRENT) && total > lock_limit()) {
		err = -ENOMEM; /* Linux compares everything mapped with the limit */
	} else {
		mm->def_flags = flags & MCL_FUTURE ? set : 0;
		if (flags & MCL_CURRENT)
			apply_all_locked(mm, set);
	}
	spin_unlock_irqrestore(&mm->lock, f);
	if (!err && (flags & MCL_CURRENT))
		(void)populate_locked_range(mm, 0, USER_MAX_ADDR); /* as Linux: errors ignored */
	return err;
}

SYSCALL_DEFINE0(munlockall)
{
	struct mm *mm = process_current()->mm;
	uint64_t f = spin_lock_irqsave(&mm->lock);
	mm->def_flags = 0;
	apply_all_locked(mm, 0);
	spin_unlock_irqrestore(&mm->lock, f);
	return 0;
}
