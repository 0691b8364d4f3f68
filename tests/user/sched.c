/* Scheduler tests from user space: CPU-bound processes cannot starve an interactive one (the
 * MLFQ demotes hogs and boosts everyone periodically), sched_yield works, and nice is applied.
 * The interactive side waits for its own progress with a generous deadline, never a fixed
 * sleep. */
#include "test.h"
#include <signal.h>
#include <sched.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>
#include <time.h>

#define HOGS 2
#define INTERACTIVE_ROUNDS 100
#define DEADLINE_S 60

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static pid_t start_hog(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		volatile unsigned long x = 0;
		for (;;)
			x++;
	}
	return pid;
}

static void stop_hogs(const pid_t *hogs, int n)
{
	for (int i = 0; i < n; i++) {
		if (hogs[i] > 0) {
			kill(hogs[i], SIGKILL);
			waitpid(hogs[i], NULL, 0);
		}
	}
}

/* Sleep 1 ms at a time, as an interactive program waiting for input does, while hogs spin. */
static void interactive_not_starved(void)
{
	pid_t hogs[HOGS];
	for (int i = 0; i < HOGS; i++)
		hogs[i] = start_hog();
	double start = now_s();
	int rounds = 0;
	while (rounds < INTERACTIVE_ROUNDS && now_s() - start < DEADLINE_S) {
		struct timespec ms = { 0, 1000000 };
		nanosleep(&ms, NULL);
		rounds++;
	}
	double took = now_s() - start;
	stop_hogs(hogs, HOGS);
	CHECK("interactive_not_starved_by_hogs", rounds == INTERACTIVE_ROUNDS);
	printf("sched: %d interactive wake-ups beside %d CPU hogs took %.3f s\n", rounds, HOGS, took);
}

static void yield_returns_zero(void)
{
	CHECK("sched_yield", sched_yield() == 0);
}

static void nice_is_applied(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		errno = 0;
		int r = setpriority(PRIO_PROCESS, 0, 10);
		_exit(r == 0 && getpriority(PRIO_PROCESS, 0) == 10 ? 0 : 1);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	CHECK("nice_applied_in_child", WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

static void spin_for(double seconds)
{
	double start = now_s();
	volatile unsigned long x = 0;
	while (now_s() - start < seconds)
		x++;
}

/* CPU time is sampled by the tick: 200 ms of spinning shows up as CPU time (user or system:
 * the loop's clock_gettime calls are system calls here, there is no vDSO), and a child's time
 * is added to RUSAGE_CHILDREN once it is reaped. */
static long cpu_ms(const struct rusage *ru)
{
	return (ru->ru_utime.tv_sec + ru->ru_stime.tv_sec) * 1000 +
	       (ru->ru_utime.tv_usec + ru->ru_stime.tv_usec) / 1000;
}

static void cpu_time_accounted(void)
{
	struct rusage ru;
	spin_for(0.2);
	getrusage(RUSAGE_SELF, &ru);
	CHECK("rusage_self_counts_cpu_time", cpu_ms(&ru) >= 50);
	pid_t pid = fork();
	if (pid == 0) {
		spin_for(0.2);
		_exit(0);
	}
	waitpid(pid, NULL, 0);
	getrusage(RUSAGE_CHILDREN, &ru);
	CHECK("rusage_children_after_reap", cpu_ms(&ru) >= 50);
	struct tms t;
	CHECK("times_counts_ticks", times(&t) != (clock_t)-1 && t.tms_utime + t.tms_stime >= 5 &&
					    t.tms_cutime + t.tms_cstime >= 5);
}

int main(void)
{
	test_begin("sched");
	yield_returns_zero();
	nice_is_applied();
	interactive_not_starved();
	cpu_time_accounted();
	test_end();
}
