/* Bug sched_getparam_enosys: sched_getparam, sched_getscheduler and the priority range calls
 * were ENOSYS. A normal process is SCHED_OTHER with static priority 0; errors as Linux's. */
#include "test.h"
#include <sched.h>
#include <sys/syscall.h>

int main(void)
{
	test_begin("sched_getparam_enosys");
	struct sched_param sp = { .sched_priority = 100 };
	CHECK("getparam-self", syscall(SYS_sched_getparam, 0, &sp) == 0 && sp.sched_priority == 0);
	sp.sched_priority = 100;
	CHECK("getparam-pid", syscall(SYS_sched_getparam, getpid(), &sp) == 0 &&
				      sp.sched_priority == 0);
	errno = 0;
	CHECK("getparam-negative-einval",
	      syscall(SYS_sched_getparam, -1, &sp) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("getparam-null-einval", syscall(SYS_sched_getparam, 0, NULL) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("getparam-no-such-esrch",
	      syscall(SYS_sched_getparam, 4000000, &sp) == -1 && errno == ESRCH);
	CHECK("getscheduler-other", syscall(SYS_sched_getscheduler, 0) == SCHED_OTHER);
	CHECK("priority-range", syscall(SYS_sched_get_priority_max, SCHED_OTHER) == 0 &&
					syscall(SYS_sched_get_priority_min, SCHED_OTHER) == 0 &&
					syscall(SYS_sched_get_priority_max, SCHED_FIFO) == 99 &&
					syscall(SYS_sched_get_priority_min, SCHED_RR) == 1 &&
					syscall(SYS_sched_get_priority_max, 6) == 0);
	errno = 0;
	CHECK("priority-bad-policy-einval",
	      syscall(SYS_sched_get_priority_max, 42) == -1 && errno == EINVAL);
	test_end();
}
