/* rt_sigtimedwait (sigwaitinfo, sigtimedwait, sigwait): a pending signal of the set is taken
 * with its siginfo; a timeout is EAGAIN, a zero one a poll; a signal outside the set with a
 * handler interrupts it (EINTR); one sent to the process by another thread while it waits is
 * taken; bad arguments as Linux. Passes on Linux too. */
#define _GNU_SOURCE
#include "test.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static sigset_t set_of(int sig)
{
	sigset_t s;
	sigemptyset(&s);
	sigaddset(&s, sig);
	return s;
}

static void *send_usr2_to_process(void *arg)
{
	(void)arg;
	kill(getpid(), SIGUSR2);
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

int main(void)
{
	test_begin("sigtimedwait");
	sigset_t usr1 = set_of(SIGUSR1), usr2 = set_of(SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr1, NULL);
	sigprocmask(SIG_BLOCK, &usr2, NULL);
	siginfo_t si;
	raise(SIGUSR1);
	int r = sigwaitinfo(&usr1, &si);
	test_result("pending_signal_taken_with_info",
		    r == SIGUSR1 && si.si_signo == SIGUSR1 && si.si_pid == getpid(),
		    "returned %d signo %d pid %d", r, si.si_signo, si.si_pid);
	sigset_t pend;
	sigpending(&pend);
	CHECK("taken_signal_no_longer_pending", !sigismember(&pend, SIGUSR1));
	struct timespec zero = { 0, 0 }, short_wait = { 0, 20 * 1000 * 1000 };
	errno = 0;
	CHECK("zero_timeout_polls_eagain",
	      sigtimedwait(&usr1, &si, &zero) == -1 && errno == EAGAIN);
	errno = 0;
	CHECK("timeout_eagain", sigtimedwait(&usr1, &si, &short_wait) == -1 && errno == EAGAIN);
	struct timespec bad = { 0, 1000000000 };
	errno = 0;
	CHECK("bad_timespec_einval", sigtimedwait(&usr1, &si, &bad) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("bad_sigsetsize_einval",
	      syscall(SYS_rt_sigtimedwait, &usr1, NULL, NULL, 4) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("bad_set_pointer_efault",
	      syscall(SYS_rt_sigtimedwait, (void *)1, NULL, &zero, 8) == -1 && errno == EFAULT);
	pthread_t t;
	pthread_create(&t, NULL, send_usr2_to_process, NULL);
	r = sigwaitinfo(&usr2, &si); /* every thread blocks it: it waits until this one takes it */
	pthread_join(t, NULL);
	CHECK("process_signal_from_other_thread_taken", r == SIGUSR2 && si.si_code == SI_USER);
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	alarm(1);
	errno = 0; /* the raw call: musl's sigtimedwait retries on EINTR */
	long rr = syscall(SYS_rt_sigtimedwait, &usr1, &si, NULL, 8);
	CHECK("handled_signal_outside_set_eintr", rr == -1 && errno == EINTR);
	int sig = 0;
	raise(SIGUSR2);
	CHECK("sigwait_takes_it", sigwait(&usr2, &sig) == 0 && sig == SIGUSR2);
	test_end();
}
