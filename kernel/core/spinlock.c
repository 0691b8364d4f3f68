/* Ticket spinlock slow paths (the fast paths are inline in spinlock.h): FIFO-fair, so no CPU
 * starves under contention. */
#include <core/spinlock.h>
#include <core/panic.h>

void spin_misuse(const struct spinlock *l, const char *what)
{
	panic("spinlock %s: %s on CPU %u", l->name, what, this_cpu_id());
}

void spin_wait_turn(struct spinlock *l, uint16_t ticket)
{
	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket)
		cpu_relax();
}
