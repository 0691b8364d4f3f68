/* Regression (found by tests/user/fuzz.c): a clone child with an exit signal other than SIGCHLD
 * (here SIGINT), orphaned before it exits, sent that signal to init when it exited — any user
 * program could kill pid 1 and power the machine off. Reparenting now resets it to SIGCHLD, as
 * Linux does. If the bug comes back, init dies here and the run ends without its summary. */
#define _GNU_SOURCE
#include "test.h"
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

int main(void)
{
	test_begin("orphan_exit_signal");
	pid_t a = fork();
	if (a == 0) {
		if (setgid(1000) || setuid(1000))
			_exit(2);
		/* A fork-like clone whose exit signal is SIGINT; the clone outlives us. */
		long g = syscall(SYS_clone, (long)SIGINT, 0L, 0L, 0L, 0L);
		if (g == 0) {
			struct timespec ts = { 0, 200 * 1000 * 1000 };
			nanosleep(&ts, NULL);
			_exit(0);
		}
		_exit(g > 0 ? 0 : 3);
	}
	int st;
	CHECK("parent-exits-first", waitpid(a, &st, 0) == a && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	struct timespec ts = { 0, 500 * 1000 * 1000 };
	nanosleep(&ts, NULL); /* the orphan exits meanwhile, a child of init */
	CHECK("init-still-alive", kill(1, 0) == 0);
	test_end();
}
