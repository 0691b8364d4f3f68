/* In-kernel tests of user address spaces: mapping, demand-zero and the zero page, COW after
 * fork, refused accesses, munmap/mprotect/mremap/madvise/brk, stack growth, shared memory,
 * W^X, leak-freedom over 1,000 fork cycles, and real #PF resolution through usercopy. */
#include <core/ktest.h>
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/exceptions.h>
#include <arch/x86_64/usercopy.h>
#include <security/wx_audit.h>
#include <sched/thread.h>
#include <proc/process.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/mman.h>

#define BASE 0x400000ULL
#define RW (VM_READ | VM_WRITE)
#define ERR_UW (PF_ERR_USER | PF_ERR_WRITE)
#define ERR_UR PF_ERR_USER
#define FREE_SLACK 8 /* pages kmalloc's slabs may keep or release meanwhile */

static int fault(struct mm *mm, uint64_t va, uint32_t err)
{
	return vm_fault(mm, va, err, USER_STACK_MAX);
}

static bool translate(struct mm *mm, uint64_t va, uint64_t *pa, uint64_t *flags)
{
	return pt_translate(mm->pml4_pa, va, pa, flags);
}

static uint64_t frame_of(struct mm *mm, uint64_t va)
{
	uint64_t pa, flags;
	return translate(mm, va, &pa, &flags) ? pa : 0;
}

static uint64_t pte_flags_of(struct mm *mm, uint64_t va)
{
	uint64_t pa, flags;
	return translate(mm, va, &pa, &flags) ? flags : 0;
}

static uint64_t read_u64(struct mm *mm, uint64_t va)
{
	uint64_t v = 0xbad;
	vm_read(mm, va, &v, sizeof(v));
	return v;
}

static bool near(uint64_t a, uint64_t b)
{
	return a + FREE_SLACK >= b && b + FREE_SLACK >= a;
}

KTEST(vm_map_write_translate)
{
	uint64_t before = phys_free_count();
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	const pte_t *k = phys_to_virt(kernel_pml4_pa), *u = phys_to_virt(mm->pml4_pa);
	KEXPECT(memcmp(k + 256, u + 256, 256 * sizeof(pte_t)) == 0);
	KEXPECT(vm_map(mm, BASE, 3 * PAGE_SIZE, RW, true, false) == (int64_t)BASE);
	char msg[] = "across a page boundary";
	uint64_t at = BASE + PAGE_SIZE - 5;
	KEXPECT(vm_write(mm, at, msg, sizeof(msg)) == 0);
	uint64_t pa, flags;
	if (KEXPECT(translate(mm, at, &pa, &flags)))
		KEXPECT(memcmp(phys_to_virt(pa), "acros", 5) == 0);
	KEXPECT(translate(mm, BASE + PAGE_SIZE, &pa, &flags));
	KEXPECT(memcmp(phys_to_virt(pa), "s a page boundary", 18) == 0);
	KEXPECT((flags & (PTE_P | PTE_U | PTE_W | PTE_NX)) == (PTE_P | PTE_U | PTE_W | PTE_NX));
	char back[sizeof(msg)];
	KEXPECT(vm_read(mm, at, back, sizeof(back)) == 0 && memcmp(back, msg, sizeof(msg)) == 0);
	KEXPECT(!translate(mm, BASE + 2 * PAGE_SIZE, &pa, &flags)); /* untouched: not mapped yet */
	KEXPECT(vm_write(mm, BASE + 3 * PAGE_SIZE, msg, 1) == -EFAULT);
	KEXPECT(vm_write(mm, BASE - 1, msg, 2) == -EFAULT);
	KEXPECT(wx_audit(mm->pml4_pa) == 0);
	mm_put(mm);
	KEXPECT(near(phys_free_count(), before));
}

KTEST(vm_demand_zero_and_zero_page)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	vm_map(mm, BASE, 2 * PAGE_SIZE, RW, true, false);
	KEXPECT(fault(mm, BASE, ERR_UR) == 0);
	KEXPECT(frame_of(mm, BASE) == vm_zero_page_pa);
	KEXPECT(!(pte_flags_of(mm, BASE) & PTE_W));
	KEXPECT(fault(mm, BASE + PAGE_SIZE, ERR_UR) == 0);
	KEXPECT(frame_of(mm, BASE + PAGE_SIZE) == vm_zero_page_pa);
	/* A write to the zero page gets a private zeroed frame. */
	KEXPECT(fault(mm, BASE, ERR_UW | PF_ERR_PRESENT) == 0);
	uint64_t pa = frame_of(mm, BASE);
	KEXPECT(pa && pa != vm_zero_page_pa && (pte_flags_of(mm, BASE) & PTE_W));
	KEXPECT(page_ref_count(pa) == 1);
	KEXPECT(read_u64(mm, BASE) == 0);
	/* A write fault on a never-touched page maps a fresh frame at once. */
	vm_map(mm, BASE + 4 * PAGE_SIZE, PAGE_SIZE, RW, true, false);
	KEXPECT(fault(mm, BASE + 4 * PAGE_SIZE, ERR_UW) == 0);
	KEXPECT(frame_of(mm, BASE + 4 * PAGE_SIZE) != vm_zero_page_pa);
	uint64_t z[PAGE_SIZE / 8 / 8];
	memcpy(z, phys_to_virt(vm_zero_page_pa), sizeof(z));
	bool zero = true;
	for (unsigned i = 0; i < ARRAY_SIZE(z); i++)
		zero &= z[i] == 0;
	KEXPECT(zero);
	mm_put(mm);
}

KTEST(vm_fault_refusals)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	vm_map(mm, BASE, PAGE_SIZE, VM_READ, true, false);
	vm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, true, false);
	vm_map(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, 0, true, false); /* PROT_NONE */
	KEXPECT(fault(mm, BASE, ERR_UW) == -EFAULT); /* write to read-only */
	KEXPECT(fault(mm, BASE, ERR_UR) == 0);
	KEXPECT(fault(mm, BASE, ERR_UW | PF_ERR_PRESENT) == -EFAULT);
	KEXPECT(fault(mm, BASE, ERR_UR | PF_ERR_IFETCH | PF_ERR_PRESENT) == -EFAULT); /* NX */
	KEXPECT(fault(mm, BASE + PAGE_SIZE, ERR_UR | PF_ERR_IFETCH) == -EFAULT);
	KEXPECT(fault(mm, BASE + 2 * PAGE_SIZE, ERR_UR) == -EFAULT);
	KEXPECT(fault(mm, BASE + 3 * PAGE_SIZE, ERR_UR) == -EFAULT); /* outside every VMA */
	KEXPECT(fault(mm, BASE - 1, ERR_UW) == -EFAULT);
	KEXPECT(fault(mm, DIRECT_MAP_BASE, 0) == -EFAULT); /* kernel addresses: never */
	KEXPECT(fault(mm, BASE + PAGE_SIZE, ERR_UW | PF_ERR_RSVD) == -EFAULT);
	/* A kernel access to a present, permitted page (SMAP closed) is not "resolved" forever. */
	KEXPECT(fault(mm, BASE + PAGE_SIZE, PF_ERR_WRITE) == 0);
	KEXPECT(fault(mm, BASE + PAGE_SIZE, PF_ERR_WRITE | PF_ERR_PRESENT) == -EFAULT);
	/* vm_write may fill a PROT_NONE page (exec-style), yet the page stays inaccessible. */
	KEXPECT(vm_write(mm, BASE + 2 * PAGE_SIZE, "x", 1) == 0);
	KEXPECT(!(pte_flags_of(mm, BASE + 2 * PAGE_SIZE) & PTE_P));
	KEXPECT(fault(mm, BASE + 2 * PAGE_SIZE, ERR_UR) == -EFAULT);
	mm_put(mm);
}

KTEST(vm_fork_copy_on_write)
{
	struct mm *parent = mm_create();
	if (!KEXPECT(parent))
		return;
	vm_map(parent, BASE, 2 * PAGE_SIZE, RW, true, false);
	uint64_t v1 = 0x1111, v2 = 0x2222;
	vm_write(parent, BASE, &v1, 8);
	vm_write(parent, BASE + PAGE_SIZE, &v2, 8);
	uint64_t pa = frame_of(parent, BASE);
	struct mm *child = mm_fork(parent);
	if (!KEXPECT(child))
		goto out_parent;
	/* Shared, read-only in both, nothing copied. */
	KEXPECT(frame_of(child, BASE) == pa && page_ref_count(pa) == 2);
	KEXPECT(!(pte_flags_of(parent, BASE) & PTE_W) && !(pte_flags_of(child, BASE) & PTE_W));
	KEXPECT(read_u64(child, BASE + PAGE_SIZE) == 0x2222);
	/* The child writes: it gets its own copy; the parent keeps the old frame. */
	KEXPECT(fault(child, BASE, ERR_UW | PF_ERR_PRESENT) == 0);
	uint64_t cpa = frame_of(child, BASE);
	KEXPECT(cpa != pa && read_u64(child, BASE) == 0x1111);
	KEXPECT(page_ref_count(pa) == 1 && page_ref_count(cpa) == 1);
	uint64_t v3 = 0x3333;
	vm_write(child, BASE, &v3, 8);
	KEXPECT(read_u64(parent, BASE) == 0x1111 && read_u64(child, BASE) == 0x3333);
	/* The parent writes: the frame is its alone now, so it is made writable, not copied. */
	KEXPECT(fault(parent, BASE, ERR_UW | PF_ERR_PRESENT) == 0);
	KEXPECT(frame_of(parent, BASE) == pa && (pte_flags_of(parent, BASE) & PTE_W));
	/* vm_write into a COW page of the parent breaks COW too; the child keeps its view. */
	uint64_t v4 = 0x4444;
	vm_write(parent, BASE + PAGE_SIZE, &v4, 8);
	KEXPECT(read_u64(child, BASE + PAGE_SIZE) == 0x2222);
	KEXPECT(read_u64(parent, BASE + PAGE_SIZE) == 0x4444);
	mm_put(child);
out_parent:
	mm_put(parent);
}

KTEST(vm_munmap_frees_and_splits)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	vm_map(mm, BASE, 64 * PAGE_SIZE, RW, true, false);
	vm_populate(mm, BASE, 64 * PAGE_SIZE, true); /* page tables exist from here on */
	vm_unmap(mm, BASE, 64 * PAGE_SIZE);
	uint64_t before = phys_free_count();
	vm_map(mm, BASE, 64 * PAGE_SIZE, RW, true, false);
	KEXPECT(vm_populate(mm, BASE, 64 * PAGE_SIZE, true) == 0);
	KEXPECT(phys_free_count() + 64 <= before + FREE_SLACK);
	/* A hole in the middle: the VMA splits, the hole faults, the sides still work. */
	KEXPECT(vm_unmap(mm, BASE + 4 * PAGE_SIZE, 4 * PAGE_SIZE) == 0);
	KEXPECT(fault(mm, BASE + 5 * PAGE_SIZE, ERR_UR) == -EFAULT);
	KEXPECT(frame_of(mm, BASE + 5 * PAGE_SIZE) == 0);
	KEXPECT(fault(mm, BASE + 9 * PAGE_SIZE, ERR_UR) == 0);
	KEXPECT(vm_unmap(mm, BASE + 1, PAGE_SIZE) == -EINVAL);
	KEXPECT(vm_unmap(mm, BASE, 0) == -EINVAL);
	KEXPECT(vm_unmap(mm, USER_SPACE_END - PAGE_SIZE, 2 * PAGE_SIZE) == -EINVAL);
	KEXPECT(vm_unmap(mm, BASE, 64 * PAGE_SIZE) == 0);
	KEXPECT(near(phys_free_count(), before));
	mm_put(mm);
}

KTEST(vm_mprotect_and_wx)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	KEXPECT(vm_map(mm, BASE, PAGE_SIZE, VM_WRITE | VM_EXEC, true, false) == -EACCES);
	KEXPECT(vm_map(mm, 0, PAGE_SIZE, RW | VM_EXEC, false, false) == -EACCES);
	vm_map(mm, BASE, 4 * PAGE_SIZE, RW, true, false);
	vm_populate(mm, BASE, 4 * PAGE_SIZE, true);
	KEXPECT(pte_flags_of(mm, BASE + PAGE_SIZE) & PTE_W);
	KEXPECT(vm_protect(mm, BASE + PAGE_SIZE, PAGE_SIZE, VM_READ) == 0);
	KEXPECT(!(pte_flags_of(mm, BASE + PAGE_SIZE) & PTE_W));
	KEXPECT(pte_flags_of(mm, BASE) & PTE_W); /* neighbours untouched */
	KEXPECT(fault(mm, BASE + PAGE_SIZE, ERR_UW | PF_ERR_PRESENT) == -EFAULT);
	KEXPECT(vm_protect(mm, BASE + PAGE_SIZE, PAGE_SIZE, VM_READ | VM_EXEC) == 0);
	uint64_t fl = pte_flags_of(mm, BASE + PAGE_SIZE);
	KEXPECT((fl & PTE_P) && !(fl & PTE_NX) && !(fl & PTE_W));
	KEXPECT(vm_protect(mm, BASE, PAGE_SIZE, RW | VM_EXEC) == -EACCES);
	KEXPECT(vm_protect(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, 0) == 0);
	KEXPECT(!(pte_flags_of(mm, BASE + 2 * PAGE_SIZE) & PTE_P));
	KEXPECT(vm_protect(mm, BASE + 2 * PAGE_SIZE, PAGE_SIZE, RW) == 0);
	KEXPECT(pte_flags_of(mm, BASE + 2 * PAGE_SIZE) & PTE_P); /* frame kept across PROT_NONE */
	KEXPECT(vm_protect(mm, BASE, 8 * PAGE_SIZE, VM_READ) == -ENOMEM); /* hole after */
	KEXPECT(vm_protect(mm, BASE + 1, PAGE_SIZE, VM_READ) == -EINVAL);
	KEXPECT(vm_protect(mm, BASE, 0, VM_READ) == 0);
	KEXPECT(wx_audit(mm->pml4_pa) == 0);
	mm_put(mm);
}

KTEST(vm_map_fixed_noreplace_and_placement)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	vm_map(mm, BASE, 2 * PAGE_SIZE, RW, true, false);
	uint64_t v = 77;
	vm_write(mm, BASE, &v, 8);
	KEXPECT(vm_map(mm, BASE + PAGE_SIZE, PAGE_SIZE, RW, true, true) == -EEXIST);
	KEXPECT(read_u64(mm, BASE) == 77);
	KEXPECT(vm_map(mm, BASE, PAGE_SIZE, VM_READ, true, false) == (int64_t)BASE);
	KEXPECT(read_u64(mm, BASE) == 0); /* MAP_FIXED replaced the old page */
	KEXPECT(vm_map(mm, BASE + 1, PAGE_SIZE, RW, true, false) == -EINVAL);
	KEXPECT(vm_map(mm, 0, PAGE_SIZE, RW, true, false) == -EPERM);
	KEXPECT(vm_map(mm, USER_MAX_ADDR, PAGE_SIZE, RW, true, false) == -ENOMEM);
	KEXPECT(vm_map(mm, 0xffff800000000000ULL, PAGE_SIZE, RW, true, false) == -ENOMEM);
	KEXPECT(vm_map(mm, 0, 0, RW, false, false) == -EINVAL);
	int64_t a = vm_map(mm, 0, PAGE_SIZE, RW, false, false);
	int64_t b = vm_map(mm, 0, PAGE_SIZE, RW, false, false);
	KEXPECT(a > 0 && b > 0 && a != b && (uint64_t)a < USER_MMAP_BASE);
	/* A free hint is honoured, a taken one is not. */
	KEXPECT(vm_map(mm, 0x20000000, PAGE_SIZE, RW, false, false) == 0x20000000);
	int64_t c = vm_map(mm, 0x20000000, PAGE_SIZE, RW, false, false);
	KEXPECT(c > 0 && c != 0x20000000);
	mm_put(mm);
}

KTEST(vm_brk_grow_shrink)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	uint64_t start = BASE + 0x100000;
	KEXPECT(vm_brk(mm, start + 100) == 0); /* no heap before exec sets one */
	vm_brk_init(mm, start);
	KEXPECT(vm_brk(mm, 0) == start);
	KEXPECT(vm_brk(mm, start + 3 * PAGE_SIZE + 10) == start + 3 * PAGE_SIZE + 10);
	uint64_t v = 5;
	KEXPECT(vm_write(mm, start + 3 * PAGE_SIZE, &v, 8) == 0);
	KEXPECT(fault(mm, start + 3 * PAGE_SIZE + 100, ERR_UW) == 0);
	KEXPECT(vm_brk(mm, start + PAGE_SIZE) == start + PAGE_SIZE);
	KEXPECT(fault(mm, start + 2 * PAGE_SIZE, ERR_UR) == -EFAULT);
	KEXPECT(vm_brk(mm, start - PAGE_SIZE) == start + PAGE_SIZE); /* below the start: refused */
	vm_map(mm, start + 8 * PAGE_SIZE, PAGE_SIZE, RW, true, false);
	KEXPECT(vm_brk(mm, start + 10 * PAGE_SIZE) == start + PAGE_SIZE); /* would collide */
	KEXPECT(vm_brk(mm, start + 8 * PAGE_SIZE) == start + 8 * PAGE_SIZE);
	mm_put(mm);
}

KTEST(vm_mremap_grow_move_shrink)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	vm_map(mm, BASE, 2 * PAGE_SIZE, RW, true, false);
	uint64_t v = 0xabc;
	vm_write(mm, BASE + PAGE_SIZE, &v, 8);
	uint64_t pa = frame_of(mm, BASE + PAGE_SIZE);
	KEXPECT(vm_remap(mm, BASE, 2 * PAGE_SIZE, 4 * PAGE_SIZE, 0, 0) == (int64_t)BASE);
	KEXPECT(fault(mm, BASE + 3 * PAGE_SIZE, ERR_UW) == 0);
	vm_map(mm, BASE + 4 * PAGE_SIZE, PAGE_SIZE, VM_READ, true, false); /* blocks growth */
	KEXPECT(vm_remap(mm, BASE, 4 * PAGE_SIZE, 8 * PAGE_SIZE, 0, 0) == -ENOMEM);
	int64_t to = vm_remap(mm, BASE, 4 * PAGE_SIZE, 8 * PAGE_SIZE, MREMAP_MAYMOVE, 0);
	KEXPECT(to > 0 && (uint64_t)to != BASE);
	if (to > 0) {
		KEXPECT(frame_of(mm, to + PAGE_SIZE) == pa); /* moved, not copied */
		KEXPECT(read_u64(mm, to + PAGE_SIZE) == 0xabc);
		KEXPECT(fault(mm, BASE, ERR_UR) == -EFAULT);
		KEXPECT(fault(mm, to + 7 * PAGE_SIZE, ERR_UW) == 0);
		uint64_t dst = 0x30000000;
		KEXPECT(vm_remap(mm, to, 8 * PAGE_SIZE, PAGE_SIZE * 2, MREMAP_FIXED, dst) == -EINVAL);
		KEXPECT(vm_remap(mm, to, 8 * PAGE_SIZE, 2 * PAGE_SIZE,
				 MREMAP_FIXED | MREMAP_MAYMOVE, dst) == (int64_t)dst);
		KEXPECT(read_u64(mm, dst + PAGE_SIZE) == 0xabc);
		KEXPECT(fault(mm, to + 7 * PAGE_SIZE, ERR_UR) == -EFAULT);
		KEXPECT(vm_remap(mm, dst, 2 * PAGE_SIZE, PAGE_SIZE, 0, 0) == (int64_t)dst);
		KEXPECT(fault(mm, dst + PAGE_SIZE, ERR_UR) == -EFAULT);
	}
	KEXPECT(vm_remap(mm, 0x50000000, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0) == -EFAULT);
	KEXPECT(vm_remap(mm, BASE + 1, PAGE_SIZE, 2 * PAGE_SIZE, MREMAP_MAYMOVE, 0) == -EINVAL);
	KEXPECT(vm_remap(mm, BASE, PAGE_SIZE, 2 * PAGE_SIZE, 0x80, 0) == -EINVAL);
	mm_put(mm);
}

KTEST(vm_stack_growth_and_guard)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	uint64_t top = 0x7000000000ULL, stack = top - 4 * PAGE_SIZE;
	vm_map(mm, stack, 4 * PAGE_SIZE, RW | VM_GROWSDOWN, true, false);
	KEXPECT(fault(mm, stack - 10 * PAGE_SIZE + 8, ERR_UW) == 0); /* grows */
	KEXPECT(fault(mm, stack - 5 * PAGE_SIZE, ERR_UW) == 0); /* now inside */
	KEXPECT(fault(mm, top - USER_STACK_MAX - PAGE_SIZE, ERR_UW) == -EFAULT); /* rlimit */
	KEXPECT(vm_fault(mm, stack - 40 * PAGE_SIZE, ERR_UW, 16 * PAGE_SIZE) == -EFAULT);
	/* Something mapped below: growth stops a guard gap above it. */
	uint64_t below = stack - 10 * PAGE_SIZE - USER_STACK_GUARD_GAP - 4 * PAGE_SIZE;
	vm_map(mm, below, PAGE_SIZE, RW, true, false);
	KEXPECT(fault(mm, below + PAGE_SIZE + 8, ERR_UW) == -EFAULT);
	KEXPECT(fault(mm, below + PAGE_SIZE + USER_STACK_GUARD_GAP, ERR_UW) == 0);
	/* The mmap search keeps the guard gap free too. */
	mm->mmap_base = stack;
	int64_t a = vm_map(mm, 0, PAGE_SIZE, RW, false, false);
	KEXPECT(a > 0 && (uint64_t)a + PAGE_SIZE + USER_STACK_GUARD_GAP <= stack - 10 * PAGE_SIZE);
	mm_put(mm);
}

KTEST(vm_shared_anon_across_fork_and_madvise)
{
	struct mm *parent = mm_create();
	if (!KEXPECT(parent))
		return;
	vm_map(parent, BASE, 2 * PAGE_SIZE, RW | VM_SHARED, true, false);
	vm_map(parent, BASE + 4 * PAGE_SIZE, 2 * PAGE_SIZE, RW, true, false);
	uint64_t v = 0x5a5a;
	vm_write(parent, BASE, &v, 8);
	vm_write(parent, BASE + 4 * PAGE_SIZE, &v, 8);
	struct mm *child = mm_fork(parent);
	if (!KEXPECT(child))
		goto out_parent;
	KEXPECT(read_u64(child, BASE) == 0x5a5a);
	KEXPECT(fault(child, BASE, ERR_UW) == 0);
	KEXPECT(frame_of(child, BASE) == frame_of(parent, BASE));
	KEXPECT(pte_flags_of(child, BASE) & PTE_W); /* shared memory is never COW */
	uint64_t w = 0x6b6b;
	vm_write(child, BASE + 8, &w, 8);
	KEXPECT(read_u64(parent, BASE + 8) == 0x6b6b);
	/* MADV_DONTNEED: private memory reads back zero, shared keeps its contents. */
	KEXPECT(vm_advise(parent, BASE, 6 * PAGE_SIZE, MADV_DONTNEED) == -ENOMEM); /* hole */
	KEXPECT(vm_advise(parent, BASE + 4 * PAGE_SIZE, PAGE_SIZE, MADV_DONTNEED) == 0);
	KEXPECT(frame_of(parent, BASE + 4 * PAGE_SIZE) == 0);
	KEXPECT(read_u64(parent, BASE + 4 * PAGE_SIZE) == 0);
	KEXPECT(read_u64(child, BASE + 4 * PAGE_SIZE) == 0x5a5a);
	KEXPECT(vm_advise(parent, BASE, PAGE_SIZE, MADV_DONTNEED) == 0);
	KEXPECT(fault(parent, BASE, ERR_UR) == 0 && read_u64(parent, BASE) == 0x5a5a);
	KEXPECT(vm_advise(parent, BASE, PAGE_SIZE, 999) == -EINVAL);
	KEXPECT(vm_advise(parent, BASE, PAGE_SIZE, MADV_SEQUENTIAL) == 0);
	/* MADV_DONTFORK: the next child has no such area. */
	KEXPECT(vm_advise(parent, BASE + 4 * PAGE_SIZE, 2 * PAGE_SIZE, MADV_DONTFORK) == 0);
	struct mm *child2 = mm_fork(parent);
	if (KEXPECT(child2)) {
		KEXPECT(fault(child2, BASE + 5 * PAGE_SIZE, ERR_UR) == -EFAULT);
		KEXPECT(fault(child2, BASE, ERR_UR) == 0);
		mm_put(child2);
	}
	mm_put(child);
out_parent:
	mm_put(parent);
}

KTEST(vm_fork_1000_cycles_return_all_memory)
{
	struct mm *parent = mm_create();
	if (!KEXPECT(parent))
		return;
	vm_map(parent, BASE, 8 * PAGE_SIZE, RW, true, false);
	vm_map(parent, BASE + 16 * PAGE_SIZE, 2 * PAGE_SIZE, RW | VM_SHARED, true, false);
	vm_populate(parent, BASE, 8 * PAGE_SIZE, true);
	vm_populate(parent, BASE + 16 * PAGE_SIZE, 2 * PAGE_SIZE, true);
	/* Warm up kmalloc's caches, then measure. */
	mm_put(mm_fork(parent));
	uint64_t before = phys_free_count();
	bool ok = true;
	for (int i = 0; i < 1000 && ok; i++) {
		struct mm *child = mm_fork(parent);
		ok = child != NULL;
		if (!ok)
			break;
		/* A COW copy, a fresh page, a shared page and new page tables in the child. */
		ok = fault(child, BASE + (i % 8) * PAGE_SIZE, ERR_UW | PF_ERR_PRESENT) == 0 &&
		     fault(child, BASE + 16 * PAGE_SIZE, ERR_UW) == 0 &&
		     vm_map(child, 0x40000000, PAGE_SIZE, RW, true, false) == 0x40000000 &&
		     fault(child, 0x40000000, ERR_UW) == 0;
		mm_put(child);
	}
	KEXPECT(ok);
	KEXPECT(near(phys_free_count(), before));
	for (int i = 0; i < 8; i++)
		KEXPECT(page_ref_count(frame_of(parent, BASE + i * PAGE_SIZE)) == 1);
	mm_put(parent);
}

KTEST(vm_wx_audit_of_user_space)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	vm_map(mm, BASE, 2 * PAGE_SIZE, VM_READ | VM_EXEC, true, false);
	vm_write(mm, BASE, "\xc3", 1); /* exec-style fill of a read+exec segment */
	vm_map(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, RW, true, false);
	vm_populate(mm, BASE, 4 * PAGE_SIZE, false);
	vm_populate(mm, BASE + 2 * PAGE_SIZE, 2 * PAGE_SIZE, true);
	uint64_t fl = pte_flags_of(mm, BASE);
	KEXPECT((fl & PTE_P) && !(fl & PTE_W) && !(fl & PTE_NX) && (fl & PTE_U));
	KEXPECT(wx_audit(mm->pml4_pa) == 0);
	mm_put(mm);
}

KTEST(vm_activate_switches_cr3_once)
{
	struct mm *mm = mm_create();
	if (!KEXPECT(mm))
		return;
	uint64_t flags = irq_save();
	mm_activate(mm);
	KEXPECT(read_cr3() == mm->pml4_pa);
	mm_activate(mm);
	KEXPECT(read_cr3() == mm->pml4_pa);
	mm_activate(NULL);
	KEXPECT(read_cr3() == kernel_pml4_pa);
	irq_restore(flags);
	mm_put(mm);
}

/* Real #PFs: the test thread briefly pretends to belong to a process, so that usercopy's
 * faults reach vm_handle_fault through the exception path. Interrupts stay off meanwhile. */
KTEST(vm_real_faults_through_usercopy)
{
	static struct process fake;
	struct mm *parent = mm_create();
	if (!KEXPECT(parent))
		return;
	vm_map(parent, BASE, 2 * PAGE_SIZE, RW, true, false);
	vm_map(parent, BASE + 2 * PAGE_SIZE, PAGE_SIZE, VM_READ, true, false);
	struct mm *child = mm_fork(parent);
	fake.mm = parent;
	fake.rlimits[RLIMIT_STACK].rlim_cur = USER_STACK_MAX;
	struct thread *self = current_thread();
	uint64_t flags = irq_save();
	self->proc = &fake;
	mm_activate(parent);
	uint64_t v = 0x77, r = 0;
	int e1 = copy_to_user((void __user *)BASE, &v, 8); /* demand-zero by write fault */
	int e2 = copy_from_user(&r, (const void __user *)BASE, 8);
	int e3 = copy_to_user((void __user *)(BASE + 2 * PAGE_SIZE), &v, 8); /* read-only */
	int e4 = copy_to_user((void __user *)(BASE + 3 * PAGE_SIZE), &v, 8); /* unmapped */
	int e5 = copy_from_user(&r, (const void __user *)(BASE + PAGE_SIZE), 8); /* zero page */
	mm_activate(NULL);
	self->proc = NULL;
	irq_restore(flags);
	KEXPECT(e1 == 0 && e2 == 0 && r == 0 && e3 == -EFAULT && e4 == -EFAULT && e5 == 0);
	KEXPECT(read_u64(parent, BASE) == 0x77);
	KEXPECT(frame_of(parent, BASE + PAGE_SIZE) == vm_zero_page_pa);
	if (child) {
		KEXPECT(frame_of(child, BASE) == 0); /* forked before the write */
		mm_put(child);
	}
	mm_put(parent);
}
