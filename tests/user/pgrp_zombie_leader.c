/* Regression: a process group lives until its last member is reaped, so another process of
 * the session may join a group whose leader has exited but is not reaped yet (a shell's
 * pipeline whose first stage ends at once). Zero-OS looked only at live processes and said
 * EPERM. */
#include "test.h"
#include <signal.h>
#include <sys/wait.h>

int main(void)
{
	test_begin("pgrp_zombie_leader");
	pid_t leader = fork();
	if (leader == 0) {
		setpgid(0, 0);
		_exit(0);
	}
	setpgid(leader, leader); /* as a shell does, racing with the child's own call */
	siginfo_t si;
	CHECK("leader-is-zombie", waitid(P_PID, (id_t)leader, &si, WEXITED | WNOWAIT) == 0);
	int p[2];
	if (pipe(p))
		return 1;
	pid_t member = fork();
	if (member == 0) {
		int r = setpgid(0, leader) == 0 && getpgrp() == leader ? 0 : errno;
		_exit(r);
	}
	int st;
	waitpid(member, &st, 0);
	test_result("join-zombie-leaders-group", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "setpgid failed with errno %d", WIFEXITED(st) ? WEXITSTATUS(st) : -1);
	CHECK("reap-leader", waitpid(leader, &st, 0) == leader);
	errno = 0;
	pid_t late = fork();
	if (late == 0)
		_exit(setpgid(0, leader) == -1 && errno == EPERM ? 0 : 1);
	waitpid(late, &st, 0);
	CHECK("group-gone-after-reap-eperm", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	test_end();
}
