/* poll/select support for files. A file's poll operation reports its readiness (POLL* bits of
 * <uapi/poll.h>) and, when given a poll table, registers the polling thread on each wait
 * queue whose wake-up could change that readiness, with poll_wait_locked under the lock that
 * guards the queue. Wakers then call wait_queue_wake_locked(wq, 0) (every waiter: a pollers'
 * entry must not swallow a wake-up meant for a reader). poll.c owns the rest: building the
 * table, sleeping until an entry fires or the timeout, and unregistering. epoll brings a table
 * of its own (a different queue function) that puts callback entries on the queues. */
#ifndef FS_POLL_H
#define FS_POLL_H

#include <stdint.h>
#include <core/spinlock.h>
#include <sched/wait.h>

struct poll_table;
struct file;

/* How a table registers on a queue (lock, guarding wq, held). */
typedef void (*poll_queue_fn)(struct poll_table *pt, struct wait_queue *wq, struct spinlock *lock);

/* The part of a poll table every owner shares; owners embed it in their own. */
struct poll_table {
	poll_queue_fn queue;
	struct file *cur; /* the file whose poll op is running (set by file_poll) */
};

/* Register on wq (guarded by lock, which the caller holds). Never fails: when the table is
 * out of entries the poller falls back to a short timed re-poll. */
void poll_wait_locked(struct poll_table *pt, struct wait_queue *wq, struct spinlock *lock);

/* The readiness of f (POLL* bits), registering on pt (may be NULL) through f's poll op. A file
 * without one (O_PATH) is always readable and writable. */
uint32_t file_poll(struct file *f, struct poll_table *pt);

#endif
