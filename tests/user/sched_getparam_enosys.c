/* Bug sched_getparam_enosys: sched_getparam, sched_getscheduler, sched_setparam,
 * sched_setscheduler and the priority range calls were ENOSYS. A normal process is SCHED_OTHER
 * with static priority 0; setting that works; errors as Linux's (an unprivileged caller gets
 * EPERM for another user's process and for SCHED_FIFO). */
#include "test.h"
#include <sched.h>
#include <sys/syscall.h>

/* As uid 65534: a bit per failed step. */
static int unprivileged(void)
{
	int bad = 0;
	struct sched_param sp = { .sched_priority = 0 };
	pid_t parent = getppid();
	if (seteuid(65534) < 0)
		return 0x80;
	errno = 0;
	if (syscall(SYS_sched_setparam, parent, &sp) != -1 || errno != EPERM)
		bad |= 1;
	sp.sched_priority = 1;
	errno = 0;
	if (syscall(SYS_sched_setscheduler, 0, SCHED_FIFO, &sp) != -1 || errno != EPERM)
		bad |= 2;
	return bad;
}

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
	CHECK("getparam-null-einval",
	      syscall(SYS_sched_getparam, 0, NULL) == -1 && errno == EINVAL);
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
	sp.sched_priority = 0;
	CHECK("setparam-other-0",
	      syscall(SYS_sched_setparam, 0, &sp) == 0 &&
		      syscall(SYS_sched_setscheduler, 0, SCHED_OTHER, &sp) == 0);
	sp.sched_priority = 5;
	errno = 0;
	CHECK("setparam-prio-einval", syscall(SYS_sched_setparam, 0, &sp) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("setparam-no-such-esrch",
	      syscall(SYS_sched_setparam, 4000000, &sp) == -1 && errno == ESRCH);
	test_in_child("unprivileged-eperm", unprivileged);
	test_end();
}
