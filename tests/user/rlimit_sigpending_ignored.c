/* Bug rlimit_sigpending_ignored: RLIMIT_SIGPENDING did not limit queued real-time signals.
 * With a limit 5 above what is already queued (Linux counts per user, so other processes'
 * signals count too), sigqueue fails with EAGAIN once 5 more are pending, while a standard
 * signal is still delivered, and the queued ones arrive with their values (rt_sigqueueinfo was
 * ENOSYS). */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define LIMIT 5

/* Signals already queued for the user (Linux counts per user: other processes' count too),
 * from /proc/self/status's "SigQ: queued/limit"; 0 when unknown. */
static rlim_t queued_now(void)
{
	char buf[4096];
	int fd = open("/proc/self/status", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return 0;
	buf[n] = 0;
	char *q = strstr(buf, "SigQ:");
	return q ? (rlim_t)strtoul(q + 5, NULL, 10) : 0;
}

/* In a child: 0 when the queue stopped with EAGAIN within the limit and SIGUSR1 still got
 * through; else a bit per failed step. */
static int child(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	rlim_t limit = queued_now() + LIMIT;
	if (setrlimit(RLIMIT_SIGPENDING, &(struct rlimit){ limit, limit }) < 0)
		return 0x80;
	int ok = 0, bad = 0;
	errno = 0;
	while (ok <= LIMIT && sigqueue(getpid(), SIGRTMIN, (union sigval){ ok }) == 0)
		ok++;
	if (ok < 1 || ok > LIMIT || errno != EAGAIN)
		bad |= 1;
	if (kill(getpid(), SIGUSR1) != 0)
		bad |= 2;
	sigset_t pend;
	sigpending(&pend);
	if (!sigismember(&pend, SIGUSR1))
		bad |= 4;
	siginfo_t si;
	sigset_t rt;
	sigemptyset(&rt);
	sigaddset(&rt, SIGRTMIN);
	struct timespec none = { 0, 0 };
	if (sigtimedwait(&rt, &si, &none) != SIGRTMIN || si.si_code != SI_QUEUE ||
	    si.si_value.sival_int || si.si_pid != getpid())
		bad |= 8; /* the first one queued, with its value */
	return bad;
}

int main(void)
{
	test_begin("rlimit_sigpending_ignored");
	test_in_child("sigqueue-eagain-at-limit", child);
	test_end();
}
