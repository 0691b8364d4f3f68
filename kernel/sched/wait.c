/* Wait-queue sleeping and waking on top of the scheduler's block/wake protocol, with the
 * synchronous-call hand-off (a sleeper that runs a given thread next). */
#include <sched/wait.h>
#include <sched/sched.h>

int wait_queue_sleep_locked(struct wait_queue *wq, struct spinlock *lock, uint64_t *irqflags,
			    uint64_t deadline_ns, enum sleep_kind kind)
{
	spin_assert_held(lock);
	return wait_queue_sleep_handoff_locked(wq, lock, irqflags, deadline_ns, kind, NULL);
}

int wait_queue_sleep_handoff_locked(struct wait_queue *wq, struct spinlock *lock,
				    uint64_t *irqflags, uint64_t deadline_ns, enum sleep_kind kind,
				    const struct handoff *h)
{
	spin_assert_held(lock);
	struct wait_entry w = { .thread = current_thread(), .func = NULL };
	list_add_tail(&wq->waiters, &w.node);
	int reason;
	if (h) {
		/* Marked blocked before either lock drops: no wake-up is lost. */
		reason = sched_block_and_switch(h->to, deadline_ns, kind, lock, h->lock, *irqflags);
	} else {
		/* Marked blocked before the lock drops: a wake-up from here on is not lost. */
		sched_prepare_block(deadline_ns, kind);
		spin_unlock_irqrestore(lock, *irqflags);
		reason = sched_block_finish();
	}
	*irqflags = spin_lock_irqsave(lock);
	if (!list_empty(&w.node)) /* not taken off by a waker: timeout or signal */
		list_remove(&w.node);
	return reason;
}

void handoff_release(const struct handoff *h)
{
	sched_wake(h->to, 0);
	spin_unlock(h->lock);
}

void wait_queue_add_locked(struct wait_queue *wq, struct wait_entry *w)
{
	list_add_tail(&wq->waiters, &w->node);
}

void wait_entry_remove_locked(struct wait_entry *w)
{
	if (!list_empty(&w->node))
		list_remove(&w->node);
}

int wait_sleep_unless_fired(const int *fired, uint64_t deadline_ns, enum sleep_kind kind)
{
	sched_prepare_block(deadline_ns, kind);
	/* A waker that ran before we were marked blocked found nothing to wake but set the flag
	 * first; one that runs from here on makes us runnable. Both sides take our run-queue
	 * lock, which orders the flag against the state. */
	if (__atomic_load_n(fired, __ATOMIC_SEQ_CST))
		sched_wake(current_thread(), 0);
	return sched_block_finish();
}

int wait_queue_wake_locked(struct wait_queue *wq, int nr)
{
	int woken = 0;
	bool exclusive_woke = false;
	struct list_node *n = wq->waiters.next;
	while (n != &wq->waiters) {
		struct wait_entry *w = list_entry(n, struct wait_entry, node);
		n = n->next; /* a callback may not remove entries other than its own */
		if (w->func) {
			if (!(w->exclusive && exclusive_woke) && w->func(w) && w->exclusive)
				exclusive_woke = true;
			continue;
		}
		if (nr != 0 && woken >= nr)
			continue; /* later callback entries still run */
		list_remove(&w->node);
		if (w->fired)
			__atomic_store_n(w->fired, 1, __ATOMIC_SEQ_CST);
		if (sched_wake(w->thread, 0))
			woken++;
	}
	return woken;
}
