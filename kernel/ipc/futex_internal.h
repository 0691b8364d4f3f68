/* The internals of futex(2) shared by futex.c (FUTEX_WAIT, WAKE, REQUEUE) and futex_waitv.c:
 * keys, the hash buckets and the waiters queued in them. The locking rules are futex.c's (its
 * top comment): each bucket's lock guards its waiter list and its waiters' `bucket`, `woken`
 * and `fired` fields. */
#ifndef IPC_FUTEX_INTERNAL_H
#define IPC_FUTEX_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <lib/list.h>

struct thread;

#define FUTEX_BUCKETS 256

/* As in Linux, three kinds of key that never match each other: a private operation, a
 * non-private operation on private memory (musl's thread-list lock and the CHILD_CLEARTID wake
 * meet there), and a non-private operation on MAP_SHARED memory, keyed by physical address so
 * that other processes mapping the page meet too. */
enum futex_key_kind { KEY_PRIVATE_OP, KEY_SHARED_OP_PRIVATE_MEM, KEY_SHARED_MEM };

struct futex_key {
	const void *space; /* the mm, or NULL for KEY_SHARED_MEM */
	uint64_t addr; /* user address, or physical address for KEY_SHARED_MEM */
	enum futex_key_kind kind;
};

struct futex_bucket {
	struct spinlock lock;
	struct list_node waiters;
};

struct futex_waiter {
	struct list_node node;
	struct futex_key key;
	uint32_t bitset;
	struct thread *thread;
	struct futex_bucket *bucket; /* changes on requeue */
	bool woken;
	/* NULL, or set to 1 (before the wake-up) when woken: futex_waitv's one flag for all its
	 * waiters, read by wait_sleep_unless_fired. */
	int *fired;
};

extern struct futex_bucket futex_buckets[FUTEX_BUCKETS];

static inline struct futex_bucket *futex_bucket_of(const struct futex_key *k)
{
	uint64_t h = k->addr ^ ((uint64_t)k->space >> 4) ^ k->kind;
	h ^= h >> 29;
	h *= 0xbf58476d1ce4e5b9ULL;
	h ^= h >> 32;
	return &futex_buckets[h % FUTEX_BUCKETS];
}

static inline bool futex_key_equal(const struct futex_key *a, const struct futex_key *b)
{
	return a->space == b->space && a->addr == b->addr && a->kind == b->kind;
}

/* The key of the calling process's futex word at uaddr: -EINVAL unless 4-byte aligned,
 * -EFAULT unless readable (reading faults the page in). */
int futex_make_key(uint64_t uaddr, bool private, struct futex_key *k);

/* Lock the bucket a waiter is in now (a requeue may move it while we wait for the lock). */
static inline struct futex_bucket *futex_lock_waiter_bucket(struct futex_waiter *w,
							    uint64_t *flags)
{
	for (;;) {
		struct futex_bucket *b = READ_ONCE(w->bucket);
		*flags = spin_lock_irqsave(&b->lock);
		if (b == w->bucket)
			return b;
		spin_unlock_irqrestore(&b->lock, *flags);
	}
}

#endif
