/* Ticket spinlock implementation: FIFO-fair, so no CPU starves under contention. */
#include <core/spinlock.h>
#include <core/panic.h>
#include <arch/x86_64/percpu.h>

void spin_lock(struct spinlock *l)
{
	uint32_t me = this_cpu_id();
	if (unlikely(l->owner == me))
		panic("spinlock %s: recursive acquisition on CPU %u", l->name, me);
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
	l->owner = me;
}

void spin_unlock(struct spinlock *l)
{
	if (unlikely(l->owner != this_cpu_id()))
		panic("spinlock %s: released by CPU %u, not its owner", l->name, this_cpu_id());
	l->owner = SPINLOCK_NO_OWNER;
	__atomic_store_n(&l->serving, (uint16_t)(l->serving + 1), __ATOMIC_RELEASE);
}

bool spin_held(const struct spinlock *l)
{
	return READ_ONCE(l->owner) == this_cpu_id();
}
