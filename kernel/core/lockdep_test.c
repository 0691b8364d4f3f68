/* Self-tests of the lock validator (LOCKDEP=1 builds): a planted inversion, a lock of one class
 * nested in decreasing address order and a spinlock taken with interrupts enabled are each
 * reported, once; the right order and increasing-address nesting are not. */
#include <core/lockdep.h>
#include <core/spinlock.h>
#include <core/ktest.h>

static struct spinlock test_a = SPINLOCK_INIT("ktest_lockdep_a");
static struct spinlock test_b = SPINLOCK_INIT("ktest_lockdep_b");
static struct spinlock test_pair[2] = { SPINLOCK_INIT("ktest_lockdep_pair"),
					SPINLOCK_INIT("ktest_lockdep_pair") };
static struct spinlock test_irq = SPINLOCK_INIT("ktest_lockdep_irq");

static void take_two(struct spinlock *first, struct spinlock *second)
{
	uint64_t f = spin_lock_irqsave(first);
	spin_lock(second);
	spin_unlock(second);
	spin_unlock_irqrestore(first, f);
}

KTEST(lockdep_reports_planted_inversion)
{
	uint64_t before = lockdep_reports();
	take_two(&test_a, &test_b);
	take_two(&test_a, &test_b);
	KEXPECT(lockdep_reports() == before);
	lockdep_expect_report();
	take_two(&test_b, &test_a);
	KEXPECT(lockdep_reports() == before + 1);
}

KTEST(lockdep_same_class_nests_by_address)
{
	uint64_t before = lockdep_reports();
	take_two(&test_pair[0], &test_pair[1]);
	KEXPECT(lockdep_reports() == before);
	uint64_t f = spin_lock_irqsave(&test_pair[1]); /* by another rule: said so, not reported */
	spin_lock_nested(&test_pair[0]);
	spin_unlock(&test_pair[0]);
	spin_unlock_irqrestore(&test_pair[1], f);
	KEXPECT(lockdep_reports() == before);
	lockdep_expect_report();
	take_two(&test_pair[1], &test_pair[0]);
	KEXPECT(lockdep_reports() == before + 1);
}

KTEST(lockdep_reports_lock_with_interrupts_on)
{
	uint64_t before = lockdep_reports();
	irq_enable(); /* the ktest thread runs with interrupts on; make sure */
	lockdep_expect_report();
	spin_lock(&test_irq);
	spin_unlock(&test_irq);
	KEXPECT(lockdep_reports() == before + 1);
	spin_lock(&test_irq); /* said once per class */
	spin_unlock(&test_irq);
	KEXPECT(lockdep_reports() == before + 1);
}
