/* Wait-queue sleeping and waking on top of the scheduler's block/wake protocol. */
#include <sched/wait.h>
#include <sched/sched.h>

struct wait_entry {
	struct list_node node;
	struct thread *thread;
};

int wait_queue_sleep_locked(struct wait_queue *wq, struct spinlock *lock, uint64_t *irqflags,
			    uint64_t deadline_ns)
{
	struct wait_entry w = { .thread = current_thread() };
	list_add_tail(&wq->waiters, &w.node);
	/* Marked blocked before the lock drops: a wake-up from here on is not lost. */
	sched_prepare_block(deadline_ns);
	spin_unlock_irqrestore(lock, *irqflags);
	int reason = sched_block_finish();
	*irqflags = spin_lock_irqsave(lock);
	if (!list_empty(&w.node)) /* not taken off by a waker: timeout or signal */
		list_remove(&w.node);
	return reason;
}

int wait_queue_wake_locked(struct wait_queue *wq, int nr)
{
	int woken = 0;
	while (!list_empty(&wq->waiters) && (nr == 0 || woken < nr)) {
		struct wait_entry *w = list_first(&wq->waiters, struct wait_entry, node);
		list_remove(&w->node);
		if (sched_wake(w->thread, 0))
			woken++;
	}
	return woken;
}
