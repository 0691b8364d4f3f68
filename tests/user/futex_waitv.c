/* futex_waitv(2): argument checks (EINVAL for flags, counts, clocks, reserved bits and sizes
 * other than 32 bits, misaligned words), EAGAIN when any word no longer holds its value,
 * ETIMEDOUT at the absolute deadline, the index of the word a FUTEX_WAKE woke, and EINTR when a
 * handler without SA_RESTART runs. Expectations are Linux's: runs on the host too. */
#define _GNU_SOURCE
#include "test.h"
#define FUTEX_WAKE_PRIVATE 129 /* FUTEX_WAKE | FUTEX_PRIVATE_FLAG */
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <time.h>

#ifndef SYS_futex_waitv
#define SYS_futex_waitv 449
#endif

struct waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};

#define U32 0x02 /* FUTEX2_SIZE_U32 */
#define PRIV 128 /* FUTEX2_PRIVATE */
#define WORDS 4

static uint32_t words[WORDS];

static long waitv(struct waitv *v, unsigned n, unsigned flags, struct timespec *ts, int clk)
{
	return sys_res(syscall(SYS_futex_waitv, v, n, flags, ts, clk));
}

static void fill(struct waitv *v)
{
	for (int i = 0; i < WORDS; i++)
		v[i] = (struct waitv){ .val = words[i], .uaddr = (uintptr_t)&words[i],
				       .flags = U32 | PRIV };
}

static struct timespec in_ms(long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	ts.tv_nsec += ms % 1000 * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static void test_errors(void)
{
	struct waitv v[WORDS];
	struct timespec ts = in_ms(0);
	fill(v);
	EXPECT("flags-einval", waitv(v, 1, 1, NULL, 0), -EINVAL);
	EXPECT("zero-count-einval", waitv(v, 0, 0, NULL, 0), -EINVAL);
	EXPECT("count-129-einval", waitv(v, 129, 0, NULL, 0), -EINVAL);
	EXPECT("null-array-einval", waitv(NULL, 1, 0, NULL, 0), -EINVAL);
	EXPECT("bad-clock-einval", waitv(v, 1, 0, &ts, CLOCK_BOOTTIME), -EINVAL);
	v[1].reserved = 1;
	EXPECT("reserved-einval", waitv(v, 2, 0, &ts, CLOCK_MONOTONIC), -EINVAL);
	fill(v);
	v[0].flags = PRIV; /* FUTEX2_SIZE_U8 */
	EXPECT("u8-size-einval", waitv(v, 1, 0, &ts, CLOCK_MONOTONIC), -EINVAL);
	fill(v);
	v[0].uaddr += 1;
	EXPECT("misaligned-einval", waitv(v, 1, 0, &ts, CLOCK_MONOTONIC), -EINVAL);
	fill(v);
	v[0].val = 1ULL << 32;
	EXPECT("value-over-32-bits-einval", waitv(v, 1, 0, &ts, CLOCK_MONOTONIC), -EINVAL);
	fill(v);
	v[2].uaddr = 0x1000;
	EXPECT("unmapped-word-efault", waitv(v, WORDS, 0, &ts, CLOCK_MONOTONIC), -EFAULT);
	EXPECT("bad-array-efault", waitv((void *)0x1000, 1, 0, &ts, CLOCK_MONOTONIC), -EFAULT);
	fill(v);
	v[3].val = words[3] + 1;
	EXPECT("value-changed-eagain", waitv(v, WORDS, 0, NULL, 0), -EAGAIN);
	fill(v);
	ts = in_ms(30);
	EXPECT("deadline-etimedout", waitv(v, WORDS, 0, &ts, CLOCK_MONOTONIC), -ETIMEDOUT);
	struct timespec real;
	clock_gettime(CLOCK_REALTIME, &real);
	EXPECT("realtime-past-etimedout", waitv(v, WORDS, 0, &real, CLOCK_REALTIME), -ETIMEDOUT);
}

static void *waker(void *arg)
{
	(void)arg;
	/* Wake word 2 until someone is there to be woken (the waiter may not be queued yet). */
	for (int i = 0; i < 100000; i++) {
		if (syscall(SYS_futex, &words[2], FUTEX_WAKE_PRIVATE, 1, NULL, NULL, 0) == 1)
			return (void *)1;
		sched_yield();
	}
	return NULL;
}

static void test_wake_index(void)
{
	struct waitv v[WORDS];
	fill(v);
	pthread_t t;
	pthread_create(&t, NULL, waker, NULL);
	struct timespec ts = in_ms(10000);
	EXPECT("woken-word-index", waitv(v, WORDS, 0, &ts, CLOCK_MONOTONIC), 2);
	void *woke = NULL;
	pthread_join(t, &woke);
	test_result("waker-woke-one", woke == (void *)1, "waker gave up");
}

static void on_alarm(int sig)
{
	(void)sig;
}

static void test_signal(void)
{
	struct sigaction sa = { .sa_handler = on_alarm }; /* no SA_RESTART */
	sigaction(SIGALRM, &sa, NULL);
	struct itimerval it = { .it_value = { 0, 50000 } };
	setitimer(ITIMER_REAL, &it, NULL);
	struct waitv v[WORDS];
	fill(v);
	struct timespec ts = in_ms(10000);
	EXPECT("signal-eintr", waitv(v, WORDS, 0, &ts, CLOCK_MONOTONIC), -EINTR);
}

int main(void)
{
	test_begin("futex_waitv");
	for (int i = 0; i < WORDS; i++)
		words[i] = 100 + (uint32_t)i;
	test_errors();
	test_wake_index();
	test_signal();
	test_end();
}
