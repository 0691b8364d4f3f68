/* Bug clone_parent: clone(CLONE_PARENT) was refused with EINVAL. The child's parent must be the
 * caller's parent, which then waits for it (with the caller's exit signal, SIGCHLD here). */
#define _GNU_SOURCE
#include "test.h"
#include <sched.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* In a child of the test: clone a sibling (fork-like: no new stack, no CLONE_VM) that reports
 * its getppid() through its exit status (low byte compared with the test's pid), and tell the
 * test the sibling's pid through the pipe. */
static void middle(int wfd, pid_t test_pid)
{
	long pid = syscall(SYS_clone, CLONE_PARENT | SIGCHLD, 0, NULL, NULL, 0);
	if (pid == 0)
		_exit(getppid() == test_pid ? 42 : 43);
	int v = (int)pid;
	if (write(wfd, &v, sizeof(v)) != sizeof(v))
		_exit(2);
	_exit(pid > 0 ? 0 : 1);
}

int main(void)
{
	test_begin("clone_parent");
	int fds[2];
	if (pipe(fds) < 0)
		return 1;
	pid_t test_pid = getpid();
	pid_t mid = fork();
	if (mid == 0) {
		close(fds[0]);
		middle(fds[1], test_pid);
	}
	close(fds[1]);
	int sib = -1, st = -1;
	ssize_t n = read(fds[0], &sib, sizeof(sib));
	bool mid_ok = waitpid(mid, &st, 0) == mid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	test_result("clone-succeeds", n == sizeof(sib) && sib > 0 && mid_ok,
		    "read %zd pid %d middle status %#x", n, sib, st);
	if (sib > 0) {
		pid_t w = waitpid(sib, &st, 0);
		test_result("sibling-is-our-child", w == sib && WIFEXITED(st) &&
							     WEXITSTATUS(st) == 42,
			    "waitpid %d status %#x", w, st);
	}
	test_end();
}
