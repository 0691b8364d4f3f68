/* wait4 and waitid: the status word's encoding, pid selection, WNOHANG, ECHILD, waitid's
 * siginfo (exited, stopped, continued, WNOWAIT), a failed wait leaving the previous status, and
 * a child killed by a fault reported as a signal. */
#include "test.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>
#include <time.h>

static pid_t spawn_exit(int code, int delay_ms)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (delay_ms)
			usleep(delay_ms * 1000);
		_exit(code);
	}
	return pid;
}

/* Bug wait_status_kept: a wait that fails must not write the status word. */
static void check_status_kept(void)
{
	pid_t pid = spawn_exit(4, 0);
	int st = 0;
	bool got = waitpid(pid, &st, 0) == pid;
	errno = 0;
	bool failed = waitpid(pid, &st, 0) == -1 && errno == ECHILD;
	CHECK("wait_status_kept", got && failed && WIFEXITED(st) && WEXITSTATUS(st) == 4);
}

static bool waitid_is(pid_t pid, int options, int code, int status)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	return waitid(P_PID, pid, &si, options) == 0 && si.si_pid == pid &&
	       si.si_signo == SIGCHLD && si.si_code == code && si.si_status == status;
}

/* Bug waitid_stopped_reported_killed: a stopped child is CLD_STOPPED with the stop signal
 * (and WNOWAIT leaves it reportable), a continued one CLD_CONTINUED with SIGCONT. */
static void check_waitid_stop_continue(void)
{
	int hold[2];
	if (pipe(hold))
		hold[0] = hold[1] = -1;
	pid_t pid = fork();
	if (pid == 0) {
		char b;
		close(hold[1]);
		raise(SIGSTOP);
		/* Continued, it stays until the parent has seen that: a child that exits first
		 * has nothing for WCONTINUED to report (Linux then says ECHILD). */
		(void)!read(hold[0], &b, 1);
		_exit(0);
	}
	close(hold[0]);
	CHECK("waitid-stopped-nowait", waitid_is(pid, WSTOPPED | WNOWAIT, CLD_STOPPED, SIGSTOP));
	CHECK("waitid-stopped", waitid_is(pid, WSTOPPED, CLD_STOPPED, SIGSTOP));
	kill(pid, SIGCONT);
	CHECK("waitid-continued", waitid_is(pid, WCONTINUED, CLD_CONTINUED, SIGCONT));
	close(hold[1]);
	CHECK("waitid-exited-after", waitid_is(pid, WEXITED, CLD_EXITED, 0));
}

/* Bug waitid_zombie_echild: a wait without WEXITED for a child that has exited (a zombie) has
 * nothing it could ever report: ECHILD at once, as Linux, not a sleep. */
static void check_waitid_zombie_echild(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	siginfo_t si;
	bool exited = waitid(P_PID, pid, &si, WEXITED | WNOWAIT) == 0; /* a zombie now */
	errno = 0;
	bool echild = waitid(P_PID, pid, &si, WCONTINUED | WSTOPPED) == -1 && errno == ECHILD;
	CHECK("waitid_zombie_echild", exited && echild);
	CHECK("waitid_zombie_still_reaped", waitid_is(pid, WEXITED, CLD_EXITED, 0));
}

int main(void)
{
	test_begin("wait");
	int st;
	errno = 0;
	CHECK("echild-none", wait4(-1, &st, 0, NULL) == -1 && errno == ECHILD);

	pid_t pid = spawn_exit(3, 0);
	CHECK("status-exit-3", waitpid(pid, &st, 0) == pid && st == 0x300 && WIFEXITED(st) &&
				       WEXITSTATUS(st) == 3);

	pid = spawn_exit(5, 300);
	errno = 0;
	CHECK("wnohang-running", waitpid(pid, &st, WNOHANG) == 0);
	CHECK("wait-specific", waitpid(pid, &st, 0) == pid && WEXITSTATUS(st) == 5);

	errno = 0;
	CHECK("echild-not-child", waitpid(1, &st, 0) == -1 && errno == ECHILD);

	/* Two children: -1 takes whichever ends; both are reaped exactly once. */
	pid_t a = spawn_exit(7, 0), b = spawn_exit(8, 50);
	pid_t w1 = wait(&st), w2 = wait(&st);
	CHECK("wait-any-both", (w1 == a && w2 == b) || (w1 == b && w2 == a));

	pid = spawn_exit(9, 0);
	siginfo_t si;
	memset(&si, 0xff, sizeof(si));
	CHECK("waitid-exited", waitid(P_PID, pid, &si, WEXITED) == 0 && si.si_pid == pid &&
				       si.si_code == CLD_EXITED && si.si_status == 9 &&
				       si.si_signo == SIGCHLD);

	pid = spawn_exit(1, 0);
	struct rusage ru;
	CHECK("wait4-rusage", wait4(pid, &st, 0, &ru) == pid && ru.ru_maxrss >= 0);

	errno = 0;
	CHECK("einval-options", wait4(-1, &st, 0x1000, NULL) == -1 && errno == EINVAL);

	/* A child dying of a fault: the status says which signal. */
	pid = fork();
	if (pid == 0) {
		*(volatile int *)0 = 1;
		_exit(0);
	}
	CHECK("status-signaled", waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) &&
					 WTERMSIG(st) == SIGSEGV);
	check_status_kept();
	check_waitid_stop_continue();
	check_waitid_zombie_echild();
	test_end();
}
