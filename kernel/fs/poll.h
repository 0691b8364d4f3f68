/* poll/select support for files. A file's poll operation reports its readiness (POLL* bits of
 * <uapi/poll.h>) and, when given a poll table, registers the polling thread on each wait
 * queue whose wake-up could change that readiness, with poll_wait_locked under the lock that
 * guards the queue. Wakers then call wait_queue_wake_locked(wq, 0) (every waiter: a pollers'
 * entry must not swallow a wake-up meant for a reader). poll.c owns the rest: building the
 * table, sleeping until an entry fires or the timeout, and unregistering. */
#ifndef FS_POLL_H
#define FS_POLL_H

#include <stdint.h>
#include <core/spinlock.h>
#include <sched/wait.h>

struct poll_table;

/* Register on wq (guarded by lock, which the caller holds). Never fails: when the table is
 * out of entries the poller falls back to a short timed re-poll. */
void poll_wait_locked(struct poll_table *pt, struct wait_queue *wq, struct spinlock *lock);

#endif
