/* Bug sigqueueinfo_enosys: rt_sigqueueinfo and rt_tgsigqueueinfo were ENOSYS. A queued signal
 * carries the caller's value; a thread id names its process; forging a non-negative si_code
 * for another process is EPERM; rt_tgsigqueueinfo checks its ids. */
#define _GNU_SOURCE
#include "test.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

static volatile pid_t worker_tid;
static int hold[2];

static void *worker(void *arg)
{
	char c;
	worker_tid = (pid_t)syscall(SYS_gettid);
	(void)!read(hold[0], &c, 1);
	return arg;
}

static siginfo_t queue_info(int code, int value)
{
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	si.si_code = code;
	si.si_pid = getpid();
	si.si_uid = getuid();
	si.si_value.sival_int = value;
	return si;
}

/* The value of a pending SIGRTMIN (taken), or -1 when none arrives within a second. */
static int take_rtmin(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	siginfo_t got;
	struct timespec second = { 1, 0 };
	if (sigtimedwait(&set, &got, &second) != SIGRTMIN || got.si_code != SI_QUEUE)
		return -1;
	return got.si_value.sival_int;
}

int main(void)
{
	test_begin("sigqueueinfo_enosys");
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGRTMIN);
	sigprocmask(SIG_BLOCK, &set, NULL); /* the worker inherits the mask */
	siginfo_t si = queue_info(SI_QUEUE, 7);
	CHECK("to-self", syscall(SYS_rt_sigqueueinfo, getpid(), SIGRTMIN, &si) == 0 &&
				 take_rtmin() == 7);
	pthread_t th;
	if (pipe(hold) < 0 || pthread_create(&th, NULL, worker, NULL) != 0)
		return 1;
	while (!worker_tid)
		sched_yield();
	si = queue_info(SI_QUEUE, 8);
	CHECK("thread-id-names-process",
	      syscall(SYS_rt_sigqueueinfo, worker_tid, SIGRTMIN, &si) == 0 && take_rtmin() == 8);
	si = queue_info(SI_QUEUE, 9);
	pid_t me = (pid_t)syscall(SYS_gettid);
	long r = syscall(SYS_rt_tgsigqueueinfo, getpid(), me, SIGRTMIN, &si);
	CHECK("tg-to-own-thread", r == 0 && take_rtmin() == 9);
	errno = 0;
	CHECK("tg-wrong-group-esrch",
	      syscall(SYS_rt_tgsigqueueinfo, getpid() + 100000, worker_tid, SIGRTMIN, &si) == -1 &&
		      errno == ESRCH);
	errno = 0;
	r = syscall(SYS_rt_tgsigqueueinfo, 0, worker_tid, SIGRTMIN, &si);
	CHECK("tg-bad-tgid-einval", r == -1 && errno == EINVAL);
	(void)!write(hold[1], "x", 1);
	pthread_join(th, NULL);
	pid_t child = fork();
	if (child == 0) {
		pause();
		_exit(0);
	}
	si = queue_info(SI_USER, 1);
	errno = 0;
	CHECK("forged-si-user-eperm",
	      syscall(SYS_rt_sigqueueinfo, child, SIGRTMIN, &si) == -1 && errno == EPERM);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	test_end();
}
