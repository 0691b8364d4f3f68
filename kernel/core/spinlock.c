/* Ticket spinlock slow paths (the fast paths are inline in spinlock.h): FIFO-fair, so no CPU
 * starves under contention. */
#include <core/spinlock.h>
#include <core/panic.h>
#include <mm/tlb.h>

void spin_misuse(const struct spinlock *l, const char *what)
{
	panic("spinlock %s: %s on CPU %u", l->name, what, this_cpu_id());
}

/* A CPU spinning with interrupts off still answers TLB shootdowns: the holder may be waiting
 * for this CPU's answer (mm/tlb.h). */
void spin_wait_turn(struct spinlock *l, uint16_t ticket)
{
	bool irqs_off = !irqs_enabled();
	while (__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket) {
		if (irqs_off)
			tlb_service();
		cpu_relax();
	}
}
