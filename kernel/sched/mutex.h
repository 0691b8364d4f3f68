/* Sleeping mutexes: for long critical sections that may copy to or from user memory (and so
 * take page faults) or block, such as a file's contents or the VFS name space. A thread that
 * finds the mutex held sleeps (uninterruptibly) instead of spinning. Never take one from an
 * interrupt handler or with a spinlock held. */
#ifndef SCHED_MUTEX_H
#define SCHED_MUTEX_H

#include <stdbool.h>
#include <core/spinlock.h>
#include <sched/wait.h>

struct thread;

struct mutex {
	struct spinlock lock; /* guards owner and waiters */
	struct thread *owner; /* NULL when free */
	struct wait_queue waiters;
};

#define MUTEX_INIT(m, n) { .lock = SPINLOCK_INIT(n), .owner = NULL, .waiters = WAIT_QUEUE_INIT((m).waiters) }

void mutex_init(struct mutex *m, const char *name);
void mutex_lock(struct mutex *m);
bool mutex_trylock(struct mutex *m);
void mutex_unlock(struct mutex *m);
bool mutex_held(const struct mutex *m); /* by the calling thread */
/* Lock m, but sleep for it only when the caller holds no other mutex: false (m not taken) when
 * it is held and the caller holds one. For a page fault that reads a file in the middle of a
 * copy made under some file's mutex: waiting there could close a cycle no lock order rules. */
bool mutex_lock_unnested(struct mutex *m);

#define mutex_assert_held(m) ASSERT(mutex_held(m))

#endif
