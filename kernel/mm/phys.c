/* Physical memory bring-up: sizes the buddy allocator's frame metadata from the memory map,
 * carves it out of the first large-enough usable region, and releases usable regions into it. */
#include <mm/phys.h>
#include <mm/buddy.h>
#include <mm/layout.h>
#include <core/boot.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <lib/string.h>

#define LOW_RESERVED_END (1ULL << 20) /* first MiB: SMP trampoline, BIOS leftovers */

static struct spinlock phys_lock = SPINLOCK_INIT("phys");
static struct buddy buddy; /* guarded by phys_lock */
static uint64_t total_pages; /* guarded by phys_lock */
static uint64_t pfn_limit; /* one past the highest RAM frame; set once by phys_init */

static bool is_ram(uint32_t type)
{
	return type == BOOT_MEM_USABLE || type == BOOT_MEM_BOOT_SERVICES;
}

/* Add [base, base+pages) minus the low reserved area to the allocator. */
static void release_range(uint64_t base, uint64_t pages)
{
	uint64_t end = base + pages * PAGE_SIZE;
	if (base < LOW_RESERVED_END)
		base = LOW_RESERVED_END;
	if (end <= base)
		return;
	uint64_t f = spin_lock_irqsave(&phys_lock);
	buddy_add_free_range(&buddy, base / PAGE_SIZE, (end - base) / PAGE_SIZE);
	total_pages += (end - base) / PAGE_SIZE;
	spin_unlock_irqrestore(&phys_lock, f);
}

void phys_init(void)
{
	uint64_t top = 0;
	for (uint32_t i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];
		if (is_ram(r->type) && r->base + r->pages * PAGE_SIZE > top)
			top = r->base + r->pages * PAGE_SIZE;
	}
	uint64_t npages = top / PAGE_SIZE;
	pfn_limit = npages;
	size_t meta_bytes = ALIGN_UP(buddy_size_for(npages), PAGE_SIZE);

	/* The metadata lives in the first usable region (above the low MiB) that holds it. */
	struct boot_mem_region *home = NULL;
	for (uint32_t i = 0; i < boot_info.memmap_count && !home; i++) {
		struct boot_mem_region *r = &boot_info.memmap[i];
		if (r->type == BOOT_MEM_USABLE && r->base >= LOW_RESERVED_END &&
		    r->pages * PAGE_SIZE >= meta_bytes)
			home = r;
	}
	if (!home)
		panic("phys: no usable region holds %zu bytes of page metadata", meta_bytes);
	void *meta = phys_to_virt(home->base);
	memset(meta, 0, meta_bytes);
	buddy_init(&buddy, 0, npages, meta);

	uint64_t usable = 0;
	for (uint32_t i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];
		if (r->type != BOOT_MEM_USABLE)
			continue;
		if (r == home)
			release_range(r->base + meta_bytes, r->pages - meta_bytes / PAGE_SIZE);
		else
			release_range(r->base, r->pages);
		usable += r->pages;
	}
	pr_info("memory: %lu MiB usable RAM in %u regions, %lu KiB page metadata, top %#lx\n",
		usable * PAGE_SIZE >> 20, boot_info.memmap_count, (uint64_t)meta_bytes >> 10, top);
}

void phys_reclaim_boot_services(void)
{
	uint64_t pages = 0;
	for (uint32_t i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];
		if (r->type == BOOT_MEM_BOOT_SERVICES) {
			release_range(r->base, r->pages);
			pages += r->pages;
		}
	}
	pr_info("memory: reclaimed %lu KiB of firmware boot-services memory; %lu MiB free\n",
		pages * PAGE_SIZE >> 10, phys_free_count() * PAGE_SIZE >> 20);
}

uint64_t phys_alloc_page_unzeroed(void)
{
	uint64_t pfn;
	uint64_t f = spin_lock_irqsave(&phys_lock);
	int err = buddy_alloc(&buddy, 0, &pfn);
	spin_unlock_irqrestore(&phys_lock, f);
	return err ? 0 : pfn * PAGE_SIZE;
}

uint64_t phys_alloc_pages(unsigned order)
{
	uint64_t pfn;
	uint64_t f = spin_lock_irqsave(&phys_lock);
	int err = buddy_alloc(&buddy, order, &pfn);
	spin_unlock_irqrestore(&phys_lock, f);
	if (err)
		return 0;
	/* Zeroed on the way out: a page never carries a previous owner's data. */
	memset(phys_to_virt(pfn * PAGE_SIZE), 0, PAGE_SIZE << order);
	return pfn * PAGE_SIZE;
}

void phys_free_pages(uint64_t pa, unsigned order)
{
	uint64_t f = spin_lock_irqsave(&phys_lock);
	int err = buddy_free(&buddy, pa / PAGE_SIZE, order);
	spin_unlock_irqrestore(&phys_lock, f);
	if (err)
		panic("phys: bad free of %#lx order %u (%d): double free or wrong order", pa, order,
		      err);
}

uint64_t phys_free_count(void)
{
	return READ_ONCE(buddy.free_pages);
}

uint64_t phys_total_count(void)
{
	return READ_ONCE(total_pages);
}

uint64_t phys_pfn_limit(void)
{
	return pfn_limit;
}
