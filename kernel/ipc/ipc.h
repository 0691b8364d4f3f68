/* System V IPC (svipc(7)): what shared memory (shm.c), semaphores (sem.c) and message queues
 * (msg.c) have in common — the table of each kind mapping keys to objects, Linux's id encoding
 * (seq * IPC_SEQ_MULTIPLIER + index, so a stale id fails), the owner/creator/mode of each object
 * and its permission checks, and the system-wide limits.
 *
 * Locking: each kind has one ipc_ids whose spinlock (ids->lock, taken with IRQs off) guards its
 * table and every mutable field of every object of that kind, the objects' wait queues
 * included (a blocked semop or msgsnd/msgrcv sleeps on them with the lock dropped). Nothing
 * touches user memory and nothing sleeps except through those wait queues while holding it.
 * Lock order: ids->lock before a process's lock (credential checks) and before
 * shared_anon.lock / phys_lock / kmalloc; mm->lock before shm's ids->lock (a shared memory
 * mapping's release, which may run under mm->lock, updates its segment). The three kinds' locks
 * are never held together. */
#ifndef IPC_IPC_H
#define IPC_IPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <uapi/ipc.h>

#define IPCMNI 32768 /* indexes per kind (Linux without ipcmni_extend) */
#define IPC_SEQ_MULTIPLIER IPCMNI
#define IPC_SEQ_MAX (INT32_MAX / IPC_SEQ_MULTIPLIER)
#define IPC_MIN_CYCLE 64 /* indexes are handed out cyclically over at least this many */

/* The limits (/proc/sys/kernel/{shmmax,shmall,shmmni,sem,msgmax,msgmnb,msgmni}): read with
 * READ_ONCE, written whole by the /proc/sys table (not connected yet: see docs/ipc.md). */
extern uint64_t ipc_shmmax, ipc_shmall; /* bytes per segment, pages in all */
extern int ipc_shmmni;
extern int ipc_sem_ctls[4]; /* semmsl, semmns, semopm, semmni (the order of kernel.sem) */
extern int ipc_msgmax, ipc_msgmnb, ipc_msgmni;
/* kernel.{shm,sem,msg}_next_id (checkpoint/restore): the id the next object of the kind gets
 * (or the first free index after it), -1 for the usual choice; taken (reset to -1) by it. */
extern int ipc_shm_next_id, ipc_sem_next_id, ipc_msg_next_id;

/* An object's identity and permissions (embedded first in each kind's object). */
struct ipc_obj {
	int id; /* immutable once added */
	uint16_t seq; /* immutable once added */
	int32_t key; /* ids->lock: IPC_PRIVATE once removed (the key is free again) */
	uint32_t uid, gid, cuid, cgid, mode; /* ids->lock */
	bool deleted; /* ids->lock: removed from the table; sleepers see EIDRM */
};

struct ipc_ids {
	struct spinlock lock; /* see the header comment */
	struct ipc_obj **slot; /* lock: nslots entries, NULL when free */
	int nslots; /* lock */
	int in_use; /* lock: objects in the table */
	int last_idx; /* lock: the index handed out last (-1 before the first) */
	uint16_t seq; /* lock: the sequence number of new objects */
	int *next_id; /* immutable: the kind's *_next_id (atomic) */
};

#define IPC_IDS_INIT(n, next) { .lock = SPINLOCK_INIT(n), .last_idx = -1, .next_id = &(next) }

/* Access the caller asks for, as mode bits of the owner triple (0400 read, 0200 write...). */
#define IPC_ACC_READ 0444
#define IPC_ACC_WRITE 0222
#define IPC_ACC_EXEC 0111

/* ---- the table ---- */
/* The object whose key is key (never IPC_PRIVATE), or NULL. */
struct ipc_obj *ipc_find_key_locked(struct ipc_ids *ids, int32_t key);
/* The object id names (index and sequence number), or NULL: a stale or bad id. */
struct ipc_obj *ipc_obtain_locked(struct ipc_ids *ids, int id);
/* The object at index idx (the *_STAT commands), or NULL. */
struct ipc_obj *ipc_at_index_locked(struct ipc_ids *ids, int idx);
/* Highest index in use, or -1 (what the *_INFO commands return, at least 0). */
int ipc_max_index_locked(struct ipc_ids *ids);
/* Give o an index and id (o's owner fields set by ipc_obj_init): the id, -ENOSPC past limit
 * objects, -ENOMEM. */
int ipc_add_locked(struct ipc_ids *ids, struct ipc_obj *o, int limit);
/* Take o out of the table: its id fails from now on and sleepers see `deleted`. */
void ipc_remove_locked(struct ipc_ids *ids, struct ipc_obj *o);
/* A new object's key, owner and creator (the caller's effective ids) and mode bits. */
void ipc_obj_init(struct ipc_obj *o, int32_t key, int flags);

/* ---- *get ---- */
struct ipc_get_ops {
	/* Make and add a new object (ids->lock held): its id or -errno. */
	int (*create)(struct ipc_ids *ids, int32_t key, int flags, void *arg);
	/* An existing object matches the request (size, count): 0 or -errno; NULL: always. */
	int (*check)(struct ipc_obj *o, void *arg);
};
/* shmget/semget/msgget's common part with Linux's order of errors: ENOENT, EEXIST, the kind's
 * check, EACCES. */
int ipc_get(struct ipc_ids *ids, int32_t key, int flags, const struct ipc_get_ops *ops,
	    void *arg);

/* ---- permissions ---- */
/* Linux's ipcperms: the caller may access o as `acc` (IPC_ACC_*, 0 always passes);
 * CAP_IPC_OWNER may do anything. */
bool ipc_permitted_locked(struct ipc_ids *ids, const struct ipc_obj *o, int acc);
/* The same check for an object guarded by another lock (POSIX message queues, held). */
bool ipc_access_ok(const struct ipc_obj *o, int acc);
/* The caller's effective uid. */
uint32_t ipc_current_euid(void);
/* The caller owns or created o, or has CAP_SYS_ADMIN (IPC_SET, IPC_RMID; else EPERM). */
bool ipc_owner_locked(struct ipc_ids *ids, const struct ipc_obj *o);
/* o as struct ipc64_perm. */
void ipc_perm_fill_locked(struct ipc_ids *ids, const struct ipc_obj *o, struct ipc64_perm *p);
/* IPC_SET: owner uid/gid and the mode's permission bits from p; -EINVAL for an id of -1. */
int ipc_perm_set_locked(struct ipc_ids *ids, struct ipc_obj *o, const struct ipc64_perm *p);

/* The object a *ctl command names: by id, or by index for the *_STAT commands (stat_by_index),
 * checked for `acc`. NULL with *err -EINVAL (no such id) or -EACCES. */
struct ipc_obj *ipc_ctl_lookup_locked(struct ipc_ids *ids, int id, bool stat_by_index, int acc,
				      int *err);

/* ---- the read-only *ctl commands ---- */
/* A kind's part of them: fill its struct at ds from o (the *_INFO commands: o is NULL) under
 * ids->lock. */
typedef void (*ipc_fill_fn)(struct ipc_obj *o, void *ds);
/* cmd IPC_STAT (by id, read permission; returns 0), the kind's *_STAT (by index, read
 * permission) or its *_STAT_ANY (any_cmd: by index, no check), which return the id: ds (size
 * bytes, zeroed first) is filled and copied to buf. */
long ipc_stat(struct ipc_ids *ids, int id, int cmd, int any_cmd, ipc_fill_fn fill, void *ds,
	      size_t size, void __user *buf);
/* IPC_INFO and the kind's *_INFO: info (size bytes, the limits already there) completed by fill
 * (may be NULL) and copied to buf; returns the highest index in use (at least 0). */
long ipc_info(struct ipc_ids *ids, ipc_fill_fn fill, void *info, size_t size, void __user *buf);

/* ---- /proc/sysvipc/{shm,sem,msg} ---- */
/* Each file's header, then one line per object in index order, in Linux's format; lines are
 * handed to emit with the kind's lock held (emit may only append to a buffer). */
typedef void (*ipc_emit_fn)(void *ctx, const char *line);
void shm_proc_show(ipc_emit_fn emit, void *ctx);
void sem_proc_show(ipc_emit_fn emit, void *ctx);
void msg_proc_show(ipc_emit_fn emit, void *ctx);
#define IPC_PROC_LINE_MAX 256
/* For the kinds' *_proc_show: emit the header, then each object's line (line_of formats o). */
void ipc_proc_show(struct ipc_ids *ids, const char *header,
		   void (*line_of)(struct ipc_obj *o, char *buf, size_t n), ipc_emit_fn emit,
		   void *ctx);

/* ---- helpers ---- */
int64_t ipc_now(void); /* seconds since the epoch (the *_time fields) */
int ipc_current_pid(void); /* the caller's pid (tgid), 0 for a kernel thread */

#endif
