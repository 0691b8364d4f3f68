/* Bug prctl_timerslack: PR_SET_TIMERSLACK / PR_GET_TIMERSLACK were EINVAL. The slack reads back
 * as set, 0 resets it to the default (50 us for the first thread), and a child starts with its
 * creator's current slack as both its slack and its default. */
#include "test.h"
#include <sys/prctl.h>
#include <sys/wait.h>

static int child_checks(void)
{
	long now = prctl(PR_GET_TIMERSLACK);
	prctl(PR_SET_TIMERSLACK, 0);
	long dflt = prctl(PR_GET_TIMERSLACK);
	return (now == 70000 ? 0 : 1) | (dflt == 70000 ? 0 : 2);
}

int main(void)
{
	test_begin("prctl_timerslack");
	long orig = prctl(PR_GET_TIMERSLACK);
	CHECK("default", orig > 0);
	CHECK("set-get", prctl(PR_SET_TIMERSLACK, 1) == 0 && prctl(PR_GET_TIMERSLACK) == 1);
	CHECK("reset", prctl(PR_SET_TIMERSLACK, 0) == 0 && prctl(PR_GET_TIMERSLACK) == orig);
	prctl(PR_SET_TIMERSLACK, 70000);
	test_in_child("inherited", child_checks);
	test_end();
}
