/* Scheduler tests from user space: CPU-bound processes cannot starve an interactive one (the
 * MLFQ demotes hogs and boosts everyone periodically), sched_yield works, and nice is applied.
 * The interactive side waits for its own progress with a generous deadline, never a fixed
 * sleep. */
#include "test.h"
#include <signal.h>
#include <sched.h>
#include <sys/resource.h>
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

int main(void)
{
	test_begin("sched");
	yield_returns_zero();
	nice_is_applied();
	interactive_not_starved();
	test_end();
}
