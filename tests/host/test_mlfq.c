/* Host tests for the MLFQ scheduling policy (kernel/sched/mlfq.c): O(1) selection by level,
 * demotion after a full slice, promotion after blocking, the periodic boost that prevents
 * starvation, nice values, and a simulation of a CPU hog against an interactive thread. */
#include "test.h"
#include <sched/mlfq.h>

static void picks_highest_level_fifo(void)
{
	struct mlfq_rq rq;
	struct mlfq_entity a, b, c;
	mlfq_rq_init(&rq);
	mlfq_entity_init(&a, 0);
	mlfq_entity_init(&b, 0);
	mlfq_entity_init(&c, 0);
	a.level = 2;
	mlfq_enqueue(&rq, &a);
	mlfq_enqueue(&rq, &b);
	mlfq_enqueue(&rq, &c);
	CHECK(mlfq_pick_next(&rq) == &b);
	CHECK(mlfq_pick_next(&rq) == &c);
	CHECK(mlfq_pick_next(&rq) == &a);
	CHECK(mlfq_pick_next(&rq) == NULL);
	CHECK_EQ(rq.nonempty, 0);
}

static void full_slice_demotes_and_block_promotes(void)
{
	struct mlfq_rq rq;
	struct mlfq_entity a;
	mlfq_rq_init(&rq);
	mlfq_entity_init(&a, 0);
	unsigned level = a.level;
	uint32_t slice = mlfq_slice_ticks(level);
	for (uint32_t i = 0; i + 1 < slice; i++)
		CHECK(!mlfq_tick(&rq, &a));
	CHECK(mlfq_tick(&rq, &a)); /* slice used up: preempt and demote */
	CHECK_EQ(a.level, level + 1);
	CHECK_EQ(a.slice_left, mlfq_slice_ticks(level + 1));
	CHECK(mlfq_slice_ticks(level + 1) > slice);
	mlfq_tick(&rq, &a);
	mlfq_on_block(&a); /* blocked before the slice ended: climbs back */
	CHECK_EQ(a.level, level);
}

static void lower_levels_have_longer_capped_slices(void)
{
	for (unsigned l = 1; l < MLFQ_LEVELS; l++)
		CHECK(mlfq_slice_ticks(l) >= mlfq_slice_ticks(l - 1));
	CHECK(mlfq_slice_ticks(MLFQ_LEVELS - 1) <= MLFQ_MAX_SLICE_TICKS);
}

static void better_level_waiting_preempts(void)
{
	struct mlfq_rq rq;
	struct mlfq_entity run, waiting;
	mlfq_rq_init(&rq);
	mlfq_entity_init(&run, 0);
	mlfq_entity_init(&waiting, 0);
	run.level = 3;
	run.slice_left = 100;
	mlfq_enqueue(&rq, &waiting);
	CHECK(mlfq_tick(&rq, &run));
}

static void boost_lifts_everyone_to_base(void)
{
	struct mlfq_rq rq;
	struct mlfq_entity a, b;
	mlfq_rq_init(&rq);
	mlfq_entity_init(&a, 0);
	mlfq_entity_init(&b, 10);
	a.level = MLFQ_LEVELS - 1;
	mlfq_enqueue(&rq, &a);
	b.level = MLFQ_LEVELS - 1;
	mlfq_boost(&rq, &b);
	CHECK_EQ(a.level, a.base_level);
	CHECK_EQ(b.level, b.base_level);
	CHECK(b.base_level > a.base_level); /* nice 10 sits lower than nice 0 */
	CHECK(mlfq_pick_next(&rq) == &a);
}

static void nice_maps_monotonically(void)
{
	struct mlfq_rq rq;
	struct mlfq_entity e;
	mlfq_rq_init(&rq);
	mlfq_entity_init(&e, 0);
	unsigned prev = 0;
	for (int n = NICE_MIN; n <= NICE_MAX; n++) {
		mlfq_set_nice(&rq, &e, n);
		CHECK(e.base_level >= prev);
		CHECK(e.base_level < MLFQ_LEVELS);
		prev = e.base_level;
	}
	CHECK_EQ(prev, MLFQ_LEVELS - 1);
	mlfq_set_nice(&rq, &e, 100); /* clamped */
	CHECK_EQ(e.nice, NICE_MAX);
}

/* A CPU hog and an interactive thread that runs 1 tick then blocks for 5: the interactive one
 * must get the CPU within one top-level slice of waking, however long the hog has run. */
static void hog_cannot_starve_interactive(void)
{
	struct mlfq_rq rq;
	struct mlfq_entity hog, inter;
	mlfq_rq_init(&rq);
	mlfq_entity_init(&hog, 0);
	mlfq_entity_init(&inter, 0);
	struct mlfq_entity *cur = &hog;
	int inter_wakes_at = 0, worst_wait = 0, inter_runs = 0;
	bool inter_blocked = false;
	mlfq_enqueue(&rq, &inter);
	for (int t = 0; t < 20000; t++) {
		if (inter_blocked && t >= inter_wakes_at) {
			inter_blocked = false;
			mlfq_enqueue(&rq, &inter);
		}
		bool resched = mlfq_tick(&rq, cur);
		if (cur == &inter) {
			inter_runs++;
			mlfq_on_block(&inter); /* runs one tick, then sleeps */
			inter_blocked = true;
			inter_wakes_at = t + 5;
			cur = mlfq_pick_next(&rq);
			continue;
		}
		if (cur && inter.queued && t - inter_wakes_at > worst_wait)
			worst_wait = t - inter_wakes_at;
		if (resched || !cur) {
			if (cur)
				mlfq_enqueue(&rq, cur);
			cur = mlfq_pick_next(&rq);
		}
	}
	CHECK(inter_runs > 20000 / 7); /* close to its 1-in-6 demand */
	CHECK(worst_wait <= MLFQ_BASE_SLICE_TICKS); /* at most one top-level slice */
}

TEST_MAIN(TEST(picks_highest_level_fifo), TEST(full_slice_demotes_and_block_promotes),
	  TEST(lower_levels_have_longer_capped_slices), TEST(better_level_waiting_preempts),
	  TEST(boost_lifts_everyone_to_base), TEST(nice_maps_monotonically),
	  TEST(hog_cannot_starve_interactive))
