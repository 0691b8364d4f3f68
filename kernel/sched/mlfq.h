/* Multi-level feedback queue policy, free of hardware and globals (host-tested): MLFQ_LEVELS
 * priority levels, each with a longer time slice than the one above; a thread that uses its
 * whole slice drops a level, one that blocks before its slice ends climbs one; a periodic boost
 * lifts everyone back to their base level so nothing starves. A positive nice lowers the base
 * level (nice 0 and below start at the top).
 * O(1) pick: a bitmap of non-empty levels. The caller (the scheduler) locks the run queue. */
#ifndef SCHED_MLFQ_H
#define SCHED_MLFQ_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/list.h>

#define MLFQ_LEVELS 8
#define MLFQ_BASE_SLICE_TICKS 4 /* level 0; doubles per level, capped */
#define MLFQ_MAX_SLICE_TICKS 64
#define MLFQ_BOOST_TICKS 500 /* every 0.5 s at 1000 Hz */
#define NICE_MIN (-20)
#define NICE_MAX 19

struct mlfq_entity {
	struct list_node node; /* in the run queue level's list while queued */
	uint8_t level; /* current level, 0 = highest priority */
	uint8_t base_level; /* from nice; boosts return here, never above */
	int8_t nice;
	bool queued;
	uint32_t slice_left; /* ticks left in the current slice */
};

struct mlfq_rq {
	struct list_node levels[MLFQ_LEVELS];
	uint32_t nonempty; /* bit l set when levels[l] has entities */
	uint32_t nr_queued;
	uint64_t ticks_since_boost;
};

void mlfq_rq_init(struct mlfq_rq *rq);
void mlfq_entity_init(struct mlfq_entity *e, int nice);
uint32_t mlfq_slice_ticks(unsigned level);

void mlfq_enqueue(struct mlfq_rq *rq, struct mlfq_entity *e); /* at the tail of its level */
void mlfq_dequeue(struct mlfq_rq *rq, struct mlfq_entity *e);
/* Remove and return the first entity of the highest non-empty level, or NULL. */
struct mlfq_entity *mlfq_pick_next(struct mlfq_rq *rq);
/* Remove and return the queued entity that would run last among those `ok` accepts (the
 * lowest level, the tail): what another CPU takes when it balances. NULL if none. */
struct mlfq_entity *mlfq_take_last(struct mlfq_rq *rq, bool (*ok)(struct mlfq_entity *e,
								   void *ctx), void *ctx);
/* Best level waiting in the queue, or MLFQ_LEVELS when empty. */
unsigned mlfq_best_level(const struct mlfq_rq *rq);

/* One timer tick charged to the running entity `cur` (NULL when idle). Returns true when cur
 * should be preempted: its slice ran out (it is demoted) or a better level is waiting. Also
 * counts towards the periodic boost. */
bool mlfq_tick(struct mlfq_rq *rq, struct mlfq_entity *cur);
/* cur gave up the CPU by blocking (sleep, wait, I/O): promote one level if it did not use its
 * whole slice, and give it a fresh slice. */
void mlfq_on_block(struct mlfq_entity *e);
/* Lift every queued entity, and `running` if not NULL, to its base level. */
void mlfq_boost(struct mlfq_rq *rq, struct mlfq_entity *running);
void mlfq_set_nice(struct mlfq_rq *rq, struct mlfq_entity *e, int nice);

#endif
