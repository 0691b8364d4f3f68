/* POSIX message queues (mq_overview(7)): named queues of prioritised messages, opened as
 * descriptors (mq_open), sent to and received from with optional absolute timeouts, polled,
 * read for their status line, and able to notify one process (mq_notify) when a message
 * arrives on an empty queue. Names live in one flat table (Linux's mqueue file system without
 * its mount: see docs/ipc.md). Locking: mq_lock (a spinlock, IRQs off) guards the name table and
 * every queue's mutable fields and wait queue; it comes before a process's lock and
 * process_tree_lock (credential checks, notification signals). Message text is copied from and
 * to user memory with it dropped. */
#include <ipc/ipc.h>
#include <ipc/mqueue.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <core/time.h>
#include <fs/fdtable.h>
#include <fs/fs_context.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <lib/list.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <sched/wait.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mqueue.h>
#include <uapi/poll.h>
#include <uapi/resource.h>
#include <uapi/signal.h>
#include <uapi/stat.h>
#include <uapi/time.h>

#define MQ_STATUS_MAX 96 /* the status line read(2) gives */

struct mq_msg {
	struct list_node node; /* in q->msgs */
	uint32_t prio;
	uint64_t size;
	char data[];
};

struct mqueue {
	struct ipc_obj perm; /* owner, group and mode (key and id unused) */
	struct list_node node; /* in mq_names while linked */
	char name[MQ_NAME_MAX + 1]; /* immutable */
	bool linked; /* mq_lock: its name is in the table */
	int refs; /* mq_lock: open files, plus one while linked */
	int64_t maxmsg, msgsize; /* immutable */
	int64_t curmsgs; /* mq_lock */
	uint64_t qsize; /* mq_lock: bytes queued */
	struct list_node msgs; /* mq_lock: highest priority first, oldest first within one */
	struct wait_queue wq; /* mq_lock: senders, receivers, pollers */
	int notify_pid; /* mq_lock: the process registered by mq_notify, 0 for none */
	int notify_kind, notify_signo; /* mq_lock: SIGEV_NONE or SIGEV_SIGNAL */
	uint64_t notify_value; /* mq_lock */
	struct mq_user *user; /* immutable: charged with mq_bytes for this queue */
	uint64_t charged; /* immutable */
};

/* What one user's queues are charged against RLIMIT_MSGQUEUE (Linux's user_struct.mq_bytes),
 * by real uid. */
struct mq_user {
	struct list_node node; /* in mq_users */
	uint32_t uid;
	uint64_t bytes; /* mq_lock */
};

/* Linux's charge per message slot: a pointer and a priority-tree node. */
#define MQ_SLOT_BYTES (sizeof(void *) + 48)

int mq_queues_max = MQ_QUEUES_MAX;
int mq_msg_max = MQ_MSG_MAX, mq_msgsize_max = MQ_MSGSIZE_MAX;
int mq_msg_default = MQ_MSG_MAX, mq_msgsize_default = MQ_MSGSIZE_MAX;

static struct spinlock mq_lock = SPINLOCK_INIT("mq_lock");
static struct list_node mq_names = LIST_HEAD_INIT(mq_names); /* mq_lock */
static int mq_count; /* mq_lock: queues not yet freed */
static struct list_node mq_users = LIST_HEAD_INIT(mq_users); /* mq_lock: struct mq_user */

static const struct file_ops mq_file_ops;

static void mq_put_locked(struct mqueue *q)
{
	spin_assert_held(&mq_lock);
	if (--q->refs > 0)
		return;
	while (!list_empty(&q->msgs)) {
		struct mq_msg *m = list_entry(q->msgs.next, struct mq_msg, node);
		list_remove(&m->node);
		kfree(m);
	}
	mq_count--;
	q->user->bytes -= q->charged;
	if (q->user->bytes == 0) {
		list_remove(&q->user->node);
		kfree(q->user);
	}
	kfree(q);
}

/* Charge a new queue of maxmsg * msgsize to the caller's real uid: its account, or NULL with
 * *err -EMFILE past RLIMIT_MSGQUEUE (as Linux, root too) or -ENOMEM. */
static struct mq_user *mq_charge_locked(uint64_t bytes, int *err)
{
	spin_assert_held(&mq_lock);
	struct process *p = process_current();
	uint32_t uid = p ? p->cred.uid : 0;
	uint64_t limit = p ? READ_ONCE(p->rlimits[RLIMIT_MSGQUEUE].rlim_cur) : UINT64_MAX;
	struct mq_user *u = NULL;
	struct list_node *n;
	list_for_each(n, &mq_users)
		if (list_entry(n, struct mq_user, node)->uid == uid)
			u = list_entry(n, struct mq_user, node);
	uint64_t have = u ? u->bytes : 0;
	*err = -EMFILE;
	if (have + bytes < have || have + bytes > limit)
		return NULL;
	*err = -ENOMEM;
	if (!u && (u = kmalloc(sizeof(*u)))) {
		u->uid = uid;
		list_add_tail(&mq_users, &u->node);
	}
	if (u)
		u->bytes += bytes;
	return u;
}

static struct mqueue *mq_find_locked(const char *name)
{
	spin_assert_held(&mq_lock);
	struct list_node *n;
	list_for_each(n, &mq_names) {
		struct mqueue *q = list_entry(n, struct mqueue, node);
		if (strcmp(q->name, name) == 0)
			return q;
	}
	return NULL;
}

static void mq_unlink_locked(struct mqueue *q)
{
	spin_assert_held(&mq_lock);
	list_remove(&q->node);
	q->linked = false;
	mq_put_locked(q);
}

/* A queue's name as mq_open and mq_unlink get it (musl strips the leading '/'): 0, -EFAULT,
 * -ENOENT (empty), -ENAMETOOLONG, -EACCES (a '/' in it, "." or "..": not a name in a flat
 * directory). */
static int mq_name_from_user(const char __user *uname, char *name)
{
	long len = strncpy_from_user(name, uname, MQ_NAME_MAX + 1);
	if (len == -ENAMETOOLONG) {
		char *big = kmalloc(PATH_MAX);
		len = big ? strncpy_from_user(big, uname, PATH_MAX) : -ENOMEM;
		kfree(big);
		if (len >= 0)
			len = -ENAMETOOLONG;
	}
	if (len < 0)
		return (int)len;
	if (len == 0)
		return -ENOENT;
	if (strchr(name, '/') || strcmp(name, ".") == 0 || strcmp(name, "..") == 0)
		return -EACCES;
	return 0;
}

/* ---- mq_open, mq_unlink ------------------------------------------------------------------- */

/* mq_attr_ok: Linux's limits on a new queue (CAP_SYS_RESOURCE: up to the hard ceilings). */
static int mq_attr_check(const struct mq_attr *a)
{
	bool cap = capable(CAP_SYS_RESOURCE);
	if (a->mq_maxmsg <= 0 || a->mq_msgsize <= 0)
		return -EINVAL;
	if (a->mq_maxmsg > (cap ? MQ_HARD_MSGMAX : READ_ONCE(mq_msg_max)) ||
	    a->mq_msgsize > (cap ? MQ_HARD_MSGSIZEMAX : READ_ONCE(mq_msgsize_max)))
		return -EINVAL;
	return 0;
}

static int mq_create_locked(const char *name, uint32_t mode, const struct mq_attr *attr,
			    struct mqueue **out)
{
	spin_assert_held(&mq_lock);
	struct mq_attr def = {
		.mq_maxmsg = MIN(READ_ONCE(mq_msg_default), READ_ONCE(mq_msg_max)),
		.mq_msgsize = MIN(READ_ONCE(mq_msgsize_default), READ_ONCE(mq_msgsize_max)),
	};
	int err = attr ? mq_attr_check(attr) : 0;
	if (err)
		return err;
	if (mq_count >= READ_ONCE(mq_queues_max) && !capable(CAP_SYS_RESOURCE))
		return -ENOSPC;
	const struct mq_attr *a = attr ? attr : &def;
	uint64_t bytes = (uint64_t)a->mq_maxmsg * (MQ_SLOT_BYTES + (uint64_t)a->mq_msgsize);
	struct mqueue *q = kmalloc(sizeof(*q));
	if (!q)
		return -ENOMEM;
	if (!(q->user = mq_charge_locked(bytes, &err))) {
		kfree(q);
		return err;
	}
	q->charged = bytes;
	ipc_obj_init(&q->perm, 0, (int)mode);
	strlcpy(q->name, name, sizeof(q->name));
	q->maxmsg = a->mq_maxmsg;
	q->msgsize = a->mq_msgsize;
	list_init(&q->msgs);
	wait_queue_init(&q->wq);
	q->linked = true;
	q->refs = 1;
	list_add_tail(&mq_names, &q->node);
	mq_count++;
	*out = q;
	return 0;
}

/* Find or create the queue and take a reference for a file: 0 with *out (*created says
 * whether it is new), or -errno in Linux's order. */
static int mq_lookup_open(const char *name, int oflag, uint32_t mode, const struct mq_attr *attr,
			  struct mqueue **out, bool *created)
{
	static const int acc_of[] = { IPC_ACC_READ, IPC_ACC_WRITE, IPC_ACC_READ | IPC_ACC_WRITE };
	int err = 0;
	uint64_t f = spin_lock_irqsave(&mq_lock);
	struct mqueue *q = mq_find_locked(name);
	*created = false;
	if (!q && !(oflag & O_CREAT))
		err = -ENOENT;
	else if (!q && !(err = mq_create_locked(name, mode, attr, &q)))
		*created = true;
	else if (q && (oflag & O_CREAT) && (oflag & O_EXCL))
		err = -EEXIST;
	else if (q && (oflag & O_ACCMODE) == O_ACCMODE)
		err = -EINVAL;
	else if (q && !ipc_access_ok(&q->perm, acc_of[oflag & O_ACCMODE]))
		err = -EACCES;
	if (!err) {
		q->refs++;
		*out = q;
	}
	spin_unlock_irqrestore(&mq_lock, f);
	return err;
}

/* The descriptor of a file on q (its reference passes to the file): the fd, or -errno with
 * the reference dropped and a queue just created unlinked again. */
static int mq_install(struct mqueue *q, int oflag, bool created)
{
	struct file *file;
	uint32_t flags = (uint32_t)oflag & (O_ACCMODE | O_NONBLOCK);
	int fd = file_alloc_anon(S_IFREG | 0600, flags, &mq_file_ops, q, &file);
	if (!fd) {
		fd = fd_install(file, oflag & O_CLOEXEC, 0);
		if (fd >= 0)
			return fd;
		file_put(file); /* its release drops the reference */
	} else {
		uint64_t f = spin_lock_irqsave(&mq_lock);
		mq_put_locked(q);
		spin_unlock_irqrestore(&mq_lock, f);
	}
	if (created) {
		uint64_t f = spin_lock_irqsave(&mq_lock);
		if (q->linked)
			mq_unlink_locked(q);
		spin_unlock_irqrestore(&mq_lock, f);
	}
	return fd;
}

SYSCALL_DEFINE4(mq_open, const char __user *, uname, int, oflag, uint32_t, mode,
		const struct mq_attr __user *, uattr)
{
	struct mq_attr attr;
	char name[MQ_NAME_MAX + 1];
	if (uattr && copy_from_user(&attr, uattr, sizeof(attr)))
		return -EFAULT;
	int err = mq_name_from_user(uname, name);
	if (err)
		return err;
	struct mqueue *q;
	bool created;
	mode &= IPC_MODE_BITS & ~current_umask();
	err = mq_lookup_open(name, oflag, mode, uattr ? &attr : NULL, &q, &created);
	return err ? err : mq_install(q, oflag, created);
}

SYSCALL_DEFINE1(mq_unlink, const char __user *, uname)
{
	char name[MQ_NAME_MAX + 1];
	int err = mq_name_from_user(uname, name);
	if (err)
		return err;
	uint64_t f = spin_lock_irqsave(&mq_lock);
	struct mqueue *q = mq_find_locked(name);
	if (!q)
		err = -ENOENT;
	else if (!capable(CAP_FOWNER) && ipc_current_euid() != q->perm.uid)
		err = -EACCES; /* the directory is sticky: only the owner or root */
	else
		mq_unlink_locked(q);
	spin_unlock_irqrestore(&mq_lock, f);
	return err;
}

/* ---- sending and receiving ---------------------------------------------------------------- */

/* The queue behind mqdes, opened for `need` (FMODE_*), referenced in *l: 0 or -EBADF. */
static int mq_fd_get(int mqdes, uint8_t need, struct fd_light *l)
{
	if (fd_get_light(mqdes, 0, l))
		return -EBADF;
	if (l->file->ops == &mq_file_ops && (l->file->mode & need) == need)
		return 0;
	fd_put_light(l);
	return -EBADF;
}

/* An absolute CLOCK_REALTIME timeout (NULL: none) as a monotonic deadline (0: none; a time
 * already past gives the present, already past when the sleep starts). */
static int mq_deadline(const struct linux_timespec __user *uts, uint64_t *deadline)
{
	struct linux_timespec ts;
	*deadline = 0;
	if (!uts)
		return 0;
	if (copy_from_user(&ts, uts, sizeof(ts)))
		return -EFAULT;
	if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
		return -EINVAL;
	uint64_t now_rt = time_realtime_ns(), now = time_monotonic_ns();
	uint64_t abs = (uint64_t)ts.tv_sec > UINT64_MAX / NSEC_PER_SEC / 2
			       ? UINT64_MAX / 2
			       : (uint64_t)ts.tv_sec * NSEC_PER_SEC + (uint64_t)ts.tv_nsec;
	*deadline = abs <= now_rt ? now : now + (abs - now_rt);
	return 0;
}

/* Wait on q: 0 woken (re-check), -EAGAIN (O_NONBLOCK), -ETIMEDOUT, -ERESTARTSYS. */
static int mq_wait_locked(struct mqueue *q, struct file *f, uint64_t deadline, uint64_t *fl)
{
	spin_assert_held(&mq_lock);
	if (READ_ONCE(f->flags) & O_NONBLOCK)
		return -EAGAIN;
	int r = signal_wait_queue_sleep_locked(&q->wq, &mq_lock, fl, deadline);
	return r == -EINTR ? -ERESTARTSYS : r;
}

/* A message arrived on an empty queue: the registered process is told once (SIGEV_SIGNAL with
 * SI_MESGQ, or nothing for SIGEV_NONE) and the registration ends. */
static void mq_notify_locked(struct mqueue *q)
{
	spin_assert_held(&mq_lock);
	if (!q->notify_pid || q->curmsgs != 1)
		return;
	if (q->notify_kind == SIGEV_SIGNAL && q->notify_signo) {
		k_siginfo_t info;
		memset(&info, 0, sizeof(info));
		info.si_signo = q->notify_signo;
		info.si_code = SI_MESGQ;
		info.u.kill.pid = ipc_current_pid();
		info.u.kill.uid = ipc_current_euid();
		info.u.kill.value.sival_ptr = q->notify_value;
		uint64_t f = spin_lock_irqsave(&process_tree_lock);
		struct process *p = process_by_pid_locked(q->notify_pid);
		if (p && p->pid == q->notify_pid)
			signal_send_process_locked(p, q->notify_signo, &info);
		spin_unlock_irqrestore(&process_tree_lock, f);
	}
	q->notify_pid = 0;
}

static void mq_insert_locked(struct mqueue *q, struct mq_msg *m)
{
	spin_assert_held(&mq_lock);
	struct list_node *pos;
	list_for_each(pos, &q->msgs)
		if (list_entry(pos, struct mq_msg, node)->prio < m->prio)
			break;
	list_insert_between(&m->node, pos->prev, pos);
	q->curmsgs++;
	q->qsize += m->size;
	mq_notify_locked(q);
	wait_queue_wake_locked(&q->wq, 0);
}

static long mq_send(struct file *f, struct mq_msg *m, uint64_t deadline)
{
	struct mqueue *q = f->priv;
	int r = 0;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	while (q->curmsgs >= q->maxmsg && r == 0)
		r = mq_wait_locked(q, f, deadline, &fl);
	if (r == 0)
		mq_insert_locked(q, m);
	spin_unlock_irqrestore(&mq_lock, fl);
	return r;
}

SYSCALL_DEFINE5(mq_timedsend, int, mqdes, const char __user *, uptr, uint64_t, len, uint32_t,
		prio, const struct linux_timespec __user *, uts)
{
	uint64_t deadline;
	struct fd_light l;
	if (prio >= MQ_PRIO_MAX)
		return -EINVAL;
	long r = mq_deadline(uts, &deadline);
	if (r || (r = mq_fd_get(mqdes, FMODE_WRITE, &l)))
		return r;
	struct mqueue *q = l.file->priv;
	struct mq_msg *m = NULL;
	if (len > (uint64_t)q->msgsize)
		r = -EMSGSIZE;
	else if (!(m = kmalloc(sizeof(*m) + len)))
		r = -ENOMEM;
	else if (copy_from_user(m->data, uptr, len))
		r = -EFAULT;
	if (!r) {
		m->prio = prio;
		m->size = len;
		r = mq_send(l.file, m, deadline);
	}
	if (r)
		kfree(m);
	fd_put_light(&l);
	return r;
}

static long mq_receive(struct file *f, uint64_t deadline, struct mq_msg **out)
{
	struct mqueue *q = f->priv;
	int r = 0;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	while (q->curmsgs == 0 && r == 0)
		r = mq_wait_locked(q, f, deadline, &fl);
	if (r == 0) {
		*out = list_entry(q->msgs.next, struct mq_msg, node);
		list_remove(&(*out)->node);
		q->curmsgs--;
		q->qsize -= (*out)->size;
		wait_queue_wake_locked(&q->wq, 0);
	}
	spin_unlock_irqrestore(&mq_lock, fl);
	return r;
}

SYSCALL_DEFINE5(mq_timedreceive, int, mqdes, char __user *, uptr, uint64_t, len,
		uint32_t __user *, uprio, const struct linux_timespec __user *, uts)
{
	uint64_t deadline;
	struct fd_light l;
	long r = mq_deadline(uts, &deadline);
	if (r || (r = mq_fd_get(mqdes, FMODE_READ, &l)))
		return r;
	struct mq_msg *m = NULL;
	if (len < (uint64_t)((struct mqueue *)l.file->priv)->msgsize)
		r = -EMSGSIZE;
	else
		r = mq_receive(l.file, deadline, &m);
	fd_put_light(&l);
	if (r)
		return r;
	r = (long)m->size;
	if ((uprio && copy_to_user(uprio, &m->prio, sizeof(m->prio))) ||
	    copy_to_user(uptr, m->data, m->size))
		r = -EFAULT; /* the message is lost, as on Linux */
	kfree(m);
	return r;
}

/* ---- mq_notify, mq_getsetattr ------------------------------------------------------------- */

/* SIGEV_THREAD needs a netlink socket (its sigev_signo), which Zero-OS does not have. */
static int mq_notify_thread(const struct k_sigevent *ev)
{
	struct file *f = fd_get(ev->sigev_signo);
	if (!f)
		return -EBADF;
	file_put(f);
	return -ENOTSOCK;
}

/* The registered process is gone (Linux drops a registration when its process closes the
 * descriptor, which exit does). */
static bool mq_notify_owner_gone_locked(struct mqueue *q)
{
	spin_assert_held(&mq_lock);
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = process_by_pid_locked(q->notify_pid);
	bool gone = !p || p->pid != q->notify_pid || p->state != PROCESS_ALIVE;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return gone;
}

static int mq_notify_set_locked(struct mqueue *q, const struct k_sigevent *ev)
{
	spin_assert_held(&mq_lock);
	int pid = ipc_current_pid();
	if (q->notify_pid && q->notify_pid != pid && mq_notify_owner_gone_locked(q))
		q->notify_pid = 0;
	if (!ev) {
		if (q->notify_pid == pid)
			q->notify_pid = 0;
		return 0;
	}
	if (q->notify_pid)
		return -EBUSY;
	q->notify_pid = pid;
	q->notify_kind = ev->sigev_notify;
	q->notify_signo = ev->sigev_signo;
	q->notify_value = ev->sigev_value;
	return 0;
}

SYSCALL_DEFINE2(mq_notify, int, mqdes, const struct k_sigevent __user *, uev)
{
	struct k_sigevent ev;
	struct fd_light l;
	if (uev) {
		if (copy_from_user(&ev, uev, sizeof(ev)))
			return -EFAULT;
		if (ev.sigev_notify != SIGEV_NONE && ev.sigev_notify != SIGEV_SIGNAL &&
		    ev.sigev_notify != SIGEV_THREAD)
			return -EINVAL;
		if (ev.sigev_notify == SIGEV_SIGNAL &&
		    (ev.sigev_signo < 0 || ev.sigev_signo > _NSIG))
			return -EINVAL;
		if (ev.sigev_notify == SIGEV_THREAD)
			return mq_notify_thread(&ev);
	}
	if (mq_fd_get(mqdes, 0, &l))
		return -EBADF;
	uint64_t f = spin_lock_irqsave(&mq_lock);
	int r = mq_notify_set_locked(l.file->priv, uev ? &ev : NULL);
	spin_unlock_irqrestore(&mq_lock, f);
	fd_put_light(&l);
	return r;
}

SYSCALL_DEFINE3(mq_getsetattr, int, mqdes, const struct mq_attr __user *, unew,
		struct mq_attr __user *, uold)
{
	struct mq_attr set, old;
	struct fd_light l;
	if (unew) {
		if (copy_from_user(&set, unew, sizeof(set)))
			return -EFAULT;
		if (set.mq_flags & ~(int64_t)O_NONBLOCK)
			return -EINVAL;
	}
	if (mq_fd_get(mqdes, 0, &l))
		return -EBADF;
	struct mqueue *q = l.file->priv;
	memset(&old, 0, sizeof(old));
	uint64_t f = spin_lock_irqsave(&mq_lock);
	old.mq_flags = READ_ONCE(l.file->flags) & O_NONBLOCK;
	old.mq_maxmsg = q->maxmsg;
	old.mq_msgsize = q->msgsize;
	old.mq_curmsgs = q->curmsgs;
	if (unew && (set.mq_flags & O_NONBLOCK))
		__atomic_fetch_or(&l.file->flags, O_NONBLOCK, __ATOMIC_RELAXED);
	else if (unew)
		__atomic_fetch_and(&l.file->flags, ~(uint32_t)O_NONBLOCK, __ATOMIC_RELAXED);
	spin_unlock_irqrestore(&mq_lock, f);
	fd_put_light(&l);
	if (uold && copy_to_user(uold, &old, sizeof(old)))
		return -EFAULT;
	return 0;
}

/* ---- the descriptor ----------------------------------------------------------------------- */

/* read(2): Linux's status line, from the file position. */
static long mq_read(struct file *f, struct uio *u, int64_t *pos)
{
	struct mqueue *q = f->priv;
	char line[MQ_STATUS_MAX];
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	int n = ksnprintf(line, sizeof(line),
			  "QSIZE:%-10lu NOTIFY:%-5d SIGNO:%-5d NOTIFY_PID:%-6d\n", q->qsize, q->notify_pid ? q->notify_kind : 0,
			  q->notify_pid && q->notify_kind == SIGEV_SIGNAL ? q->notify_signo : 0,
			  q->notify_pid);
	spin_unlock_irqrestore(&mq_lock, fl);
	if (*pos < 0 || *pos >= n)
		return 0;
	size_t len = MIN((size_t)(n - *pos), u->resid);
	if (uio_copy_out(u, line + *pos, len))
		return -EFAULT;
	*pos += (int64_t)len;
	return (long)len;
}

static uint32_t mq_poll(struct file *f, struct poll_table *pt)
{
	struct mqueue *q = f->priv;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	if (pt)
		poll_wait_locked(pt, &q->wq, &mq_lock);
	uint32_t mask = 0;
	if (q->curmsgs)
		mask |= POLLIN | POLLRDNORM;
	if (q->curmsgs < q->maxmsg)
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&mq_lock, fl);
	return mask;
}

/* The last close of a descriptor: its registration goes if the closer made it (Linux does it
 * at every close by the registered process). */
static void mq_release(struct file *f)
{
	struct mqueue *q = f->priv;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	if (q->notify_pid && q->notify_pid == ipc_current_pid())
		q->notify_pid = 0;
	mq_put_locked(q);
	spin_unlock_irqrestore(&mq_lock, fl);
}

/* An open through the mqueue file system (mq_open's files come with priv set): the file holds
 * a reference of its own to the inode's queue. */
static int mq_file_open(struct inode *inode, struct file *f)
{
	if (f->priv)
		return 0;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	struct mqueue *q = inode->priv;
	q->refs++;
	spin_unlock_irqrestore(&mq_lock, fl);
	f->priv = q;
	return 0;
}

static const struct file_ops mq_file_ops = {
	.open = mq_file_open,
	.read = mq_read,
	.llseek = generic_llseek,
	.poll = mq_poll,
	.release = mq_release,
};

/* ---- the mqueue file system --------------------------------------------------------------- */
/* mount -t mqueue: its root lists the queues; a file's inode holds a reference to its queue,
 * opening it gives a queue descriptor, creating one makes a queue with the default attributes,
 * unlinking it is mq_unlink. The directory is answered from the table at each lookup (the
 * dcache keeps no unreferenced dentry of it). */

#define MQUEUE_MAGIC 0x19800202
#define MQ_FILE_SIZE 80 /* what stat shows of a queue (Linux's FILENT_SIZE) */
#define MQ_ROOT_INO 1

static const struct inode_ops mq_root_iops;
static const struct file_ops mq_root_fops;
/* A queue's inode: nothing to do beyond what the VFS does itself. */
static const struct inode_ops mq_queue_iops;

/* A new inode of sb for q, taking a reference to it; NULL on ENOMEM. */
static struct inode *mq_inode_new(struct super_block *sb, struct mqueue *q)
{
	struct inode *inode = inode_alloc(sb, S_IFREG | (q->perm.mode & IPC_MODE_BITS));
	if (!inode)
		return NULL;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	q->refs++;
	spin_unlock_irqrestore(&mq_lock, fl);
	inode->priv = q;
	inode->ino = (uint64_t)(uintptr_t)q >> 4; /* unique while q lives */
	inode->uid = q->perm.uid;
	inode->gid = q->perm.gid;
	inode->nlink = 1;
	inode->size = MQ_FILE_SIZE;
	inode->iops = &mq_queue_iops;
	inode->fops = &mq_file_ops;
	return inode;
}

/* The queue named d, referenced, or NULL. */
static struct mqueue *mq_get_named(const struct dentry *d)
{
	char name[MQ_NAME_MAX + 1];
	if (d->name_len > MQ_NAME_MAX)
		return NULL;
	memcpy(name, d->name, d->name_len);
	name[d->name_len] = 0;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	struct mqueue *q = mq_find_locked(name);
	if (q)
		q->refs++;
	spin_unlock_irqrestore(&mq_lock, fl);
	return q;
}

static void mq_put(struct mqueue *q)
{
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	mq_put_locked(q);
	spin_unlock_irqrestore(&mq_lock, fl);
}

static int mq_fs_lookup(struct inode *dir, struct dentry *d)
{
	struct mqueue *q = mq_get_named(d);
	if (!q)
		return 0;
	struct inode *inode = mq_inode_new(dir->sb, q);
	mq_put(q);
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

static int mq_fs_create(struct inode *dir, struct dentry *d, uint32_t mode, uint64_t rdev)
{
	(void)rdev;
	char name[MQ_NAME_MAX + 1];
	struct mqueue *q;
	if (!S_ISREG(mode))
		return -EINVAL;
	if (d->name_len > MQ_NAME_MAX)
		return -ENAMETOOLONG;
	memcpy(name, d->name, d->name_len);
	name[d->name_len] = 0;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	int err = mq_find_locked(name) ? -EEXIST : mq_create_locked(name, mode, NULL, &q);
	spin_unlock_irqrestore(&mq_lock, fl);
	if (err)
		return err;
	struct inode *inode = mq_inode_new(dir->sb, q);
	if (!inode) {
		fl = spin_lock_irqsave(&mq_lock);
		if (q->linked)
			mq_unlink_locked(q);
		spin_unlock_irqrestore(&mq_lock, fl);
		return -ENOMEM;
	}
	d_instantiate(d, inode);
	return 0;
}

static int mq_fs_unlink(struct inode *dir, struct dentry *d)
{
	(void)dir;
	struct mqueue *q = d->inode->priv;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	if (q->linked)
		mq_unlink_locked(q);
	spin_unlock_irqrestore(&mq_lock, fl);
	return 0;
}

/* The name of the n-th queue (in table order) into name: false past the end. */
static bool mq_nth_name(int64_t n, char *name)
{
	bool found = false;
	uint64_t fl = spin_lock_irqsave(&mq_lock);
	struct list_node *pos;
	list_for_each(pos, &mq_names) {
		if (n-- == 0) {
			strlcpy(name, list_entry(pos, struct mqueue, node)->name, MQ_NAME_MAX + 1);
			found = true;
			break;
		}
	}
	spin_unlock_irqrestore(&mq_lock, fl);
	return found;
}

static int mq_fs_iterate(struct file *f, struct dir_context *ctx)
{
	char name[MQ_NAME_MAX + 1];
	uint64_t ino = f->inode->ino;
	if (ctx->pos == 0 && ctx->emit(ctx, ".", 1, ino, DT_DIR, 1))
		ctx->pos = 1;
	if (ctx->pos == 1 && ctx->emit(ctx, "..", 2, ino, DT_DIR, 2))
		ctx->pos = 2;
	while (ctx->pos >= 2 && mq_nth_name(ctx->pos - 2, name)) {
		/* The inode number a lookup gives is the queue's; readdir's is only a hint. */
		if (!ctx->emit(ctx, name, strlen(name), MQ_ROOT_INO + 1 + (uint64_t)ctx->pos,
			       DT_REG, ctx->pos + 1))
			break;
		ctx->pos++;
	}
	return 0;
}

static void mq_fs_evict(struct inode *inode)
{
	if (inode->priv)
		mq_put(inode->priv);
}

static int mq_fs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	(void)sb;
	st->f_type = MQUEUE_MAGIC;
	st->f_bsize = PAGE_SIZE;
	st->f_namelen = MQ_NAME_MAX;
	return 0;
}

static const struct super_ops mq_super_ops = {
	.evict = mq_fs_evict,
	.statfs = mq_fs_statfs,
};

static struct fs_type mq_fs_type;

static int mq_fs_mount(const char *source, unsigned long flags, const char *data,
		       struct super_block **out)
{
	(void)source;
	(void)flags;
	(void)data;
	struct super_block *sb = sb_alloc(&mq_fs_type, &mq_super_ops, 0, MQUEUE_MAGIC);
	if (!sb)
		return -ENOMEM;
	struct inode *root = inode_alloc(sb, S_IFDIR | 01777);
	if (root) {
		root->ino = MQ_ROOT_INO;
		root->nlink = 2;
		root->iops = &mq_root_iops;
		root->fops = &mq_root_fops;
	}
	int err = sb_attach_root(sb, root);
	if (!err)
		*out = sb;
	return err;
}

static const struct inode_ops mq_root_iops = {
	.lookup = mq_fs_lookup,
	.create = mq_fs_create,
	.unlink = mq_fs_unlink,
};

static const struct file_ops mq_root_fops = {
	.iterate = mq_fs_iterate,
};

static struct fs_type mq_fs_type = {
	.name = "mqueue",
	.nodev = true,
	.mount = mq_fs_mount,
};

void mqueue_fs_register(void)
{
	fs_type_register(&mq_fs_type);
}
