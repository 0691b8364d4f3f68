/* Regression test for signal_lost_on_thread_exit (issue 12): a process-directed signal is
 * offered to one thread that takes it; when that thread leaves (raw SYS_exit) before handling
 * it, another thread that takes it must get it (Linux hands it on), not sleep on. Threads, in
 * list order: main (blocks SIGUSR1, sends it), the leaver (takes it, held in its exit by the
 * test hook so it is still on the list when the signal is sent and chosen), and a sleeper in
 * pause() (takes it; chosen only after the leaver). Without hooks (Linux) the leaver is simply
 * gone first, and the sleeper must be interrupted all the same. */
#define _GNU_SOURCE
#include "test.h"
#include "test_hook.h"
#include <pthread.h>
#include <signal.h>
#include <sys/syscall.h>
#include <time.h>

static volatile int handled, sleeper_ready;

static void on_usr1(int sig)
{
	(void)sig;
	handled = 1;
}

static void *leaver(void *arg)
{
	(void)arg;
	syscall(SYS_exit, 0); /* held before it leaves the thread list, if hooked */
	return NULL;
}

static void *sleeper(void *arg)
{
	(void)arg;
	sleeper_ready = 1;
	pause(); /* until a signal is handled here */
	return NULL;
}

int main(void)
{
	test_begin("signal_lost_on_thread_exit");
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_t l, s;
	/* The leaver and sleeper start with SIGUSR1 unblocked; main blocks it afterwards. */
	bool hooked = hook_arm(ZERO_TEST_HOOK_EXIT_BEFORE_UNLINK);
	pthread_create(&l, NULL, leaver, NULL);
	pthread_create(&s, NULL, sleeper, NULL);
	pthread_sigmask(SIG_BLOCK, &usr1, NULL);
	bool held = hooked && hook_wait_held(5000) > 0;
	while (!sleeper_ready)
		sched_yield();
	kill(getpid(), SIGUSR1); /* chosen: the leaver if held (first on the list taking it) */
	if (hooked)
		hook_release();
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	int r = pthread_timedjoin_np(s, NULL, &deadline); /* the sleeper returns once handled */
	test_result("process_signal_survives_chosen_thread_exit", r == 0 && handled == 1,
		    "sleeper %s, handled %d (leaver held: %d)", r ? "still asleep" : "returned",
		    handled, held);
	test_end();
}
