/* The sleep matrix (sleep_matrix.h) for futex_waitv: a wait on one shared word, woken by
 * FUTEX_WAKE (the answer is the word's index, 0). As FUTEX_WAIT's untimed wait, Linux restarts
 * it under SA_RESTART (-ERESTARTSYS). In a file of its own: a test program counts at most 63
 * passes, and sleep_matrix_futex.c has 60. */
#include "sleep_matrix.h"

#define SYS_FUTEX_WAITV 449
#define FUTEX_WAKE 1
#define FUTEX2_SIZE_U32 0x02

struct waitv {
	uint64_t val, uaddr;
	uint32_t flags, reserved;
};

static long block_waitv(struct sm_ctx *c)
{
	struct waitv w = { .val = 0, .uaddr = (uintptr_t)&c->word, .flags = FUTEX2_SIZE_U32 };
	return sm_sys(syscall(SYS_FUTEX_WAITV, &w, 1, 0, NULL, 0));
}

static void wake_word(struct sm_ctx *c)
{
	__atomic_store_n(&c->word, 1, __ATOMIC_SEQ_CST);
	syscall(SYS_futex, &c->word, FUTEX_WAKE, 1, NULL, NULL, 0);
}

static const struct sm_call calls[] = {
	{ "futex_waitv", SYS_FUTEX_WAITV, NULL, NULL, block_waitv, wake_word, NULL, 0,
	  SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
