/* The kernel's test hooks from a test (uapi/zero/testhook.h): hold a thread of this process at a
 * named point so that a race window is open for certain, not by luck. On a kernel without them
 * (Linux, or Zero-OS booted without `testhooks`) arming fails and the test runs its case
 * unforced. */
#ifndef TESTS_USER_TEST_HOOK_H
#define TESTS_USER_TEST_HOOK_H

#include <stdbool.h>
#include <sys/prctl.h>
#include "../../include/uapi/zero/testhook.h"

static inline bool hook_arm(int hook)
{
	return prctl(PR_ZERO_TEST_HOOK, ZERO_TEST_HOOK_ARM, hook, 0, 0) == 0;
}

/* The tid of the thread held at the armed hook, or -1 after timeout_ms. */
static inline long hook_wait_held(int timeout_ms)
{
	return prctl(PR_ZERO_TEST_HOOK, ZERO_TEST_HOOK_WAIT_HELD, timeout_ms, 0, 0);
}

static inline void hook_release(void)
{
	prctl(PR_ZERO_TEST_HOOK, ZERO_TEST_HOOK_RELEASE, 0, 0, 0);
}

#endif
