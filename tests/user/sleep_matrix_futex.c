/* The sleep matrix (sleep_matrix.h) for futex waits — private, shared, with a relative
 * timeout, FUTEX_WAIT_BITSET with an absolute one — and for pause and rt_sigsuspend. On Linux
 * an untimed FUTEX_WAIT restarts under SA_RESTART; a timed one, pause and sigsuspend give
 * EINTR whatever the flags. */
#include "sleep_matrix.h"

/* musl ships no <linux/futex.h>: the Linux values. */
#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_WAIT_BITSET 9
#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

static uint32_t private_word; /* the case process's own memory: only it can wake it */

static long futex(uint32_t *w, int op, const struct timespec *ts, uint32_t bits)
{
	return sm_sys(syscall(SYS_futex, w, op, 0, ts, NULL, bits));
}

/* A private word can only be woken from inside: SIGUSR2's handler (SA_RESTART) changes it,
 * and the restarted FUTEX_WAIT sees the change (EAGAIN). */
static void on_usr2(int sig)
{
	(void)sig;
	private_word = 1;
}

static void setup_private(struct sm_ctx *c)
{
	(void)c;
	struct sigaction sa = { .sa_handler = on_usr2, .sa_flags = SA_RESTART };
	sigaction(SIGUSR2, &sa, NULL);
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	pthread_sigmask(SIG_UNBLOCK, &usr2, NULL);
}

static long block_private(struct sm_ctx *c)
{
	(void)c;
	return futex(&private_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, NULL, 0);
}

static long block_shared(struct sm_ctx *c)
{
	return futex(&c->word, FUTEX_WAIT, NULL, 0);
}

static void wake_shared(struct sm_ctx *c)
{
	__atomic_store_n(&c->word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &c->word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static long block_timeout(struct sm_ctx *c)
{
	struct timespec ts = sm_ts(c->dur_ns);
	return futex(&private_word, FUTEX_WAIT | FUTEX_PRIVATE_FLAG, &ts, 0);
}

static long block_bitset(struct sm_ctx *c)
{
	struct timespec ts = sm_deadline(c->dur_ns); /* absolute, CLOCK_MONOTONIC */
	return futex(&private_word, FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG, &ts,
		     FUTEX_BITSET_MATCH_ANY);
}

static long block_pause(struct sm_ctx *c)
{
	(void)c;
	return sm_sys(syscall(SYS_pause));
}

static long block_sigsuspend(struct sm_ctx *c)
{
	(void)c;
	uint64_t mask = ~(1ull << (SIGUSR1 - 1)); /* the kernel's sigset: only SIGUSR1 comes in */
	return sm_sys(syscall(SYS_rt_sigsuspend, &mask, sizeof(mask)));
}

static const struct sm_call calls[] = {
	{ "futex_wait_private", SYS_futex, NULL, setup_private, block_private, sm_wake_usr2, NULL,
	  -EAGAIN, SM_RESTARTS },
	{ "futex_wait_shared", SYS_futex, NULL, NULL, block_shared, wake_shared, NULL, 0,
	  SM_RESTARTS },
	{ "futex_wait_timeout", SYS_futex, NULL, NULL, block_timeout, NULL, NULL, -ETIMEDOUT, 0 },
	{ "futex_wait_bitset", SYS_futex, NULL, NULL, block_bitset, NULL, NULL, -ETIMEDOUT, 0 },
	{ "pause", SYS_pause, NULL, NULL, block_pause, sm_wake_usr1, NULL, -EINTR,
	  SM_WAKE_HANDLER },
	{ "rt_sigsuspend", SYS_rt_sigsuspend, NULL, NULL, block_sigsuspend, sm_wake_usr1, NULL,
	  -EINTR, SM_WAKE_HANDLER },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
