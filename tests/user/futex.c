/* futex(2) from user space, with raw system calls: value mismatch, timeouts, wake counts,
 * requeue, bitsets, bad arguments - and the regression test for the lost CHILD_CLEARTID wake-up:
 * the kernel's wake at thread exit is a non-private FUTEX_WAKE, which must meet musl's
 * thread-list lock waiters (non-private FUTEX_WAIT on private memory); it used a private key,
 * and 8 exiting threads deadlocked. As on Linux, private and non-private operations on the
 * same word do not meet each other (checked on the host's Linux too). */
#include "test.h"
#include <pthread.h>
#include <stdatomic.h>
#include <sys/syscall.h>
#include <time.h>

/* musl ships no <linux/futex.h>: the Linux values. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_WAIT_PRIVATE (FUTEX_WAIT | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAKE_PRIVATE (FUTEX_WAKE | FUTEX_PRIVATE_FLAG)
#define FUTEX_CMP_REQUEUE_PRIVATE (FUTEX_CMP_REQUEUE | FUTEX_PRIVATE_FLAG)
#define FUTEX_WAIT_BITSET_PRIVATE (FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG)

static long futex(atomic_int *uaddr, int op, int val, const struct timespec *ts, atomic_int *uaddr2,
		  int val3)
{
	return syscall(SYS_futex, uaddr, op, val, ts, uaddr2, val3);
}

struct waiter_arg {
	atomic_int *word;
	int op;
	atomic_int started;
	long result;
};

static void *waiter(void *p)
{
	struct waiter_arg *a = p;
	atomic_store(&a->started, 1);
	a->result = futex(a->word, a->op, 0, NULL, NULL, 0);
	return NULL;
}

/* Wake with wake_op until the waiter (blocked with wait_op) returns or `patience` seconds pass;
 * returns whether wake_op woke it (a waiter left behind is released with its own op). */
static bool wakes(int wait_op, int wake_op, int patience)
{
	static atomic_int word;
	atomic_store(&word, 0);
	struct waiter_arg a = { &word, wait_op, 0, -1 };
	pthread_t t;
	pthread_create(&t, NULL, waiter, &a);
	while (!atomic_load(&a.started))
		sched_yield();
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	long woken = 0;
	do {
		woken += futex(&word, wake_op, 1, NULL, NULL, 0);
		sched_yield();
		clock_gettime(CLOCK_MONOTONIC, &now);
	} while (woken == 0 && now.tv_sec - start.tv_sec < patience);
	if (woken == 0) { /* unblock it with the matching op so the test can end */
		futex(&word, wait_op == FUTEX_WAIT ? FUTEX_WAKE : FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0);
	}
	pthread_join(t, NULL);
	return woken == 1 && a.result == 0;
}

static void which_operations_meet(void)
{
	CHECK("private_ops_meet", wakes(FUTEX_WAIT_PRIVATE, FUTEX_WAKE_PRIVATE, 5));
	CHECK("shared_ops_meet_on_private_memory", wakes(FUTEX_WAIT, FUTEX_WAKE, 5));
	CHECK("shared_wake_misses_private_wait", !wakes(FUTEX_WAIT_PRIVATE, FUTEX_WAKE, 1));
	CHECK("private_wake_misses_shared_wait", !wakes(FUTEX_WAIT, FUTEX_WAKE_PRIVATE, 1));
}

static void value_mismatch_and_timeout(void)
{
	atomic_int w = 5;
	CHECK("wait_value_mismatch_eagain", futex(&w, FUTEX_WAIT_PRIVATE, 4, NULL, NULL, 0) == -1 &&
						    errno == EAGAIN);
	struct timespec ts = { 0, 20 * 1000 * 1000 };
	CHECK("wait_times_out", futex(&w, FUTEX_WAIT_PRIVATE, 5, &ts, NULL, 0) == -1 &&
					errno == ETIMEDOUT);
	struct timespec bad = { 0, 2000000000 };
	CHECK("wait_bad_timespec_einval", futex(&w, FUTEX_WAIT_PRIVATE, 5, &bad, NULL, 0) == -1 &&
						  errno == EINVAL);
	CHECK("wake_nobody_zero", futex(&w, FUTEX_WAKE_PRIVATE, 10, NULL, NULL, 0) == 0);
	CHECK("bitset_zero_einval", futex(&w, FUTEX_WAIT_BITSET_PRIVATE, 5, NULL, NULL, 0) == -1 &&
					    errno == EINVAL);
	CHECK("cmp_requeue_mismatch_eagain",
	      futex(&w, FUTEX_CMP_REQUEUE_PRIVATE, 1, (void *)1L, &w, 4) == -1 && errno == EAGAIN);
	CHECK("unaligned_einval", futex((atomic_int *)((char *)&w + 1), FUTEX_WAKE, 1, NULL, NULL, 0) ==
					  -1 && errno == EINVAL);
	CHECK("kernel_pointer_efault", futex(KERNEL_PTR, FUTEX_WAIT, 0, NULL, NULL, 0) == -1 &&
					       errno == EFAULT);
	CHECK("unknown_op_enosys", futex(&w, 99, 0, NULL, NULL, 0) == -1 && errno == ENOSYS);
}

static void *exiting_thread(void *p)
{
	(void)p;
	return NULL;
}

/* The original failure: many threads exiting while others wait on musl's thread-list lock. */
static void many_threads_exit_and_join(void)
{
	for (int round = 0; round < 20; round++) {
		pthread_t t[8];
		for (int i = 0; i < 8; i++)
			pthread_create(&t[i], NULL, exiting_thread, NULL);
		for (int i = 0; i < 8; i++)
			pthread_join(t[i], NULL);
	}
	CHECK("threads_exit_and_join_160", 1);
}

int main(void)
{
	test_begin("futex");
	which_operations_meet();
	value_mismatch_and_timeout();
	many_threads_exit_and_join();
	test_end();
}
