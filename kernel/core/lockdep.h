/* The lock validator (in the manner of OpenBSD's witness(4) and Linux's lockdep), built in
 * with `make LOCKDEP=1` (CONFIG_LOCKDEP). Locks are grouped in classes by their name: every
 * spinlock called "runqueue" is one class. It records the order in which classes are taken
 * (an edge A -> B when B is taken while A is held) and reports, once each, with the stack of
 * both acquisitions:
 *   - an inversion: taking B while holding A when B -> ... -> A was seen before;
 *   - two locks of one class nested in decreasing address order (nesting of one class is
 *     allowed only in increasing address order, the rule lock_two/lock_pair follow, or where
 *     spin_lock_nested says another rule orders them);
 *   - a spinlock taken with interrupts enabled (an interrupt's preemption point could then
 *     switch threads while it is held, and the next taker on this CPU would spin forever).
 * Each report is a line starting "lockdep: " on the console; the test run of the LOCKDEP build
 * fails on any. */
#ifndef CORE_LOCKDEP_H
#define CORE_LOCKDEP_H

#include <stdbool.h>
#include <stdint.h>

struct spinlock;

#ifdef CONFIG_LOCKDEP
/* nested: l nests inside a held lock of its class by a rule of its own (spin_lock_nested). */
void lockdep_acquire(const struct spinlock *l, bool nested);
void lockdep_release(const struct spinlock *l);
/* Reports made so far (the planted-inversion ktest checks it grows). */
uint64_t lockdep_reports(void);
/* The next report is the one a test provokes: printed as "lockdep (expected): ". */
void lockdep_expect_report(void);
#else
static inline void lockdep_acquire(const struct spinlock *l, bool nested)
{
	(void)l;
	(void)nested;
}
static inline void lockdep_release(const struct spinlock *l)
{
	(void)l;
}
#endif

#endif
