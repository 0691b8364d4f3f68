/* Host tests for kernel/mm/buddy.c on simulated memory maps: block building from ranges with
 * holes and odd sizes, splitting and merging, exhaustion and recovery, detection of bad frees,
 * and a randomized stress test against a bitmap model that also proves -ENOMEM is only returned
 * when no suitably aligned free run exists (i.e. merging never falls behind). */
#include "test.h"
#include <mm/buddy.h>
#include <uapi/errno.h>
#include <string.h>

#define STRESS_OPS 40000
#define STRESS_PHASE 5000

struct range {
	uint64_t pfn, count;
};

/* A buddy with its own metadata; released with sim_free. */
struct sim {
	struct buddy b;
	struct buddy_page *meta;
};

static bool sim_init(struct sim *s, uint64_t base, uint64_t npages)
{
	s->meta = malloc(buddy_size_for(npages) ? buddy_size_for(npages) : 1);
	if (!s->meta)
		return false;
	buddy_init(&s->b, base, npages, s->meta);
	return true;
}

static void sim_free(struct sim *s)
{
	free(s->meta);
	s->meta = NULL;
}

static void sim_add(struct sim *s, const struct range *r, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buddy_add_free_range(&s->b, r[i].pfn, r[i].count);
}

static void size_for_counts_frames(void)
{
	CHECK_EQ(buddy_size_for(0), 0);
	CHECK_EQ(buddy_size_for(1), sizeof(struct buddy_page));
	CHECK_EQ(buddy_size_for(1000), 1000 * sizeof(struct buddy_page));
	CHECK_EQ(buddy_size_for(BUDDY_MAX_PAGES), BUDDY_MAX_PAGES * sizeof(struct buddy_page));
	CHECK_EQ(buddy_size_for(UINT64_MAX), buddy_size_for(BUDDY_MAX_PAGES)); /* clamped */
}

static void starts_all_reserved(void)
{
	struct sim s;
	uint64_t pfn;

	CHECK(sim_init(&s, 100, 64));
	int alloc_rc = buddy_alloc(&s.b, 0, &pfn);
	int free_rc = buddy_free(&s.b, 100, 0);
	uint64_t free_pages = s.b.free_pages;
	int check_rc = buddy_check(&s.b);
	sim_free(&s);
	CHECK_EQ(alloc_rc, -ENOMEM);
	CHECK_EQ(free_rc, -EINVAL);
	CHECK_EQ(free_pages, 0);
	CHECK_EQ(check_rc, 0);
}

/* [3, 16) becomes 3 (order 0), 4..7 (order 2), 8..15 (order 3); 2048 aligned frames become two
 * maximal blocks. */
static void ranges_become_maximal_aligned_blocks(void)
{
	struct sim s;

	CHECK(sim_init(&s, 0, 8192));
	buddy_add_free_range(&s.b, 3, 13);
	uint64_t o0 = s.b.free_count[0], o1 = s.b.free_count[1], o2 = s.b.free_count[2],
		 o3 = s.b.free_count[3];
	buddy_add_free_range(&s.b, 4096, 2048);
	uint64_t o10 = s.b.free_count[BUDDY_MAX_ORDER], total = s.b.free_pages;
	int check_rc = buddy_check(&s.b);
	sim_free(&s);
	CHECK_EQ(o0, 1);
	CHECK_EQ(o1, 0);
	CHECK_EQ(o2, 1);
	CHECK_EQ(o3, 1);
	CHECK_EQ(o10, 2);
	CHECK_EQ(total, 13 + 2048);
	CHECK_EQ(check_rc, 0);
}

/* Ranges handed over in pieces merge with what is already free. */
static void adjacent_ranges_merge(void)
{
	struct sim s;

	CHECK(sim_init(&s, 0, 64));
	buddy_add_free_range(&s.b, 0, 3);
	buddy_add_free_range(&s.b, 5, 3);
	buddy_add_free_range(&s.b, 3, 2);
	uint64_t o3 = s.b.free_count[3], pages = s.b.free_pages;
	int check_rc = buddy_check(&s.b);
	sim_free(&s);
	CHECK_EQ(o3, 1);
	CHECK_EQ(pages, 8);
	CHECK_EQ(check_rc, 0);
}

/* Ranges are clamped to the managed frames; adding frames twice changes nothing. */
static void ranges_clamped_and_idempotent(void)
{
	struct sim s;

	CHECK(sim_init(&s, 1000, 100));
	buddy_add_free_range(&s.b, 0, 1010); /* only 1000..1009 are managed */
	uint64_t after_low = s.b.free_pages;
	buddy_add_free_range(&s.b, 1090, UINT64_MAX); /* count overflows pfn + count */
	uint64_t after_high = s.b.free_pages;
	buddy_add_free_range(&s.b, 1000, 100);
	uint64_t after_all = s.b.free_pages;
	buddy_add_free_range(&s.b, 990, 200); /* again: every frame is already managed */
	uint64_t again = s.b.free_pages;
	buddy_add_free_range(&s.b, 5000, 10); /* entirely outside */
	buddy_add_free_range(&s.b, UINT64_MAX, UINT64_MAX);
	int check_rc = buddy_check(&s.b);
	uint64_t final = s.b.free_pages;
	sim_free(&s);
	CHECK_EQ(after_low, 10);
	CHECK_EQ(after_high, 20);
	CHECK_EQ(after_all, 100);
	CHECK_EQ(again, 100);
	CHECK_EQ(final, 100);
	CHECK_EQ(check_rc, 0);
}

/* Taking one page out of a max-order block splits it into one free block of every smaller order;
 * giving it back merges everything again. */
static void split_then_full_coalesce(void)
{
	struct sim s;
	uint64_t pfn, counts[BUDDY_MAX_ORDER + 1];
	bool split_ok = true;

	CHECK(sim_init(&s, 0, 1u << BUDDY_MAX_ORDER));
	buddy_add_free_range(&s.b, 0, 1u << BUDDY_MAX_ORDER);
	int rc = buddy_alloc(&s.b, 0, &pfn);
	memcpy(counts, s.b.free_count, sizeof(counts));
	for (unsigned k = 0; k < BUDDY_MAX_ORDER; k++)
		split_ok = split_ok && counts[k] == 1;
	int check_split = buddy_check(&s.b);
	int free_rc = buddy_free(&s.b, pfn, 0);
	uint64_t top = s.b.free_count[BUDDY_MAX_ORDER], pages = s.b.free_pages;
	int check_rc = buddy_check(&s.b);
	sim_free(&s);
	CHECK_EQ(rc, 0);
	CHECK_EQ(pfn, 0); /* the lower half is kept at each split */
	CHECK(split_ok);
	CHECK_EQ(counts[BUDDY_MAX_ORDER], 0);
	CHECK_EQ(check_split, 0);
	CHECK_EQ(free_rc, 0);
	CHECK_EQ(top, 1);
	CHECK_EQ(pages, 1u << BUDDY_MAX_ORDER);
	CHECK_EQ(check_rc, 0);
}

/* Blocks are aligned in absolute frame numbers even when the managed range starts oddly. */
static void blocks_aligned_with_odd_base(void)
{
	struct sim s;
	uint64_t pfn;
	bool aligned = true;
	int allocated = 0;

	CHECK(sim_init(&s, 777, 5000));
	buddy_add_free_range(&s.b, 777, 5000);
	for (unsigned order = 0; order <= BUDDY_MAX_ORDER; order++)
		while (buddy_alloc(&s.b, order, &pfn) == 0 && allocated < 200) {
			allocated++;
			aligned = aligned && (pfn & ((1ull << order) - 1)) == 0 && pfn >= 777 &&
				  pfn + (1ull << order) <= 777 + 5000;
		}
	int check_rc = buddy_check(&s.b);
	sim_free(&s);
	CHECK(aligned);
	CHECK(allocated > 10);
	CHECK_EQ(check_rc, 0);
}

/* Every bad free is refused and leaves the allocator byte-for-byte unchanged. */
static bool free_refused_unchanged(struct sim *s, uint64_t pfn, unsigned order)
{
	struct buddy before = s->b;
	size_t meta_size = buddy_size_for(s->b.npages);
	void *snapshot = malloc(meta_size);

	if (!snapshot)
		return false;
	memcpy(snapshot, s->meta, meta_size);
	int rc = buddy_free(&s->b, pfn, order);
	bool same = memcmp(&before, &s->b, sizeof(before)) == 0 &&
		    memcmp(snapshot, s->meta, meta_size) == 0;
	free(snapshot);
	return rc == -EINVAL && same;
}

static void bad_frees_detected(void)
{
	struct sim s;
	uint64_t a, b;

	CHECK(sim_init(&s, 0, 256));
	buddy_add_free_range(&s.b, 0, 200);
	CHECK_EQ(buddy_alloc(&s.b, 2, &a), 0);
	CHECK_EQ(buddy_alloc(&s.b, 0, &b), 0);
	CHECK(EXPECT(free_refused_unchanged(&s, a, 1)) && /* wrong order, smaller */
	      EXPECT(free_refused_unchanged(&s, a, 3)) && /* wrong order, larger */
	      EXPECT(free_refused_unchanged(&s, a + 1, 0)) && /* inside the block */
	      EXPECT(free_refused_unchanged(&s, a + 2, 1)) && /* inside, aligned for its order */
	      EXPECT(free_refused_unchanged(&s, a + 1, 2)) && /* misaligned */
	      EXPECT(free_refused_unchanged(&s, 300, 0)) && /* outside the range */
	      EXPECT(free_refused_unchanged(&s, 220, 0)) && /* managed range, never added */
	      EXPECT(free_refused_unchanged(&s, a, BUDDY_MAX_ORDER + 1)));
	CHECK_EQ(buddy_free(&s.b, a, 2), 0);
	CHECK(EXPECT(free_refused_unchanged(&s, a, 2))); /* double free */
	CHECK_EQ(buddy_free(&s.b, b, 0), 0);
	CHECK(EXPECT(free_refused_unchanged(&s, b, 0)));
	uint64_t pfn;
	CHECK_EQ(buddy_alloc(&s.b, BUDDY_MAX_ORDER + 1, &pfn), -EINVAL);
	CHECK_EQ(buddy_check(&s.b), 0);
	CHECK_EQ(s.b.free_pages, 200);
	sim_free(&s);
}

/* ---- model-based tests ------------------------------------------------------------------- */

struct model {
	struct sim s;
	uint64_t base, npages;
	bool *usable, *used; /* per frame: handed to the allocator / currently allocated */
	uint64_t *blk_pfn; /* allocated blocks */
	unsigned *blk_order;
	size_t nblk;
	uint64_t usable_count, used_count;
};

static bool model_init(struct model *m, uint64_t base, uint64_t npages, const struct range *r,
		       size_t nr)
{
	memset(m, 0, sizeof(*m));
	m->base = base;
	m->npages = npages;
	m->usable = calloc(npages, sizeof(bool));
	m->used = calloc(npages, sizeof(bool));
	m->blk_pfn = calloc(npages, sizeof(uint64_t));
	m->blk_order = calloc(npages, sizeof(unsigned));
	if (!m->usable || !m->used || !m->blk_pfn || !m->blk_order || !sim_init(&m->s, base, npages))
		return false;
	sim_add(&m->s, r, nr);
	for (size_t i = 0; i < nr; i++)
		for (uint64_t p = r[i].pfn; p - r[i].pfn < r[i].count; p++)
			if (p >= base && p - base < npages && !m->usable[p - base]) {
				m->usable[p - base] = true;
				m->usable_count++;
			}
	return true;
}

static void model_free(struct model *m)
{
	sim_free(&m->s);
	free(m->usable);
	free(m->used);
	free(m->blk_pfn);
	free(m->blk_order);
}

/* Whether some 2^order-aligned run of usable, unallocated frames exists. */
static bool model_has_free_run(const struct model *m, unsigned order)
{
	uint64_t size = 1ull << order;
	uint64_t first = (m->base + size - 1) / size * size;

	/* Written so that nothing wraps when the range ends at 2^64 - 1. */
	for (uint64_t p = first; p >= first && p - m->base + size <= m->npages; p += size) {
		bool all = true;
		for (uint64_t i = 0; i < size && all; i++)
			all = m->usable[p + i - m->base] && !m->used[p + i - m->base];
		if (all)
			return true;
	}
	return false;
}

/* Allocates and checks the block against the model; false (with a recorded failure) if wrong. */
static bool model_alloc(struct model *m, unsigned order)
{
	uint64_t pfn, size = 1ull << order;
	int rc = buddy_alloc(&m->s.b, order, &pfn);

	if (rc == -ENOMEM)
		return EXPECT(!model_has_free_run(m, order));
	if (!EXPECT(rc == 0) || !EXPECT((pfn & (size - 1)) == 0) || !EXPECT(pfn >= m->base) ||
	    !EXPECT(pfn - m->base + size <= m->npages))
		return false;
	for (uint64_t i = 0; i < size; i++) {
		uint64_t f = pfn - m->base + i;
		if (!EXPECT(m->usable[f] && !m->used[f])) /* a hole, or handed out twice */
			return false;
		m->used[f] = true;
	}
	m->blk_pfn[m->nblk] = pfn;
	m->blk_order[m->nblk++] = order;
	m->used_count += size;
	return true;
}

/* Frees allocated block i (swapped with the last). */
static bool model_release(struct model *m, size_t i)
{
	uint64_t pfn = m->blk_pfn[i], size = 1ull << m->blk_order[i];

	if (!EXPECT(buddy_free(&m->s.b, pfn, m->blk_order[i]) == 0))
		return false;
	for (uint64_t k = 0; k < size; k++)
		m->used[pfn - m->base + k] = false;
	m->used_count -= size;
	m->nblk--;
	m->blk_pfn[i] = m->blk_pfn[m->nblk];
	m->blk_order[i] = m->blk_order[m->nblk];
	return true;
}

static bool model_consistent(const struct model *m)
{
	return EXPECT(m->s.b.free_pages == m->usable_count - m->used_count) &&
	       EXPECT(buddy_check(&m->s.b) == 0);
}

/* Frees every block in random order; then the allocator must equal a freshly built one. */
static bool model_release_all_matches_fresh(struct model *m, const struct range *r, size_t nr)
{
	struct sim fresh;

	while (m->nblk)
		if (!model_release(m, test_rand_below(m->nblk)))
			return false;
	if (!model_consistent(m) || !EXPECT(sim_init(&fresh, m->base, m->npages)))
		return false;
	sim_add(&fresh, r, nr);
	bool same = memcmp(fresh.b.free_count, m->s.b.free_count, sizeof(fresh.b.free_count)) == 0;
	sim_free(&fresh);
	return EXPECT(same);
}

static unsigned random_order(void)
{
	/* Mostly small blocks, as a kernel allocates, with the occasional large one. */
	return test_rand_below(4) ? (unsigned)test_rand_below(3) : (unsigned)test_rand_below(BUDDY_MAX_ORDER + 1);
}

/* Single pages until -ENOMEM: exactly the usable frames, each once; then everything comes back. */
static void exhaustion_then_recovery(void)
{
	static const struct range r[] = { { 256, 744 }, { 1024, 3976 }, { 5003, 4 }, { 8192, 3000 } };
	struct model m;

	test_srand(0xb0dd1);
	CHECK(model_init(&m, 0, 12000, r, 4));
	while (m.used_count < m.usable_count)
		if (!model_alloc(&m, 0))
			break;
	uint64_t pfn;
	bool exhausted = buddy_alloc(&m.s.b, 0, &pfn) == -ENOMEM && m.s.b.free_pages == 0;
	bool ok = EXPECT(exhausted) && model_consistent(&m) &&
		  model_release_all_matches_fresh(&m, r, 4) && model_alloc(&m, BUDDY_MAX_ORDER);
	model_free(&m);
	CHECK(ok);
}

static bool stress(uint64_t base, uint64_t npages, const struct range *r, size_t nr, uint64_t seed)
{
	struct model m;
	bool ok = true;

	test_srand(seed);
	if (!EXPECT(model_init(&m, base, npages, r, nr)))
		return false;
	for (int op = 0; op < STRESS_OPS && ok; op++) {
		/* Alternate filling and draining phases, so both near-empty and near-exhausted
		 * (fragmented, -ENOMEM) states are exercised. */
		unsigned free_percent = (op / STRESS_PHASE) % 2 ? 70 : 35;
		if (m.nblk && test_rand_below(100) < free_percent)
			ok = model_release(&m, test_rand_below(m.nblk));
		else
			ok = model_alloc(&m, random_order());
		if (ok && op % 2000 == 0)
			ok = model_consistent(&m);
	}
	ok = ok && model_consistent(&m) && model_release_all_matches_fresh(&m, r, nr);
	model_free(&m);
	return ok;
}

static void random_stress_against_bitmap_model(void)
{
	static const struct range holes[] = { { 256, 744 }, { 1024, 3976 }, { 5003, 4 },
					      { 6000, 1 }, { 8192, 7808 } };
	static const struct range odd[] = { { 4099, 6001 }, { 3, 1000 } };
	static const struct range near_top[] = { { UINT64_MAX - 5000, 4000 } };

	CHECK(stress(0, 16000, holes, 5, 1));
	CHECK(stress(3, 10097, odd, 2, 2)); /* odd base and size */
	CHECK(stress(UINT64_MAX - 6000, 6000, near_top, 1, 3)); /* frame numbers near 2^64 */
}

TEST_MAIN(TEST(size_for_counts_frames), TEST(starts_all_reserved),
	  TEST(ranges_become_maximal_aligned_blocks), TEST(adjacent_ranges_merge),
	  TEST(ranges_clamped_and_idempotent), TEST(split_then_full_coalesce),
	  TEST(blocks_aligned_with_odd_base), TEST(bad_frees_detected),
	  TEST(exhaustion_then_recovery), TEST(random_stress_against_bitmap_model))
