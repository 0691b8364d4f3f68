/* System V IPC's common part (ipc/ipc.h): the key -> object table of each kind with Linux's
 * cyclic index allocation and id encoding, the *get lookup-or-create, permission checks and
 * the ipc64_perm conversions. */
#include <ipc/ipc.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <core/time.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <lib/string.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/msg.h>
#include <uapi/sem.h>
#include <uapi/shm.h>

uint64_t ipc_shmmax = SHMMAX, ipc_shmall = SHMALL;
int ipc_shmmni = SHMMNI;
int ipc_sem_ctls[4] = { SEMMSL, SEMMNS, SEMOPM, SEMMNI };
int ipc_msgmax = MSGMAX, ipc_msgmnb = MSGMNB, ipc_msgmni = MSGMNI;
int ipc_shm_next_id = -1, ipc_sem_next_id = -1, ipc_msg_next_id = -1;

int64_t ipc_now(void)
{
	return (int64_t)(time_realtime_ns() / NSEC_PER_SEC);
}

int ipc_current_pid(void)
{
	struct process *p = process_current();
	return p ? p->pid : 0;
}

/* The caller's effective user and group ids (root for a kernel thread). */
static void current_eids(uint32_t *euid, uint32_t *egid)
{
	struct process *p = process_current();
	*euid = *egid = 0;
	if (!p)
		return;
	uint64_t f = spin_lock_irqsave(&p->lock);
	*euid = p->cred.euid;
	*egid = p->cred.egid;
	spin_unlock_irqrestore(&p->lock, f);
}

uint32_t ipc_current_euid(void)
{
	uint32_t euid, egid;
	current_eids(&euid, &egid);
	return euid;
}

/* ---- the table ---------------------------------------------------------------------------- */

struct ipc_obj *ipc_find_key_locked(struct ipc_ids *ids, int32_t key)
{
	spin_assert_held(&ids->lock);
	if (key == IPC_PRIVATE)
		return NULL;
	for (int i = 0; i < ids->nslots; i++)
		if (ids->slot[i] && ids->slot[i]->key == key)
			return ids->slot[i];
	return NULL;
}

struct ipc_obj *ipc_at_index_locked(struct ipc_ids *ids, int idx)
{
	spin_assert_held(&ids->lock);
	return idx >= 0 && idx < ids->nslots ? ids->slot[idx] : NULL;
}

struct ipc_obj *ipc_obtain_locked(struct ipc_ids *ids, int id)
{
	if (id < 0)
		return NULL;
	struct ipc_obj *o = ipc_at_index_locked(ids, id % IPC_SEQ_MULTIPLIER);
	return o && o->seq == id / IPC_SEQ_MULTIPLIER ? o : NULL;
}

int ipc_max_index_locked(struct ipc_ids *ids)
{
	spin_assert_held(&ids->lock);
	for (int i = ids->nslots - 1; i >= 0; i--)
		if (ids->slot[i])
			return i;
	return -1;
}

/* Make room for n slots (n <= IPCMNI). */
static int grow_locked(struct ipc_ids *ids, int n)
{
	spin_assert_held(&ids->lock);
	int want = MAX(ids->nslots * 2, n);
	want = MIN(want, IPCMNI);
	struct ipc_obj **slot = kmalloc((size_t)want * sizeof(*slot));
	if (!slot)
		return -ENOMEM;
	if (ids->nslots)
		memcpy(slot, ids->slot, (size_t)ids->nslots * sizeof(*slot));
	kfree(ids->slot);
	ids->slot = slot;
	ids->nslots = want;
	return 0;
}

/* The first free index at or after from and below max, wrapping round to 0 (Linux's
 * idr_alloc_cyclic), or -1. */
static int free_index_locked(struct ipc_ids *ids, int from, int max)
{
	spin_assert_held(&ids->lock);
	if (from >= max)
		from = 0;
	for (int n = 0, i = from; n < max; n++, i = i + 1 == max ? 0 : i + 1)
		if (!ids->slot[i])
			return i;
	return -1;
}

/* The index for a new object and its sequence number: Linux's cyclic choice, or with a
 * *_next_id set (checkpoint/restore), the first free index from that id's on, with its
 * sequence number. -ENOSPC or -ENOMEM. */
static int pick_index_locked(struct ipc_ids *ids, uint16_t *seq)
{
	spin_assert_held(&ids->lock);
	int want = ids->next_id ? __atomic_exchange_n(ids->next_id, -1, __ATOMIC_RELAXED) : -1;
	/* As Linux: indexes cycle over half as many again as are in use, at least 64. */
	int max = want >= 0 ? IPCMNI : MIN(MAX(ids->in_use * 3 / 2, IPC_MIN_CYCLE), IPCMNI);
	if (max > ids->nslots && grow_locked(ids, max))
		return -ENOMEM;
	if (want >= 0) {
		*seq = (uint16_t)(want / IPC_SEQ_MULTIPLIER);
		for (int i = want % IPC_SEQ_MULTIPLIER; i < max; i++)
			if (!ids->slot[i])
				return i;
		return -ENOSPC;
	}
	int idx = free_index_locked(ids, ids->last_idx + 1, max);
	if (idx < 0)
		return -ENOSPC;
	if (idx <= ids->last_idx && ++ids->seq >= IPC_SEQ_MAX)
		ids->seq = 0;
	ids->last_idx = idx;
	*seq = ids->seq;
	return idx;
}

int ipc_add_locked(struct ipc_ids *ids, struct ipc_obj *o, int limit)
{
	spin_assert_held(&ids->lock);
	if (ids->in_use >= MIN(limit, IPCMNI))
		return -ENOSPC;
	int idx = pick_index_locked(ids, &o->seq);
	if (idx < 0)
		return idx;
	o->id = o->seq * IPC_SEQ_MULTIPLIER + idx;
	o->deleted = false;
	ids->slot[idx] = o;
	ids->in_use++;
	return o->id;
}

void ipc_remove_locked(struct ipc_ids *ids, struct ipc_obj *o)
{
	spin_assert_held(&ids->lock);
	int idx = o->id % IPC_SEQ_MULTIPLIER;
	if (ids->slot[idx] == o) {
		ids->slot[idx] = NULL;
		ids->in_use--;
	}
	o->key = IPC_PRIVATE;
	o->deleted = true;
}

void ipc_obj_init(struct ipc_obj *o, int32_t key, int flags)
{
	o->key = key;
	current_eids(&o->uid, &o->gid);
	o->cuid = o->uid;
	o->cgid = o->gid;
	o->mode = (uint32_t)flags & IPC_MODE_BITS;
}

int ipc_get(struct ipc_ids *ids, int32_t key, int flags, const struct ipc_get_ops *ops,
	    void *arg)
{
	uint64_t f = spin_lock_irqsave(&ids->lock);
	struct ipc_obj *o = ipc_find_key_locked(ids, key);
	int r;
	if (key == IPC_PRIVATE || (!o && (flags & IPC_CREAT)))
		r = ops->create(ids, key, flags, arg);
	else if (!o)
		r = -ENOENT;
	else if ((flags & IPC_CREAT) && (flags & IPC_EXCL))
		r = -EEXIST;
	else if (ops->check && (r = ops->check(o, arg)) != 0)
		;
	else if (!ipc_permitted_locked(ids, o, flags & IPC_MODE_BITS))
		r = -EACCES;
	else
		r = o->id;
	spin_unlock_irqrestore(&ids->lock, f);
	return r;
}

/* ---- permissions -------------------------------------------------------------------------- */

bool ipc_permitted_locked(struct ipc_ids *ids, const struct ipc_obj *o, int acc)
{
	spin_assert_held(&ids->lock);
	return ipc_access_ok(o, acc);
}

bool ipc_access_ok(const struct ipc_obj *o, int acc)
{
	int requested = ((acc >> 6) | (acc >> 3) | acc) & 07;
	uint32_t granted = o->mode, euid = ipc_current_euid();
	if (euid == o->uid || euid == o->cuid)
		granted >>= 6;
	else if (current_in_group(o->gid) || current_in_group(o->cgid))
		granted >>= 3;
	return !(requested & ~granted & 07) || capable(CAP_IPC_OWNER);
}

bool ipc_owner_locked(struct ipc_ids *ids, const struct ipc_obj *o)
{
	spin_assert_held(&ids->lock);
	uint32_t euid = ipc_current_euid();
	return euid == o->uid || euid == o->cuid || capable(CAP_SYS_ADMIN);
}

void ipc_perm_fill_locked(struct ipc_ids *ids, const struct ipc_obj *o, struct ipc64_perm *p)
{
	spin_assert_held(&ids->lock);
	memset(p, 0, sizeof(*p));
	p->key = o->key;
	p->uid = o->uid;
	p->gid = o->gid;
	p->cuid = o->cuid;
	p->cgid = o->cgid;
	p->mode = o->mode;
	p->seq = o->seq;
}

int ipc_perm_set_locked(struct ipc_ids *ids, struct ipc_obj *o, const struct ipc64_perm *p)
{
	spin_assert_held(&ids->lock);
	if (p->uid == UINT32_MAX || p->gid == UINT32_MAX)
		return -EINVAL; /* (uid_t)-1 names nobody */
	o->uid = p->uid;
	o->gid = p->gid;
	o->mode = (o->mode & ~(uint32_t)IPC_MODE_BITS) | (p->mode & IPC_MODE_BITS);
	return 0;
}

struct ipc_obj *ipc_ctl_lookup_locked(struct ipc_ids *ids, int id, bool stat_by_index, int acc,
				      int *err)
{
	struct ipc_obj *o = stat_by_index ? ipc_at_index_locked(ids, id)
					  : ipc_obtain_locked(ids, id);
	*err = -EINVAL;
	if (!o)
		return NULL;
	*err = -EACCES;
	return ipc_permitted_locked(ids, o, acc) ? o : NULL;
}

/* ---- the read-only *ctl commands ---------------------------------------------------------- */

long ipc_stat(struct ipc_ids *ids, int id, int cmd, int any_cmd, ipc_fill_fn fill, void *ds,
	      size_t size, void __user *buf)
{
	int err;
	memset(ds, 0, size);
	uint64_t f = spin_lock_irqsave(&ids->lock);
	struct ipc_obj *o = ipc_ctl_lookup_locked(ids, id, cmd != IPC_STAT,
						  cmd == any_cmd ? 0 : IPC_ACC_READ, &err);
	if (o) {
		fill(o, ds);
		err = cmd == IPC_STAT ? 0 : o->id;
	}
	spin_unlock_irqrestore(&ids->lock, f);
	if (err >= 0 && copy_to_user(buf, ds, size))
		return -EFAULT;
	return err;
}

long ipc_info(struct ipc_ids *ids, ipc_fill_fn fill, void *info, size_t size, void __user *buf)
{
	uint64_t f = spin_lock_irqsave(&ids->lock);
	if (fill)
		fill(NULL, info);
	int max = ipc_max_index_locked(ids);
	spin_unlock_irqrestore(&ids->lock, f);
	if (copy_to_user(buf, info, size))
		return -EFAULT;
	return MAX(max, 0);
}

void ipc_proc_show(struct ipc_ids *ids, const char *header,
		   void (*line_of)(struct ipc_obj *o, char *buf, size_t n), ipc_emit_fn emit,
		   void *ctx)
{
	char line[IPC_PROC_LINE_MAX];
	emit(ctx, header);
	uint64_t f = spin_lock_irqsave(&ids->lock);
	for (int i = 0; i < ids->nslots; i++) {
		if (!ids->slot[i])
			continue;
		line_of(ids->slot[i], line, sizeof(line));
		emit(ctx, line);
	}
	spin_unlock_irqrestore(&ids->lock, f);
}
