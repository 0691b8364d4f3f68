/* The page reference-count table: a 32-bit count per frame, kept in chunks of 4 MiB (the
 * largest block the buddy allocator hands out), each covering 4 GiB of physical memory. */
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <mm/buddy.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/compiler.h>

#define CHUNK_ORDER BUDDY_MAX_ORDER
#define CHUNK_BYTES (PAGE_SIZE << CHUNK_ORDER)
#define CHUNK_SHIFT 20 /* log2(CHUNK_BYTES / sizeof(uint32_t)) */
#define CHUNK_ENTRIES (UINT64_C(1) << CHUNK_SHIFT)
#define MAX_CHUNKS 256 /* 1 TiB of physical memory */
_Static_assert(CHUNK_ENTRIES * sizeof(uint32_t) == CHUNK_BYTES, "page_ref chunk size");

static uint32_t *chunks[MAX_CHUNKS]; /* written once at boot */
static uint64_t nframes;

/* Smallest buddy order holding `bytes`. */
static unsigned order_for(uint64_t bytes)
{
	unsigned order = 0;
	while ((PAGE_SIZE << order) < bytes)
		order++;
	return order;
}

void page_ref_init(void)
{
	nframes = phys_pfn_limit();
	uint64_t n = (nframes + CHUNK_ENTRIES - 1) >> CHUNK_SHIFT;
	if (n > MAX_CHUNKS)
		panic("page_ref: %lu frames exceed the table's reach", nframes);
	uint64_t bytes = 0;
	for (uint64_t i = 0; i < n; i++) {
		uint64_t entries = MIN(CHUNK_ENTRIES, nframes - (i << CHUNK_SHIFT));
		unsigned order = order_for(entries * sizeof(uint32_t));
		bytes += PAGE_SIZE << order;
		uint64_t pa = phys_alloc_pages(order);
		if (!pa)
			panic("page_ref: no memory for the reference counts");
		chunks[i] = phys_to_virt(pa);
	}
	pr_info("memory: page reference counts for %lu frames (%lu KiB)\n", nframes, bytes >> 10);
}

static uint32_t *ref_of(uint64_t pa)
{
	uint64_t pfn = pa >> PAGE_SHIFT;
	if (pfn >= nframes)
		panic("page_ref: frame %#lx beyond RAM", pa);
	return &chunks[pfn >> CHUNK_SHIFT][pfn & (CHUNK_ENTRIES - 1)];
}

void page_ref_set_one(uint64_t pa)
{
	__atomic_store_n(ref_of(pa), 1, __ATOMIC_RELAXED);
}

void page_ref_inc(uint64_t pa)
{
	uint32_t old = __atomic_fetch_add(ref_of(pa), 1, __ATOMIC_RELAXED);
	if (old == 0 || old == UINT32_MAX)
		panic("page_ref: increment of frame %#lx with count %u", pa, old);
}

uint32_t page_ref_dec(uint64_t pa)
{
	uint32_t old = __atomic_fetch_sub(ref_of(pa), 1, __ATOMIC_ACQ_REL);
	if (old == 0)
		panic("page_ref: frame %#lx released more often than mapped", pa);
	return old - 1;
}

uint32_t page_ref_count(uint64_t pa)
{
	return __atomic_load_n(ref_of(pa), __ATOMIC_ACQUIRE);
}
