/* Binary buddy allocator bookkeeping over page frame numbers. Pure code: the per-frame metadata
 * array is supplied by the caller and the frames themselves are never touched, so it runs
 * unchanged in host tests. Blocks are naturally aligned in absolute PFNs (an order-9 block is a
 * 2 MiB-aligned 2 MiB region).
 *
 * Locking: none here. The caller serialises every call on one struct buddy (mm/phys.c holds
 * phys_lock around each call); concurrent calls corrupt the lists. */
#ifndef MM_BUDDY_H
#define MM_BUDDY_H

#include <stddef.h>
#include <stdint.h>

#define BUDDY_MAX_ORDER 10 /* largest block: 2^10 pages = 4 MiB */
#define BUDDY_NONE UINT32_MAX /* "no frame" in the index-linked free lists */
#define BUDDY_MAX_PAGES ((uint64_t)UINT32_MAX) /* frame indices 0..2^32-2; BUDDY_NONE stays free */

/* buddy_page.state */
enum buddy_state {
	BUDDY_RESERVED = 0, /* not managed: never handed over, or a hole */
	BUDDY_FREE = 1, /* first frame of a free block of 2^order frames, on free_head[order] */
	BUDDY_ALLOCATED = 2, /* first frame of an allocated block of 2^order frames */
	BUDDY_TAIL = 3, /* any other frame of a free or allocated block */
};

/* Per-frame metadata. next/prev/order are meaningful on BUDDY_FREE frames, order on
 * BUDDY_ALLOCATED frames. Links are frame indices (pfn - base_pfn). */
struct buddy_page {
	uint32_t next, prev;
	uint8_t order;
	uint8_t state;
	uint16_t unused;
};
_Static_assert(sizeof(struct buddy_page) == 12, "buddy_page layout");

struct buddy {
	uint64_t base_pfn; /* frame index 0 */
	uint64_t npages; /* managed frames: [base_pfn, base_pfn + npages) */
	struct buddy_page *pages; /* npages entries */
	uint32_t free_head[BUDDY_MAX_ORDER + 1]; /* first free block of each order, or BUDDY_NONE */
	uint64_t free_count[BUDDY_MAX_ORDER + 1]; /* free blocks of each order */
	uint64_t free_pages; /* total free frames */
};

/* Bytes of metadata buddy_init needs for npages frames (SIZE_MAX if that does not fit). */
size_t buddy_size_for(uint64_t npages);

/* Manages [base_pfn, base_pfn + npages) with metadata `meta` (buddy_size_for(npages) bytes).
 * npages is clamped to BUDDY_MAX_PAGES and so that the range does not pass 2^64. All frames
 * start reserved. */
void buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t npages, struct buddy_page *meta);

/* Hands usable frames to the allocator. The range is clamped to the managed range; frames that
 * are already managed (added before) are skipped, so overlapping calls are harmless. The frames
 * are entered as maximal aligned blocks and merged with free neighbours. */
void buddy_add_free_range(struct buddy *b, uint64_t pfn, uint64_t count);

/* Allocates 2^order contiguous frames aligned to 2^order; *pfn gets the first.
 * 0, -ENOMEM if no block is large enough, -EINVAL if order > BUDDY_MAX_ORDER. */
int buddy_alloc(struct buddy *b, unsigned order, uint64_t *pfn);

/* Frees a block returned by buddy_alloc with the same order, merging it with its free buddies.
 * 0, or -EINVAL (nothing changed) if pfn is outside the range or misaligned, or is not the start
 * of an allocated block of exactly this order (double free, wrong order, reserved frame). */
int buddy_free(struct buddy *b, uint64_t pfn, unsigned order);

/* Verifies every invariant (lists, counts, states, alignment, no mergeable pair left); 0 or
 * -EINVAL. O(npages): for tests and debugging. */
int buddy_check(const struct buddy *b);

#endif
