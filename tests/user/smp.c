/* Multiprocessor behaviour: the CPUs the calls and /proc report agree, threads run on every CPU
 * at once, affinity is honoured (and its errors are Linux's), counters under a mutex and under
 * atomics lose nothing, a pipe and a futex ping-pong between two CPUs, and fork storms from
 * every CPU at once reap every child. Passes on Linux too; with one CPU the cross-CPU cases
 * still run (on the one CPU). */
#define _GNU_SOURCE
#include "test.h"
#include "smp.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG (musl has no linux/futex.h) */
#define FUTEX_WAKE_PRIVATE 129
#define MAX_TEST_CPUS 64
#define COUNTER_LOOPS 20000
#define PINGPONG_ROUNDS 2000
#define STORM_CHILDREN 20

static int cpus[MAX_TEST_CPUS], ncpus;

static int count_lines(const char *path, const char *prefix, bool digit_after)
{
	FILE *f = fopen(path, "r");
	if (!f)
		return -1;
	char line[512];
	int n = 0;
	size_t len = strlen(prefix);
	while (fgets(line, sizeof(line), f))
		if (!strncmp(line, prefix, len) && (!digit_after || (line[len] >= '0' &&
								    line[len] <= '9')))
			n++;
	fclose(f);
	return n;
}

static void test_cpus_agree(void)
{
	long online = sysconf(_SC_NPROCESSORS_ONLN);
	EXPECT("affinity_is_every_online_cpu", ncpus, online);
	EXPECT("cpuinfo_lists_each_cpu", count_lines("/proc/cpuinfo", "processor", false), online);
	EXPECT("proc_stat_line_per_cpu", count_lines("/proc/stat", "cpu", true), online);
}

/* ---- every CPU busy at once ----------------------------------------------------------------- */

static atomic_ullong seen_cpus; /* bit c: some spinner ran on CPU c */
static atomic_int spinners_stop;

static void *spinner(void *arg)
{
	(void)arg;
	while (!atomic_load(&spinners_stop)) {
		int c = sched_getcpu();
		if (c >= 0 && c < 64)
			atomic_fetch_or(&seen_cpus, 1ULL << c);
	}
	return NULL;
}

static void test_all_cpus_run(void)
{
	unsigned long long want = 0;
	for (int i = 0; i < ncpus; i++)
		want |= 1ULL << cpus[i];
	pthread_t t[MAX_TEST_CPUS];
	int started = 0;
	atomic_store(&seen_cpus, 0);
	atomic_store(&spinners_stop, 0);
	for (int i = 0; i < ncpus; i++)
		started += !pthread_create(&t[started], NULL, spinner, NULL);
	long long deadline = smp_now_ns() + SMP_WAIT_NS;
	while ((atomic_load(&seen_cpus) & want) != want && smp_now_ns() < deadline)
		sched_yield();
	atomic_store(&spinners_stop, 1);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	test_result("threads_run_on_every_cpu", started == ncpus &&
		    (atomic_load(&seen_cpus) & want) == want, "seen %#llx, want %#llx",
		    atomic_load(&seen_cpus), want);
}

/* ---- affinity -------------------------------------------------------------------------------- */

static void test_pinned_stays(void)
{
	bool ok = true;
	int bad_cpu = -1, where = -1;
	for (int i = 0; i < ncpus && ok; i++) {
		if (smp_pin(cpus[i], cpus, ncpus)) {
			ok = false;
			break;
		}
		for (int k = 0; k < 200 && ok; k++) {
			where = sched_getcpu();
			ok = where == cpus[i];
			bad_cpu = cpus[i];
			sched_yield();
		}
		cpu_set_t got;
		ok = ok && !sched_getaffinity(0, sizeof(got), &got) && CPU_COUNT(&got) == 1 &&
		     CPU_ISSET(cpus[i], &got);
	}
	smp_pin(-1, cpus, ncpus);
	test_result("pinned_thread_runs_only_there", ok, "pinned to %d, ran on %d", bad_cpu, where);
}

static void test_affinity_errors(void)
{
	cpu_set_t set;
	CPU_ZERO(&set);
	EXPECT("setaffinity_empty_mask", sys_res(sched_setaffinity(0, sizeof(set), &set)), -EINVAL);
	CPU_SET(cpus[0], &set);
	EXPECT("setaffinity_no_such_thread",
	       sys_res(syscall(SYS_sched_setaffinity, 0x3fffffff, sizeof(set), &set)), -ESRCH);
	EXPECT("setaffinity_bad_pointer",
	       sys_res(syscall(SYS_sched_setaffinity, 0, sizeof(set), (void *)8)), -EFAULT);
	EXPECT("getaffinity_len_not_long_multiple",
	       sys_res(syscall(SYS_sched_getaffinity, 0, 12, &set)), -EINVAL);
	EXPECT("getaffinity_bad_pointer",
	       sys_res(syscall(SYS_sched_getaffinity, 0, sizeof(set), (void *)8)), -EFAULT);
	/* The raw call returns the size of the kernel's mask (8 bytes for up to 64 CPUs on both:
	 * Linux's nr_cpu_ids rounded to longs). */
	long r = syscall(SYS_sched_getaffinity, 0, sizeof(set), &set);
	test_result("getaffinity_returns_mask_bytes", r >= 8 && r % 8 == 0 && r <= (long)sizeof(set),
		    "returned %ld", r);
}

/* ---- shared counters --------------------------------------------------------------------------- */

static pthread_mutex_t counter_lock = PTHREAD_MUTEX_INITIALIZER;
static long locked_counter;
static atomic_long atomic_counter;

static void *count_up(void *arg)
{
	(void)arg;
	for (int i = 0; i < COUNTER_LOOPS; i++) {
		pthread_mutex_lock(&counter_lock);
		locked_counter++;
		pthread_mutex_unlock(&counter_lock);
		atomic_fetch_add(&atomic_counter, 1);
	}
	return NULL;
}

static void test_counters(void)
{
	int n = 2 * ncpus + 1;
	pthread_t t[2 * MAX_TEST_CPUS + 1];
	int started = 0;
	for (int i = 0; i < n; i++)
		started += !pthread_create(&t[started], NULL, count_up, NULL);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	EXPECT("mutex_counter_exact", locked_counter, (long)started * COUNTER_LOOPS);
	EXPECT("atomic_counter_exact", atomic_load(&atomic_counter), (long)started * COUNTER_LOOPS);
	EXPECT("all_counter_threads_started", started, n);
}

/* ---- ping-pong between two CPUs ------------------------------------------------------------- */

static int other_cpu(void)
{
	return ncpus > 1 ? cpus[1] : cpus[0];
}

static void *pipe_echo(void *arg)
{
	int *fds = arg; /* [0]: read from main, [1]: write back */
	smp_pin(other_cpu(), cpus, ncpus);
	unsigned char b;
	while (read(fds[0], &b, 1) == 1) {
		b++;
		if (write(fds[1], &b, 1) != 1)
			break;
	}
	return NULL;
}

static void test_pipe_pingpong(void)
{
	int to[2], from[2];
	if (!CHECK("pingpong_pipes", !pipe(to) && !pipe(from)))
		return;
	int fds[2] = { to[0], from[1] };
	pthread_t t;
	smp_pin(cpus[0], cpus, ncpus);
	bool ok = !pthread_create(&t, NULL, pipe_echo, fds);
	unsigned char b = 0;
	int round = 0;
	for (; ok && round < PINGPONG_ROUNDS; round++) {
		unsigned char want = (unsigned char)(b + 1);
		ok = write(to[1], &b, 1) == 1 && read(from[0], &b, 1) == 1 && b == want;
	}
	close(to[1]);
	if (round)
		pthread_join(t, NULL);
	close(to[0]);
	close(from[0]);
	close(from[1]);
	smp_pin(-1, cpus, ncpus);
	test_result("pipe_pingpong_across_cpus", ok, "broke at round %d", round);
}

static atomic_int futex_word;

static long futex(atomic_int *uaddr, int op, int val)
{
	return syscall(SYS_futex, uaddr, op, val, NULL, NULL, 0);
}

/* Wait until the word is `want`, then set it to `next` and wake the other side. */
static void futex_turn(int want, int next)
{
	int v;
	while ((v = atomic_load(&futex_word)) != want)
		futex(&futex_word, FUTEX_WAIT_PRIVATE, v);
	atomic_store(&futex_word, next);
	futex(&futex_word, FUTEX_WAKE_PRIVATE, 1);
}

static void *futex_partner(void *arg)
{
	(void)arg;
	smp_pin(other_cpu(), cpus, ncpus);
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		futex_turn(1, 0);
	return NULL;
}

static void test_futex_pingpong(void)
{
	atomic_store(&futex_word, 0);
	smp_pin(cpus[0], cpus, ncpus);
	pthread_t t;
	if (!CHECK("futex_partner_started", !pthread_create(&t, NULL, futex_partner, NULL)))
		return;
	for (int i = 0; i < PINGPONG_ROUNDS; i++)
		futex_turn(0, 1);
	futex_turn(0, 0); /* the partner's last turn */
	pthread_join(t, NULL);
	smp_pin(-1, cpus, ncpus);
	test_result("futex_pingpong_across_cpus", atomic_load(&futex_word) == 0, "word %d",
		    atomic_load(&futex_word));
}

/* ---- fork storms from every CPU ------------------------------------------------------------ */

static atomic_int storm_failures;

static void *fork_storm(void *arg)
{
	int cpu = (int)(long)arg;
	smp_pin(cpu, cpus, ncpus);
	for (int i = 0; i < STORM_CHILDREN; i++) {
		pid_t pid = fork();
		if (pid == 0)
			_exit(i);
		int st;
		if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) != i)
			atomic_fetch_add(&storm_failures, 1);
	}
	return NULL;
}

static void test_fork_storm(void)
{
	pthread_t t[MAX_TEST_CPUS];
	int started = 0;
	for (int i = 0; i < ncpus; i++)
		started += !pthread_create(&t[started], NULL, fork_storm, (void *)(long)cpus[i]);
	for (int i = 0; i < started; i++)
		pthread_join(t[i], NULL);
	test_result("fork_exit_wait_storm_on_every_cpu", started == ncpus &&
		    !atomic_load(&storm_failures), "%d threads, %d failures", started,
		    atomic_load(&storm_failures));
	EXPECT("no_child_left", sys_res(waitpid(-1, NULL, WNOHANG)), -ECHILD);
}

int main(void)
{
	test_begin("smp");
	ncpus = smp_cpus(cpus, MAX_TEST_CPUS);
	if (!CHECK("has_cpus", ncpus >= 1))
		test_end();
	test_cpus_agree();
	test_all_cpus_run();
	test_pinned_stays();
	test_affinity_errors();
	test_counters();
	test_pipe_pingpong();
	test_futex_pingpong();
	test_fork_storm();
	test_end();
}
