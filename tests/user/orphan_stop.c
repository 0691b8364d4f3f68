/* Regression: a terminal stop signal (SIGTSTP, SIGTTIN, SIGTTOU) with the default action sent
 * to a process in an orphaned process group must be discarded (POSIX; Linux's get_signal),
 * or nobody in its session could ever continue it. SIGSTOP still stops. */
#include "test.h"
#include <signal.h>
#include <sys/wait.h>

/* A child that makes itself an orphaned group (setsid), raises sig, then exits 7. */
static int outcome(int sig)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setsid() < 0)
			_exit(1);
		raise(sig);
		_exit(7);
	}
	int st;
	if (waitpid(pid, &st, WUNTRACED) != pid)
		return -1;
	if (WIFSTOPPED(st)) {
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return 's';
	}
	return WIFEXITED(st) ? WEXITSTATUS(st) : -2;
}

int main(void)
{
	test_begin("orphan_stop");
	CHECK("sigtstp-discarded", outcome(SIGTSTP) == 7);
	CHECK("sigttin-discarded", outcome(SIGTTIN) == 7);
	CHECK("sigttou-discarded", outcome(SIGTTOU) == 7);
	CHECK("sigstop-still-stops", outcome(SIGSTOP) == 's');
	test_end();
}
