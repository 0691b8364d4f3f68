/* Wait queues: condition-variable style sleeping. A wait queue is guarded by the lock of the
 * object it belongs to (a pipe's lock, a futex bucket's lock...): the waiter checks its
 * condition under that lock, sleeps with wait_queue_sleep_locked (which drops and retakes it),
 * and the waker changes the state and calls wait_queue_wake_locked under the same lock. */
#ifndef SCHED_WAIT_H
#define SCHED_WAIT_H

#include <stdint.h>
#include <lib/list.h>
#include <core/spinlock.h>

struct wait_queue {
	struct list_node waiters; /* struct wait_entry, guarded by the owner's lock */
};

#define WAIT_QUEUE_INIT(wq) { LIST_HEAD_INIT((wq).waiters) }

static inline void wait_queue_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

/* Sleep on wq; `lock` (held, taken with spin_lock_irqsave giving *irqflags) is released while
 * asleep and held again on return. deadline_ns 0 = none. Returns 0 when woken, -ETIMEDOUT, or
 * the reason a waker gave (-EINTR when a signal interrupted the sleep). Wake-ups can be
 * spurious: re-check the condition in a loop. */
int wait_queue_sleep_locked(struct wait_queue *wq, struct spinlock *lock, uint64_t *irqflags,
			    uint64_t deadline_ns);
/* Wake up to nr waiters (0 = all) in FIFO order; returns how many were woken. */
int wait_queue_wake_locked(struct wait_queue *wq, int nr);

#endif
