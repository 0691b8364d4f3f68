/* Advisory file locks with Linux's semantics: POSIX record locks (fcntl F_SETLK/F_SETLKW/F_GETLK,
 * owned by the descriptor table, so by the process and its CLONE_FILES sharers), open file
 * description locks (F_OFD_*, owned by the struct file), flock(2) locks (owned by the struct
 * file) and leases (F_SETLEASE, owned by the struct file; fs/leases.c). POSIX and OFD locks
 * share one list per inode and conflict with each other; flock locks and leases live in lists
 * of their own. docs/locks.md describes the design.
 *
 * Locking: one global spinlock, file_lock_lock (IRQs off), guards every inode's lock context
 * (its lists and wait queue), every struct file_lock, the global list of locks (/proc/locks) and
 * the list of blocked POSIX requests (deadlock detection). It is a leaf: nothing else is taken
 * under it except the scheduler's run-queue locks inside wait_queue_sleep_locked/_wake_locked
 * (and kmalloc, which is IRQ-safe). It is never held across a file_put or inode_put, nor while
 * a lease-break signal is sent (fown_lock, process_tree_lock come after it is dropped).
 * Lock order: fd_table.lock and inode->lock are never held while taking file_lock_lock.
 *
 * Lifetime: a lock context is allocated at an inode's first lock and freed with the inode
 * (locks_inode_evict). A lock holds no reference: POSIX locks go at any close of the inode by
 * their owner (locks_remove_posix, called by the descriptor table for every closed descriptor),
 * OFD and flock locks and leases when their file is released (locks_remove_file), so no lock
 * outlives its inode. A sleeper holds a reference to its file, hence to the inode and its
 * context. */
#ifndef FS_LOCKS_H
#define FS_LOCKS_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>

struct file;
struct inode;
struct fd_table;
struct linux_flock;

enum lock_flavor { LOCK_FLAVOR_POSIX, LOCK_FLAVOR_OFD, LOCK_FLAVOR_FLOCK, LOCK_FLAVOR_LEASE };

/* fcntl's lock commands (F_GETLK, F_SETLK, F_SETLKW, F_OFD_GETLK, F_OFD_SETLK, F_OFD_SETLKW) on
 * f, which descriptor fd of the caller named: 0 or -errno (-EAGAIN, -EDEADLK, -ERESTARTSYS,
 * -EBADF, -EINVAL, -EOVERFLOW, -EFAULT, -ENOLCK). */
long fcntl_lock(int fd, struct file *f, unsigned int cmd, struct linux_flock __user *arg);

/* flock(2) on f: 0, -EWOULDBLOCK, -ERESTARTSYS, -EINVAL. */
long flock_file(struct file *f, unsigned int operation);

/* F_SETLEASE (arg F_RDLCK, F_WRLCK, F_UNLCK) and F_GETLEASE on f, named by descriptor fd
 * (fs/leases.c): 0 or the lease type, or -EINVAL, -EACCES, -EAGAIN, -ENOLCK. */
long fcntl_lease(struct file *f, int fd, unsigned int cmd, uint64_t arg);

/* An open with oflags (or a truncate: O_WRONLY) of inode is about to happen: break the
 * leases it conflicts with (their holders get their signal) and wait, interruptibly, until
 * they are released or downgraded or the break time passes. 0, -EWOULDBLOCK (O_NONBLOCK),
 * -ERESTARTSYS. Cheap when the inode never had a lock. */
int lease_break(struct inode *inode, uint32_t oflags);

/* Seconds a lease holder has to answer a break before it is forced (Linux's
 * /proc/sys/fs/lease-break-time, default 45; 0 or less: at once). Read and written
 * atomically; the place for a sysctl file to connect to. */
extern int lease_break_time;

/* A descriptor of table `owner` naming f is being closed: drop owner's POSIX locks on f's
 * inode (the POSIX rule: any close releases them all). Cheap when the inode has no locks. */
void locks_remove_posix(struct file *f, struct fd_table *owner);

/* f's last reference went: drop its OFD and flock locks. */
void locks_remove_file(struct file *f);

/* The inode is being freed: free its lock context. */
void locks_inode_evict(struct inode *inode);

/* /proc/locks: fn gets every lock, newest first, with file_lock_lock held (fn must not sleep;
 * kmalloc is allowed). */
struct file_lock_info {
	enum lock_flavor flavor;
	bool breaking; /* a lease whose break is pending */
	int type; /* F_RDLCK or F_WRLCK (a lease: the type it is going to) */
	int pid; /* -1 for OFD locks, as Linux shows them */
	uint64_t dev, ino;
	int64_t start, end; /* end INT64_MAX: "EOF" */
};
void locks_for_each(void (*fn)(const struct file_lock_info *li, void *ctx), void *ctx);

#endif
