/* Leases (fcntl F_SETLEASE / F_GETLEASE) with Linux's semantics: taken by the file's owner (or
 * root) on a regular file only while no conflicting open exists; an open or truncate that
 * conflicts breaks them: the holder gets its lease signal (SIGIO, or F_SETSIG's) and the opener
 * waits, interruptibly, until the holder releases or downgrades the lease or the lease-break
 * time passes, when the break is forced. The records live in the inode's lock context
 * (fs/locks_internal.h), under file_lock_lock. */
#include <fs/locks.h>
#include <fs/locks_internal.h>
#include <fs/fown.h>
#include <fs/vfs.h>
#include <core/time.h>
#include <proc/process.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/signal.h>

#define NS_PER_S 1000000000ull

int lease_break_time = 45; /* Linux's default */

static uint64_t lease_break_ns(void)
{
	int s = __atomic_load_n(&lease_break_time, __ATOMIC_RELAXED);
	return s > 0 ? (uint64_t)s * NS_PER_S : 0;
}

int lease_target(const struct file_lock *l)
{
	if (l->pending & LEASE_UNLOCK_PENDING)
		return F_UNLCK;
	if (l->pending & LEASE_DOWNGRADE_PENDING)
		return F_RDLCK;
	return l->type;
}

static struct file_lock *lease_of_locked(struct file_lock_ctx *ctx, const struct file *f)
{
	spin_assert_held(&file_lock_lock);
	struct list_node *pos;
	list_for_each(pos, &ctx->leases) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (l->owner == f)
			return l;
	}
	return NULL;
}

/* The holder sets its lease to arg (or a break forces it): F_UNLCK ends it; F_RDLCK settles a
 * pending downgrade. Whoever waits for the break looks again. */
static void lease_modify_locked(struct file_lock_ctx *ctx, struct file_lock *l, int arg)
{
	spin_assert_held(&file_lock_lock);
	if (arg == F_UNLCK) {
		lock_free_locked(l);
	} else {
		l->type = arg;
		if (arg == F_RDLCK)
			l->pending &= ~LEASE_DOWNGRADE_PENDING;
	}
	wake_waiters_locked(ctx);
}

/* Would a lease of type arg through f conflict with the inode's opens? A read lease needs no
 * writer; a write lease needs f to be the only open of the file. */
static bool open_conflicts(const struct file *f, int arg)
{
	int writers = __atomic_load_n(&f->inode->open_writers, __ATOMIC_RELAXED);
	int readers = __atomic_load_n(&f->inode->open_readers, __ATOMIC_RELAXED);
	if (arg == F_RDLCK)
		return writers > 0;
	int self_w = (f->mode & FMODE_WRITE) ? 1 : 0;
	int self_r = !self_w && (f->mode & FMODE_READ) ? 1 : 0;
	return writers != self_w || readers != self_r;
}

/* Add or change f's lease (arg F_RDLCK or F_WRLCK): 0 or -EAGAIN. */
static int lease_add_locked(struct file_lock_ctx *ctx, struct file *f, int fd, int arg,
			    struct file_lock **spare)
{
	spin_assert_held(&file_lock_lock);
	if (open_conflicts(f, arg))
		return -EAGAIN;
	struct file_lock *mine = NULL;
	struct list_node *pos;
	list_for_each(pos, &ctx->leases) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (l->owner == f)
			mine = l;
		else if (arg == F_WRLCK || (l->pending & LEASE_UNLOCK_PENDING))
			return -EAGAIN; /* no write lease beside another, no new one in a break */
	}
	if (mine) {
		lease_modify_locked(ctx, mine, arg);
		return 0;
	}
	struct lock_req rq = { .owner = f, .flavor = LOCK_FLAVOR_LEASE, .type = arg,
			       .pid = process_current()->pid, .start = 0, .end = OFFSET_MAX };
	lock_insert_locked(&ctx->leases, f->inode, &rq, spare)->fd = fd;
	return 0;
}

static long lease_set(struct file *f, int fd, uint64_t arg)
{
	if (arg != F_RDLCK && arg != F_WRLCK && arg != F_UNLCK)
		return -EINVAL;
	if (!inode_owner_or_root(f->inode)) /* Linux: the owner, or CAP_LEASE */
		return -EACCES;
	if (!S_ISREG(f->inode->mode))
		return -EINVAL;
	struct file_lock *spare[SPARE_LOCKS];
	long r = -ENOLCK;
	if (!spares_alloc(spare))
		goto out_free;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct file_lock_ctx *ctx = ctx_get_locked(f->inode, arg != F_UNLCK);
	struct file_lock *mine = ctx ? lease_of_locked(ctx, f) : NULL;
	if (arg == F_UNLCK) {
		r = mine ? 0 : -EAGAIN; /* as Linux: no lease to remove */
		if (mine)
			lease_modify_locked(ctx, mine, F_UNLCK);
	} else {
		r = ctx ? lease_add_locked(ctx, f, fd, (int)arg, spare) : -ENOLCK;
	}
	spin_unlock_irqrestore(&file_lock_lock, irq);
	if (!r && arg != F_UNLCK)
		fown_set_self(f); /* the holder gets the break's signal */
out_free:
	spares_free(spare);
	return r;
}

static long lease_get(struct file *f)
{
	int type = F_UNLCK;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct file_lock_ctx *ctx = ctx_get_locked(f->inode, false);
	struct file_lock *mine = ctx ? lease_of_locked(ctx, f) : NULL;
	if (mine)
		type = lease_target(mine);
	spin_unlock_irqrestore(&file_lock_lock, irq);
	return type;
}

long fcntl_lease(struct file *f, int fd, unsigned int cmd, uint64_t arg)
{
	return cmd == F_SETLEASE ? lease_set(f, fd, arg) : lease_get(f);
}

/* ---- breaking ------------------------------------------------------------------------------ */

static bool lease_conflicts(const struct file_lock *l, bool want_write)
{
	return want_write || l->type == F_WRLCK;
}

/* A reference to f unless its last one is already gone (its release is then about to drop
 * the lease, waiting for file_lock_lock). */
static bool file_tryget(struct file *f)
{
	int n = __atomic_load_n(&f->refcount, __ATOMIC_RELAXED);
	while (n > 0)
		if (__atomic_compare_exchange_n(&f->refcount, &n, n + 1, false, __ATOMIC_ACQUIRE,
						__ATOMIC_RELAXED))
			return true;
	return false;
}

/* The next conflicting lease whose holder has not been told of this break yet, marked as
 * breaking, its file referenced in *holder; NULL when there is none. */
static struct file_lock *lease_mark_next_locked(struct file_lock_ctx *ctx, bool want_write,
						struct file **holder)
{
	spin_assert_held(&file_lock_lock);
	unsigned want = want_write ? LEASE_UNLOCK_PENDING : LEASE_DOWNGRADE_PENDING;
	struct list_node *pos;
	list_for_each(pos, &ctx->leases) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (!lease_conflicts(l, want_write) || (l->pending & want) ||
		    (!want_write && l->pending))
			continue;
		l->pending |= want;
		l->break_deadline = time_monotonic_ns() + lease_break_ns();
		*holder = file_tryget((struct file *)l->owner) ? (struct file *)l->owner : NULL;
		return l;
	}
	return NULL;
}

/* Start the break of every conflicting lease: mark it and signal its holder (outside
 * file_lock_lock, one at a time). */
static void lease_start_breaks(struct inode *inode, bool want_write)
{
	for (;;) {
		struct file *holder = NULL;
		int fd = 0;
		uint64_t irq = spin_lock_irqsave(&file_lock_lock);
		struct file_lock *l = lease_mark_next_locked(inode->flctx, want_write, &holder);
		if (l)
			fd = l->fd;
		spin_unlock_irqrestore(&file_lock_lock, irq);
		if (!l)
			return;
		if (holder) {
			fown_send_signal(holder, fd, POLL_MSG);
			file_put(holder);
		}
	}
}

/* Force the breaks whose time is up; is anything still in the way? *deadline receives the
 * earliest time a remaining conflicting lease's break is forced. */
static bool lease_still_conflicts_locked(struct file_lock_ctx *ctx, bool want_write,
					 uint64_t *deadline)
{
	spin_assert_held(&file_lock_lock);
	uint64_t now = time_monotonic_ns();
	bool any = false;
	*deadline = 0;
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &ctx->leases) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (l->pending && now >= l->break_deadline) {
			lease_modify_locked(ctx, l, lease_target(l));
			continue; /* l may be gone */
		}
		if (!lease_conflicts(l, want_write))
			continue;
		any = true;
		if (!*deadline || l->break_deadline < *deadline)
			*deadline = l->break_deadline;
	}
	return any;
}

int lease_break(struct inode *inode, uint32_t oflags)
{
	struct file_lock_ctx *ctx = ctx_peek(inode);
	if (!ctx) /* never locked: the common case costs one load */
		return 0;
	bool want_write = (oflags & O_ACCMODE) != O_RDONLY;
	for (;;) {
		lease_start_breaks(inode, want_write);
		uint64_t deadline;
		uint64_t irq = spin_lock_irqsave(&file_lock_lock);
		int r = 0;
		if (lease_still_conflicts_locked(ctx, want_write, &deadline)) {
			r = (oflags & O_NONBLOCK)
				    ? -EWOULDBLOCK
				    : wait_queue_sleep_locked(&ctx->waiters, &file_lock_lock, &irq,
							      deadline, SLEEP_INTERRUPTIBLE);
			if (r == -ETIMEDOUT || r == 0)
				r = 1; /* look again (the break is forced at its deadline) */
		}
		spin_unlock_irqrestore(&file_lock_lock, irq);
		if (r <= 0)
			return r == -EINTR ? -ERESTARTSYS : r;
	}
}
