/* Identity calls: pid, tid, ppid, uid/gid (root by default), setuid rules, set_tid_address,
 * set_robust_list, and getpriority/setpriority. */
#include "test.h"
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

int main(void)
{
	test_begin("ids");
	pid_t me = getpid();
	CHECK("pid-positive", me > 1);
	CHECK("tid-is-pid", syscall(SYS_gettid) == me);
	CHECK("root-ids", getuid() == 0 && geteuid() == 0 && getgid() == 0 && getegid() == 0);

	int pfd[2] = { 0 };
	(void)pfd;
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		if (getppid() != me)
			bad |= 1;
		if (getpid() == me)
			bad |= 2;
		if (setuid(1000) != 0 || getuid() != 1000 || geteuid() != 1000)
			bad |= 4;
		if (setuid(0) != -1 || errno != EPERM)
			bad |= 8;
		_exit(bad);
	}
	int st;
	CHECK("child-ids-setuid", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	long tid = syscall(SYS_set_tid_address, NULL);
	CHECK("set-tid-address", tid == me);
	errno = 0;
	CHECK("robust-list-einval", syscall(SYS_set_robust_list, NULL, 7) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("rseq-enosys", syscall(334, NULL, 0, 0, 0) == -1 && errno == ENOSYS);

	errno = 0;
	int prio = getpriority(PRIO_PROCESS, 0);
	CHECK("getpriority", prio == 0 && errno == 0);
	CHECK("setpriority", setpriority(PRIO_PROCESS, 0, 5) == 0 &&
				     getpriority(PRIO_PROCESS, 0) == 5);
	CHECK("setpriority-back", setpriority(PRIO_PROCESS, 0, 0) == 0 &&
					  getpriority(PRIO_PROCESS, 0) == 0);
	errno = 0;
	CHECK("priority-esrch", getpriority(PRIO_PROCESS, 30000) == -1 && errno == ESRCH);
	test_end();
}
