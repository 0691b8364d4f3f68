/* TLB shootdown, seen from user space: once munmap or mprotect returns on one CPU, a thread on
 * another CPU can no longer reach the page through a stale translation (it faults); after fork,
 * a sibling thread that keeps writing a page on another CPU never writes into the child's copy
 * (copy-on-write reached every CPU); exec of a process whose other threads run on other CPUs
 * works; a process unmapping 64 MiB at a time with siblings on the other CPUs dies within 4 s
 * of SIGKILL (bug munmap_shootdown_kill). Each race is run many rounds. Passes on Linux too. */
#define _GNU_SOURCE
#include "test.h"
#include "smp.h"
#include <pthread.h>
#include <setjmp.h>
#include <signal.h>
#include <stdatomic.h>
#include <sys/mman.h>
#include <sys/wait.h>

#define MAX_TEST_CPUS 64
#define ROUNDS 30
#define COW_WRITES_AFTER_FORK 20000
#define EXEC_ROUNDS 10

static int cpus[MAX_TEST_CPUS], ncpus;

static int cpu_for_helper(void)
{
	return ncpus > 1 ? cpus[1] : cpus[0];
}

/* ---- munmap / mprotect reach the other CPU ------------------------------------------------- */

static _Thread_local sigjmp_buf fault_jump;
static _Thread_local volatile sig_atomic_t fault_armed;

static void on_segv(int sig)
{
	(void)sig;
	if (fault_armed)
		siglongjmp(fault_jump, 1);
	_exit(99);
}

enum { OP_READ, OP_WRITE };

struct toucher {
	volatile int *page;
	int op;
	atomic_int started; /* the toucher has touched the page at least once */
	atomic_int changed; /* the main thread's munmap/mprotect has returned */
	atomic_int stale; /* a touch begun after `changed` was seen succeeded */
	atomic_int faulted;
};

/* Touch the page until it faults; a touch that starts after `changed` is set must fault. */
static void *toucher(void *arg)
{
	struct toucher *t = arg;
	smp_pin(cpu_for_helper(), cpus, ncpus);
	fault_armed = 1;
	if (sigsetjmp(fault_jump, 1)) {
		fault_armed = 0;
		atomic_store(&t->faulted, 1);
		return NULL;
	}
	long long deadline = smp_now_ns() + SMP_WAIT_NS;
	while (smp_now_ns() < deadline) {
		int changed = atomic_load(&t->changed);
		if (t->op == OP_READ)
			(void)*t->page;
		else
			*t->page = 1;
		if (changed) {
			atomic_store(&t->stale, 1);
			break;
		}
		atomic_store(&t->started, 1);
	}
	fault_armed = 0;
	return NULL;
}

/* One round: a toucher on another CPU; `change` (munmap or mprotect) here. */
static bool race_round(int op, bool unmap)
{
	volatile int *page = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				  -1, 0);
	if (page == MAP_FAILED)
		return false;
	*page = 0;
	struct toucher t = { .page = page, .op = op };
	pthread_t th;
	if (pthread_create(&th, NULL, toucher, &t)) {
		munmap((void *)page, 4096);
		return false;
	}
	while (!atomic_load(&t.started))
		sched_yield();
	int r = unmap ? munmap((void *)page, 4096) : mprotect((void *)page, 4096, PROT_READ);
	atomic_store(&t.changed, 1);
	pthread_join(th, NULL);
	if (!unmap)
		munmap((void *)page, 4096);
	return r == 0 && !atomic_load(&t.stale) && atomic_load(&t.faulted);
}

static void test_change_reaches_other_cpu(const char *name, int op, bool unmap)
{
	int round = 0;
	bool ok = true;
	smp_pin(cpus[0], cpus, ncpus);
	for (; ok && round < ROUNDS; round++)
		ok = race_round(op, unmap);
	smp_pin(-1, cpus, ncpus);
	test_result(name, ok, "round %d: the other CPU still reached the page", round - 1);
}

/* ---- copy-on-write with a writer on another CPU ------------------------------------------- */

static volatile long cow_page[4096 / sizeof(long)] __attribute__((aligned(4096)));
static atomic_long cow_writes;
static atomic_int cow_stop;

static void *cow_writer(void *arg)
{
	(void)arg;
	smp_pin(cpu_for_helper(), cpus, ncpus);
	while (!atomic_load(&cow_stop)) {
		cow_page[0]++;
		atomic_fetch_add(&cow_writes, 1);
	}
	return NULL;
}

/* The child keeps the value of the moment of fork while the parent's writer goes on. */
static bool cow_round(void)
{
	int go[2];
	if (pipe(go))
		return false;
	pid_t pid = fork();
	if (pid == 0) {
		long at_fork = cow_page[0];
		char b;
		_exit(read(go[0], &b, 1) == 1 && cow_page[0] == at_fork ? 0 : 1);
	}
	long from = atomic_load(&cow_writes);
	long long deadline = smp_now_ns() + SMP_WAIT_NS;
	while (atomic_load(&cow_writes) - from < COW_WRITES_AFTER_FORK && smp_now_ns() < deadline)
		sched_yield();
	bool wrote = atomic_load(&cow_writes) - from >= COW_WRITES_AFTER_FORK;
	int st = -1;
	bool ok = pid > 0 && write(go[1], "x", 1) == 1 && waitpid(pid, &st, 0) == pid &&
		  WIFEXITED(st) && WEXITSTATUS(st) == 0 && wrote;
	close(go[0]);
	close(go[1]);
	return ok;
}

static void test_cow_with_writer_elsewhere(void)
{
	smp_pin(cpus[0], cpus, ncpus);
	pthread_t th;
	if (!CHECK("cow_writer_started", !pthread_create(&th, NULL, cow_writer, NULL)))
		return;
	int round = 0;
	bool ok = true;
	for (; ok && round < ROUNDS; round++)
		ok = cow_round();
	atomic_store(&cow_stop, 1);
	pthread_join(th, NULL);
	smp_pin(-1, cpus, ncpus);
	test_result("cow_after_fork_reaches_writer_cpu", ok,
		    "round %d: the child saw the parent's later writes", round - 1);
}

/* ---- exec while sibling threads run on other CPUs ------------------------------------------ */

static void *busy(void *arg)
{
	(void)arg;
	for (;;)
		cow_page[1]++;
	return NULL;
}

static bool exec_round(const char *self)
{
	pid_t pid = fork();
	if (pid == 0) {
		pthread_t th;
		for (int i = 0; i < ncpus; i++)
			pthread_create(&th, NULL, busy, NULL);
		execl(self, self, "exec-child", (char *)NULL);
		_exit(98);
	}
	int st = -1;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 42;
}

static void test_exec_multithreaded(const char *self)
{
	int round = 0;
	bool ok = true;
	for (; ok && round < EXEC_ROUNDS; round++)
		ok = exec_round(self);
	test_result("exec_with_threads_on_other_cpus", ok, "round %d failed", round - 1);
}

/* ---- bug munmap_shootdown_kill: a 64 MiB munmap sent one shootdown per page ---------------- */

#define BIG_MAP (64L << 20)
#define KILL_BUDGET_NS 4000000000LL /* fuzz_mt's grace for a SIGKILLed child */

static void *spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		cow_page[2]++;
	return NULL;
}

/* Map, touch and unmap 64 MiB over and over while siblings spin on the other CPUs; the first
 * round done is told through fd. */
static __attribute__((noreturn)) void big_unmapper(int fd)
{
	pthread_t th;
	for (int i = 0; i < ncpus; i++)
		pthread_create(&th, NULL, spin_forever, NULL);
	for (int round = 0;; round++) {
		char *p = mmap(NULL, BIG_MAP, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1,
			       0);
		if (p == MAP_FAILED)
			_exit(3);
		for (long off = 0; off < BIG_MAP; off += 4096)
			p[off] = 1;
		munmap(p, BIG_MAP);
		if (round == 0 && write(fd, "x", 1) != 1)
			_exit(4);
	}
}

static void test_big_munmap_killable(void)
{
	int ready[2];
	if (!CHECK("big_munmap_pipe", !pipe(ready)))
		return;
	pid_t pid = fork();
	if (pid == 0)
		big_unmapper(ready[1]);
	char b;
	bool started = pid > 0 && read(ready[0], &b, 1) == 1;
	kill(pid, SIGKILL);
	long long t0 = smp_now_ns();
	int st = 0;
	pid_t got = 0;
	while (got == 0 && smp_now_ns() - t0 < KILL_BUDGET_NS) {
		got = waitpid(pid, &st, WNOHANG);
		if (got == 0)
			sched_yield();
	}
	if (got == 0) { /* report, then do not leave it behind */
		waitpid(pid, &st, 0);
	}
	close(ready[0]);
	close(ready[1]);
	test_result("munmap_shootdown_kill", started && got == pid && WIFSIGNALED(st),
		    "started %d, reaped %d within 4 s of SIGKILL", started, got == pid);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "exec-child"))
		return 42;
	test_begin("smp_tlb");
	ncpus = smp_cpus(cpus, MAX_TEST_CPUS);
	if (!CHECK("has_cpus", ncpus >= 1))
		test_end();
	struct sigaction sa = { .sa_handler = on_segv };
	sigaction(SIGSEGV, &sa, NULL);
	test_change_reaches_other_cpu("munmap_then_read_faults_elsewhere", OP_READ, true);
	test_change_reaches_other_cpu("munmap_then_write_faults_elsewhere", OP_WRITE, true);
	test_change_reaches_other_cpu("mprotect_ro_then_write_faults_elsewhere", OP_WRITE, false);
	test_cow_with_writer_elsewhere();
	test_exec_multithreaded(argv[0]);
	test_big_munmap_killable();
	test_end();
}
