/* Test hooks: named points in the kernel where a regression test holds a thread, so that a race
 * window a few instructions wide is opened deterministically instead of hoped for (a clone
 * linked but not started, a fault not yet under mm->lock). They act only when the command line
 * says `testhooks` and a process armed one for itself (prctl, uapi/zero/testhook.h); the
 * held thread waits killably and for at most a few seconds, so a hook can never wedge anything.
 * Disarmed, a hook costs a load and a branch. */
#ifndef CORE_TEST_HOOK_H
#define CORE_TEST_HOOK_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>
#include <uapi/zero/testhook.h>

enum test_hook {
	TEST_HOOK_CLONE_LINKED = ZERO_TEST_HOOK_CLONE_LINKED,
	TEST_HOOK_FAULT_BEFORE_LOCK = ZERO_TEST_HOOK_FAULT_BEFORE_LOCK,
	TEST_HOOK_EXIT_BEFORE_UNLINK = ZERO_TEST_HOOK_EXIT_BEFORE_UNLINK,
};

extern int test_hook_armed; /* the armed hook, 0 = none (read without a lock: a hint) */

void test_hook_hold_slow(enum test_hook h);

/* Hold the current thread here if its process armed hook h. May sleep: call without locks. */
static inline void test_hook_hold(enum test_hook h)
{
	if (unlikely(READ_ONCE(test_hook_armed) == (int)h))
		test_hook_hold_slow(h);
}

/* Enable the hooks (the `testhooks` command-line flag). */
void test_hooks_enable(void);
/* prctl(PR_ZERO_TEST_HOOK, op, arg). */
long test_hook_prctl(uint64_t op, uint64_t arg);

#endif
