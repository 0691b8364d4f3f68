/* Bug prctl_pdeathsig_subreaper: PR_SET/GET_PDEATHSIG and PR_SET/GET_CHILD_SUBREAPER were
 * EINVAL. The death signal is kept, read back, not inherited by fork, forgotten when the
 * effective uid changes, and sent when the parent dies; a subreaper adopts its orphaned
 * grandchild (getppid, wait and SIGCHLD). */
#include "test.h"
#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <time.h>

#ifndef PR_SET_CHILD_SUBREAPER
#define PR_SET_CHILD_SUBREAPER 36
#define PR_GET_CHILD_SUBREAPER 37
#endif

static volatile sig_atomic_t got_usr1;
static volatile pid_t chld_from; /* si_pid of the last SIGCHLD */

static void on_usr1(int sig)
{
	(void)sig;
	got_usr1 = 1;
}

static void on_chld(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	chld_from = si->si_pid;
}

/* Waits up to 10 s for *flag to become non-zero. */
static bool wait_flag(volatile sig_atomic_t *flag)
{
	for (int i = 0; i < 1000 && !*flag; i++) {
		struct timespec ts = { 0, 10 * 1000 * 1000 };
		nanosleep(&ts, NULL);
	}
	return *flag != 0;
}

static void check_get_set(void)
{
	int v = -1;
	CHECK("pdeathsig-set-get", prctl(PR_SET_PDEATHSIG, SIGUSR2) == 0 &&
					   prctl(PR_GET_PDEATHSIG, &v) == 0 && v == SIGUSR2);
	errno = 0;
	CHECK("pdeathsig-bad-einval", prctl(PR_SET_PDEATHSIG, 65) == -1 && errno == EINVAL);
	pid_t pid = fork();
	if (pid == 0) {
		int c = -1;
		_exit(prctl(PR_GET_PDEATHSIG, &c) == 0 && c == 0 ? 0 : 1);
	}
	int st = -1;
	CHECK("pdeathsig-cleared-by-fork", waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
						   WEXITSTATUS(st) == 0);
	pid = fork();
	if (pid == 0) {
		int c = -1;
		prctl(PR_SET_PDEATHSIG, SIGUSR2);
		if (seteuid(1000) != 0)
			_exit(2);
		_exit(prctl(PR_GET_PDEATHSIG, &c) == 0 && c == 0 ? 0 : 1);
	}
	CHECK("pdeathsig-cleared-by-euid-change", waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
							  WEXITSTATUS(st) == 0);
	prctl(PR_SET_PDEATHSIG, 0);
}

/* The grandchild (reparented to us, the subreaper) reports its SIGUSR1 death signal and its
 * new parent through its exit status. */
static void grandchild(pid_t subreaper, int ready_fd, int go_fd)
{
	signal(SIGUSR1, on_usr1);
	prctl(PR_SET_PDEATHSIG, SIGUSR1);
	(void)!write(ready_fd, "r", 1);
	bool sig = wait_flag(&got_usr1);
	char c;
	(void)!read(go_fd, &c, 1); /* the subreaper is ready for our SIGCHLD */
	_exit((sig ? 1 : 0) | (getppid() == subreaper ? 2 : 0));
}

static void check_subreaper(void)
{
	int v = -1;
	CHECK("subreaper-set-get", prctl(PR_SET_CHILD_SUBREAPER, 1) == 0 &&
					   prctl(PR_GET_CHILD_SUBREAPER, &v) == 0 && v == 1);
	struct sigaction sa = { .sa_sigaction = on_chld, .sa_flags = SA_SIGINFO | SA_RESTART };
	sigaction(SIGCHLD, &sa, NULL);
	int fds[2], go[2];
	if (pipe(fds) < 0 || pipe(go) < 0)
		return;
	pid_t me = getpid();
	pid_t mid = fork();
	if (mid == 0) {
		int c = -1;
		if (fork() == 0)
			grandchild(me, fds[1], go[0]);
		char r;
		(void)!read(fds[0], &r, 1); /* the grandchild armed its death signal */
		_exit(prctl(PR_GET_CHILD_SUBREAPER, &c) == 0 && c == 0 ? 0 : 1);
	}
	int st = -1;
	CHECK("subreaper-not-inherited", waitpid(mid, &st, 0) == mid && WIFEXITED(st) &&
						 WEXITSTATUS(st) == 0);
	chld_from = 0;
	(void)!write(go[1], "g", 1);
	pid_t gc = wait(&st);
	test_result("orphan-adopted", gc > 0 && WIFEXITED(st) && (WEXITSTATUS(st) & 2),
		    "wait %d status %#x", gc, st);
	test_result("pdeathsig-sent", gc > 0 && WIFEXITED(st) && (WEXITSTATUS(st) & 1),
		    "wait %d status %#x", gc, st);
	test_result("sigchld-from-orphan", gc > 0 && chld_from == gc, "last SIGCHLD from %d",
		    (int)chld_from);
	signal(SIGCHLD, SIG_DFL);
}

int main(void)
{
	test_begin("prctl_pdeathsig_subreaper");
	check_get_set();
	check_subreaper();
	test_end();
}
