/* Helpers of the multiprocessor tests (tests/user/smp*.c): the CPUs this process may use,
 * pinning a thread to one, and a deadline for waits that must not hang. */
#ifndef TESTS_USER_SMP_H
#define TESTS_USER_SMP_H

#define _GNU_SOURCE
#include <sched.h>
#include <stdbool.h>
#include <time.h>

#define SMP_WAIT_NS 10000000000LL /* 10 s: how long a wait for another CPU may take */

/* The CPUs in the caller's affinity mask, in cpus[] (at most max); their count. */
static inline int smp_cpus(int *cpus, int max)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < max; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Pin the calling thread to cpu (-1: every CPU in all_cpus[0..n)). */
static inline int smp_pin(int cpu, const int *all_cpus, int n)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	if (cpu >= 0)
		CPU_SET(cpu, &set);
	for (int i = 0; cpu < 0 && i < n; i++)
		CPU_SET(all_cpus[i], &set);
	return sched_setaffinity(0, sizeof(set), &set);
}

static inline long long smp_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

#endif
