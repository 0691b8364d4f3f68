/* What fs/locks.c shares with fs/leases.c: the lock records, an inode's lock context and the
 * helpers that keep them. Every field here is guarded by file_lock_lock (fs/locks.h has the
 * lock order); the _locked functions assert it. */
#ifndef FS_LOCKS_INTERNAL_H
#define FS_LOCKS_INTERNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <core/spinlock.h>
#include <fs/locks.h>
#include <lib/list.h>
#include <sched/wait.h>

#define OFFSET_MAX INT64_MAX
#define SPARE_LOCKS 2 /* a change needs at most a split remainder and the new lock */

/* A lease's break in progress (Linux's FL_DOWNGRADE_PENDING / FL_UNLOCK_PENDING). */
#define LEASE_DOWNGRADE_PENDING 0x1u
#define LEASE_UNLOCK_PENDING 0x2u

extern struct spinlock file_lock_lock;

/* One lock or lease held on an inode. Every field is guarded by file_lock_lock. */
struct file_lock {
	struct list_node node; /* in its context's posix, flock or leases list, by start */
	struct list_node all; /* in all_locks, newest first (as /proc/locks lists them) */
	struct inode *inode; /* not referenced: see the lifetime note in locks.h */
	const void *owner; /* struct fd_table (POSIX) or struct file (OFD, flock, lease) */
	enum lock_flavor flavor;
	int type; /* F_RDLCK or F_WRLCK */
	int pid; /* tgid of the process that set it */
	int64_t start, end; /* inclusive; end OFFSET_MAX: to the end of file and beyond */
	/* Leases only. */
	unsigned pending; /* LEASE_*_PENDING */
	uint64_t break_deadline; /* monotonic ns: the break is forced then */
	int fd; /* the descriptor F_SETLEASE named (si_fd of the signal) */
};

/* An inode's locks (inode->flctx). Guarded by file_lock_lock. */
struct file_lock_ctx {
	struct list_node posix; /* POSIX and OFD locks: they conflict with each other */
	struct list_node flock; /* flock(2) locks */
	struct list_node leases; /* F_SETLEASE leases */
	struct wait_queue waiters; /* every request blocked on a lock or lease of this inode */
};

/* A request, decoded and checked. */
struct lock_req {
	const void *owner;
	enum lock_flavor flavor;
	int type; /* F_RDLCK, F_WRLCK or F_UNLCK */
	int pid;
	int64_t start, end;
};

/* The inode's context, read without the lock (NULL: it never had a lock). */
struct file_lock_ctx *ctx_peek(struct inode *inode);
/* The inode's context, made at its first lock (NULL: out of memory, or none and !create). */
struct file_lock_ctx *ctx_get_locked(struct inode *inode, bool create);
/* A new record for rq on inode (from the spares), linked into list. */
struct file_lock *lock_insert_locked(struct list_node *list, struct inode *inode,
				     const struct lock_req *rq, struct file_lock **spare);
void lock_free_locked(struct file_lock *l);
/* Free owner's records in list: true when there were any. */
bool remove_owned_locked(struct list_node *list, const void *owner);
/* Wake every sleeper on ctx (each re-checks its own request). */
void wake_waiters_locked(struct file_lock_ctx *ctx);
/* Records allocated before file_lock_lock is taken: SPARE_LOCKS of them (false: ENOMEM);
 * spare_take hands one out, spares_free frees those not taken. */
bool spares_alloc(struct file_lock **spare);
struct file_lock *spare_take(struct file_lock **spare);
void spares_free(struct file_lock **spare);

/* leases.c: the type a lease is going to (F_GETLEASE, /proc/locks): F_UNLCK or F_RDLCK while
 * a break is pending, else its type. */
int lease_target(const struct file_lock *l);

#endif
