/* Wait queues: condition-variable style sleeping. A wait queue is guarded by the lock of the
 * object it belongs to (a pipe's lock, a futex bucket's lock...): the waiter checks its
 * condition under that lock, sleeps with wait_queue_sleep_locked (which drops and retakes it),
 * and the waker changes the state and calls wait_queue_wake_locked under the same lock.
 *
 * poll/select need one thread on many queues at once: they add their own entries with
 * wait_queue_add_locked (each under its queue's lock), give each a `fired` flag, and sleep with
 * wait_sleep_unless_fired. A waker sets the flag before it wakes the thread, so a wake-up that
 * comes after registration but before the poller is marked blocked is never lost.
 *
 * epoll needs no thread at all: its entries carry a callback (wait_entry_init_func) that the
 * waker runs, under the queue's lock, instead of waking anyone; such an entry stays queued until
 * its owner removes it, and does not count against a wake-up's nr. */
#ifndef SCHED_WAIT_H
#define SCHED_WAIT_H

#include <stdint.h>
#include <lib/list.h>
#include <core/spinlock.h>
#include <sched/thread.h>

struct wait_queue {
	struct list_node waiters; /* struct wait_entry, guarded by the owner's lock */
};

struct wait_entry;
/* A callback entry's function: runs in the waker's context with the queue's lock held (IRQs
 * off), so it may take only spinlocks ordered after that lock, and must not remove entries
 * other than its own. Returns true when it woke a thread. */
typedef bool (*wait_func_t)(struct wait_entry *w);

/* One waiter on one queue. wait_queue_sleep_locked keeps its own on the stack; poll.c embeds
 * them in its table. A thread entry is taken off the queue (node points at itself) by the
 * waker that wakes it; a callback entry stays. */
struct wait_entry {
	struct list_node node; /* in wq->waiters while queued */
	struct thread *thread; /* thread entries */
	int *fired; /* NULL, or set to 1 (atomically, before the wake) when woken */
	wait_func_t func; /* NULL for a thread entry; else run by the waker instead */
	/* Callback entries only (epoll's EPOLLEXCLUSIVE): once one exclusive entry's callback
	 * has woken a thread, a wake-up skips the exclusive entries after it. */
	bool exclusive;
};

/* A callback entry (not yet queued): wakers of its queue call func(w). */
static inline void wait_entry_init_func(struct wait_entry *w, wait_func_t func)
{
	list_init(&w->node);
	w->thread = NULL;
	w->fired = NULL;
	w->func = func;
	w->exclusive = false;
}

#define WAIT_QUEUE_INIT(wq) { LIST_HEAD_INIT((wq).waiters) }

static inline void wait_queue_init(struct wait_queue *wq)
{
	list_init(&wq->waiters);
}

/* Sleep on wq; `lock` (held, taken with spin_lock_irqsave giving *irqflags) is released while
 * asleep and held again on return. deadline_ns 0 = none; kind says what else ends the sleep
 * (sched/thread.h). Returns 0 when woken, -ETIMEDOUT, or -EINTR when a signal or an exit
 * (as kind allows) cut it short or kept it from starting. Wake-ups can be spurious: re-check
 * the condition in a loop. */
int wait_queue_sleep_locked(struct wait_queue *wq, struct spinlock *lock, uint64_t *irqflags,
			    uint64_t deadline_ns, enum sleep_kind kind);

/* A thread to run next instead of going through the run queue (the synchronous-call hand-off,
 * ipc/endpoint.c): `to` is blocked, and `lock` (held, taken with plain spin_lock inside the
 * sleeper's own lock) keeps it in its wait. A sleep given a hand-off always consumes it: `to`
 * is woken (and switched to, if the sleeper does sleep) and `lock` is released. */
struct handoff {
	struct thread *to;
	struct spinlock *lock;
};
/* wait_queue_sleep_locked that hands the CPU straight to h->to (h may be NULL). */
int wait_queue_sleep_handoff_locked(struct wait_queue *wq, struct spinlock *lock,
				    uint64_t *irqflags, uint64_t deadline_ns, enum sleep_kind kind,
				    const struct handoff *h);
/* Consume h without sleeping: wake h->to, release h->lock. */
void handoff_release(const struct handoff *h);
/* Queue w (thread and fired already set) at the tail of wq / take it off if still queued. The
 * lock guarding wq is held. */
void wait_queue_add_locked(struct wait_queue *wq, struct wait_entry *w);
void wait_entry_remove_locked(struct wait_entry *w);
/* Block the current thread until a wake-up, the deadline (0 = none) or what kind allows,
 * unless *fired is already set: then return 0 at once. Returns like wait_queue_sleep_locked.
 * No lock may be held. */
int wait_sleep_unless_fired(const int *fired, uint64_t deadline_ns, enum sleep_kind kind);
/* Wake up to nr waiters (0 = all) in FIFO order; returns how many were woken. An entry whose
 * thread was not asleep (a poller still scanning) is taken off and flagged but not counted.
 * Every callback entry is run, whatever nr, and is not counted either, except the exclusive
 * ones after the first that woke a thread. */
int wait_queue_wake_locked(struct wait_queue *wq, int nr);

#endif
