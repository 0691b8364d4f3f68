/* Sleeping mutexes (see mutex.h): a spinlock-guarded owner field and a FIFO of sleepers. The
 * unlocker hands nothing over; a woken waiter competes again, which is fair enough for the
 * short VFS critical sections and cannot lose a wake-up (the wait-queue protocol). */
#include <sched/mutex.h>
#include <sched/thread.h>
#include <core/panic.h>

void mutex_init(struct mutex *m, const char *name)
{
	m->lock = (struct spinlock)SPINLOCK_INIT(name);
	m->owner = NULL;
	wait_queue_init(&m->waiters);
}

void mutex_lock(struct mutex *m)
{
	struct thread *self = current_thread();
	uint64_t f = spin_lock_irqsave(&m->lock);
	ASSERT(m->owner != self); /* not recursive */
	/* Uninterruptible: a mutex guards short kernel sections (no holder sleeps on user
	 * input or another process while holding one), so the wait is bounded by the kernel. */
	while (m->owner)
		wait_queue_sleep_locked(&m->waiters, &m->lock, &f, 0, SLEEP_UNINTERRUPTIBLE);
	m->owner = self;
	spin_unlock_irqrestore(&m->lock, f);
	if (self)
		self->mutexes_held++;
}

bool mutex_trylock(struct mutex *m)
{
	uint64_t f = spin_lock_irqsave(&m->lock);
	struct thread *self = current_thread();
	bool got = m->owner == NULL;
	if (got)
		m->owner = self;
	spin_unlock_irqrestore(&m->lock, f);
	if (got && self)
		self->mutexes_held++;
	return got;
}

bool mutex_lock_unnested(struct mutex *m)
{
	struct thread *self = current_thread();
	if (self && self->mutexes_held > 0)
		return mutex_trylock(m);
	mutex_lock(m);
	return true;
}

void mutex_unlock(struct mutex *m)
{
	uint64_t f = spin_lock_irqsave(&m->lock);
	struct thread *self = current_thread();
	ASSERT(m->owner == self);
	m->owner = NULL;
	wait_queue_wake_locked(&m->waiters, 1);
	spin_unlock_irqrestore(&m->lock, f);
	if (self)
		self->mutexes_held--;
}

bool mutex_held(const struct mutex *m)
{
	return m->owner == current_thread();
}
