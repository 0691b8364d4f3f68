/* File owners (fs/fown.h): who receives a file's SIGIO or lease-break signal and which signal
 * it is, set by fcntl's F_SETOWN, F_SETOWN_EX and F_SETSIG with Linux's checks; the sending,
 * with Linux's permission rule (the setter's ids against the target's); and the fasync lists
 * through which an object signals the files that asked for O_ASYNC. */
#include <fs/fown.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <core/spinlock.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/signal.h>

static struct spinlock fown_lock = SPINLOCK_INIT("fown");

struct pgrp_find {
	int pgid;
	bool found;
};

static void pgrp_member(struct process *p, void *arg)
{
	struct pgrp_find *g = arg;
	if (p->pgid == g->pgid)
		g->found = true;
}

/* Does the owner (type, pid) exist now? pid 0 (nobody) always does. */
static bool owner_exists(int type, int pid)
{
	if (!pid)
		return true;
	uint64_t irq = spin_lock_irqsave(&process_tree_lock);
	bool found;
	if (type == F_OWNER_TID) {
		found = thread_by_tid_locked(pid) != NULL;
	} else if (type == F_OWNER_PID) {
		found = process_by_pid_locked(pid) != NULL;
	} else {
		struct pgrp_find g = { pid, false };
		process_for_each_locked(pgrp_member, &g);
		found = g.found;
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
	return found;
}

static int owner_set(struct file *f, int type, int pid)
{
	if (pid < 0)
		return -ESRCH;
	if (!owner_exists(type, pid))
		return -ESRCH;
	const struct cred *c = &process_current()->cred; /* our own: read freely */
	uint64_t irq = spin_lock_irqsave(&fown_lock);
	f->owner.type = type;
	f->owner.pid = pid;
	f->owner.uid = c->uid;
	f->owner.euid = c->euid;
	spin_unlock_irqrestore(&fown_lock, irq);
	return 0;
}

static struct file_owner owner_get(struct file *f)
{
	uint64_t irq = spin_lock_irqsave(&fown_lock);
	struct file_owner o = f->owner;
	spin_unlock_irqrestore(&fown_lock, irq);
	return o;
}

void fown_set_self(struct file *f)
{
	owner_set(f, F_OWNER_PID, process_current()->pid);
}

/* F_SETOWN: a pid, or a process group as its negation (INT_MIN has none). */
static long setown(struct file *f, int who)
{
	if (who == INT32_MIN)
		return -EINVAL;
	return who < 0 ? owner_set(f, F_OWNER_PGRP, -who) : owner_set(f, F_OWNER_PID, who);
}

static long setown_ex(struct file *f, const struct linux_f_owner_ex __user *u)
{
	struct linux_f_owner_ex ex;
	if (copy_from_user(&ex, u, sizeof(ex)))
		return -EFAULT;
	if (ex.type != F_OWNER_TID && ex.type != F_OWNER_PID && ex.type != F_OWNER_PGRP)
		return -EINVAL;
	return owner_set(f, ex.type, ex.pid);
}

static long getown_ex(struct file *f, struct linux_f_owner_ex __user *u)
{
	struct file_owner o = owner_get(f);
	struct linux_f_owner_ex ex = { .type = o.type, .pid = o.pid };
	return copy_to_user(u, &ex, sizeof(ex)) ? -EFAULT : 0;
}

static long setsig(struct file *f, uint64_t sig)
{
	if (sig > _NSIG) /* 0 restores plain SIGIO */
		return -EINVAL;
	uint64_t irq = spin_lock_irqsave(&fown_lock);
	f->owner.signum = (int)sig;
	spin_unlock_irqrestore(&fown_lock, irq);
	return 0;
}

long fcntl_owner(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct file_owner o;
	switch (cmd) {
	case F_SETOWN:
		return setown(f, (int)arg);
	case F_GETOWN:
		o = owner_get(f);
		return o.type == F_OWNER_PGRP ? -o.pid : o.pid;
	case F_SETOWN_EX:
		return setown_ex(f, (const struct linux_f_owner_ex __user *)arg);
	case F_GETOWN_EX:
		return getown_ex(f, (struct linux_f_owner_ex __user *)arg);
	case F_SETSIG:
		return setsig(f, arg);
	case F_GETSIG:
		return owner_get(f).signum;
	default:
		return -EINVAL;
	}
}

/* ---- sending ------------------------------------------------------------------------------- */

struct sigio {
	struct file_owner o;
	int sig;
	k_siginfo_t info;
};

/* si_band for each POLL_* code (Linux's band_table). */
static const int64_t poll_band[] = {
	[POLL_IN] = POLLIN | POLLRDNORM,
	[POLL_OUT] = POLLOUT | POLLWRNORM | POLLWRBAND,
	[POLL_MSG] = POLLIN | POLLRDNORM | POLLMSG,
	[POLL_ERR] = POLLERR,
	[POLL_PRI] = POLLPRI | POLLRDBAND,
	[POLL_HUP] = POLLHUP | POLLERR,
};

/* Linux's sigio_perm: the setter was root, or one of its ids matches the target's. */
static bool may_signal_locked(const struct file_owner *o, struct process *p)
{
	spin_assert_held(&process_tree_lock);
	uint64_t irq = spin_lock_irqsave(&p->lock);
	uint32_t uid = p->cred.uid, suid = p->cred.suid;
	spin_unlock_irqrestore(&p->lock, irq);
	return o->euid == 0 || o->euid == suid || o->euid == uid || o->uid == suid || o->uid == uid;
}

static void send_to_process_locked(struct process *p, struct sigio *s)
{
	if (may_signal_locked(&s->o, p))
		signal_send_process_locked(p, s->sig, &s->info);
}

static void send_to_member(struct process *p, void *arg)
{
	struct sigio *s = arg;
	if (p->pgid == s->o.pid)
		send_to_process_locked(p, s);
}

/* Send owner o its signal (see fown_send_signal). */
static void sigio_send(const struct file_owner *o, int fd, int code)
{
	if (!o->pid)
		return;
	struct sigio s = { .o = *o, .sig = o->signum ? o->signum : SIGIO };
	s.info.si_signo = s.sig;
	s.info.si_code = SI_KERNEL;
	if (o->signum) { /* as Linux: the details only with F_SETSIG's signal */
		s.info.si_code = code;
		s.info.u.poll.band = code >= POLL_IN && code <= POLL_HUP ? poll_band[code] : 0;
		s.info.u.poll.fd = fd;
	}
	uint64_t irq = spin_lock_irqsave(&process_tree_lock);
	if (o->type == F_OWNER_TID) {
		struct thread *t = thread_by_tid_locked(o->pid);
		if (t && may_signal_locked(o, t->proc))
			signal_send_thread_locked(t, s.sig, &s.info);
	} else if (o->type == F_OWNER_PID) {
		struct process *p = process_by_pid_locked(o->pid);
		if (p)
			send_to_process_locked(p, &s);
	} else {
		process_for_each_locked(send_to_member, &s);
	}
	spin_unlock_irqrestore(&process_tree_lock, irq);
}

void fown_send_signal(struct file *f, int fd, int code)
{
	struct file_owner o = owner_get(f);
	sigio_send(&o, fd, code);
}

/* ---- fasync lists -------------------------------------------------------------------------- */

struct fasync_entry {
	struct list_node node; /* in the list; fown_lock */
	struct file *file; /* not referenced: it takes itself off at its release */
	int fd;
};

static struct fasync_entry *fasync_find_locked(struct fasync_list *l, const struct file *f)
{
	spin_assert_held(&fown_lock);
	struct list_node *pos;
	list_for_each(pos, &l->entries) {
		struct fasync_entry *e = list_entry(pos, struct fasync_entry, node);
		if (e->file == f)
			return e;
	}
	return NULL;
}

int fasync_update(struct fasync_list *l, struct file *f, int fd, bool on)
{
	struct fasync_entry *fresh = on ? kmalloc(sizeof(*fresh)) : NULL;
	if (on && !fresh)
		return -ENOMEM;
	uint64_t irq = spin_lock_irqsave(&fown_lock);
	struct fasync_entry *e = fasync_find_locked(l, f);
	if (e && on) {
		e->fd = fd; /* already there: the newest descriptor names it */
	} else if (e) {
		list_remove(&e->node);
	} else if (on) {
		*fresh = (struct fasync_entry){ .file = f, .fd = fd };
		list_add_tail(&l->entries, &fresh->node);
		fresh = NULL;
	}
	spin_unlock_irqrestore(&fown_lock, irq);
	kfree(fresh);
	if (e && !on)
		kfree(e);
	return 0;
}

void fasync_signal(struct fasync_list *l, int code)
{
	if (list_empty(&l->entries)) /* a hint: the common case takes no lock */
		return;
	uint64_t irq = spin_lock_irqsave(&fown_lock);
	struct list_node *pos;
	list_for_each(pos, &l->entries) {
		struct fasync_entry *e = list_entry(pos, struct fasync_entry, node);
		sigio_send(&e->file->owner, e->fd, code); /* fown_lock before process_tree_lock */
	}
	spin_unlock_irqrestore(&fown_lock, irq);
}
