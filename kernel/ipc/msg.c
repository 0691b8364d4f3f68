/* System V message queues (msgget(2), msgop(2), msgctl(2)): typed messages queued in order,
 * received by type (any, equal, not equal, lowest up to a bound) or, with MSG_COPY, copied by
 * position. A sender waits while the queue is full, a receiver while nothing matches; both
 * sleeps are interruptible (-ERESTARTNOHAND: a handler makes them EINTR whatever SA_RESTART
 * says, as Linux) and end with EIDRM when the queue is removed. Locking: msg_ids.lock
 * (ipc/ipc.h); a message's text is copied from and to user memory with it dropped. */
#include <ipc/ipc.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <lib/list.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <sched/wait.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/msg.h>

struct msg_msg {
	struct list_node node; /* in the queue's messages */
	int64_t type;
	uint64_t size;
	char text[];
};

struct msg_queue {
	struct ipc_obj perm; /* first: the table holds &perm */
	int64_t stime, rtime, ctime;
	uint64_t cbytes, qnum, qbytes;
	int lspid, lrpid;
	int refs; /* sleepers; a removed queue is freed when none is left */
	struct list_node messages; /* struct msg_msg, oldest first */
	struct wait_queue wq; /* senders and receivers: woken at every change, each re-checks */
};

static struct ipc_ids msg_ids = IPC_IDS_INIT("msg_ids", ipc_msg_next_id);
static uint64_t msg_hdrs, msg_bytes; /* msg_ids.lock: messages queued in all queues */

/* How msgrcv picks a message (Linux's search modes). */
enum msg_search { SEARCH_ANY, SEARCH_EQUAL, SEARCH_NOTEQUAL, SEARCH_LESSEQUAL, SEARCH_NUMBER };

static struct msg_queue *msq_of(struct ipc_obj *o)
{
	return container_of(o, struct msg_queue, perm);
}

static void msq_wake_locked(struct msg_queue *q)
{
	spin_assert_held(&msg_ids.lock);
	wait_queue_wake_locked(&q->wq, 0);
}

static void msq_unlink_locked(struct msg_queue *q, struct msg_msg *m)
{
	spin_assert_held(&msg_ids.lock);
	list_remove(&m->node);
	q->qnum--;
	q->cbytes -= m->size;
	msg_hdrs--;
	msg_bytes -= m->size;
}

/* IPC_RMID: out of the table, messages freed, sleepers woken (EIDRM); the queue itself goes
 * now or with its last sleeper. */
static void msq_remove_locked(struct msg_queue *q)
{
	spin_assert_held(&msg_ids.lock);
	ipc_remove_locked(&msg_ids, &q->perm);
	while (!list_empty(&q->messages)) {
		struct msg_msg *m = list_entry(q->messages.next, struct msg_msg, node);
		msq_unlink_locked(q, m);
		kfree(m);
	}
	msq_wake_locked(q);
	if (q->refs == 0)
		kfree(q);
}

/* Sleep on q until woken: 0 (re-check), -ERESTARTNOHAND on a signal, -EIDRM when removed.
 * A removed queue whose last sleeper leaves here is freed: the caller must not touch it. */
static int msq_sleep_locked(struct msg_queue *q, uint64_t *fl)
{
	spin_assert_held(&msg_ids.lock);
	q->refs++;
	int r = signal_wait_queue_sleep_locked(&q->wq, &msg_ids.lock, fl, 0);
	q->refs--;
	if (q->perm.deleted) {
		if (q->refs == 0)
			kfree(q);
		return -EIDRM;
	}
	return r == -EINTR ? -ERESTARTNOHAND : 0;
}

/* ---- msgget ------------------------------------------------------------------------------- */

static int msg_create(struct ipc_ids *ids, int32_t key, int flags, void *arg)
{
	spin_assert_held(&ids->lock);
	(void)arg;
	struct msg_queue *q = kmalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	ipc_obj_init(&q->perm, key, flags);
	q->ctime = ipc_now();
	q->qbytes = (uint64_t)READ_ONCE(ipc_msgmnb);
	list_init(&q->messages);
	wait_queue_init(&q->wq);
	int id = ipc_add_locked(ids, &q->perm, READ_ONCE(ipc_msgmni));
	if (id < 0)
		kfree(q);
	return id;
}

static const struct ipc_get_ops msg_get_ops = { msg_create, NULL };

SYSCALL_DEFINE2(msgget, int32_t, key, int, msgflg)
{
	return ipc_get(&msg_ids, key, msgflg, &msg_get_ops, NULL);
}

/* ---- msgsnd ------------------------------------------------------------------------------- */

static bool msq_fits_locked(struct msg_queue *q, uint64_t size)
{
	spin_assert_held(&msg_ids.lock);
	return size + q->cbytes <= q->qbytes && q->qnum + 1 <= q->qbytes;
}

/* Queue m on msqid, waiting for room unless IPC_NOWAIT. 0 (m is the queue's) or -errno. */
static long msg_enqueue(int msqid, struct msg_msg *m, int msgflg)
{
	long r = 0;
	uint64_t f = spin_lock_irqsave(&msg_ids.lock);
	struct ipc_obj *o = ipc_obtain_locked(&msg_ids, msqid);
	struct msg_queue *q = o ? msq_of(o) : NULL;
	while (r == 0) {
		if (!q)
			r = -EINVAL;
		else if (!ipc_permitted_locked(&msg_ids, &q->perm, IPC_ACC_WRITE))
			r = -EACCES;
		else if (msq_fits_locked(q, m->size))
			break;
		else if (msgflg & IPC_NOWAIT)
			r = -EAGAIN;
		else
			r = msq_sleep_locked(q, &f);
	}
	if (r == 0) {
		list_add_tail(&q->messages, &m->node);
		q->qnum++;
		q->cbytes += m->size;
		msg_hdrs++;
		msg_bytes += m->size;
		q->lspid = ipc_current_pid();
		q->stime = ipc_now();
		msq_wake_locked(q);
	}
	spin_unlock_irqrestore(&msg_ids.lock, f);
	return r;
}

SYSCALL_DEFINE4(msgsnd, int, msqid, const void __user *, msgp, uint64_t, msgsz, int, msgflg)
{
	int64_t type;
	if (copy_from_user(&type, msgp, sizeof(type)))
		return -EFAULT;
	if (msgsz > (uint64_t)READ_ONCE(ipc_msgmax) || msqid < 0 || type < 1)
		return -EINVAL;
	struct msg_msg *m = kmalloc(sizeof(*m) + msgsz);
	if (!m)
		return -ENOMEM;
	m->type = type;
	m->size = msgsz;
	long r = copy_from_user(m->text, (const char __user *)msgp + sizeof(type), msgsz)
			 ? -EFAULT
			 : msg_enqueue(msqid, m, msgflg);
	if (r)
		kfree(m);
	return r;
}

/* ---- msgrcv ------------------------------------------------------------------------------- */

static enum msg_search msg_mode(int64_t *msgtyp, int msgflg)
{
	if (msgflg & MSG_COPY)
		return SEARCH_NUMBER;
	if (*msgtyp == 0)
		return SEARCH_ANY;
	if (*msgtyp < 0) {
		*msgtyp = *msgtyp == INT64_MIN ? INT64_MAX : -*msgtyp;
		return SEARCH_LESSEQUAL;
	}
	return msgflg & MSG_EXCEPT ? SEARCH_NOTEQUAL : SEARCH_EQUAL;
}

/* The message msgrcv takes (Linux's find_msg), or NULL. */
static struct msg_msg *msg_find_locked(struct msg_queue *q, int64_t typ, enum msg_search mode)
{
	spin_assert_held(&msg_ids.lock);
	struct msg_msg *found = NULL;
	int64_t n = 0;
	struct list_node *pos;
	list_for_each(pos, &q->messages) {
		struct msg_msg *m = list_entry(pos, struct msg_msg, node);
		bool match = mode == SEARCH_ANY || (mode == SEARCH_EQUAL && m->type == typ) ||
			     (mode == SEARCH_NOTEQUAL && m->type != typ) ||
			     (mode == SEARCH_NUMBER && n++ == typ) ||
			     (mode == SEARCH_LESSEQUAL && m->type <= typ &&
			      (!found || m->type < found->type));
		if (match && mode != SEARCH_LESSEQUAL)
			return m;
		if (match)
			found = m;
	}
	return found;
}

/* What msgrcv asked for. */
struct msg_rcv {
	uint64_t bufsz;
	int64_t typ;
	enum msg_search mode;
	int flags;
	struct msg_msg *copy; /* MSG_COPY: the buffer the message is copied into */
};

/* One look at the queue: the message (taken off the queue, or MSG_COPY's copy), or NULL with
 * *err (-EACCES, -E2BIG, -ENOMSG, or 1: wait). */
static struct msg_msg *msg_take_locked(struct msg_queue *q, struct msg_rcv *rq, long *err)
{
	spin_assert_held(&msg_ids.lock);
	if (!ipc_permitted_locked(&msg_ids, &q->perm, IPC_ACC_READ)) {
		*err = -EACCES;
		return NULL;
	}
	struct msg_msg *m = msg_find_locked(q, rq->typ, rq->mode);
	*err = !m ? ((rq->flags & IPC_NOWAIT) ? -ENOMSG : 1) : 0;
	if (m && rq->bufsz < m->size && !(rq->flags & MSG_NOERROR))
		*err = -E2BIG;
	if (*err)
		return NULL;
	if (rq->copy) {
		rq->copy->type = m->type;
		rq->copy->size = MIN(m->size, rq->bufsz);
		memcpy(rq->copy->text, m->text, rq->copy->size);
		return rq->copy;
	}
	msq_unlink_locked(q, m);
	q->lrpid = ipc_current_pid();
	q->rtime = ipc_now();
	msq_wake_locked(q); /* senders waiting for room */
	return m;
}

static long msg_dequeue(int msqid, struct msg_rcv *rq, struct msg_msg **out)
{
	long r = 1;
	uint64_t f = spin_lock_irqsave(&msg_ids.lock);
	struct ipc_obj *o = ipc_obtain_locked(&msg_ids, msqid);
	if (!o)
		r = -EINVAL;
	while (r == 1) {
		*out = msg_take_locked(msq_of(o), rq, &r);
		if (r == 1)
			r = msq_sleep_locked(msq_of(o), &f) ?: 1;
	}
	spin_unlock_irqrestore(&msg_ids.lock, f);
	return r;
}

SYSCALL_DEFINE5(msgrcv, int, msqid, void __user *, msgp, uint64_t, msgsz, int64_t, msgtyp, int,
		msgflg)
{
	struct msg_rcv rq = { .bufsz = msgsz, .typ = msgtyp, .flags = msgflg };
	if (msqid < 0 || (int64_t)msgsz < 0)
		return -EINVAL;
	if (msgflg & MSG_COPY) {
		if ((msgflg & MSG_EXCEPT) || !(msgflg & IPC_NOWAIT))
			return -EINVAL;
		rq.bufsz = MIN(msgsz, (uint64_t)READ_ONCE(ipc_msgmax));
		if (!(rq.copy = kmalloc(sizeof(*rq.copy) + rq.bufsz)))
			return -ENOMEM;
	}
	rq.mode = msg_mode(&rq.typ, msgflg);
	struct msg_msg *m = NULL;
	long r = msg_dequeue(msqid, &rq, &m);
	if (r == 0) {
		uint64_t n = MIN(m->size, msgsz);
		if (copy_to_user(msgp, &m->type, sizeof(m->type)) ||
		    copy_to_user((char __user *)msgp + sizeof(m->type), m->text, n))
			r = -EFAULT; /* the message is lost, as on Linux */
		else
			r = (long)n;
	}
	if (m != rq.copy)
		kfree(m);
	kfree(rq.copy);
	return r;
}

/* ---- msgctl ------------------------------------------------------------------------------- */

static void msg_info_fill(struct ipc_obj *unused, void *p)
{
	(void)unused;
	spin_assert_held(&msg_ids.lock);
	struct msginfo *mi = p;
	mi->msgpool = msg_ids.in_use;
	mi->msgmap = (int32_t)msg_hdrs;
	mi->msgtql = (int32_t)msg_bytes;
}

static long msg_info(int cmd, void __user *buf)
{
	struct msginfo mi = {
		.msgmni = READ_ONCE(ipc_msgmni), .msgmax = READ_ONCE(ipc_msgmax),
		.msgmnb = READ_ONCE(ipc_msgmnb), .msgssz = MSGSSZ, .msgseg = MSGSEG,
		.msgpool = MSGPOOL, .msgmap = MSGMAP, .msgtql = MSGTQL,
	};
	return ipc_info(&msg_ids, cmd == MSG_INFO ? msg_info_fill : NULL, &mi, sizeof(mi), buf);
}

static void msg_fill(struct ipc_obj *o, void *p)
{
	spin_assert_held(&msg_ids.lock);
	struct msg_queue *q = msq_of(o);
	struct msqid64_ds *ds = p;
	ipc_perm_fill_locked(&msg_ids, o, &ds->msg_perm);
	ds->msg_stime = q->stime;
	ds->msg_rtime = q->rtime;
	ds->msg_ctime = q->ctime;
	ds->msg_cbytes = q->cbytes;
	ds->msg_qnum = q->qnum;
	ds->msg_qbytes = q->qbytes;
	ds->msg_lspid = q->lspid;
	ds->msg_lrpid = q->lrpid;
}

/* IPC_SET (with set's values: above msgmnb, msg_qbytes needs privilege) and IPC_RMID. */
static long msg_change(int msqid, int cmd, const struct msqid64_ds *set)
{
	long err = 0;
	uint64_t f = spin_lock_irqsave(&msg_ids.lock);
	struct ipc_obj *o = ipc_obtain_locked(&msg_ids, msqid);
	if (!o)
		err = -EINVAL;
	else if (!ipc_owner_locked(&msg_ids, o))
		err = -EPERM;
	else if (cmd == IPC_RMID)
		msq_remove_locked(msq_of(o));
	else if (set->msg_qbytes > (uint64_t)READ_ONCE(ipc_msgmnb) && !capable(CAP_SYS_RESOURCE))
		err = -EPERM;
	else if (!(err = ipc_perm_set_locked(&msg_ids, o, &set->msg_perm))) {
		msq_of(o)->qbytes = set->msg_qbytes;
		msq_of(o)->ctime = ipc_now();
		msq_wake_locked(msq_of(o)); /* senders: there may be room now */
	}
	spin_unlock_irqrestore(&msg_ids.lock, f);
	return err;
}

SYSCALL_DEFINE3(msgctl, int, msqid, int, cmd, void __user *, buf)
{
	struct msqid64_ds set, ds;
	if (msqid < 0 || cmd < 0)
		return -EINVAL;
	switch (cmd) {
	case IPC_INFO:
	case MSG_INFO:
		return msg_info(cmd, buf);
	case IPC_STAT:
	case MSG_STAT:
	case MSG_STAT_ANY:
		return ipc_stat(&msg_ids, msqid, cmd, MSG_STAT_ANY, msg_fill, &ds, sizeof(ds), buf);
	case IPC_SET:
		if (copy_from_user(&set, buf, sizeof(set)))
			return -EFAULT;
		return msg_change(msqid, cmd, &set);
	case IPC_RMID:
		return msg_change(msqid, cmd, NULL);
	default:
		return -EINVAL;
	}
}

/* ---- /proc/sysvipc/msg -------------------------------------------------------------------- */

static void msg_proc_line(struct ipc_obj *o, char *buf, size_t n)
{
	spin_assert_held(&msg_ids.lock);
	struct msg_queue *q = msq_of(o);
	ksnprintf(buf, n,
		  "%10d %10d  %4o  %10lu %10lu %5u %5u %5u %5u %5u %5u %10lld %10lld %10lld\n",
		  o->key, o->id, o->mode, q->cbytes, q->qnum, q->lspid, q->lrpid, o->uid, o->gid,
		  o->cuid, o->cgid, (long long)q->stime, (long long)q->rtime, (long long)q->ctime);
}

void msg_proc_show(ipc_emit_fn emit, void *ctx)
{
	ipc_proc_show(&msg_ids,
		      "       key      msqid perms      cbytes       qnum lspid lrpid   uid   gid"
		      "  cuid  cgid      stime      rtime      ctime\n",
		      msg_proc_line, emit, ctx);
}
