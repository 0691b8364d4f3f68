/* inotify(7): inotify_init1, inotify_add_watch, inotify_rm_watch, the instance's file (read,
 * poll, FIONREAD) and the delivery of the VFS's events (fs/fsnotify.h) to watches.
 *
 * Model. An instance (struct inotify_dev, the file's priv) has watches and a queue of events.
 * A watch names one inode, which it holds referenced, and is on two lists: its instance's and
 * the inode's (inode->inotify_watches, singly linked). An event is copied into each matching
 * watch's instance queue, merged with the last queued event when identical (Linux's merge),
 * and past max_queued_events replaced by one IN_Q_OVERFLOW.
 *
 * Locking: inotify_lock (global, IRQs off) guards every instance, watch, queue and the inode
 * watch lists; it is taken last (the hooks copy names under dcache_lock first, then drop it).
 * Readers and pollers wait on dev->wq under it. inotify_nwatches lets the hooks skip all of
 * this while nothing is watched. */
#include <fs/fsnotify.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/inotify.h>
#include <uapi/poll.h>

#define FIONREAD 0x541B
#define NAME_MAX 255
#define EVENT_ALIGN sizeof(struct inotify_event_hdr) /* names are padded to a multiple */

int inotify_max_queued_events = 16384; /* /proc/sys/fs/inotify: Linux's defaults */
int inotify_max_user_instances = 128;
int inotify_max_user_watches = 8192;

struct inotify_event_k {
	struct list_node node;
	struct inotify_event_hdr hdr;
	char name[]; /* hdr.len bytes, NUL-padded */
};

struct inotify_watch {
	struct inotify_dev *dev;
	struct inode *inode; /* referenced */
	struct inotify_watch *next_on_inode;
	struct list_node dev_node;
	int wd;
	uint32_t mask; /* events and IN_ONESHOT / IN_EXCL_UNLINK / IN_MASK_* as given */
};

struct inotify_dev {
	struct list_node events; /* oldest first */
	int nevents; /* queued, the overflow event included */
	uint32_t bytes; /* their size as read returns them (FIONREAD) */
	int max_events; /* max_queued_events when made, as Linux */
	struct list_node watches;
	int next_wd;
	uint32_t uid; /* the real uid charged for the instance and its watches */
	struct wait_queue wq;
	struct list_node node; /* in inotify_devs once accounted */
	bool accounted; /* counted in its user's instances */
};

/* Per-user counts against max_user_instances / max_user_watches. */
struct inotify_user {
	struct list_node node;
	uint32_t uid;
	int instances, watches;
};

static struct spinlock inotify_lock = SPINLOCK_INIT("inotify");
static struct list_node inotify_users = LIST_HEAD_INIT(inotify_users);
static struct list_node inotify_devs = LIST_HEAD_INIT(inotify_devs);
static int inotify_nwatches; /* atomic: every watch of every instance */
static uint32_t next_cookie; /* atomic */
static const struct file_ops inotify_ops;

/* ---- accounting ------------------------------------------------------------------------------ */

static struct inotify_user *user_locked(uint32_t uid, bool create)
{
	spin_assert_held(&inotify_lock);
	struct list_node *pos;
	list_for_each(pos, &inotify_users) {
		struct inotify_user *u = list_entry(pos, struct inotify_user, node);
		if (u->uid == uid)
			return u;
	}
	struct inotify_user *u = create ? kmalloc(sizeof(*u)) : NULL;
	if (u) {
		*u = (struct inotify_user){ .uid = uid };
		list_add_tail(&inotify_users, &u->node);
	}
	return u;
}

static void user_put_locked(struct inotify_user *u)
{
	if (u && !u->instances && !u->watches) {
		list_remove(&u->node);
		kfree(u);
	}
}

/* ---- queueing -------------------------------------------------------------------------------- */

static bool same_event(const struct inotify_event_k *e, int wd, uint32_t mask, uint32_t cookie,
		       const char *name, uint32_t len)
{
	if (e->hdr.wd != wd || e->hdr.mask != mask || e->hdr.cookie != cookie)
		return false;
	uint32_t elen = e->hdr.len ? (uint32_t)strlen(e->name) : 0;
	return elen == len && (!len || !memcmp(e->name, name, len));
}

static void queue_locked(struct inotify_dev *d, int wd, uint32_t mask, uint32_t cookie,
			 const char *name, uint32_t len)
{
	spin_assert_held(&inotify_lock);
	struct inotify_event_k *last = list_empty(&d->events)
					       ? NULL
					       : list_entry(d->events.prev, struct inotify_event_k,
							    node);
	if (d->nevents >= d->max_events) {
		if (last && last->hdr.mask == IN_Q_OVERFLOW)
			return;
		wd = -1, mask = IN_Q_OVERFLOW, cookie = 0, len = 0;
	} else if (last && same_event(last, wd, mask, cookie, name, len)) {
		return;
	}
	uint32_t padded = len ? (len + 1 + EVENT_ALIGN - 1) / EVENT_ALIGN * EVENT_ALIGN : 0;
	struct inotify_event_k *e = kmalloc(sizeof(*e) + padded);
	if (!e)
		return; /* no memory: the event is lost, as Linux loses it (with an overflow) */
	e->hdr = (struct inotify_event_hdr){ .wd = wd, .mask = mask, .cookie = cookie,
					     .len = padded };
	memset(e->name, 0, padded);
	if (len)
		memcpy(e->name, name, len);
	list_add_tail(&d->events, &e->node);
	d->nevents++;
	d->bytes += sizeof(e->hdr) + padded;
	wait_queue_wake_locked(&d->wq, 0);
}

/* Take w off its inode's list and its instance's, queue IN_IGNORED and drop the inode. */
static void watch_remove_locked(struct inotify_watch *w, struct inode **put)
{
	spin_assert_held(&inotify_lock);
	struct inotify_watch **pp = &w->inode->inotify_watches;
	while (*pp != w)
		pp = &(*pp)->next_on_inode;
	*pp = w->next_on_inode;
	list_remove(&w->dev_node);
	queue_locked(w->dev, w->wd, IN_IGNORED, 0, NULL, 0);
	struct inotify_user *u = user_locked(w->dev->uid, false);
	if (u)
		u->watches--;
	user_put_locked(u);
	__atomic_fetch_sub(&inotify_nwatches, 1, __ATOMIC_RELAXED);
	*put = w->inode;
	kfree(w);
}

/* ---- delivery -------------------------------------------------------------------------------- */

/* Report mask (with IN_ISDIR when the subject is a directory) to every watch on inode that
 * asks for it; name (len bytes) for a directory's watches. unlinked: the subject has no name
 * any more (IN_EXCL_UNLINK watches skip it). */
static void deliver(struct inode *inode, uint32_t mask, uint32_t cookie, const char *name,
		    uint32_t len, bool isdir, bool unlinked)
{
	int nput = 0; /* one-shot watches removed: references on inode to drop */
	uint64_t f = spin_lock_irqsave(&inotify_lock);
	struct inotify_watch *w = inode->inotify_watches, *next;
	for (; w; w = next) {
		next = w->next_on_inode;
		if (!(w->mask & mask & IN_ALL_EVENTS))
			continue;
		if (unlinked && (w->mask & IN_EXCL_UNLINK))
			continue;
		queue_locked(w->dev, w->wd, (mask & IN_ALL_EVENTS) | (isdir ? IN_ISDIR : 0), cookie,
			     name, len);
		struct inode *put;
		if (w->mask & IN_ONESHOT) {
			watch_remove_locked(w, &put);
			nput++;
		}
	}
	spin_unlock_irqrestore(&inotify_lock, f);
	while (nput--)
		inode_put(inode); /* the caller holds one too: never the last here */
}

static bool watched(void)
{
	return __atomic_load_n(&inotify_nwatches, __ATOMIC_RELAXED) != 0;
}

void fsnotify_inode(struct inode *inode, uint32_t mask)
{
	/* Linux marks no self event of a directory IN_ISDIR but IN_ATTRIB (and the file ones). */
	bool isdir = S_ISDIR(inode->mode) && !(mask & IN_MOVE_SELF);
	if (watched() && READ_ONCE(inode->inotify_watches))
		deliver(inode, mask, 0, NULL, 0, isdir, false);
}

void fsnotify_name(struct inode *dir, const char *name, uint32_t len, uint32_t mask,
		   uint32_t cookie, bool isdir)
{
	if (watched() && READ_ONCE(dir->inotify_watches))
		deliver(dir, mask, cookie, name, len, isdir, false);
}

void fsnotify_dentry(struct dentry *d, uint32_t mask)
{
	if (!watched() || !d || !d->inode)
		return;
	struct inode *inode = d->inode;
	bool isdir = S_ISDIR(inode->mode);
	/* The directory's watches first, with the name (Linux reports the parent's event first). */
	char name[NAME_MAX + 1];
	uint32_t len;
	bool hashed;
	struct dentry *parent = dentry_get_parent_name(d, name, sizeof(name), &len, &hashed);
	if (parent != d && parent->inode && READ_ONCE(parent->inode->inotify_watches) && len)
		deliver(parent->inode, mask, 0, name, len, isdir, !hashed);
	dentry_put(parent);
	fsnotify_inode(inode, mask);
}

void fsnotify_file(struct file *f, uint32_t mask)
{
	if (!watched())
		return;
	if (f->path.dentry)
		fsnotify_dentry(f->path.dentry, mask);
	else
		fsnotify_inode(f->inode, mask);
}

/* Every watch on inode goes, each instance told `first` (IN_DELETE_SELF or IN_UNMOUNT) if it
 * asked for it (IN_UNMOUNT always), then IN_IGNORED. */
static void remove_all_on(struct inode *inode, uint32_t first)
{
	for (;;) {
		struct inode *put = NULL;
		uint64_t f = spin_lock_irqsave(&inotify_lock);
		struct inotify_watch *w = inode->inotify_watches;
		if (w) {
			if (first == IN_UNMOUNT || (w->mask & first))
				queue_locked(w->dev, w->wd, first, 0, NULL, 0);
			watch_remove_locked(w, &put);
		}
		spin_unlock_irqrestore(&inotify_lock, f);
		if (!put)
			return;
		inode_put(put);
	}
}

void fsnotify_unlinked(struct inode *inode)
{
	if (!watched() || READ_ONCE(inode->nlink) != 0 || !READ_ONCE(inode->inotify_watches))
		return;
	if (__atomic_load_n(&inode->open_writers, __ATOMIC_RELAXED) +
	    __atomic_load_n(&inode->open_readers, __ATOMIC_RELAXED))
		return; /* the last close tells */
	remove_all_on(inode, IN_DELETE_SELF);
}

uint32_t fsnotify_cookie(void)
{
	uint32_t c;
	do
		c = __atomic_add_fetch(&next_cookie, 1, __ATOMIC_RELAXED);
	while (!c);
	return c;
}

void fsnotify_rename(const struct fsnotify_move *m)
{
	if (!watched())
		return;
	bool isdir = S_ISDIR(m->moved->mode);
	uint32_t cookie = fsnotify_cookie();
	fsnotify_name(m->old_dir, m->old_name, m->old_len, IN_MOVED_FROM, cookie, isdir);
	fsnotify_name(m->new_dir, m->new_name, m->new_len, IN_MOVED_TO, cookie, isdir);
	if (m->replaced && !m->exchange)
		fsnotify_inode(m->replaced, IN_ATTRIB); /* its link count */
	fsnotify_inode(m->moved, IN_MOVE_SELF);
	if (m->exchange) {
		bool rdir = S_ISDIR(m->replaced->mode);
		cookie = fsnotify_cookie();
		fsnotify_name(m->new_dir, m->new_name, m->new_len, IN_MOVED_FROM, cookie, rdir);
		fsnotify_name(m->old_dir, m->old_name, m->old_len, IN_MOVED_TO, cookie, rdir);
		fsnotify_inode(m->replaced, IN_MOVE_SELF);
	} else if (m->replaced) {
		fsnotify_unlinked(m->replaced);
	}
}

/* A watched inode of sb (referenced), or NULL. */
static struct inode *watched_inode_of(struct super_block *sb)
{
	struct inode *found = NULL;
	uint64_t f = spin_lock_irqsave(&inotify_lock);
	struct list_node *dp, *wp;
	list_for_each(dp, &inotify_devs) {
		struct inotify_dev *d = list_entry(dp, struct inotify_dev, node);
		list_for_each(wp, &d->watches) {
			struct inotify_watch *w = list_entry(wp, struct inotify_watch, dev_node);
			if (w->inode->sb == sb) {
				found = w->inode;
				inode_get(found);
				goto out;
			}
		}
	}
out:
	spin_unlock_irqrestore(&inotify_lock, f);
	return found;
}

void fsnotify_unmount(struct super_block *sb)
{
	struct inode *inode;
	while (watched() && (inode = watched_inode_of(sb))) {
		remove_all_on(inode, IN_UNMOUNT);
		inode_put(inode);
	}
}

/* ---- the instance's file --------------------------------------------------------------------- */

/* Move the events that fit in room bytes to *out (a private list): 0, or -EINVAL when the
 * first does not fit. inotify_lock held. */
static int take_events_locked(struct inotify_dev *d, size_t room, struct list_node *out)
{
	spin_assert_held(&inotify_lock);
	while (!list_empty(&d->events)) {
		struct inotify_event_k *e = list_first(&d->events, struct inotify_event_k, node);
		size_t size = sizeof(e->hdr) + e->hdr.len;
		if (size > room)
			return list_empty(out) ? -EINVAL : 0;
		room -= size;
		list_remove(&e->node);
		list_add_tail(out, &e->node);
		d->nevents--;
		d->bytes -= (uint32_t)size;
	}
	return 0;
}

/* Copy the taken events out and free them: the bytes copied, or -EFAULT (the events are lost,
 * as Linux loses them). */
static long copy_events_out(struct list_node *taken, struct uio *u)
{
	long done = 0, r = 0;
	while (!list_empty(taken)) {
		struct inotify_event_k *e = list_first(taken, struct inotify_event_k, node);
		size_t size = sizeof(e->hdr) + e->hdr.len;
		if (!r && uio_copy_out(u, &e->hdr, size))
			r = -EFAULT;
		if (!r)
			done += (long)size;
		list_remove(&e->node);
		kfree(e);
	}
	return done ? done : r;
}

static long inotify_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct inotify_dev *d = f->priv;
	struct list_node taken = LIST_HEAD_INIT(taken);
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	long r = 0;
	while (list_empty(&d->events)) {
		if (uio_nonblock(u, READ_ONCE(f->flags))) {
			r = -EAGAIN;
			break;
		}
		if (signal_wait_queue_sleep_locked(&d->wq, &inotify_lock, &fl, 0) == -EINTR) {
			r = -ERESTARTSYS;
			break;
		}
	}
	if (!r)
		r = take_events_locked(d, u->resid, &taken);
	spin_unlock_irqrestore(&inotify_lock, fl);
	return r ? r : copy_events_out(&taken, u);
}

static uint32_t inotify_poll(struct file *f, struct poll_table *pt)
{
	struct inotify_dev *d = f->priv;
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	if (pt)
		poll_wait_locked(pt, &d->wq, &inotify_lock);
	uint32_t mask = list_empty(&d->events) ? 0 : POLLIN | POLLRDNORM;
	spin_unlock_irqrestore(&inotify_lock, fl);
	return mask;
}

static long inotify_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct inotify_dev *d = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	int n = (int)d->bytes;
	spin_unlock_irqrestore(&inotify_lock, fl);
	return put_user(n, (int __user *)arg) ? -EFAULT : 0;
}

static void inotify_release(struct file *f)
{
	struct inotify_dev *d = f->priv;
	for (;;) {
		struct inode *put = NULL;
		uint64_t fl = spin_lock_irqsave(&inotify_lock);
		if (!list_empty(&d->watches))
			watch_remove_locked(list_first(&d->watches, struct inotify_watch, dev_node),
					    &put);
		spin_unlock_irqrestore(&inotify_lock, fl);
		if (!put)
			break;
		inode_put(put);
	}
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	if (d->accounted) {
		list_remove(&d->node);
		struct inotify_user *u = user_locked(d->uid, false);
		if (u)
			u->instances--;
		user_put_locked(u);
	}
	while (!list_empty(&d->events)) {
		struct inotify_event_k *e = list_first(&d->events, struct inotify_event_k, node);
		list_remove(&e->node);
		kfree(e);
	}
	spin_unlock_irqrestore(&inotify_lock, fl);
	kfree(d);
}

/* /proc/<pid>/fdinfo: a line per watch, as Linux's (the mask with IN_ONESHOT and
 * IN_EXCL_UNLINK; ignored_mask is fanotify's). */
static long inotify_fdinfo(struct file *f, char *buf, size_t size)
{
	struct inotify_dev *d = f->priv;
	size_t len = 0;
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	struct list_node *pos;
	list_for_each(pos, &d->watches) {
		struct inotify_watch *w = list_entry(pos, struct inotify_watch, dev_node);
		uint32_t mask = w->mask & (IN_ALL_EVENTS | IN_ONESHOT | IN_EXCL_UNLINK);
		if (len < size)
			len += (size_t)ksnprintf(buf + len, size - len,
						 "inotify wd:%x ino:%lx sdev:%lx mask:%x "
						 "ignored_mask:0\n",
						 w->wd, w->inode->ino, w->inode->sb->dev, mask);
	}
	spin_unlock_irqrestore(&inotify_lock, fl);
	return (long)MIN(len, size);
}

static const struct file_ops inotify_ops = {
	.fdinfo = inotify_fdinfo,
	.read = inotify_read,
	.poll = inotify_poll,
	.ioctl = inotify_ioctl,
	.llseek = noop_llseek,
	.release = inotify_release,
};

/* ---- the system calls ------------------------------------------------------------------------ */

static uint32_t current_uid(void)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&p->lock);
	uint32_t uid = p->cred.uid;
	spin_unlock_irqrestore(&p->lock, f);
	return uid;
}

#define INOTIFY_MODE 0600 /* an anonymous inode, as Linux's */

/* Count d against its user's max_user_instances: 0, -EMFILE, -ENOMEM. */
static int account_instance(struct inotify_dev *d)
{
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	struct inotify_user *u = user_locked(d->uid, true);
	int r = !u ? -ENOMEM
		: u->instances >= READ_ONCE(inotify_max_user_instances) ? -EMFILE : 0;
	if (!r) {
		u->instances++;
		list_add_tail(&inotify_devs, &d->node);
		d->accounted = true;
	}
	user_put_locked(u);
	spin_unlock_irqrestore(&inotify_lock, fl);
	return r;
}

SYSCALL_DEFINE1(inotify_init1, int, flags)
{
	if (flags & ~(IN_CLOEXEC | IN_NONBLOCK))
		return -EINVAL;
	struct inotify_dev *d = kmalloc(sizeof(*d));
	if (!d)
		return -ENOMEM;
	*d = (struct inotify_dev){ .next_wd = 1, .uid = current_uid(),
				   .max_events = READ_ONCE(inotify_max_queued_events) };
	list_init(&d->events);
	list_init(&d->watches);
	list_init(&d->node);
	wait_queue_init(&d->wq);
	struct file *f;
	int r = file_alloc_anon(INOTIFY_MODE, O_RDONLY | ((uint32_t)flags & O_NONBLOCK),
				&inotify_ops, d, &f);
	if (r) {
		kfree(d);
		return r;
	}
	r = account_instance(d);
	if (r) {
		file_put(f); /* its release frees d */
		return r;
	}
	return fd_install_or_put(f, flags & IN_CLOEXEC);
}

SYSCALL_DEFINE0(inotify_init)
{
	return do_sys_inotify_init1(0);
}

/* The instance behind fd (referenced in *fp): 0, -EBADF, or -EINVAL (not an inotify fd). */
static int inotify_get_file(int fd, struct file **fp)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	if (f->ops != &inotify_ops) {
		file_put(f);
		return -EINVAL;
	}
	*fp = f;
	return 0;
}

static struct inotify_watch *find_wd_locked(struct inotify_dev *d, int wd)
{
	spin_assert_held(&inotify_lock);
	struct list_node *pos;
	list_for_each(pos, &d->watches) {
		struct inotify_watch *w = list_entry(pos, struct inotify_watch, dev_node);
		if (w->wd == wd)
			return w;
	}
	return NULL;
}

/* d's watch on inode updated with mask, or a new one (the inode's reference then passes to
 * it: *took): its wd, -EEXIST (IN_MASK_CREATE), -ENOSPC (max_user_watches), -ENOMEM. */
static int watch_set(struct inotify_dev *d, struct inode *inode, uint32_t mask, bool *took)
{
	struct inotify_watch *nw = kmalloc(sizeof(*nw));
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	struct inotify_watch *w = inode->inotify_watches;
	while (w && w->dev != d)
		w = w->next_on_inode;
	int r;
	struct inotify_user *u = w ? NULL : user_locked(d->uid, true);
	if (w && (mask & IN_MASK_CREATE)) {
		r = -EEXIST;
	} else if (w) {
		w->mask = (mask & IN_MASK_ADD) ? w->mask | mask : mask;
		r = w->wd;
	} else if (!nw || !u) {
		r = -ENOMEM;
	} else if (u->watches >= READ_ONCE(inotify_max_user_watches)) {
		r = -ENOSPC;
	} else {
		while (find_wd_locked(d, d->next_wd))
			d->next_wd = d->next_wd == INT32_MAX ? 1 : d->next_wd + 1;
		*nw = (struct inotify_watch){ .dev = d, .inode = inode, .wd = d->next_wd,
					      .mask = mask, .next_on_inode = inode->inotify_watches };
		d->next_wd = d->next_wd == INT32_MAX ? 1 : d->next_wd + 1;
		inode->inotify_watches = nw;
		list_add_tail(&d->watches, &nw->dev_node);
		u->watches++;
		__atomic_fetch_add(&inotify_nwatches, 1, __ATOMIC_RELAXED);
		*took = true;
		r = nw->wd;
		nw = NULL;
	}
	user_put_locked(u);
	spin_unlock_irqrestore(&inotify_lock, fl);
	kfree(nw);
	return r;
}

SYSCALL_DEFINE3(inotify_add_watch, int, fd, const char __user *, upath, uint32_t, mask)
{
	if (!(mask & (IN_ALL_EVENTS | IN_UNMOUNT | IN_Q_OVERFLOW | IN_IGNORED | IN_ISDIR |
		      IN_WATCH_FLAGS)))
		return -EINVAL;
	if ((mask & IN_MASK_ADD) && (mask & IN_MASK_CREATE))
		return -EINVAL;
	struct file *f;
	int r = inotify_get_file(fd, &f);
	if (r)
		return r;
	struct path p;
	r = user_path_lookup_at(AT_FDCWD, upath,
				((mask & IN_DONT_FOLLOW) ? 0 : LOOKUP_FOLLOW) |
					((mask & IN_ONLYDIR) ? LOOKUP_DIRECTORY : 0),
				&p);
	if (r) {
		file_put(f);
		return r;
	}
	r = inode_permission(p.dentry->inode, MAY_READ);
	if (!r) {
		struct inode *inode = p.dentry->inode;
		bool took = false;
		inode_get(inode);
		r = watch_set(f->priv, inode, mask & (IN_ALL_EVENTS | IN_WATCH_FLAGS), &took);
		if (!took)
			inode_put(inode);
	}
	path_put(&p);
	file_put(f);
	return r;
}

SYSCALL_DEFINE2(inotify_rm_watch, int, fd, int, wd)
{
	struct file *f;
	int r = inotify_get_file(fd, &f);
	if (r)
		return r;
	struct inode *put = NULL;
	uint64_t fl = spin_lock_irqsave(&inotify_lock);
	struct inotify_watch *w = find_wd_locked(f->priv, wd);
	if (w)
		watch_remove_locked(w, &put);
	spin_unlock_irqrestore(&inotify_lock, fl);
	if (put)
		inode_put(put);
	file_put(f);
	return w ? 0 : -EINVAL;
}
