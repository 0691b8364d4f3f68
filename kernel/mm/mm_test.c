/* In-kernel self-tests of memory management: the page allocator, kmalloc, guarded kernel
 * stacks, MMIO mappings and the permissions of the kernel's own page tables. */
#include <core/ktest.h>
#include <mm/phys.h>
#include <mm/kmalloc.h>
#include <mm/vmap.h>
#include <mm/kvm.h>
#include <mm/paging.h>
#include <mm/layout.h>

#define BATCH 64

static bool page_is_zero(uint64_t pa)
{
	const uint64_t *p = phys_to_virt(pa);
	for (unsigned i = 0; i < PAGE_SIZE / 8; i++)
		if (p[i])
			return false;
	return true;
}

KTEST(phys_pages_zeroed_distinct_and_returned)
{
	uint64_t pages[BATCH];
	uint64_t before = phys_free_count();
	for (int i = 0; i < BATCH; i++) {
		pages[i] = phys_alloc_pages(0);
		if (!KEXPECT(pages[i] != 0))
			return;
		KEXPECT(page_is_zero(pages[i]));
		for (int j = 0; j < i; j++)
			KEXPECT(pages[j] != pages[i]);
		*(uint64_t *)phys_to_virt(pages[i]) = 0xdeadbeef; /* dirty it for the next test */
	}
	for (int i = 0; i < BATCH; i++)
		phys_free_pages(pages[i], 0);
	KEXPECT(phys_free_count() == before);
	/* The dirtied pages come back zeroed. */
	for (int i = 0; i < BATCH; i++) {
		pages[i] = phys_alloc_pages(0);
		KEXPECT(pages[i] && page_is_zero(pages[i]));
	}
	for (int i = 0; i < BATCH; i++)
		phys_free_pages(pages[i], 0);
}

KTEST(phys_high_order_blocks_aligned)
{
	uint64_t before = phys_free_count();
	for (unsigned order = 0; order <= 10; order++) {
		uint64_t pa = phys_alloc_pages(order);
		if (!KEXPECT(pa != 0))
			return;
		KEXPECT(IS_ALIGNED(pa, PAGE_SIZE << order));
		phys_free_pages(pa, order);
	}
	KEXPECT(phys_free_count() == before);
}

KTEST(kmalloc_sizes_aligned_zeroed_and_reused)
{
	static const size_t sizes[] = { 1, 15, 16, 17, 100, 256, 1000, 2048, 2049, 5000, 70000 };
	void *p[ARRAY_SIZE(sizes)];
	uint64_t before = phys_free_count();
	for (int round = 0; round < 50; round++) {
		for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++) {
			p[i] = kmalloc(sizes[i]);
			if (!KEXPECT(p[i] != NULL))
				return;
			KEXPECT(IS_ALIGNED((uint64_t)p[i], 16));
			unsigned char *c = p[i];
			for (size_t k = 0; k < sizes[i]; k++) {
				if (c[k] != 0) {
					KEXPECT(!"kmalloc memory not zeroed");
					break;
				}
			}
			for (size_t k = 0; k < sizes[i]; k++)
				c[k] = 0xa5;
		}
		for (unsigned i = 0; i < ARRAY_SIZE(sizes); i++)
			kfree(p[i]);
	}
	/* At most one cached empty slab per size class may remain. */
	KEXPECT(before - phys_free_count() <= 8 * 4);
}

KTEST(kmalloc_many_small_objects)
{
	enum { N = 3000 };
	void **v = kmalloc(N * sizeof(void *));
	if (!KEXPECT(v != NULL))
		return;
	for (int i = 0; i < N; i++) {
		v[i] = kmalloc(48);
		if (!KEXPECT(v[i] != NULL))
			return;
		*(int *)v[i] = i;
	}
	for (int i = 0; i < N; i++)
		KEXPECT(*(int *)v[i] == i);
	for (int i = N - 1; i >= 0; i -= 2)
		kfree(v[i]);
	for (int i = N - 2; i >= 0; i -= 2)
		kfree(v[i]);
	kfree(v);
}

KTEST(kstack_has_unmapped_guard_page)
{
	uint64_t top = kstack_alloc(KSTACK_PAGES);
	if (!KEXPECT(top != 0))
		return;
	uint64_t bottom = top - KSTACK_PAGES * PAGE_SIZE, pa, flags;
	KEXPECT(!pt_translate(kernel_pml4_pa, bottom - PAGE_SIZE, &pa, &flags));
	for (uint64_t va = bottom; va < top; va += PAGE_SIZE) {
		KEXPECT(pt_translate(kernel_pml4_pa, va, &pa, &flags));
		KEXPECT((flags & PTE_W) && (flags & PTE_NX) && !(flags & PTE_U));
	}
	*(volatile uint64_t *)(top - 8) = 1;
	*(volatile uint64_t *)bottom = 1;
	kstack_free(top, KSTACK_PAGES);
	KEXPECT(!pt_translate(kernel_pml4_pa, bottom, &pa, &flags));
}

KTEST(ioremap_is_uncached_and_offset_kept)
{
	volatile uint32_t *p = ioremap(0xfed00004, 8); /* inside the HPET page; not touched */
	uint64_t pa, flags;
	if (!KEXPECT(p != NULL))
		return;
	KEXPECT(((uint64_t)p & 0xfff) == 4);
	KEXPECT(pt_translate(kernel_pml4_pa, (uint64_t)p, &pa, &flags));
	KEXPECT(pa == 0xfed00004);
	KEXPECT((flags & PTE_PCD) && (flags & PTE_NX));
}

KTEST(kernel_tables_have_section_permissions_and_no_identity_map)
{
	uint64_t pa, flags;
	KEXPECT(pt_translate(kernel_pml4_pa, (uint64_t)__text_start, &pa, &flags));
	KEXPECT(!(flags & PTE_W) && !(flags & PTE_NX));
	KEXPECT(pt_translate(kernel_pml4_pa, (uint64_t)__rodata_start, &pa, &flags));
	KEXPECT(!(flags & PTE_W) && (flags & PTE_NX));
	KEXPECT(pt_translate(kernel_pml4_pa, (uint64_t)__data_start, &pa, &flags));
	KEXPECT((flags & PTE_W) && (flags & PTE_NX));
	KEXPECT(pt_translate(kernel_pml4_pa, DIRECT_MAP_BASE + (1 << 20), &pa, &flags));
	KEXPECT(flags & PTE_NX);
	/* Nothing below the kernel half: the loader's identity map is gone. */
	KEXPECT(!pt_translate(kernel_pml4_pa, 1 << 20, &pa, &flags));
	KEXPECT(!pt_translate(kernel_pml4_pa, kernel_phys_base, &pa, &flags));
}
