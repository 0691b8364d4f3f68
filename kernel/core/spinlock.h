/* Ticket spinlocks. spin_lock_irqsave is the form to use for anything an interrupt handler may
 * also take; plain spin_lock only for locks never taken in interrupt context. The owner CPU is
 * recorded so that _locked functions can assert the lock is held (spin_assert_held). */
#ifndef CORE_SPINLOCK_H
#define CORE_SPINLOCK_H

#include <stdbool.h>
#include <stdint.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/percpu.h>
#include <core/compiler.h>
#include <core/panic.h> /* spin_assert_held */
#include <core/lockdep.h>

#define SPINLOCK_NO_OWNER 0xffffffffu

struct spinlock {
	uint16_t next; /* ticket handed to the next arriver */
	uint16_t serving; /* ticket now allowed in */
	uint32_t owner; /* CPU id holding it, SPINLOCK_NO_OWNER when free */
	const char *name;
};

#define SPINLOCK_INIT(n) { .next = 0, .serving = 0, .owner = SPINLOCK_NO_OWNER, .name = (n) }

/* The slow and the failing paths, out of line (spinlock.c). */
__attribute__((noreturn)) void spin_misuse(const struct spinlock *l, const char *what);
void spin_wait_turn(struct spinlock *l, uint16_t ticket);

/* Inline: a lock or unlock is a handful of instructions, and IPC and the scheduler take
 * several per system call. */
static inline void spin_lock_checked(struct spinlock *l, bool nested)
{
	uint32_t me = this_cpu_id();
	if (unlikely(l->owner == me))
		spin_misuse(l, "recursive acquisition");
	lockdep_acquire(l, nested);
	uint16_t ticket = __atomic_fetch_add(&l->next, 1, __ATOMIC_RELAXED);
	if (unlikely(__atomic_load_n(&l->serving, __ATOMIC_ACQUIRE) != ticket))
		spin_wait_turn(l, ticket);
	l->owner = me;
}

static inline void spin_lock(struct spinlock *l)
{
	spin_lock_checked(l, false);
}

/* Take l while holding another lock of its class, in an order that a rule other than their
 * addresses makes acyclic (say which, where it is called): the validator then checks it only
 * against other classes. */
static inline void spin_lock_nested(struct spinlock *l)
{
	spin_lock_checked(l, true);
}

static inline void spin_unlock(struct spinlock *l)
{
	if (unlikely(l->owner != this_cpu_id()))
		spin_misuse(l, "released by a CPU that is not its owner");
	l->owner = SPINLOCK_NO_OWNER;
	__atomic_store_n(&l->serving, (uint16_t)(l->serving + 1), __ATOMIC_RELEASE);
	lockdep_release(l);
}

static inline bool spin_held(const struct spinlock *l) /* by this CPU */
{
	return READ_ONCE(l->owner) == this_cpu_id();
}

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
