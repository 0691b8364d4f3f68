/* zbench's multiprocessor tests. par_*: as many independent processes as zbench may use CPUs,
 * each running one of the single-CPU tests at once; per_op is the machine's time per operation
 * (wall time / total operations), so scaling = per_op at one CPU / per_op at N. xcpu_*: the
 * ping-pongs with their two sides pinned to different CPUs (the same CPU when there is one).
 * tlb_shootdown: mmap + touch + munmap of a page while a sibling thread runs on another CPU,
 * so that each unmap must reach that CPU's TLB. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zbench.h"

#define PAR_MAX 64

static int allowed_cpus(int *cpus)
{
	cpu_set_t set;
	if (sched_getaffinity(0, sizeof(set), &set))
		return 0;
	int n = 0;
	for (int c = 0; c < CPU_SETSIZE && n < PAR_MAX; c++)
		if (CPU_ISSET(c, &set))
			cpus[n++] = c;
	return n;
}

/* Pin the calling thread to the nth allowed CPU (wrapping around); -1: to every one. */
void pin_to_nth_cpu(int nth)
{
	int cpus[PAR_MAX], n = allowed_cpus(cpus);
	static cpu_set_t all; /* the first mask seen: what "every CPU" means afterwards */
	static int have_all;
	if (!have_all && !sched_getaffinity(0, sizeof(all), &all))
		have_all = 1;
	if (nth < 0) {
		if (have_all)
			sched_setaffinity(0, sizeof(all), &all);
		return;
	}
	if (!n)
		return;
	cpu_set_t one;
	CPU_ZERO(&one);
	CPU_SET(cpus[nth % n], &one);
	sched_setaffinity(0, sizeof(one), &one);
}

/* Run fn(reps) in one process per allowed CPU, all released at once; r->ns is the wall time
 * divided by the number of processes. */
static int parallel(struct run *r, long reps, int (*fn)(struct run *, long))
{
	int cpus[PAR_MAX], n = allowed_cpus(cpus);
	if (n < 1)
		return unsup(r, "sched_getaffinity");
	int go[2];
	if (pipe(go))
		return unsup(r, "pipe");
	pid_t pids[PAR_MAX];
	int started = 0;
	for (; started < n; started++) {
		pids[started] = fork();
		if (pids[started] < 0)
			break;
		if (pids[started] == 0) {
			close(go[1]);
			char b;
			(void)!read(go[0], &b, 1); /* end of file: everyone goes */
			struct run mine = { .first = r->first };
			_exit(fn(&mine, reps));
		}
	}
	close(go[0]);
	uint64_t t0 = now_ns();
	close(go[1]);
	int worst = V_OK;
	for (int i = 0; i < started; i++) {
		int st;
		if (waitpid(pids[i], &st, 0) != pids[i] || !WIFEXITED(st))
			worst = V_FAIL;
		else if (WEXITSTATUS(st) > worst)
			worst = WEXITSTATUS(st);
	}
	r->ns = (now_ns() - t0) / (uint64_t)(started ? started : 1);
	if (started < n)
		return r->first ? unsup(r, "fork") : sys_fail(r, "fork");
	if (worst == V_UNSUP)
		return unsup(r, "the test in a worker process");
	return worst == V_OK ? V_OK : fail(r, "a worker process failed its test");
}

int t_par_getpid(struct run *r, long reps)
{
	return parallel(r, reps, t_getpid);
}

int t_par_page_fault(struct run *r, long reps)
{
	return parallel(r, reps, t_page_fault);
}

int t_par_fork_exit_wait(struct run *r, long reps)
{
	return parallel(r, reps, t_fork_exit_wait);
}

int t_par_tmpfs_write(struct run *r, long reps)
{
	return parallel(r, reps, t_tmpfs_write);
}

/* The ping-pongs read opt.apart to pin their two sides to CPUs 0 and 1 of the allowed set. */
static int apart(struct run *r, long reps, int (*fn)(struct run *, long))
{
	opt.apart = 1;
	int v = fn(r, reps);
	opt.apart = 0;
	pin_to_nth_cpu(-1);
	return v;
}

int t_xcpu_pipe_pingpong(struct run *r, long reps)
{
	return apart(r, reps, t_pipe_pingpong);
}

int t_xcpu_futex_pingpong(struct run *r, long reps)
{
	return apart(r, reps, t_futex_pingpong);
}

static atomic_int sibling_stop;

static void *sibling(void *arg)
{
	(void)arg;
	pin_to_nth_cpu(1);
	while (!atomic_load_explicit(&sibling_stop, memory_order_relaxed))
		;
	return NULL;
}

int t_tlb_shootdown(struct run *r, long reps)
{
	pin_to_nth_cpu(0);
	atomic_store(&sibling_stop, 0);
	pthread_t th;
	int e = pthread_create(&th, NULL, sibling, NULL);
	if (e) {
		errno = e;
		pin_to_nth_cpu(-1);
		return unsup(r, "pthread_create");
	}
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++) {
		volatile unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED) {
			v = OPFAIL(r, i, "mmap");
			break;
		}
		p[0] = 1;
		if (p[0] != 1)
			v = fail(r, "the page lost its byte");
		if (munmap((void *)p, PAGE))
			v = sys_fail(r, "munmap");
	}
	r->ns = now_ns() - t0;
	atomic_store(&sibling_stop, 1);
	pthread_join(th, NULL);
	pin_to_nth_cpu(-1);
	return v;
}
