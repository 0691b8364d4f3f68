/* musl's pthread_cancel of a thread sleeping in a cancellation point (issue 12): the cancel is
 * a signal (SIGCANCEL) that must cut the futex wait of pthread_cond_wait, a pipe read and a
 * nanosleep short, and the thread must end with PTHREAD_CANCELED. Bounded joins: a sleep the
 * signal cannot end fails the case instead of hanging. Passes on Linux too. */
#define _GNU_SOURCE
#include "test.h"
#include <pthread.h>
#include <time.h>

static pthread_mutex_t lock = PTHREAD_MUTEX_INITIALIZER;
static pthread_cond_t never = PTHREAD_COND_INITIALIZER;
static int pipefd[2];
static volatile int about_to_block;

static void unlock_on_cancel(void *m)
{
	pthread_mutex_unlock(m);
}

static void *cond_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&lock);
	pthread_cleanup_push(unlock_on_cancel, &lock);
	about_to_block = 1;
	for (;;)
		pthread_cond_wait(&never, &lock);
	pthread_cleanup_pop(1);
	return NULL;
}

static void *pipe_reader(void *arg)
{
	char c;
	(void)arg;
	about_to_block = 1;
	for (;;)
		if (read(pipefd[0], &c, 1) < 0)
			return NULL;
}

static void *sleeper(void *arg)
{
	struct timespec hour = { 3600, 0 };
	(void)arg;
	about_to_block = 1;
	nanosleep(&hour, NULL);
	return NULL;
}

/* Start fn, cancel it once it is about to block (deferred cancellation acts at the next
 * cancellation point, so the order does not change the answer), join within 5 s. */
static void cancel_case(const char *name, void *(*fn)(void *))
{
	pthread_t t;
	about_to_block = 0;
	pthread_create(&t, NULL, fn, NULL);
	while (!about_to_block)
		sched_yield();
	sched_yield(); /* usually into its sleep; correct either way */
	pthread_cancel(t);
	struct timespec deadline;
	clock_gettime(CLOCK_REALTIME, &deadline);
	deadline.tv_sec += 5;
	void *ret = NULL;
	int r = pthread_timedjoin_np(t, &ret, &deadline);
	test_result(name, r == 0 && ret == PTHREAD_CANCELED, "join %s, returned %p",
		    r ? strerror(r) : "ok", ret);
}

int main(void)
{
	test_begin("pthread_cancel_wait");
	if (pipe(pipefd))
		return 1;
	cancel_case("cancel_in_cond_wait", cond_waiter);
	CHECK("mutex_released_by_cleanup", pthread_mutex_trylock(&lock) == 0);
	pthread_mutex_unlock(&lock);
	cancel_case("cancel_in_pipe_read", pipe_reader);
	cancel_case("cancel_in_nanosleep", sleeper);
	test_end();
}
