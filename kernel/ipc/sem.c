/* System V semaphores (semget(2), semop(2), semctl(2)): sets of counters changed by arrays of
 * operations applied atomically, all or nothing; a caller whose operations cannot all go now
 * sleeps (interruptibly, never restarted, as Linux) until another change lets them, the set is
 * removed (EIDRM) or its timeout passes. SEM_UNDO adjustments are kept per process (shared
 * under CLONE_SYSVSEM) and applied when it exits. Locking: sem_ids.lock (ipc/ipc.h) guards
 * every set, every undo list and every undo entry. */
#include <ipc/ipc.h>
#include <ipc/sem.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <core/time.h>
#include <lib/list.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <sched/sched.h>
#include <sched/wait.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/sched.h>
#include <uapi/sem.h>
#include <uapi/time.h>

struct sem {
	int val; /* 0..SEMVMX */
	int pid; /* the last process to change it */
};

struct sem_array {
	struct ipc_obj perm; /* first: the table holds &perm */
	int nsems; /* immutable */
	int refs; /* sleepers in semop; a removed set is freed when none is left */
	int64_t otime, ctime;
	struct wait_queue wq; /* semop sleepers: woken at every change, each re-tries */
	struct list_node waiters; /* struct sem_waiter: what each sleeper waits for */
	struct list_node undos; /* struct sem_undo of every process that has adjustments */
	struct sem sems[];
};

/* A sleeping semop (GETNCNT/GETZCNT count them by the operation that blocks them). */
struct sem_waiter {
	struct list_node node; /* in sma->waiters */
	const struct sembuf *blocking; /* the operation that could not go */
};

/* A process's adjustments of one set. */
struct sem_undo {
	struct list_node list_node; /* in sem_undo_list.undos */
	struct list_node set_node; /* in sma->undos */
	struct sem_array *sma;
	int semid;
	int16_t adj[]; /* sma->nsems */
};

/* What a process (and the children it shares it with, CLONE_SYSVSEM) will undo at exit. */
struct sem_undo_list {
	int refs;
	struct list_node undos;
};

static struct ipc_ids sem_ids = IPC_IDS_INIT("sem_ids", ipc_sem_next_id);
static int used_sems; /* sem_ids.lock: semaphores in all sets */

static struct sem_array *sma_of(struct ipc_obj *o)
{
	return container_of(o, struct sem_array, perm);
}

static void sma_wake_locked(struct sem_array *sma)
{
	spin_assert_held(&sem_ids.lock);
	wait_queue_wake_locked(&sma->wq, 0);
}

static void undo_free_locked(struct sem_undo *un)
{
	spin_assert_held(&sem_ids.lock);
	list_remove(&un->list_node);
	list_remove(&un->set_node);
	kfree(un);
}

/* IPC_RMID: out of the table, sleepers woken (EIDRM), adjustments forgotten; freed now or by
 * its last sleeper. */
static void sma_remove_locked(struct sem_array *sma)
{
	spin_assert_held(&sem_ids.lock);
	ipc_remove_locked(&sem_ids, &sma->perm);
	used_sems -= sma->nsems;
	while (!list_empty(&sma->undos))
		undo_free_locked(list_entry(sma->undos.next, struct sem_undo, set_node));
	sma_wake_locked(sma);
	if (sma->refs == 0)
		kfree(sma);
}

/* ---- semget ------------------------------------------------------------------------------- */

static int sem_create(struct ipc_ids *ids, int32_t key, int flags, void *arg)
{
	spin_assert_held(&ids->lock);
	int nsems = *(int *)arg;
	if (nsems == 0)
		return -EINVAL;
	if (used_sems + nsems > READ_ONCE(ipc_sem_ctls[1]))
		return -ENOSPC;
	struct sem_array *sma = kmalloc(sizeof(*sma) + (size_t)nsems * sizeof(struct sem));
	if (!sma)
		return -ENOMEM;
	ipc_obj_init(&sma->perm, key, flags);
	sma->nsems = nsems;
	sma->ctime = ipc_now();
	wait_queue_init(&sma->wq);
	list_init(&sma->waiters);
	list_init(&sma->undos);
	int id = ipc_add_locked(ids, &sma->perm, READ_ONCE(ipc_sem_ctls[3]));
	if (id < 0) {
		kfree(sma);
		return id;
	}
	used_sems += nsems;
	return id;
}

static int sem_check(struct ipc_obj *o, void *arg)
{
	return *(int *)arg > sma_of(o)->nsems ? -EINVAL : 0;
}

static const struct ipc_get_ops sem_get_ops = { sem_create, sem_check };

SYSCALL_DEFINE3(semget, int32_t, key, int, nsems, int, semflg)
{
	if (nsems < 0 || nsems > READ_ONCE(ipc_sem_ctls[0]))
		return -EINVAL;
	return ipc_get(&sem_ids, key, semflg, &sem_get_ops, &nsems);
}

/* ---- undo lists --------------------------------------------------------------------------- */

/* p's undo list, made on first use; NULL on ENOMEM. */
static struct sem_undo_list *undo_list_locked(struct process *p)
{
	spin_assert_held(&sem_ids.lock);
	if (!p->sysvsem && (p->sysvsem = kmalloc(sizeof(*p->sysvsem)))) {
		p->sysvsem->refs = 1;
		list_init(&p->sysvsem->undos);
	}
	return p->sysvsem;
}

/* The caller's adjustments of sma (made when absent), or NULL on ENOMEM. */
static struct sem_undo *undo_find_locked(struct sem_array *sma)
{
	spin_assert_held(&sem_ids.lock);
	struct sem_undo_list *ul = undo_list_locked(process_current());
	if (!ul)
		return NULL;
	struct list_node *n;
	list_for_each(n, &ul->undos) {
		struct sem_undo *un = list_entry(n, struct sem_undo, list_node);
		if (un->sma == sma)
			return un;
	}
	struct sem_undo *un = kmalloc(sizeof(*un) + (size_t)sma->nsems * sizeof(int16_t));
	if (!un)
		return NULL;
	un->sma = sma;
	un->semid = sma->perm.id;
	list_add_tail(&ul->undos, &un->list_node);
	list_add_tail(&sma->undos, &un->set_node);
	return un;
}

/* SETVAL (semnum >= 0) and SETALL (-1) forget the adjustments of what they set. */
static void undo_clear_locked(struct sem_array *sma, int semnum)
{
	spin_assert_held(&sem_ids.lock);
	struct list_node *n;
	list_for_each(n, &sma->undos) {
		struct sem_undo *un = list_entry(n, struct sem_undo, set_node);
		if (semnum >= 0)
			un->adj[semnum] = 0;
		else
			memset(un->adj, 0, (size_t)sma->nsems * sizeof(int16_t));
	}
}

int sem_fork(struct process *child, struct process *parent, uint64_t flags)
{
	child->sysvsem = NULL;
	if (!(flags & CLONE_SYSVSEM))
		return 0;
	uint64_t f = spin_lock_irqsave(&sem_ids.lock);
	/* Made now if need be, so that adjustments made later are shared too (as Linux). */
	child->sysvsem = undo_list_locked(parent);
	if (child->sysvsem)
		child->sysvsem->refs++;
	spin_unlock_irqrestore(&sem_ids.lock, f);
	return child->sysvsem ? 0 : -ENOMEM;
}

/* Apply one set's adjustments at exit, clamped to 0..SEMVMX as Linux does. */
static void undo_apply_locked(struct sem_undo *un, int pid)
{
	spin_assert_held(&sem_ids.lock);
	struct sem_array *sma = un->sma;
	for (int i = 0; i < sma->nsems; i++) {
		if (!un->adj[i])
			continue;
		int v = sma->sems[i].val + un->adj[i];
		sma->sems[i].val = v < 0 ? 0 : MIN(v, SEMVMX);
		sma->sems[i].pid = pid;
	}
	sma_wake_locked(sma);
}

void sem_exit(struct process *p)
{
	uint64_t f = spin_lock_irqsave(&sem_ids.lock);
	struct sem_undo_list *ul = p->sysvsem;
	p->sysvsem = NULL;
	if (ul && --ul->refs == 0) {
		while (!list_empty(&ul->undos)) {
			struct sem_undo *un =
				list_entry(ul->undos.next, struct sem_undo, list_node);
			undo_apply_locked(un, p->pid);
			undo_free_locked(un);
		}
		kfree(ul);
	}
	spin_unlock_irqrestore(&sem_ids.lock, f);
}

/* ---- semop, semtimedop -------------------------------------------------------------------- */

/* Undo what sem_try_locked applied of the first n operations. */
static void ops_revert_locked(struct sem_array *sma, const struct sembuf *sops, int n,
			      struct sem_undo *un)
{
	spin_assert_held(&sem_ids.lock);
	while (n-- > 0) {
		sma->sems[sops[n].sem_num].val -= sops[n].sem_op;
		if (sops[n].sem_flg & SEM_UNDO)
			un->adj[sops[n].sem_num] += sops[n].sem_op;
	}
}

/* Apply every operation, in order, or none: 0 done; 1 one must wait (*blocking); -EAGAIN it
 * must wait but has IPC_NOWAIT; -ERANGE a value or an adjustment out of range. */
static int sem_try_locked(struct sem_array *sma, const struct sembuf *sops, int nsops,
			  struct sem_undo *un, const struct sembuf **blocking)
{
	spin_assert_held(&sem_ids.lock);
	int i, r = 0;
	for (i = 0; i < nsops && r == 0; i++) {
		const struct sembuf *op = &sops[i];
		struct sem *s = &sma->sems[op->sem_num];
		int v = s->val + op->sem_op;
		if ((op->sem_op == 0 && s->val != 0) || v < 0) {
			*blocking = op;
			r = op->sem_flg & IPC_NOWAIT ? -EAGAIN : 1;
		} else if (v > SEMVMX) {
			r = -ERANGE;
		} else if (op->sem_flg & SEM_UNDO) {
			int adj = un->adj[op->sem_num] - op->sem_op;
			if (adj < -SEMAEM - 1 || adj > SEMAEM)
				r = -ERANGE;
			else
				un->adj[op->sem_num] = (int16_t)adj;
		}
		if (r == 0)
			s->val = v;
	}
	if (r) {
		ops_revert_locked(sma, sops, i - 1, un);
		return r;
	}
	int pid = ipc_current_pid();
	for (i = 0; i < nsops; i++)
		sma->sems[sops[i].sem_num].pid = pid;
	sma->otime = ipc_now();
	return 0;
}

/* semop's checks on the set, in Linux's order (EFBIG, EACCES), and the caller's adjustments
 * when an operation asks for SEM_UNDO. */
static int semop_prepare_locked(struct sem_array *sma, const struct sembuf *sops, int nsops,
				struct sem_undo **un)
{
	spin_assert_held(&sem_ids.lock);
	bool alter = false, undo = false;
	int max = 0;
	for (int i = 0; i < nsops; i++) {
		max = MAX(max, sops[i].sem_num);
		alter |= sops[i].sem_op != 0;
		undo |= (sops[i].sem_flg & SEM_UNDO) != 0;
	}
	if (max >= sma->nsems)
		return -EFBIG;
	if (!ipc_permitted_locked(&sem_ids, &sma->perm, alter ? IPC_ACC_WRITE : IPC_ACC_READ))
		return -EACCES;
	*un = NULL;
	if (undo && !(*un = undo_find_locked(sma)))
		return -ENOMEM;
	return 0;
}

/* Try, and sleep until the operations can go: 0, -EAGAIN (IPC_NOWAIT or the timeout), -EINTR,
 * -EIDRM, -ERANGE. */
static int semop_wait_locked(struct sem_array *sma, const struct sembuf *sops, int nsops,
			     struct sem_undo *un, uint64_t deadline, uint64_t *fl)
{
	spin_assert_held(&sem_ids.lock);
	struct sem_waiter w;
	int r = sem_try_locked(sma, sops, nsops, un, &w.blocking);
	if (r != 1)
		return r;
	list_add_tail(&sma->waiters, &w.node);
	sma->refs++;
	while (r == 1) {
		r = signal_wait_queue_sleep_locked(&sma->wq, &sem_ids.lock, fl, deadline);
		if (sma->perm.deleted)
			r = -EIDRM; /* un went with the set */
		else if (r == -ETIMEDOUT)
			r = -EAGAIN;
		else if (r == 0)
			r = sem_try_locked(sma, sops, nsops, un, &w.blocking);
	}
	list_remove(&w.node);
	if (--sma->refs == 0 && sma->perm.deleted)
		kfree(sma);
	return r;
}

static long do_semtimedop(int semid, struct sembuf __user *usops, uint32_t nsops,
			  const struct linux_timespec __user *uts)
{
	if (nsops < 1 || semid < 0)
		return -EINVAL;
	if (nsops > (uint32_t)READ_ONCE(ipc_sem_ctls[2]))
		return -E2BIG;
	struct sembuf *sops = kmalloc(nsops * sizeof(*sops));
	if (!sops)
		return -ENOMEM;
	uint64_t deadline;
	long r = -EFAULT;
	if (!copy_from_user(sops, usops, nsops * sizeof(*sops)))
		r = timeout_from_user(uts, &deadline);
	if (r)
		goto out_free;
	uint64_t f = spin_lock_irqsave(&sem_ids.lock);
	struct ipc_obj *o = ipc_obtain_locked(&sem_ids, semid);
	struct sem_undo *un;
	r = -EINVAL;
	if (o && (r = semop_prepare_locked(sma_of(o), sops, (int)nsops, &un)) == 0)
		r = semop_wait_locked(sma_of(o), sops, (int)nsops, un, deadline, &f);
	if (r == 0)
		sma_wake_locked(sma_of(o));
	spin_unlock_irqrestore(&sem_ids.lock, f);
out_free:
	kfree(sops);
	return r;
}

SYSCALL_DEFINE3(semop, int, semid, struct sembuf __user *, sops, uint32_t, nsops)
{
	return do_semtimedop(semid, sops, nsops, NULL);
}

SYSCALL_DEFINE4(semtimedop, int, semid, struct sembuf __user *, sops, uint32_t, nsops,
		const struct linux_timespec __user *, timeout)
{
	return do_semtimedop(semid, sops, nsops, timeout);
}

/* ---- semctl ------------------------------------------------------------------------------- */

static void sem_info_fill(struct ipc_obj *unused, void *p)
{
	(void)unused;
	spin_assert_held(&sem_ids.lock);
	struct seminfo *si = p;
	si->semusz = sem_ids.in_use;
	si->semaem = used_sems;
}

static long sem_info(int cmd, void __user *buf)
{
	struct seminfo si = {
		.semmni = READ_ONCE(ipc_sem_ctls[3]), .semmns = READ_ONCE(ipc_sem_ctls[1]),
		.semmsl = READ_ONCE(ipc_sem_ctls[0]), .semopm = READ_ONCE(ipc_sem_ctls[2]),
		.semvmx = SEMVMX, .semmnu = SEMMNU, .semmap = SEMMAP, .semume = SEMUME,
		.semusz = SEMUSZ, .semaem = SEMAEM,
	};
	return ipc_info(&sem_ids, cmd == SEM_INFO ? sem_info_fill : NULL, &si, sizeof(si), buf);
}

static void sem_fill(struct ipc_obj *o, void *p)
{
	spin_assert_held(&sem_ids.lock);
	struct semid64_ds *ds = p;
	ipc_perm_fill_locked(&sem_ids, o, &ds->sem_perm);
	ds->sem_otime = sma_of(o)->otime;
	ds->sem_ctime = sma_of(o)->ctime;
	ds->sem_nsems = (uint64_t)sma_of(o)->nsems;
}

/* Sleepers blocked by an operation on semaphore n that waits for it to grow (GETNCNT) or to
 * be zero (GETZCNT). */
static int sem_count_waiters_locked(struct sem_array *sma, int n, bool zero)
{
	spin_assert_held(&sem_ids.lock);
	int count = 0;
	struct list_node *pos;
	list_for_each(pos, &sma->waiters) {
		const struct sembuf *b = list_entry(pos, struct sem_waiter, node)->blocking;
		count += b->sem_num == n && (zero ? b->sem_op == 0 : b->sem_op < 0);
	}
	return count;
}

/* GETVAL, GETPID, GETNCNT, GETZCNT and SETVAL on semaphore n of sma. */
static long sem_one_locked(struct sem_array *sma, int n, int cmd, int val)
{
	spin_assert_held(&sem_ids.lock);
	if (n < 0 || n >= sma->nsems)
		return -EINVAL;
	if (!ipc_permitted_locked(&sem_ids, &sma->perm,
				  cmd == SETVAL ? IPC_ACC_WRITE : IPC_ACC_READ))
		return -EACCES;
	switch (cmd) {
	case GETVAL:
		return sma->sems[n].val;
	case GETPID:
		return sma->sems[n].pid;
	case GETNCNT:
	case GETZCNT:
		return sem_count_waiters_locked(sma, n, cmd == GETZCNT);
	}
	sma->sems[n].val = val;
	sma->sems[n].pid = ipc_current_pid();
	sma->ctime = ipc_now();
	undo_clear_locked(sma, n);
	sma_wake_locked(sma);
	return 0;
}

/* GETALL and SETALL through vals (the set's size, which *nsems gives back), SETALL's values
 * already copied in. */
static long sem_all_locked(struct sem_array *sma, int cmd, uint16_t *vals, int max)
{
	spin_assert_held(&sem_ids.lock);
	if (!ipc_permitted_locked(&sem_ids, &sma->perm,
				  cmd == SETALL ? IPC_ACC_WRITE : IPC_ACC_READ))
		return -EACCES;
	if (sma->nsems > max)
		return -EAGAIN; /* the caller's buffer is too small: it retries with more */
	if (cmd == GETALL) {
		for (int i = 0; i < sma->nsems; i++)
			vals[i] = (uint16_t)sma->sems[i].val;
		return sma->nsems;
	}
	for (int i = 0; i < sma->nsems; i++)
		if (vals[i] > SEMVMX)
			return -ERANGE;
	int pid = ipc_current_pid();
	for (int i = 0; i < sma->nsems; i++) {
		sma->sems[i].val = vals[i];
		sma->sems[i].pid = pid;
	}
	sma->ctime = ipc_now();
	undo_clear_locked(sma, -1);
	sma_wake_locked(sma);
	return sma->nsems;
}

/* The set semid, checked for acc: its size, or -EINVAL/-EACCES. */
static int sem_nsems(int semid, int acc)
{
	int err;
	uint64_t f = spin_lock_irqsave(&sem_ids.lock);
	struct ipc_obj *o = ipc_ctl_lookup_locked(&sem_ids, semid, false, acc, &err);
	if (o)
		err = sma_of(o)->nsems;
	spin_unlock_irqrestore(&sem_ids.lock, f);
	return err;
}

/* GETALL, SETALL: the values go through a kernel buffer sized from a first look at the set. */
static long sem_all(int semid, int cmd, uint16_t __user *uvals)
{
	int n = sem_nsems(semid, cmd == SETALL ? IPC_ACC_WRITE : IPC_ACC_READ);
	if (n < 0)
		return n;
	uint16_t *vals = kmalloc((size_t)n * sizeof(*vals));
	if (!vals)
		return -ENOMEM;
	long r = 0;
	if (cmd == SETALL && copy_from_user(vals, uvals, (size_t)n * sizeof(*vals)))
		r = -EFAULT;
	if (r == 0) {
		uint64_t f = spin_lock_irqsave(&sem_ids.lock);
		struct ipc_obj *o = ipc_obtain_locked(&sem_ids, semid);
		r = o ? sem_all_locked(sma_of(o), cmd, vals, n) : -EIDRM;
		spin_unlock_irqrestore(&sem_ids.lock, f);
	}
	if (r == -EAGAIN)
		r = -EIDRM; /* another set under the same id: ours went */
	if (r >= 0 && cmd == GETALL && copy_to_user(uvals, vals, (size_t)r * sizeof(*vals)))
		r = -EFAULT;
	kfree(vals);
	return r < 0 ? r : 0;
}

/* IPC_SET (with set's values) and IPC_RMID. */
static long sem_change(int semid, int cmd, const struct semid64_ds *set)
{
	long err = 0;
	uint64_t f = spin_lock_irqsave(&sem_ids.lock);
	struct ipc_obj *o = ipc_obtain_locked(&sem_ids, semid);
	if (!o)
		err = -EINVAL;
	else if (!ipc_owner_locked(&sem_ids, o))
		err = -EPERM;
	else if (cmd == IPC_RMID)
		sma_remove_locked(sma_of(o));
	else if (!(err = ipc_perm_set_locked(&sem_ids, o, &set->sem_perm)))
		sma_of(o)->ctime = ipc_now();
	spin_unlock_irqrestore(&sem_ids.lock, f);
	return err;
}

static long sem_single(int semid, int semnum, int cmd, int val)
{
	if (cmd == SETVAL && (val < 0 || val > SEMVMX))
		return -ERANGE;
	uint64_t f = spin_lock_irqsave(&sem_ids.lock);
	struct ipc_obj *o = ipc_obtain_locked(&sem_ids, semid);
	long r = o ? sem_one_locked(sma_of(o), semnum, cmd, val) : -EINVAL;
	spin_unlock_irqrestore(&sem_ids.lock, f);
	return r;
}

SYSCALL_DEFINE4(semctl, int, semid, int, semnum, int, cmd, uint64_t, arg)
{
	void __user *p = (void __user *)arg;
	struct semid64_ds set, ds;
	if (semid < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case SEM_INFO:
		return sem_info(cmd, p);
	case IPC_STAT:
	case SEM_STAT:
	case SEM_STAT_ANY:
		return ipc_stat(&sem_ids, semid, cmd, SEM_STAT_ANY, sem_fill, &ds, sizeof(ds), p);
	case GETALL:
	case SETALL:
		return sem_all(semid, cmd, p);
	case GETVAL:
	case GETPID:
	case GETNCNT:
	case GETZCNT:
	case SETVAL:
		return sem_single(semid, semnum, cmd, (int)arg);
	case IPC_SET:
		if (copy_from_user(&set, p, sizeof(set)))
			return -EFAULT;
		return sem_change(semid, cmd, &set);
	case IPC_RMID:
		return sem_change(semid, cmd, NULL);
	default:
		return -EINVAL;
	}
}

/* ---- /proc/sysvipc/sem -------------------------------------------------------------------- */

static void sem_proc_line(struct ipc_obj *o, char *buf, size_t n)
{
	spin_assert_held(&sem_ids.lock);
	struct sem_array *sma = sma_of(o);
	ksnprintf(buf, n, "%10d %10d  %4o %10u %5u %5u %5u %5u %10lld %10lld\n", o->key, o->id,
		  o->mode, (unsigned)sma->nsems, o->uid, o->gid, o->cuid, o->cgid,
		  (long long)sma->otime, (long long)sma->ctime);
}

void sem_proc_show(ipc_emit_fn emit, void *ctx)
{
	ipc_proc_show(&sem_ids,
		      "       key      semid perms      nsems   uid   gid  cuid  cgid      otime"
		      "      ctime\n",
		      sem_proc_line, emit, ctx);
}
