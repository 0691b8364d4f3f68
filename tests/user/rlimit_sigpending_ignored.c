/* Bug rlimit_sigpending_ignored: RLIMIT_SIGPENDING did not limit queued real-time signals.
 * With a limit of 5, sigqueue fails with EAGAIN once 5 are pending (fewer on Linux if the user
 * already has signals pending elsewhere: Linux counts per user), while a standard signal is
 * still delivered, and the queued ones arrive with their values (rt_sigqueueinfo was ENOSYS). */
#define _GNU_SOURCE
#include "test.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

#define LIMIT 5

/* In a child: 0 when the queue stopped with EAGAIN within the limit and SIGUSR1 still got
 * through; else a bit per failed step. */
static int child(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (setrlimit(RLIMIT_SIGPENDING, &(struct rlimit){ LIMIT, LIMIT }) < 0)
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
	if (sigwaitinfo(&rt, &si) != SIGRTMIN || si.si_code != SI_QUEUE || si.si_value.sival_int ||
	    si.si_pid != getpid())
		bad |= 8; /* the first one queued, with its value */
	return bad;
}

int main(void)
{
	test_begin("rlimit_sigpending_ignored");
	test_in_child("sigqueue-eagain-at-limit", child);
	test_end();
}
