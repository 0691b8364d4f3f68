/* epoll_create, epoll_create1, epoll_ctl, epoll_wait, epoll_pwait, epoll_pwait2: the interest
 * and ready lists, the callback that feeds the ready list, the scan that reports it, nesting and
 * its loop check (see fs/epoll.h for the design and the lock order). */
#include <fs/epoll.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <mm/kmalloc.h>
#include <proc/signal.h>
#include <syscall/syscall.h>
#include <uapi/epoll.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/time.h>

#define EP_MAX_NESTS 5 /* epoll levels, the outermost included (Linux: ELOOP beyond) */
#define EP_MAX_EVENTS (0x7fffffff / sizeof(struct linux_epoll_event))
#define EP_HOOKS 2 /* wait queues a poll op registers on at most (pipes and ttys: two) */
/* Input flags, not readiness: kept apart from what a poll reports. */
#define EP_PRIVATE_BITS (EPOLLWAKEUP | EPOLLONESHOT | EPOLLET | EPOLLEXCLUSIVE)
#define EP_EXCLUSIVE_OK (EPOLLIN | EPOLLOUT | EPOLLERR | EPOLLHUP | EPOLLWAKEUP | EPOLLET |     \
			 EPOLLEXCLUSIVE)

struct epitem;

/* The interest's callback entry on one wait queue of its file. */
struct ep_hook {
	struct wait_entry w;
	struct spinlock *lock; /* guards the queue w is on */
	struct epitem *item;
};

struct epoll {
	struct mutex mtx; /* see fs/epoll.h */
	struct spinlock lock;
	struct list_node items; /* epoll_mutex: struct epitem.node */
	struct list_node ready; /* lock: struct epitem.rdlink */
	struct wait_queue wq; /* lock: threads in epoll_wait */
	struct wait_queue poll_wq; /* lock: pollers of this epoll (poll/select, outer epolls) */
	struct file *file; /* this epoll's own file (immutable; not referenced) */
};

struct epitem {
	struct list_node node; /* epoll_mutex: in ep->items */
	struct list_node link; /* epoll_mutex: in file->epoll_links */
	struct list_node rdlink; /* ep->lock (or the scan that took it off): ready list */
	struct epoll *ep; /* immutable */
	struct file *file; /* immutable; not referenced: its last close removes the interest */
	int fd; /* immutable */
	uint32_t events; /* written under ep->mtx and ep->lock; readable under either */
	uint64_t data; /* ep->mtx */
	bool on_list; /* ep->lock: on ep->ready, or in a scan */
	bool in_scan; /* ep->lock: a scan took it off the ready list and will decide */
	bool rewake; /* ep->lock: the callback ran during the scan */
	int nhooks; /* epoll_mutex */
	struct ep_hook hooks[EP_HOOKS];
};

static struct mutex epoll_mutex = MUTEX_INIT(epoll_mutex, "epoll");
static const struct file_ops epoll_ops;

static bool is_epoll(const struct file *f)
{
	return f->ops == &epoll_ops;
}

/* ---- the callback ------------------------------------------------------------------------ */

/* A ready interest goes on the ready list (or is marked for the scan that holds it). True
 * when a thread was woken or the interest was already waiting to be reported (either way this
 * epoll takes the event: what EPOLLEXCLUSIVE asks, even of a file that wakes twice). */
static bool ep_mark_ready_locked(struct epitem *item)
{
	struct epoll *ep = item->ep;
	spin_assert_held(&ep->lock);
	if (!(item->events & ~EP_PRIVATE_BITS))
		return false; /* a one-shot that fired: disabled until EPOLL_CTL_MOD */
	bool pending = item->on_list && !item->in_scan;
	if (item->in_scan) {
		item->rewake = true;
	} else if (!item->on_list) {
		list_add_tail(&ep->ready, &item->rdlink);
		item->on_list = true;
	}
	int woken = wait_queue_wake_locked(&ep->wq, 0);
	woken += wait_queue_wake_locked(&ep->poll_wq, 0);
	return woken > 0 || pending;
}

/* Runs under the watched queue's lock (IRQs off): ep->lock nests inside it. */
static bool ep_hook_fired(struct wait_entry *w)
{
	struct ep_hook *hook = list_entry(w, struct ep_hook, w);
	struct epoll *ep = hook->item->ep;
	/* An epoll watching an epoll is woken with the watched one's lock held: nesting goes from
	 * watched to watcher, and the interest graph has no cycles (ep_loop_check). */
	spin_lock_nested(&ep->lock);
	bool woke = ep_mark_ready_locked(hook->item);
	spin_unlock(&ep->lock);
	return woke;
}

/* The poll table of an interest being added: hooks instead of thread entries. */
struct ep_table {
	struct poll_table pt;
	struct epitem *item;
};

static void ep_table_queue(struct poll_table *pt, struct wait_queue *wq, struct spinlock *lock)
{
	struct epitem *item = list_entry(pt, struct ep_table, pt)->item;
	if (item->nhooks == EP_HOOKS)
		return; /* no poll op registers on more (fs/epoll.h) */
	struct ep_hook *hook = &item->hooks[item->nhooks++];
	wait_entry_init_func(&hook->w, ep_hook_fired);
	hook->w.exclusive = item->events & EPOLLEXCLUSIVE;
	hook->lock = lock;
	hook->item = item;
	wait_queue_add_locked(wq, &hook->w);
}

/* ---- interests ----------------------------------------------------------------------------- */

static struct epitem *ep_find(struct epoll *ep, const struct file *f, int fd)
{
	mutex_assert_held(&epoll_mutex);
	struct list_node *n;
	list_for_each(n, &ep->items) {
		struct epitem *item = list_entry(n, struct epitem, node);
		if (item->file == f && item->fd == fd)
			return item;
	}
	return NULL;
}

const struct file *epoll_target_file(struct file *f, int tfd, unsigned toff, int *err)
{
	if (!is_epoll(f)) {
		*err = -EINVAL;
		return NULL;
	}
	struct epoll *ep = f->priv;
	const struct file *found = NULL;
	mutex_lock(&epoll_mutex);
	struct list_node *n;
	list_for_each(n, &ep->items) {
		struct epitem *item = list_entry(n, struct epitem, node);
		if (item->fd == tfd && toff-- == 0) {
			found = item->file;
			break;
		}
	}
	mutex_unlock(&epoll_mutex);
	*err = found ? 0 : -ENOENT;
	return found;
}

/* What of item's interest f reports now (POLL* bits, EPOLLERR and EPOLLHUP always wanted). */
static uint32_t ep_item_poll(struct epitem *item, struct poll_table *pt)
{
	uint32_t want = (READ_ONCE(item->events) & ~EP_PRIVATE_BITS) | EPOLLERR | EPOLLHUP;
	return file_poll(item->file, pt) & want;
}

/* A new or changed interest that is ready now goes on the ready list. */
static void ep_check_ready(struct epitem *item, uint32_t revents)
{
	if (!revents)
		return;
	uint64_t fl = spin_lock_irqsave(&item->ep->lock);
	ep_mark_ready_locked(item);
	spin_unlock_irqrestore(&item->ep->lock, fl);
}

static int ep_insert(struct epoll *ep, struct file *f, int fd, const struct linux_epoll_event *ev)
{
	struct epitem *item = kmalloc(sizeof(*item));
	if (!item)
		return -ENOMEM;
	*item = (struct epitem){ .ep = ep, .file = f, .fd = fd, .data = ev->data,
				 .events = ev->events | EPOLLERR | EPOLLHUP };
	list_init(&item->rdlink);
	mutex_lock(&ep->mtx);
	list_add_tail(&ep->items, &item->node);
	list_add_tail(&f->epoll_links, &item->link);
	struct ep_table table = { .pt.queue = ep_table_queue, .item = item };
	ep_check_ready(item, ep_item_poll(item, &table.pt));
	mutex_unlock(&ep->mtx);
	return 0;
}

/* Unhook and free item. epoll_mutex and ep->mtx held: no scan holds it. */
static void ep_remove(struct epitem *item)
{
	struct epoll *ep = item->ep;
	mutex_assert_held(&epoll_mutex);
	mutex_assert_held(&ep->mtx);
	for (int i = 0; i < item->nhooks; i++) {
		struct ep_hook *hook = &item->hooks[i];
		uint64_t fl = spin_lock_irqsave(hook->lock);
		wait_entry_remove_locked(&hook->w);
		spin_unlock_irqrestore(hook->lock, fl);
	}
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	if (item->on_list)
		list_remove(&item->rdlink);
	spin_unlock_irqrestore(&ep->lock, fl);
	list_remove(&item->node);
	list_remove(&item->link);
	kfree(item);
}

static int ep_modify(struct epitem *item, const struct linux_epoll_event *ev)
{
	struct epoll *ep = item->ep;
	mutex_lock(&ep->mtx);
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	item->events = ev->events | EPOLLERR | EPOLLHUP;
	spin_unlock_irqrestore(&ep->lock, fl);
	item->data = ev->data;
	ep_check_ready(item, ep_item_poll(item, NULL));
	mutex_unlock(&ep->mtx);
	return 0;
}

void epoll_file_closed(struct file *f)
{
	mutex_lock(&epoll_mutex);
	while (!list_empty(&f->epoll_links)) {
		struct epitem *item = list_first(&f->epoll_links, struct epitem, link);
		struct epoll *ep = item->ep; /* alive: its release waits for epoll_mutex */
		mutex_lock(&ep->mtx);
		ep_remove(item);
		mutex_unlock(&ep->mtx);
	}
	mutex_unlock(&epoll_mutex);
}

/* ---- the loop check ------------------------------------------------------------------------ */

/* Epoll levels from ep down (ep counts one), or EP_MAX_NESTS + 1 when `avoid` is among them
 * (a loop) or the levels exceed the limit. epoll_mutex held. */
static int ep_depth_down(struct epoll *ep, const struct epoll *avoid, int level)
{
	if (ep == avoid || level > EP_MAX_NESTS)
		return EP_MAX_NESTS + 1;
	int deepest = 0;
	struct list_node *n;
	list_for_each(n, &ep->items) {
		struct epitem *item = list_entry(n, struct epitem, node);
		if (!is_epoll(item->file))
			continue;
		int d = ep_depth_down(item->file->priv, avoid, level + 1);
		if (d > deepest)
			deepest = d;
	}
	return deepest + 1 > EP_MAX_NESTS + 1 ? EP_MAX_NESTS + 1 : deepest + 1;
}

/* Epoll levels from ep up through the epolls watching it (ep counts one). */
static int ep_depth_up(struct epoll *ep, int level)
{
	if (level > EP_MAX_NESTS)
		return EP_MAX_NESTS + 1;
	int highest = 0;
	struct list_node *n;
	list_for_each(n, &ep->file->epoll_links) {
		struct epitem *item = list_entry(n, struct epitem, link);
		int u = ep_depth_up(item->ep, level + 1);
		if (u > highest)
			highest = u;
	}
	return highest + 1;
}

/* May ep watch the epoll inner? -ELOOP for a cycle or too deep a nest. */
static int ep_loop_check(struct epoll *ep, struct epoll *inner)
{
	mutex_assert_held(&epoll_mutex);
	if (ep_depth_up(ep, 1) + ep_depth_down(inner, ep, 1) > EP_MAX_NESTS)
		return -ELOOP;
	return 0;
}

/* ---- the scan ------------------------------------------------------------------------------ */

/* Where a scan reports: to user memory (epoll_wait, consuming edge-triggered and one-shot
 * events), or nowhere (a poll of the epoll: is anything ready?). */
struct ep_sink {
	struct linux_epoll_event __user *uevents; /* NULL: a poll, nothing consumed */
	int max;
	int n; /* reported so far */
	int err; /* -EFAULT once a copy failed */
};

/* Report item if ready; true when it stays on the ready list (level-triggered). */
static bool ep_report(struct epitem *item, struct ep_sink *sink)
{
	uint32_t revents = ep_item_poll(item, NULL);
	if (!revents)
		return false;
	if (!sink->uevents) {
		sink->n++;
		return true;
	}
	struct linux_epoll_event ev = { .events = revents, .data = item->data };
	if (copy_to_user(&sink->uevents[sink->n], &ev, sizeof(ev))) {
		sink->err = -EFAULT;
		return true;
	}
	sink->n++;
	if (item->events & EPOLLONESHOT) {
		uint64_t fl = spin_lock_irqsave(&item->ep->lock);
		item->events &= EP_PRIVATE_BITS;
		spin_unlock_irqrestore(&item->ep->lock, fl);
		return false;
	}
	return !(item->events & EPOLLET);
}

/* The scan is done with item: true when it goes back on the ready list (it stays ready, or
 * the callback ran meanwhile). */
static bool ep_scan_done_locked(struct epitem *item, bool stays)
{
	spin_assert_held(&item->ep->lock);
	item->in_scan = false;
	item->on_list = stays || item->rewake;
	item->rewake = false;
	return item->on_list;
}

/* Take the ready list, report what is ready into sink, and put back what stays ready or fired
 * meanwhile. ep->mtx held: no interest goes away under the scan. */
static void ep_scan(struct epoll *ep, struct ep_sink *sink)
{
	mutex_assert_held(&ep->mtx);
	struct list_node tx, keep;
	list_init(&tx);
	list_init(&keep);
	uint64_t fl = spin_lock_irqsave(&ep->lock);
	while (!list_empty(&ep->ready)) {
		struct epitem *item = list_first(&ep->ready, struct epitem, rdlink);
		list_remove(&item->rdlink);
		list_add_tail(&tx, &item->rdlink);
		item->in_scan = true;
	}
	spin_unlock_irqrestore(&ep->lock, fl);
	struct list_node unseen, done;
	list_init(&unseen);
	list_init(&done);
	while (!list_empty(&tx)) {
		struct epitem *item = list_first(&tx, struct epitem, rdlink);
		list_remove(&item->rdlink);
		struct list_node *to = &done;
		if (sink->n == sink->max || sink->err)
			to = &unseen;
		else if (ep_report(item, sink))
			to = &keep;
		list_add_tail(to, &item->rdlink);
	}
	fl = spin_lock_irqsave(&ep->lock);
	/* As Linux: what the scan did not reach goes back in front, what it reported and stays
	 * ready goes to the back, so that a small maxevents still sees every interest in turn. */
	struct list_node *at = &ep->ready;
	while (!list_empty(&unseen)) {
		struct epitem *item = list_first(&unseen, struct epitem, rdlink);
		list_remove(&item->rdlink);
		list_insert_between(&item->rdlink, at, at->next);
		at = &item->rdlink;
		ep_scan_done_locked(item, true);
	}
	while (!list_empty(&keep) || !list_empty(&done)) {
		bool stays = !list_empty(&keep);
		struct epitem *item = list_first(stays ? &keep : &done, struct epitem, rdlink);
		list_remove(&item->rdlink);
		if (ep_scan_done_locked(item, stays))
			list_add_tail(&ep->ready, &item->rdlink);
	}
	spin_unlock_irqrestore(&ep->lock, fl);
}

static uint32_t epoll_poll(struct file *f, struct poll_table *pt)
{
	struct epoll *ep = f->priv;
	if (pt) {
		uint64_t fl = spin_lock_irqsave(&ep->lock);
		poll_wait_locked(pt, &ep->poll_wq, &ep->lock);
		spin_unlock_irqrestore(&ep->lock, fl);
	}
	struct ep_sink sink = { .max = 1 };
	mutex_lock(&ep->mtx);
	ep_scan(ep, &sink);
	mutex_unlock(&ep->mtx);
	return sink.n ? EPOLLIN | EPOLLRDNORM : 0;
}

/* Wait until something is reported, the deadline (0: none) passes, or a signal (-EINTR, as
 * Linux: epoll_wait is never restarted). block false: one scan. */
static long ep_wait(struct epoll *ep, struct linux_epoll_event __user *uevents, int max,
		    bool block, uint64_t deadline)
{
	for (;;) {
		struct ep_sink sink = { .uevents = uevents, .max = max };
		mutex_lock(&ep->mtx);
		ep_scan(ep, &sink);
		mutex_unlock(&ep->mtx);
		if (sink.n)
			return sink.n;
		if (sink.err || !block)
			return sink.err;
		uint64_t fl = spin_lock_irqsave(&ep->lock);
		int r = 0;
		if (list_empty(&ep->ready))
			r = signal_wait_queue_sleep_locked(&ep->wq, &ep->lock, &fl, deadline);
		spin_unlock_irqrestore(&ep->lock, fl);
		if (r == -EINTR)
			return -EINTR;
		if (r == -ETIMEDOUT)
			block = false; /* one last scan */
	}
}

static void epoll_release(struct file *f)
{
	struct epoll *ep = f->priv;
	mutex_lock(&epoll_mutex);
	mutex_lock(&ep->mtx);
	while (!list_empty(&ep->items))
		ep_remove(list_first(&ep->items, struct epitem, node));
	mutex_unlock(&ep->mtx);
	mutex_unlock(&epoll_mutex);
	kfree(ep);
}

static int epoll_open(struct inode *inode, struct file *f)
{
	(void)inode;
	struct epoll *ep = f->priv;
	ep->file = f;
	return 0;
}

static const struct file_ops epoll_ops = {
	.open = epoll_open,
	.llseek = noop_llseek,
	.poll = epoll_poll,
	.release = epoll_release,
};

/* ---- the system calls ---------------------------------------------------------------------- */

/* The file behind fd (referenced) as Linux's fdget sees it: O_PATH descriptors are not there
 * for epoll (and their ops never opened). NULL: EBADF. */
static struct file *fd_get_no_path(int fd)
{
	struct file *f = fd_get(fd);
	if (f && (f->flags & O_PATH)) {
		file_put(f);
		return NULL;
	}
	return f;
}

SYSCALL_DEFINE1(epoll_create1, int, flags)
{
	if (flags & ~EPOLL_CLOEXEC)
		return -EINVAL;
	struct epoll *ep = kmalloc(sizeof(*ep));
	if (!ep)
		return -ENOMEM;
	mutex_init(&ep->mtx, "epoll_ep");
	ep->lock = (struct spinlock)SPINLOCK_INIT("epoll_ready");
	list_init(&ep->items);
	list_init(&ep->ready);
	wait_queue_init(&ep->wq);
	wait_queue_init(&ep->poll_wq);
	ep->file = NULL; /* epoll_open sets it */
	return anon_fd_create(&epoll_ops, ep, O_RDWR, flags & EPOLL_CLOEXEC);
}

SYSCALL_DEFINE1(epoll_create, int, size)
{
	if (size <= 0)
		return -EINVAL;
	return do_sys_epoll_create1(0);
}

/* epoll_ctl's checks on the event, once both files are known: 0 or -EINVAL. */
static int ep_ctl_check(int op, const struct file *f, const struct file *tf,
			const struct linux_epoll_event *ev)
{
	if (f == tf || !is_epoll(f))
		return -EINVAL;
	if (op != EPOLL_CTL_DEL && (ev->events & EPOLLEXCLUSIVE)) {
		if (op == EPOLL_CTL_MOD)
			return -EINVAL;
		if (op == EPOLL_CTL_ADD && (is_epoll(tf) || (ev->events & ~EP_EXCLUSIVE_OK)))
			return -EINVAL;
	}
	return 0;
}

/* The operation itself, epoll_mutex held. */
static int ep_ctl_locked(struct epoll *ep, int op, struct file *tf, int fd,
			 const struct linux_epoll_event *ev)
{
	mutex_assert_held(&epoll_mutex);
	if (op == EPOLL_CTL_ADD && is_epoll(tf)) {
		int r = ep_loop_check(ep, tf->priv);
		if (r)
			return r;
	}
	struct epitem *item = ep_find(ep, tf, fd);
	switch (op) {
	case EPOLL_CTL_ADD:
		return item ? -EEXIST : ep_insert(ep, tf, fd, ev);
	case EPOLL_CTL_DEL:
		if (!item)
			return -ENOENT;
		mutex_lock(&ep->mtx);
		ep_remove(item);
		mutex_unlock(&ep->mtx);
		return 0;
	case EPOLL_CTL_MOD:
		if (!item)
			return -ENOENT;
		if (item->events & EPOLLEXCLUSIVE)
			return -EINVAL;
		return ep_modify(item, ev);
	}
	return -EINVAL;
}

SYSCALL_DEFINE4(epoll_ctl, int, epfd, int, op, int, fd, struct linux_epoll_event __user *, uev)
{
	struct linux_epoll_event ev = { 0, 0 };
	if (op != EPOLL_CTL_DEL && copy_from_user(&ev, uev, sizeof(ev)))
		return -EFAULT;
	/* Without a wake lock to hold, EPOLLWAKEUP means nothing (Linux drops it without
	 * CAP_BLOCK_SUSPEND). */
	ev.events &= ~EPOLLWAKEUP;
	struct file *f = fd_get_no_path(epfd);
	if (!f)
		return -EBADF;
	struct file *tf = fd_get_no_path(fd);
	int r = -EBADF;
	if (!tf)
		goto out_put_ep;
	r = -EPERM;
	if (!tf->ops || !tf->ops->poll)
		goto out_put_tf;
	r = ep_ctl_check(op, f, tf, &ev);
	if (r)
		goto out_put_tf;
	mutex_lock(&epoll_mutex);
	r = ep_ctl_locked(f->priv, op, tf, fd, &ev);
	mutex_unlock(&epoll_mutex);
out_put_tf:
	file_put(tf);
out_put_ep:
	file_put(f);
	return r;
}

/* epoll_wait's common part: the deadline (0: none) and whether to block given. */
static long do_epoll_wait(int epfd, struct linux_epoll_event __user *uevents, int maxevents,
			  bool block, uint64_t deadline)
{
	if (maxevents <= 0 || (uint64_t)maxevents > EP_MAX_EVENTS)
		return -EINVAL;
	if (!user_range_ok((uint64_t)uevents, (uint64_t)maxevents * sizeof(*uevents)))
		return -EFAULT;
	/* Without a reference when only this thread could close epfd meanwhile (fd_get_light):
	 * the wait never closes or replaces a descriptor itself. */
	struct fd_light fl;
	if (fd_get_light(epfd, 0, &fl))
		return -EBADF;
	long r = 0;
	if (fl.file->flags & O_PATH)
		r = -EBADF;
	else
		r = is_epoll(fl.file) ? ep_wait(fl.file->priv, uevents, maxevents, block, deadline)
				      : -EINVAL;
	fd_put_light(&fl);
	return r;
}

/* epoll_wait's milliseconds (negative: none) as a deadline (0: none). */
static uint64_t ms_deadline(int timeout_ms)
{
	if (timeout_ms <= 0)
		return 0;
	return time_monotonic_ns() + (uint64_t)timeout_ms * NSEC_PER_MSEC;
}

SYSCALL_DEFINE4(epoll_wait, int, epfd, struct linux_epoll_event __user *, uevents, int,
		maxevents, int, timeout_ms)
{
	return do_epoll_wait(epfd, uevents, maxevents, timeout_ms != 0, ms_deadline(timeout_ms));
}

/* The mask swap of epoll_pwait and epoll_pwait2 (as ppoll's): kept for the handler's frame
 * when a signal ended the wait. */
static long epoll_wait_masked(int epfd, struct linux_epoll_event __user *uevents, int maxevents,
			      bool block, uint64_t deadline, const k_sigset_t __user *umask,
			      size_t sigsetsize)
{
	if (umask) {
		int r = signal_set_temporary_mask(umask, sigsetsize);
		if (r)
			return r;
	}
	long ret = do_epoll_wait(epfd, uevents, maxevents, block, deadline);
	if (umask && ret != -EINTR)
		signal_end_temporary_mask();
	return ret;
}

SYSCALL_DEFINE6(epoll_pwait, int, epfd, struct linux_epoll_event __user *, uevents, int,
		maxevents, int, timeout_ms, const k_sigset_t __user *, umask, size_t, sigsetsize)
{
	return epoll_wait_masked(epfd, uevents, maxevents, timeout_ms != 0, ms_deadline(timeout_ms),
				 umask, sigsetsize);
}

SYSCALL_DEFINE6(epoll_pwait2, int, epfd, struct linux_epoll_event __user *, uevents, int,
		maxevents, const struct linux_timespec __user *, uts,
		const k_sigset_t __user *, umask, size_t, sigsetsize)
{
	uint64_t deadline = 0;
	bool block = true;
	if (uts) {
		struct linux_timespec ts;
		if (copy_from_user(&ts, uts, sizeof(ts)))
			return -EFAULT;
		if (ts.tv_sec < 0 || ts.tv_nsec < 0 || ts.tv_nsec >= (int64_t)NSEC_PER_SEC)
			return -EINVAL;
		block = ts.tv_sec || ts.tv_nsec;
		if (block && (uint64_t)ts.tv_sec < UINT64_MAX / 2 / NSEC_PER_SEC)
			deadline = time_monotonic_ns() + (uint64_t)ts.tv_sec * NSEC_PER_SEC +
				   (uint64_t)ts.tv_nsec;
	}
	return epoll_wait_masked(epfd, uevents, maxevents, block, deadline, umask, sigsetsize);
}
