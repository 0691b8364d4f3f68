/* Regression (found by reading, seen as `sleep 5`, ^Z, `fg` ending at once): a sleep or poll
 * stopped by a signal and continued came back with EINTR, though no handler had run. Linux
 * resumes such calls (restart_syscall(2)) towards the same deadline. Each case: a child sleeps
 * (nanosleep, clock_nanosleep, poll with a timeout, poll without one that a write ends); we see
 * it asleep in the call through /proc/<pid>/syscall, stop it, see it stopped, continue it; the
 * call must end as if nothing had happened, never before its time. Also: restart_syscall with
 * nothing to resume fails with EINTR, and a handler still turns the sleep into EINTR with the
 * time left in rem. Validated on Linux first. */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define SLEEP_NS 600000000L /* long enough to be stopped and continued inside */

static long elapsed_ns(const struct timespec *a)
{
	struct timespec b;
	clock_gettime(CLOCK_MONOTONIC, &b);
	return (b.tv_sec - a->tv_sec) * 1000000000L + (b.tv_nsec - a->tv_nsec);
}

enum kind { NANOSLEEP, CLOCK_NANOSLEEP, POLL_TIMEOUT, POLL_WRITE };

/* The child's side: 0 when the call returned what an undisturbed call returns, in time. */
static int child_body(enum kind k, int rfd)
{
	struct timespec start, req = { 0, SLEEP_NS }, rem;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long r;
	struct pollfd p = { .fd = rfd, .events = POLLIN };
	switch (k) {
	case NANOSLEEP:
		r = syscall(SYS_nanosleep, &req, &rem);
		break;
	case CLOCK_NANOSLEEP:
		r = syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &req, &rem);
		break;
	case POLL_TIMEOUT:
		r = syscall(SYS_poll, &p, 1, (int)(SLEEP_NS / 1000000));
		break;
	default:
		return syscall(SYS_poll, &p, 1, -1) == 1 && (p.revents & POLLIN) ? 0 : 2;
	}
	if (r != 0)
		return 3; /* EINTR (-1) or, for poll, a wrong count */
	return elapsed_ns(&start) >= SLEEP_NS - 1000000 ? 0 : 4; /* poll rounds to ms */
}

static void stop_and_continue(const char *name, enum kind k, long nr)
{
	int fds[2];
	if (pipe(fds))
		return;
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_body(k, fds[0]));
	bool asleep = proc_wait_in_syscall(pid, nr, nr, 10);
	kill(pid, SIGSTOP);
	int st = 0;
	bool stopped = waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st);
	kill(pid, SIGCONT);
	if (k == POLL_WRITE)
		write(fds[1], "x", 1);
	waitpid(pid, &st, 0);
	test_result(name, asleep && stopped && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "asleep %d stopped %d status %#x (3: EINTR or wrong result, 4: too early)",
		    asleep, stopped, st);
	close(fds[0]);
	close(fds[1]);
}

static void on_usr1(int sig)
{
	(void)sig;
}

int main(void)
{
	test_begin("stop_cont_resume");
	stop_and_continue("nanosleep_resumes", NANOSLEEP, SYS_nanosleep);
	stop_and_continue("clock_nanosleep_resumes", CLOCK_NANOSLEEP, SYS_clock_nanosleep);
	stop_and_continue("poll_timeout_resumes", POLL_TIMEOUT, SYS_poll);
	stop_and_continue("poll_forever_resumes", POLL_WRITE, SYS_poll);

	errno = 0;
	CHECK("restart_syscall_alone_eintr", syscall(SYS_restart_syscall) == -1 && errno == EINTR);

	/* A handler: EINTR with the time left (Linux may round it up past the request a little). */
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	pid_t self = getpid(), pid = fork();
	if (pid == 0) {
		proc_wait_in_syscall(self, SYS_nanosleep, SYS_nanosleep, 10);
		kill(self, SIGUSR1);
		_exit(0);
	}
	struct timespec req = { 5, 0 }, rem = { 0, 0 };
	long r = syscall(SYS_nanosleep, &req, &rem);
	int e = errno;
	waitpid(pid, NULL, 0);
	test_result("handler_gives_eintr_and_rem", r == -1 && e == EINTR && rem.tv_sec <= 5 &&
		    (rem.tv_sec > 0 || rem.tv_nsec > 0), "r %ld errno %d rem %ld.%09ld", r, e,
		    (long)rem.tv_sec, rem.tv_nsec);
	test_end();
}
