/* Robust futexes: a lock whose owner dies is handed to the next locker with EOWNERDEAD —
 * after a thread exits holding it, while another thread sleeps waiting for it, across
 * processes through MAP_SHARED memory, when the owner is killed by SIGKILL, and when it
 * executes another program (the new image knows nothing of the lock). A robust list
 * that is garbage (unmapped, cyclic) costs the dying thread nothing and the kernel nothing.
 * musl's robust mutexes are the user side. Validated on Linux first. */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <pthread.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static pthread_mutex_t *robust_mutex(bool shared)
{
	pthread_mutex_t *m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE,
				  MAP_ANONYMOUS | (shared ? MAP_SHARED : MAP_PRIVATE), -1, 0);
	if (m == MAP_FAILED)
		return NULL;
	pthread_mutexattr_t a;
	pthread_mutexattr_init(&a);
	pthread_mutexattr_setrobust(&a, PTHREAD_MUTEX_ROBUST);
	if (shared)
		pthread_mutexattr_setpshared(&a, PTHREAD_PROCESS_SHARED);
	pthread_mutex_init(m, &a);
	return m;
}

/* The next lock after an owner died: EOWNERDEAD, then usable again once made consistent. */
static bool recovers(pthread_mutex_t *m)
{
	if (pthread_mutex_lock(m) != EOWNERDEAD)
		return false;
	if (pthread_mutex_consistent(m) || pthread_mutex_unlock(m))
		return false;
	return pthread_mutex_lock(m) == 0 && pthread_mutex_unlock(m) == 0;
}

static void *lock_and_exit(void *arg)
{
	pthread_mutex_lock(arg);
	return NULL;
}

static void test_thread_exit(void)
{
	pthread_mutex_t *m = robust_mutex(false);
	pthread_t th;
	pthread_create(&th, NULL, lock_and_exit, m);
	pthread_join(th, NULL);
	CHECK("thread_exit_owner_dead", m && recovers(m));
}

/* The owner dies while the main thread sleeps in the lock: the death must wake it. */
static int thread_holds;

static void *lock_wait_exit(void *arg)
{
	pthread_mutex_t *m = arg;
	pthread_mutex_lock(m);
	__atomic_store_n(&thread_holds, 1, __ATOMIC_SEQ_CST);
	proc_wait_in_syscall(getpid(), SYS_futex, SYS_futex, 10); /* main asleep in the lock */
	return NULL;
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_waiter_woken(void)
{
	pthread_mutex_t *m = robust_mutex(false);
	pthread_t th;
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	pthread_create(&th, NULL, lock_wait_exit, m);
	while (!__atomic_load_n(&thread_holds, __ATOMIC_SEQ_CST))
		sched_yield();
	alarm(10);
	int r = pthread_mutex_lock(m);
	alarm(0);
	pthread_join(th, NULL);
	test_result("waiter_woken_owner_dead", r == EOWNERDEAD, "lock returned %d", r);
	if (r == EOWNERDEAD) {
		pthread_mutex_consistent(m);
		pthread_mutex_unlock(m);
	}
}

/* A child process takes the shared lock and leaves: by exit, killed, or by execve. */
enum leaving { BY_EXIT, BY_KILL, BY_EXEC };

static void test_process_death(enum leaving how)
{
	bool killed = how == BY_KILL;
	pthread_mutex_t *m = robust_mutex(true);
	int *ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_SHARED, -1, 0);
	pid_t pid = fork();
	if (pid == 0) {
		pthread_mutex_lock(m);
		__atomic_store_n(ready, 1, __ATOMIC_SEQ_CST);
		if (how == BY_EXEC) {
			execl("/bin/hello", "hello", (char *)NULL);
			execl("/bin/true", "true", (char *)NULL); /* on Linux */
			_exit(1);
		}
		if (killed)
			for (;;)
				pause();
		_exit(0);
	}
	while (!__atomic_load_n(ready, __ATOMIC_SEQ_CST))
		sched_yield();
	if (killed)
		kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	static const char *const names[] = { "process_exit_owner_dead",
					     "process_killed_owner_dead", "process_exec_owner_dead" };
	test_result(names[how], m && recovers(m), "the lock did not come back with EOWNERDEAD");
}

/* The owner process is killed while another process sleeps in the lock (issue 12): the kill
 * must release the lock and wake the sleeper with EOWNERDEAD. */
static void test_killed_owner_wakes_sleeper(void)
{
	pthread_mutex_t *m = robust_mutex(true);
	int *ready = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_ANONYMOUS | MAP_SHARED, -1, 0);
	pid_t owner = fork();
	if (owner == 0) {
		pthread_mutex_lock(m);
		__atomic_store_n(ready, 1, __ATOMIC_SEQ_CST);
		for (;;)
			pause();
	}
	while (!__atomic_load_n(ready, __ATOMIC_SEQ_CST))
		sched_yield();
	pid_t waiter = fork();
	if (waiter == 0) {
		alarm(10); /* a sleeper nobody wakes dies of it instead of hanging the test */
		_exit(pthread_mutex_lock(m) == EOWNERDEAD ? 0 : 1);
	}
	bool asleep = proc_wait_in_syscall(waiter, SYS_futex, SYS_futex, 10);
	kill(owner, SIGKILL);
	waitpid(owner, NULL, 0);
	int st = 0;
	waitpid(waiter, &st, 0);
	test_result("owner_killed_while_process_sleeps_in_lock",
		    asleep && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "waiter asleep: %d, status %#x", asleep, st);
}

/* Garbage robust lists: the thread still exits normally. */
struct bad_head {
	long list, offset, pending;
};

static int exit_with_list(struct bad_head *h)
{
	if (syscall(SYS_set_robust_list, h, sizeof(*h)))
		return 2;
	return 0;
}

static void test_hostile_lists(void)
{
	static struct bad_head cyclic, unmapped, wild;
	long self_loop[2];
	cyclic = (struct bad_head){ (long)self_loop, 0, 0 };
	self_loop[0] = (long)self_loop; /* an entry that points at itself, never at the head */
	unmapped = (struct bad_head){ 0x1000, 8, 0x2000 };
	wild = (struct bad_head){ (long)&wild, -0x7fffffffffffffffL, (long)0xffff800000000000UL };
	struct bad_head *cases[] = { &cyclic, &unmapped, &wild, (struct bad_head *)0x1000 };
	int ok = 0;
	for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		pid_t pid = fork();
		if (pid == 0) {
			if (i < 3)
				_exit(exit_with_list(cases[i]));
			/* an unmapped head: set_robust_list does not look, the exit copes */
			_exit(syscall(SYS_set_robust_list, cases[i], 24) ? 2 : 0);
		}
		int st = -1;
		waitpid(pid, &st, 0);
		ok += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	test_result("hostile_lists_harmless", ok == 4, "%d of 4 children exited normally", ok);
	errno = 0;
	CHECK("set_robust_list_bad_len",
	      syscall(SYS_set_robust_list, &cyclic, 23) == -1 && errno == EINVAL);
}

int main(void)
{
	test_begin("futex_robust");
	test_thread_exit();
	test_waiter_woken();
	test_process_death(BY_EXIT);
	test_process_death(BY_KILL);
	test_process_death(BY_EXEC);
	test_killed_owner_wakes_sleeper();
	test_hostile_lists();
	test_end();
}
