/* Ticket spinlocks. spin_lock_irqsave is the form to use for anything an interrupt handler may
 * also take; plain spin_lock only for locks never taken in interrupt context. The owner CPU is
 * recorded so that _locked functions can assert the lock is held (spin_assert_held). */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/x86_64/cpu.h>

#define SPINLOCK_NO_OWNER 0xffffffffu

struct spinlock {
	uint16_t next; /* ticket handed to the next arriver */
	uint16_t serving; /* ticket now allowed in */
	uint32_t owner; /* CPU id holding it, SPINLOCK_NO_OWNER when free */
	const char *name;
};

#define SPINLOCK_INIT(n) { .next = 0, .serving = 0, .owner = SPINLOCK_NO_OWNER, .name = (n) }

void spin_lock(struct spinlock *l);
void spin_unlock(struct spinlock *l);
bool spin_held(const struct spinlock *l); /* by this CPU */

static inline uint64_t spin_lock_irqsave(struct spinlock *l)
{
	uint64_t flags = irq_save();
	spin_lock(l);
	return flags;
}

static inline void spin_unlock_irqrestore(struct spinlock *l, uint64_t flags)
{
	spin_unlock(l);
	irq_restore(flags);
}

#define spin_assert_held(l) ASSERT(spin_held(l))

#endif
