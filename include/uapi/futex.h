/* futex(2) operations and flags, Linux x86_64 values. */
#ifndef UAPI_FUTEX_H
#define UAPI_FUTEX_H

#include <stdint.h>

#define FUTEX_WAIT 0
#define FUTEX_WAKE 1
#define FUTEX_FD 2
#define FUTEX_REQUEUE 3
#define FUTEX_CMP_REQUEUE 4
#define FUTEX_WAKE_OP 5
#define FUTEX_LOCK_PI 6
#define FUTEX_UNLOCK_PI 7
#define FUTEX_TRYLOCK_PI 8
#define FUTEX_WAIT_BITSET 9
#define FUTEX_WAKE_BITSET 10

#define FUTEX_PRIVATE_FLAG 128
#define FUTEX_CLOCK_REALTIME 256
#define FUTEX_CMD_MASK (~(FUTEX_PRIVATE_FLAG | FUTEX_CLOCK_REALTIME))

#define FUTEX_BITSET_MATCH_ANY 0xffffffffu

/* futex_waitv(2) (Linux 5.16): an array of these, each a word to wait on. */
struct futex_waitv {
	uint64_t val; /* the value the word must hold */
	uint64_t uaddr; /* the word */
	uint32_t flags; /* FUTEX2_* */
	uint32_t __reserved; /* must be 0 */
};
_Static_assert(sizeof(struct futex_waitv) == 24, "futex_waitv layout");

#define FUTEX_WAITV_MAX 128
#define FUTEX2_SIZE_U8 0x00
#define FUTEX2_SIZE_U16 0x01
#define FUTEX2_SIZE_U32 0x02
#define FUTEX2_SIZE_U64 0x03
#define FUTEX2_SIZE_MASK 0x03
#define FUTEX2_NUMA 0x04
#define FUTEX2_MPOL 0x08
#define FUTEX2_PRIVATE FUTEX_PRIVATE_FLAG

/* The lock word of a robust futex (set_robust_list): the owner's tid, a waiter flag, and the
 * flag the kernel sets when the owner dies holding it. */
#define FUTEX_WAITERS 0x80000000u
#define FUTEX_OWNER_DIED 0x40000000u
#define FUTEX_TID_MASK 0x3fffffffu

#endif
