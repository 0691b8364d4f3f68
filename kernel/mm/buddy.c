/* Buddy allocator bookkeeping: one index-linked free list per order inside the frame metadata,
 * O(1) push/remove, split on allocation and merge-with-buddy on free. Each frame's state records
 * whether it heads a free or allocated block (and its order), so bad frees are detected before
 * anything changes. Invariant: every frame of a managed block is its head or BUDDY_TAIL. */
#include <mm/buddy.h>
#include <uapi/errno.h>
#include <stdbool.h>

static uint64_t order_pages(unsigned order)
{
	return (uint64_t)1 << order;
}

static bool order_aligned(uint64_t pfn, unsigned order)
{
	return (pfn & (order_pages(order) - 1)) == 0;
}

static bool in_range(const struct buddy *b, uint64_t pfn)
{
	return pfn >= b->base_pfn && pfn - b->base_pfn < b->npages;
}

/* Only for in-range frames; npages <= BUDDY_MAX_PAGES makes the index fit. */
static uint32_t index_of(const struct buddy *b, uint64_t pfn)
{
	return (uint32_t)(pfn - b->base_pfn);
}

static struct buddy_page *page_of(const struct buddy *b, uint64_t pfn)
{
	return &b->pages[index_of(b, pfn)];
}

/* Makes frame idx the head of a free block of the given order, at the front of its list. */
static void list_push(struct buddy *b, uint32_t idx, unsigned order)
{
	struct buddy_page *p = &b->pages[idx];
	uint32_t head = b->free_head[order];

	p->state = BUDDY_FREE;
	p->order = (uint8_t)order;
	p->prev = BUDDY_NONE;
	p->next = head;
	if (head != BUDDY_NONE)
		b->pages[head].prev = idx;
	b->free_head[order] = idx;
	b->free_count[order]++;
	b->free_pages += order_pages(order);
}

/* Unlinks the free block headed by idx; the caller gives the frame its new state. */
static void list_remove(struct buddy *b, uint32_t idx)
{
	struct buddy_page *p = &b->pages[idx];
	unsigned order = p->order;

	if (p->prev != BUDDY_NONE)
		b->pages[p->prev].next = p->next;
	else
		b->free_head[order] = p->next;
	if (p->next != BUDDY_NONE)
		b->pages[p->next].prev = p->prev;
	p->next = p->prev = BUDDY_NONE;
	b->free_count[order]--;
	b->free_pages -= order_pages(order);
}

/* Enters the block [pfn, pfn + 2^order) as free, first merging it with its buddy for as long as
 * the buddy is a free block of the same order. All frames but the head must already be tails. */
static void insert_free_block(struct buddy *b, uint64_t pfn, unsigned order)
{
	while (order < BUDDY_MAX_ORDER) {
		uint64_t buddy = pfn ^ order_pages(order);
		if (!in_range(b, buddy))
			break;
		struct buddy_page *bp = page_of(b, buddy);
		if (bp->state != BUDDY_FREE || bp->order != order)
			break;
		list_remove(b, index_of(b, buddy));
		/* The higher head becomes a tail of the merged block, the lower one heads it. */
		page_of(b, pfn > buddy ? pfn : buddy)->state = BUDDY_TAIL;
		pfn = pfn < buddy ? pfn : buddy;
		order++;
	}
	list_push(b, index_of(b, pfn), order);
}

size_t buddy_size_for(uint64_t npages)
{
	if (npages > BUDDY_MAX_PAGES)
		npages = BUDDY_MAX_PAGES; /* as buddy_init clamps */
	if (npages > SIZE_MAX / sizeof(struct buddy_page))
		return SIZE_MAX;
	return (size_t)npages * sizeof(struct buddy_page);
}

void buddy_init(struct buddy *b, uint64_t base_pfn, uint64_t npages, struct buddy_page *meta)
{
	if (npages > BUDDY_MAX_PAGES)
		npages = BUDDY_MAX_PAGES;
	if (npages > UINT64_MAX - base_pfn) /* so base_pfn + npages never overflows */
		npages = UINT64_MAX - base_pfn;
	b->base_pfn = base_pfn;
	b->npages = npages;
	b->pages = meta;
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++) {
		b->free_head[k] = BUDDY_NONE;
		b->free_count[k] = 0;
	}
	b->free_pages = 0;
	for (uint64_t i = 0; i < npages; i++) {
		meta[i].next = meta[i].prev = BUDDY_NONE;
		meta[i].order = 0;
		meta[i].state = BUDDY_RESERVED;
		meta[i].unused = 0;
	}
}

/* Largest order whose aligned block starts at pfn and fits in avail (>= 1) frames. */
static unsigned largest_order(uint64_t pfn, uint64_t avail)
{
	unsigned order = 0;

	while (order < BUDDY_MAX_ORDER && order_aligned(pfn, order + 1) &&
	       order_pages(order + 1) <= avail)
		order++;
	return order;
}

/* Adds the reserved frames [pfn, end) as maximal aligned blocks. */
static void add_run(struct buddy *b, uint64_t pfn, uint64_t end)
{
	while (pfn < end) {
		unsigned order = largest_order(pfn, end - pfn);
		for (uint64_t i = 1; i < order_pages(order); i++)
			page_of(b, pfn + i)->state = BUDDY_TAIL;
		insert_free_block(b, pfn, order);
		pfn += order_pages(order);
	}
}

void buddy_add_free_range(struct buddy *b, uint64_t pfn, uint64_t count)
{
	uint64_t limit = b->base_pfn + b->npages; /* cannot overflow: buddy_init clamps */
	uint64_t start = pfn > b->base_pfn ? pfn : b->base_pfn;
	uint64_t end = count > UINT64_MAX - pfn ? UINT64_MAX : pfn + count;

	if (end > limit)
		end = limit;
	/* Only frames still reserved are added: re-adding a managed frame would corrupt its block. */
	while (start < end) {
		if (page_of(b, start)->state != BUDDY_RESERVED) {
			start++;
			continue;
		}
		uint64_t run_end = start + 1;
		while (run_end < end && page_of(b, run_end)->state == BUDDY_RESERVED)
			run_end++;
		add_run(b, start, run_end);
		start = run_end;
	}
}

int buddy_alloc(struct buddy *b, unsigned order, uint64_t *pfn)
{
	unsigned k = order;

	if (order > BUDDY_MAX_ORDER)
		return -EINVAL;
	while (k <= BUDDY_MAX_ORDER && b->free_head[k] == BUDDY_NONE)
		k++;
	if (k > BUDDY_MAX_ORDER)
		return -ENOMEM;

	uint32_t idx = b->free_head[k];
	list_remove(b, idx);
	/* Split: keep the lower half, free the upper half, until the block has the wanted order.
	 * idx + 2^k stays inside the block, hence below npages. */
	while (k > order) {
		k--;
		list_push(b, idx + (uint32_t)order_pages(k), k);
	}
	b->pages[idx].state = BUDDY_ALLOCATED;
	b->pages[idx].order = (uint8_t)order;
	*pfn = b->base_pfn + idx;
	return 0;
}

int buddy_free(struct buddy *b, uint64_t pfn, unsigned order)
{
	if (order > BUDDY_MAX_ORDER || !in_range(b, pfn) || !order_aligned(pfn, order))
		return -EINVAL;
	struct buddy_page *p = page_of(b, pfn);
	/* Only the head of an allocated block of exactly this order may be freed: catches double
	 * frees (BUDDY_FREE), frees inside a block (BUDDY_TAIL) and never-managed frames. */
	if (p->state != BUDDY_ALLOCATED || p->order != order)
		return -EINVAL;
	insert_free_block(b, pfn, order);
	return 0;
}

/* One free list: heads are free, of the list's order, aligned, in range and doubly linked; the
 * walk is bounded so that a cycle is reported rather than followed forever. */
static int check_list(const struct buddy *b, unsigned order, uint64_t *pages)
{
	uint64_t n = 0;
	uint32_t prev = BUDDY_NONE;

	for (uint32_t i = b->free_head[order]; i != BUDDY_NONE; prev = i, i = b->pages[i].next) {
		if (i >= b->npages || n++ >= b->npages)
			return -EINVAL;
		const struct buddy_page *p = &b->pages[i];
		if (p->state != BUDDY_FREE || p->order != order || p->prev != prev ||
		    !order_aligned(b->base_pfn + i, order) || order_pages(order) > b->npages - i)
			return -EINVAL;
	}
	if (n != b->free_count[order])
		return -EINVAL;
	*pages += n * order_pages(order);
	return 0;
}

/* Whether a free block of this order could still merge with its buddy (it never should). */
static bool mergeable(const struct buddy *b, uint64_t pfn, unsigned order)
{
	uint64_t buddy = pfn ^ order_pages(order);

	return order < BUDDY_MAX_ORDER && in_range(b, buddy) &&
	       page_of(b, buddy)->state == BUDDY_FREE && page_of(b, buddy)->order == order;
}

/* A block head at index i: its tail frames are tails and it fits. Returns its size or 0. */
static uint64_t check_block(const struct buddy *b, uint64_t i)
{
	const struct buddy_page *p = &b->pages[i];

	if (p->order > BUDDY_MAX_ORDER)
		return 0;
	uint64_t size = order_pages(p->order);
	if (!order_aligned(b->base_pfn + i, p->order) || size > b->npages - i)
		return 0;
	for (uint64_t t = 1; t < size; t++)
		if (b->pages[i + t].state != BUDDY_TAIL)
			return 0;
	if (p->state == BUDDY_FREE && mergeable(b, b->base_pfn + i, p->order))
		return 0;
	return size;
}

int buddy_check(const struct buddy *b)
{
	uint64_t listed = 0, heads[BUDDY_MAX_ORDER + 1] = { 0 };

	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		if (check_list(b, k, &listed))
			return -EINVAL;
	if (listed != b->free_pages)
		return -EINVAL;
	for (uint64_t i = 0; i < b->npages;) {
		const struct buddy_page *p = &b->pages[i];
		if (p->state == BUDDY_RESERVED) {
			i++;
			continue;
		}
		if (p->state != BUDDY_FREE && p->state != BUDDY_ALLOCATED)
			return -EINVAL; /* a tail outside any block, or garbage */
		uint64_t size = check_block(b, i);
		if (!size)
			return -EINVAL;
		if (p->state == BUDDY_FREE)
			heads[p->order]++;
		i += size;
	}
	for (unsigned k = 0; k <= BUDDY_MAX_ORDER; k++)
		if (heads[k] != b->free_count[k])
			return -EINVAL;
	return 0;
}
