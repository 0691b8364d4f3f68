/* Kernel virtual area allocator: a bitmap of pages over [KVA_BASE, KVA_BASE + KVA_WINDOW),
 * first-fit from a rotating hint. Serves guarded kernel stacks and uncached MMIO mappings. */
#include <mm/vmap.h>
#include <mm/tlb.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <core/spinlock.h>
#include <core/panic.h>

#define KVA_WINDOW (1ULL << 30)
#define KVA_PAGES (KVA_WINDOW / PAGE_SIZE)
#define BITS_PER_WORD 64

static struct spinlock vmap_lock = SPINLOCK_INIT("vmap");
/* vmap_lock guards the bitmap and the hint. */
static uint64_t used[KVA_PAGES / BITS_PER_WORD];
static uint64_t hint;

static bool page_used(uint64_t i)
{
	return used[i / BITS_PER_WORD] & (1ULL << (i % BITS_PER_WORD));
}

static void set_range(uint64_t first, uint64_t n, bool on)
{
	for (uint64_t i = first; i < first + n; i++) {
		if (on)
			used[i / BITS_PER_WORD] |= 1ULL << (i % BITS_PER_WORD);
		else
			used[i / BITS_PER_WORD] &= ~(1ULL << (i % BITS_PER_WORD));
	}
}

/* Reserve n consecutive virtual pages; returns the first page index or -1. */
static int64_t reserve(uint64_t n)
{
	uint64_t f = spin_lock_irqsave(&vmap_lock);
	for (uint64_t pass = 0, run = 0, i = hint; pass < KVA_PAGES; pass++, i++) {
		if (i == KVA_PAGES) {
			i = 0;
			run = 0;
		}
		run = page_used(i) ? 0 : run + 1;
		if (run == n) {
			uint64_t first = i + 1 - n;
			set_range(first, n, true);
			hint = i + 1;
			spin_unlock_irqrestore(&vmap_lock, f);
			return (int64_t)first;
		}
	}
	spin_unlock_irqrestore(&vmap_lock, f);
	return -1;
}

static void release(uint64_t first, uint64_t n)
{
	uint64_t f = spin_lock_irqsave(&vmap_lock);
	set_range(first, n, false);
	spin_unlock_irqrestore(&vmap_lock, f);
}

static uint64_t va_of(uint64_t page)
{
	return KVA_BASE + page * PAGE_SIZE;
}

#define UNMAP_BATCH 16 /* pages unmapped per TLB shootdown */

/* Unmap [va, va + n pages), freeing the frames when owned: in batches, each flushed from every
 * CPU's TLB before its frames go back to the allocator. */
static void unmap_range(uint64_t va, uint64_t n, bool free_frames)
{
	for (uint64_t done = 0; done < n; done += UNMAP_BATCH) {
		uint64_t count = MIN(n - done, UNMAP_BATCH), start = va + done * PAGE_SIZE;
		pte_t old[UNMAP_BATCH];
		for (uint64_t i = 0; i < count; i++)
			old[i] = kvm_unmap_page(start + i * PAGE_SIZE);
		tlb_flush_kernel_range(start, start + count * PAGE_SIZE);
		for (uint64_t i = 0; free_frames && i < count; i++)
			if (old[i] & PTE_P)
				phys_free_pages(old[i] & PTE_ADDR_MASK, 0);
	}
}

void *ioremap(uint64_t pa, size_t size)
{
	uint64_t base = ALIGN_DOWN(pa, PAGE_SIZE);
	uint64_t n = (ALIGN_UP(pa + size, PAGE_SIZE) - base) / PAGE_SIZE;
	int64_t first = reserve(n);
	if (first < 0)
		return NULL;
	for (uint64_t i = 0; i < n; i++) {
		if (kvm_map_page(va_of(first + i), base + i * PAGE_SIZE,
				 PTE_W | PTE_NX | PTE_PCD | PTE_PWT)) {
			unmap_range(va_of(first), i, false);
			release(first, n);
			return NULL;
		}
	}
	return (void *)(va_of(first) + (pa - base));
}

uint64_t kstack_alloc(size_t pages)
{
	int64_t first = reserve(pages + 1); /* the lowest page stays unmapped: the guard */
	if (first < 0)
		return 0;
	uint64_t bottom = va_of(first + 1);
	for (uint64_t i = 0; i < pages; i++) {
		uint64_t pa = phys_alloc_pages(0);
		if (!pa || kvm_map_page(bottom + i * PAGE_SIZE, pa, PTE_W | PTE_NX)) {
			if (pa)
				phys_free_pages(pa, 0);
			unmap_range(bottom, i, true);
			release(first, pages + 1);
			return 0;
		}
	}
	return bottom + pages * PAGE_SIZE;
}

void kstack_free(uint64_t top, size_t pages)
{
	uint64_t bottom = top - pages * PAGE_SIZE;
	ASSERT(bottom > KVA_BASE && top <= KVA_BASE + KVA_WINDOW);
	unmap_range(bottom, pages, true);
	release((bottom - KVA_BASE) / PAGE_SIZE - 1, pages + 1);
}

void *vmalloc_pages(size_t pages)
{
	uint64_t top = kstack_alloc(pages);
	return top ? (void *)(top - pages * PAGE_SIZE) : NULL;
}

void vfree_pages(void *p, size_t pages)
{
	if (p)
		kstack_free((uint64_t)p + pages * PAGE_SIZE, pages);
}
