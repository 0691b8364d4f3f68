/* The MLFQ policy (see mlfq.h): level bookkeeping, O(1) selection, demotion, promotion, boost. */
#include <sched/mlfq.h>

void mlfq_rq_init(struct mlfq_rq *rq)
{
	for (unsigned l = 0; l < MLFQ_LEVELS; l++)
		list_init(&rq->levels[l]);
	rq->nonempty = 0;
	rq->nr_queued = 0;
	rq->ticks_since_boost = 0;
}

uint32_t mlfq_slice_ticks(unsigned level)
{
	uint32_t t = (uint32_t)MLFQ_BASE_SLICE_TICKS << level;
	return t > MLFQ_MAX_SLICE_TICKS ? MLFQ_MAX_SLICE_TICKS : t;
}

/* Positive nice lowers the base level: 0..2 -> 0, ..., 18..19 -> 7. Negative nice keeps the
 * top level (it cannot be raised above the best). */
static uint8_t base_level_for(int nice)
{
	if (nice <= 0)
		return 0;
	if (nice > NICE_MAX)
		nice = NICE_MAX;
	return (uint8_t)(nice * MLFQ_LEVELS / (NICE_MAX + 1));
}

void mlfq_entity_init(struct mlfq_entity *e, int nice)
{
	list_init(&e->node);
	e->nice = (int8_t)nice;
	e->base_level = base_level_for(nice);
	e->level = e->base_level;
	e->queued = false;
	e->slice_left = mlfq_slice_ticks(e->level);
}

void mlfq_enqueue(struct mlfq_rq *rq, struct mlfq_entity *e)
{
	list_add_tail(&rq->levels[e->level], &e->node);
	rq->nonempty |= 1u << e->level;
	rq->nr_queued++;
	e->queued = true;
}

void mlfq_dequeue(struct mlfq_rq *rq, struct mlfq_entity *e)
{
	list_remove(&e->node);
	if (list_empty(&rq->levels[e->level]))
		rq->nonempty &= ~(1u << e->level);
	rq->nr_queued--;
	e->queued = false;
}

unsigned mlfq_best_level(const struct mlfq_rq *rq)
{
	return rq->nonempty ? (unsigned)__builtin_ctz(rq->nonempty) : MLFQ_LEVELS;
}

struct mlfq_entity *mlfq_pick_next(struct mlfq_rq *rq)
{
	unsigned l = mlfq_best_level(rq);
	if (l == MLFQ_LEVELS)
		return 0;
	struct mlfq_entity *e = list_first(&rq->levels[l], struct mlfq_entity, node);
	mlfq_dequeue(rq, e);
	return e;
}

bool mlfq_tick(struct mlfq_rq *rq, struct mlfq_entity *cur)
{
	bool resched = false;
	if (++rq->ticks_since_boost >= MLFQ_BOOST_TICKS) {
		mlfq_boost(rq, cur);
		resched = rq->nr_queued > 0;
	}
	if (!cur)
		return rq->nr_queued > 0;
	if (cur->slice_left > 0)
		cur->slice_left--;
	if (cur->slice_left == 0) {
		if (cur->level + 1 < MLFQ_LEVELS)
			cur->level++;
		cur->slice_left = mlfq_slice_ticks(cur->level);
		return true;
	}
	return resched || mlfq_best_level(rq) < cur->level;
}

void mlfq_on_block(struct mlfq_entity *e)
{
	if (e->slice_left > 0 && e->level > e->base_level)
		e->level--;
	e->slice_left = mlfq_slice_ticks(e->level);
}

static void move_to_base(struct mlfq_rq *rq, struct mlfq_entity *e)
{
	bool queued = e->queued;
	if (queued)
		mlfq_dequeue(rq, e);
	e->level = e->base_level;
	e->slice_left = mlfq_slice_ticks(e->level);
	if (queued)
		mlfq_enqueue(rq, e);
}

void mlfq_boost(struct mlfq_rq *rq, struct mlfq_entity *running)
{
	rq->ticks_since_boost = 0;
	for (unsigned l = 0; l < MLFQ_LEVELS; l++) {
		struct list_node *pos, *tmp;
		list_for_each_safe(pos, tmp, &rq->levels[l]) {
			struct mlfq_entity *e = list_entry(pos, struct mlfq_entity, node);
			if (e->level != e->base_level)
				move_to_base(rq, e);
		}
	}
	if (running)
		move_to_base(rq, running);
}

void mlfq_set_nice(struct mlfq_rq *rq, struct mlfq_entity *e, int nice)
{
	e->nice = (int8_t)(nice < NICE_MIN ? NICE_MIN : nice > NICE_MAX ? NICE_MAX : nice);
	e->base_level = base_level_for(e->nice);
	move_to_base(rq, e);
}

struct mlfq_entity *mlfq_take_last(struct mlfq_rq *rq, bool (*ok)(struct mlfq_entity *e,
								   void *ctx), void *ctx)
{
	for (int l = MLFQ_LEVELS - 1; l >= 0; l--) {
		if (!(rq->nonempty & (1u << l)))
			continue;
		for (struct list_node *n = rq->levels[l].prev; n != &rq->levels[l]; n = n->prev) {
			struct mlfq_entity *e = list_entry(n, struct mlfq_entity, node);
			if (ok(e, ctx)) {
				mlfq_dequeue(rq, e);
				return e;
			}
		}
	}
	return NULL;
}
