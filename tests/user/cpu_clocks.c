/* The CPU-time clocks: CLOCK_PROCESS_CPUTIME_ID (and clock()) grows while the process computes
 * and not while it sleeps; CLOCK_THREAD_CPUTIME_ID and getrusage(RUSAGE_THREAD) count the
 * calling thread only, so a sleeping thread's stays still while a sibling burns CPU. Bounds are
 * loose (the clocks may be sampled by a tick). Expectations are Linux's: runs on the host too. */
#include "test.h"
#include <pthread.h>
#include <sys/resource.h>
#include <time.h>

#define MS 1000000L

static long clock_ns(clockid_t c)
{
	struct timespec t;
	clock_gettime(c, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

/* Compute until the calling thread has used ms of CPU time (bounded by 10 s of real time). */
static void burn(long ms)
{
	long start = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	long limit = clock_ns(CLOCK_MONOTONIC) + 10000 * MS;
	volatile unsigned long x = 0;
	while (clock_ns(CLOCK_THREAD_CPUTIME_ID) - start < ms * MS &&
	       clock_ns(CLOCK_MONOTONIC) < limit)
		for (int i = 0; i < 10000; i++)
			x += (unsigned long)i;
}

static void *burner(void *arg)
{
	(void)arg;
	burn(100);
	return NULL;
}

int main(void)
{
	test_begin("cpu_clocks");
	long p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	struct timespec nap = { 0, 200 * MS };
	nanosleep(&nap, NULL);
	long slept = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	test_result("sleep-uses-no-cpu", slept < 50 * MS, "%ld ms of CPU in a 200 ms sleep",
		    slept / MS);
	clock_t c0 = clock();
	p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	burn(100);
	long used = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	test_result("computing-uses-cpu", used >= 90 * MS, "%ld ms", used / MS);
	test_result("clock-grows", clock() - c0 >= CLOCKS_PER_SEC / 20, "%ld",
		    (long)(clock() - c0));
	long t0 = clock_ns(CLOCK_THREAD_CPUTIME_ID);
	p0 = clock_ns(CLOCK_PROCESS_CPUTIME_ID);
	pthread_t th;
	pthread_create(&th, NULL, burner, NULL);
	pthread_join(th, NULL);
	long mine = clock_ns(CLOCK_THREAD_CPUTIME_ID) - t0;
	long all = clock_ns(CLOCK_PROCESS_CPUTIME_ID) - p0;
	test_result("thread-clock-is-own", mine < 50 * MS, "%ld ms while joining", mine / MS);
	test_result("process-clock-has-sibling", all >= 90 * MS, "%ld ms", all / MS);
	struct rusage self, thread;
	getrusage(RUSAGE_SELF, &self);
	getrusage(RUSAGE_THREAD, &thread);
	long s = self.ru_utime.tv_sec * 1000000L + self.ru_utime.tv_usec;
	long th_us = thread.ru_utime.tv_sec * 1000000L + thread.ru_utime.tv_usec;
	test_result("rusage-thread-below-self", th_us + 50000 < s, "thread %ld us, self %ld us",
		    th_us, s);
	test_end();
}
