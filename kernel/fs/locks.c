/* Advisory file locks: POSIX record locks, open file description (OFD) locks and flock(2)
 * locks, with Linux's semantics (fcntl(2), flock(2)): conflicts, range splitting and merging,
 * blocking waits with deadlock detection, release on close and at the last reference to a file,
 * and the listing behind /proc/locks. The lock order and the lifetime rules are in fs/locks.h. */
#include <fs/locks.h>
#include <fs/locks_internal.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <arch/x86_64/usercopy.h>
#include <core/panic.h>
#include <lib/list.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <sched/wait.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

#define DEADLOCK_MAX_STEPS 10 /* as Linux: longer cycles go undetected */

/* A blocked POSIX request (F_SETLKW), on the caller's stack while it sleeps: the wait-for
 * graph that deadlock detection walks. Guarded by file_lock_lock. */
struct lock_waiter {
	struct list_node node; /* in blocked_posix */
	const void *owner; /* the table that waits */
	const void *blocker; /* the owner of the lock it waits for */
};

struct spinlock file_lock_lock = SPINLOCK_INIT("file_lock");
static struct list_node all_locks = LIST_HEAD_INIT(all_locks); /* file_lock_lock */
static struct list_node blocked_posix = LIST_HEAD_INIT(blocked_posix); /* file_lock_lock */

struct file_lock_ctx *ctx_peek(struct inode *inode)
{
	return __atomic_load_n(&inode->flctx, __ATOMIC_ACQUIRE);
}

/* The inode's context, made at its first lock (NULL: out of memory, or none and !create). */
struct file_lock_ctx *ctx_get_locked(struct inode *inode, bool create)
{
	spin_assert_held(&file_lock_lock);
	struct file_lock_ctx *ctx = inode->flctx;
	if (ctx || !create)
		return ctx;
	ctx = kmalloc(sizeof(*ctx)); /* IRQ-safe: allowed under the spinlock */
	if (!ctx)
		return NULL;
	list_init(&ctx->posix);
	list_init(&ctx->flock);
	list_init(&ctx->leases);
	wait_queue_init(&ctx->waiters);
	__atomic_store_n(&inode->flctx, ctx, __ATOMIC_RELEASE);
	return ctx;
}

static bool ranges_overlap(const struct file_lock *l, int64_t start, int64_t end)
{
	return l->start <= end && start <= l->end;
}

/* Overlapping or adjacent: a lock of the same type and owner merges with the request. */
static bool ranges_touch(const struct file_lock *l, int64_t start, int64_t end)
{
	return (l->end == OFFSET_MAX || l->end + 1 >= start) &&
	       (end == OFFSET_MAX || l->start <= end + 1);
}

static bool types_conflict(int a, int b)
{
	return a == F_WRLCK || b == F_WRLCK;
}

/* Put l in list by start, and on the global list. */
static void lock_link_locked(struct list_node *list, struct file_lock *l)
{
	spin_assert_held(&file_lock_lock);
	struct list_node *pos;
	list_for_each(pos, list)
		if (list_entry(pos, struct file_lock, node)->start > l->start)
			break;
	list_insert_between(&l->node, pos->prev, pos);
	list_add_head(&all_locks, &l->all);
}

static void lock_unlink_locked(struct file_lock *l)
{
	spin_assert_held(&file_lock_lock);
	list_remove(&l->node);
	list_remove(&l->all);
}

void lock_free_locked(struct file_lock *l)
{
	lock_unlink_locked(l);
	kfree(l);
}

/* One of the records allocated before the lock was taken. */
struct file_lock *spare_take(struct file_lock **spare)
{
	for (int i = 0; i < SPARE_LOCKS; i++) {
		struct file_lock *l = spare[i];
		if (l) {
			spare[i] = NULL;
			return l;
		}
	}
	panic("file locks: more records needed than reserved");
}

/* A new lock for rq on inode, from the spares, linked into list. */
struct file_lock *lock_insert_locked(struct list_node *list, struct inode *inode,
				     const struct lock_req *rq, struct file_lock **spare)
{
	struct file_lock *l = spare_take(spare);
	*l = (struct file_lock){ .inode = inode, .owner = rq->owner, .flavor = rq->flavor,
				 .type = rq->type, .pid = rq->pid, .start = rq->start,
				 .end = rq->end };
	lock_link_locked(list, l);
	return l;
}

/* The first lock in list that keeps rq from being granted, or NULL. */
static struct file_lock *conflict_locked(struct list_node *list, const struct lock_req *rq)
{
	spin_assert_held(&file_lock_lock);
	struct list_node *pos;
	list_for_each(pos, list) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (l->owner != rq->owner && ranges_overlap(l, rq->start, rq->end) &&
		    types_conflict(l->type, rq->type))
			return l;
	}
	return NULL;
}

/* Cut [start, end] out of the owner's lock l, which overlaps it and is of another type (or
 * the request unlocks): l shrinks, splits in two or goes. */
static void posix_cut_locked(struct file_lock *l, int64_t start, int64_t end,
			     struct list_node *list, struct file_lock **spare)
{
	if (l->start < start && l->end > end) {
		struct file_lock *tail = spare_take(spare);
		*tail = *l;
		tail->start = end + 1;
		lock_link_locked(list, tail);
		l->end = start - 1;
	} else if (l->start < start) {
		l->end = start - 1;
	} else if (l->end > end) {
		lock_unlink_locked(l); /* its start moves: re-sort it */
		l->start = end + 1;
		lock_link_locked(list, l);
	} else {
		lock_free_locked(l);
	}
}

/* Grant rq (no conflict): the owner's locks of the same type that touch the range merge into
 * it, those of the other type give the range up; then the new lock goes in (unless F_UNLCK).
 * The owner's locks never overlap, and adjacent ones of one type are always merged. */
static void posix_apply_locked(struct inode *inode, struct list_node *list, struct lock_req *rq,
			       struct file_lock **spare)
{
	spin_assert_held(&file_lock_lock);
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, list) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (l->owner != rq->owner)
			continue;
		if (l->type == rq->type && ranges_touch(l, rq->start, rq->end)) {
			rq->start = l->start < rq->start ? l->start : rq->start;
			rq->end = l->end > rq->end ? l->end : rq->end;
			lock_free_locked(l);
		} else if (l->type != rq->type && ranges_overlap(l, rq->start, rq->end)) {
			posix_cut_locked(l, rq->start, rq->end, list, spare);
		}
	}
	if (rq->type != F_UNLCK)
		lock_insert_locked(list, inode, rq, spare);
}

/* flock: the owner holds at most one lock; the new one goes in. */
static void flock_apply_locked(struct inode *inode, struct list_node *list, struct lock_req *rq,
			       struct file_lock **spare)
{
	lock_insert_locked(list, inode, rq, spare);
}

/* ---- waiting and deadlock detection -------------------------------------------------------- */

static const struct lock_waiter *waiter_of_locked(const void *owner)
{
	spin_assert_held(&file_lock_lock);
	struct list_node *pos;
	list_for_each(pos, &blocked_posix) {
		const struct lock_waiter *w = list_entry(pos, struct lock_waiter, node);
		if (w->owner == owner)
			return w;
	}
	return NULL;
}

/* Would `me` waiting for `blocker` close a cycle in the wait-for graph? As Linux: only POSIX
 * owners are followed, and at most DEADLOCK_MAX_STEPS links. */
static bool posix_deadlock_locked(const void *me, const void *blocker)
{
	for (int i = 0; i <= DEADLOCK_MAX_STEPS; i++) {
		const struct lock_waiter *w = waiter_of_locked(blocker);
		if (!w)
			return false;
		if (w->blocker == me)
			return true;
		blocker = w->blocker;
	}
	return false;
}

void wake_waiters_locked(struct file_lock_ctx *ctx)
{
	spin_assert_held(&file_lock_lock);
	wait_queue_wake_locked(&ctx->waiters, 0); /* all: each re-checks its own request */
}

typedef void (*apply_fn)(struct inode *inode, struct list_node *list, struct lock_req *rq,
			 struct file_lock **spare);

/* Grant rq on the given list of inode's context, waiting (interruptibly) while it conflicts
 * when `wait`: 0, -EAGAIN, -EDEADLK, -ERESTARTSYS. The caller holds file_lock_lock (*irq). */
static long lock_wait_apply_locked(struct inode *inode, struct file_lock_ctx *ctx, bool is_flock,
				   struct lock_req *rq, bool wait, apply_fn apply,
				   struct file_lock **spare, uint64_t *irq)
{
	struct list_node *list = is_flock ? &ctx->flock : &ctx->posix;
	struct lock_waiter me = { .owner = rq->owner };
	bool queued = false;
	long r = 0;
	for (;;) {
		struct file_lock *c = rq->type == F_UNLCK ? NULL : conflict_locked(list, rq);
		if (!c) {
			apply(inode, list, rq, spare);
			wake_waiters_locked(ctx); /* an unlock or downgrade may let others in */
			break;
		}
		if (!wait) {
			r = -EAGAIN; /* == EWOULDBLOCK */
			break;
		}
		if (rq->flavor == LOCK_FLAVOR_POSIX) {
			if (posix_deadlock_locked(rq->owner, c->owner)) {
				r = -EDEADLK;
				break;
			}
			me.blocker = c->owner;
			if (!queued)
				list_add_tail(&blocked_posix, &me.node);
			queued = true;
		}
		if (wait_queue_sleep_locked(&ctx->waiters, &file_lock_lock, irq, 0,
					    SLEEP_INTERRUPTIBLE)) {
			r = -ERESTARTSYS;
			break;
		}
	}
	if (queued)
		list_remove(&me.node);
	return r;
}

/* ---- POSIX and OFD locks (fcntl) ----------------------------------------------------------- */

/* struct flock's l_whence/l_start/l_len as an inclusive byte range (Linux's rules). */
static int flock_range(struct file *f, const struct linux_flock *fl, int64_t *start,
		       int64_t *end)
{
	int64_t base;
	switch (fl->l_whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = __atomic_load_n(&f->pos, __ATOMIC_RELAXED); break;
	case SEEK_END: base = __atomic_load_n(&f->inode->size, __ATOMIC_RELAXED); break;
	default: return -EINVAL;
	}
	if (fl->l_start > OFFSET_MAX - base)
		return -EOVERFLOW;
	int64_t s = base + fl->l_start;
	if (s < 0)
		return -EINVAL;
	if (fl->l_len > 0) {
		if (fl->l_len - 1 > OFFSET_MAX - s)
			return -EOVERFLOW;
		*end = s + fl->l_len - 1;
	} else if (fl->l_len < 0) {
		if (s + fl->l_len < 0)
			return -EINVAL;
		*end = s - 1;
		s += fl->l_len;
	} else {
		*end = OFFSET_MAX;
	}
	*start = s;
	return 0;
}

/* Decode fcntl's argument into rq, with Linux's order of checks. */
static int posix_req(struct file *f, unsigned int cmd, const struct linux_flock *fl,
		     struct lock_req *rq)
{
	bool ofd = cmd == F_OFD_GETLK || cmd == F_OFD_SETLK || cmd == F_OFD_SETLKW;
	bool get = cmd == F_GETLK || cmd == F_OFD_GETLK;
	if (get && fl->l_type != F_RDLCK && fl->l_type != F_WRLCK)
		return -EINVAL;
	int r = flock_range(f, fl, &rq->start, &rq->end);
	if (r)
		return r;
	if (fl->l_type != F_RDLCK && fl->l_type != F_WRLCK && fl->l_type != F_UNLCK)
		return -EINVAL;
	if (!get && ((fl->l_type == F_RDLCK && !(f->mode & FMODE_READ)) ||
		     (fl->l_type == F_WRLCK && !(f->mode & FMODE_WRITE))))
		return -EBADF;
	if (ofd && fl->l_pid != 0)
		return -EINVAL;
	rq->type = fl->l_type;
	rq->flavor = ofd ? LOCK_FLAVOR_OFD : LOCK_FLAVOR_POSIX;
	rq->owner = ofd ? (const void *)f : (const void *)current_fdtable();
	rq->pid = process_current()->pid;
	return 0;
}

/* F_GETLK / F_OFD_GETLK: describe the first lock that would block rq, or say F_UNLCK. */
static long posix_getlk(struct file *f, const struct lock_req *rq, struct linux_flock *fl)
{
	fl->l_type = F_UNLCK;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct file_lock_ctx *ctx = ctx_get_locked(f->inode, false);
	struct file_lock *c = ctx ? conflict_locked(&ctx->posix, rq) : NULL;
	if (c) {
		fl->l_type = (short)c->type;
		fl->l_whence = SEEK_SET;
		fl->l_start = c->start;
		fl->l_len = c->end == OFFSET_MAX ? 0 : c->end - c->start + 1;
		fl->l_pid = c->flavor == LOCK_FLAVOR_OFD ? -1 : c->pid;
	}
	spin_unlock_irqrestore(&file_lock_lock, irq);
	return 0;
}

bool spares_alloc(struct file_lock **spare)
{
	for (int i = 0; i < SPARE_LOCKS; i++)
		spare[i] = kmalloc(sizeof(struct file_lock));
	return spare[SPARE_LOCKS - 1] && spare[0];
}

void spares_free(struct file_lock **spare)
{
	for (int i = 0; i < SPARE_LOCKS; i++)
		kfree(spare[i]);
}

/* Set rq on one of inode's lists (ctx made on demand): 0 or -errno. */
static long lock_set(struct inode *inode, bool is_flock, struct lock_req *rq, bool wait,
		     apply_fn apply)
{
	struct file_lock *spare[SPARE_LOCKS];
	long r = -ENOLCK;
	if (!spares_alloc(spare))
		goto out_free;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct file_lock_ctx *ctx = ctx_get_locked(inode, rq->type != F_UNLCK);
	if (ctx)
		r = lock_wait_apply_locked(inode, ctx, is_flock, rq, wait, apply, spare, &irq);
	else
		r = rq->type == F_UNLCK ? 0 : -ENOLCK; /* nothing to unlock */
	spin_unlock_irqrestore(&file_lock_lock, irq);
out_free:
	spares_free(spare);
	return r;
}

/* Does descriptor fd still name f? (A close racing a lock is undone, as Linux.) */
static bool fd_still_names(int fd, struct file *f)
{
	struct file *now = fd_get(fd);
	if (now)
		file_put(now); /* the table's reference keeps it */
	return now == f;
}

long fcntl_lock(int fd, struct file *f, unsigned int cmd, struct linux_flock __user *arg)
{
	struct linux_flock fl;
	if (f->flags & O_PATH)
		return -EBADF;
	if (copy_from_user(&fl, arg, sizeof(fl)))
		return -EFAULT;
	struct lock_req rq;
	int r = posix_req(f, cmd, &fl, &rq);
	if (r)
		return r;
	if (cmd == F_GETLK || cmd == F_OFD_GETLK) {
		posix_getlk(f, &rq, &fl);
		return copy_to_user(arg, &fl, sizeof(fl)) ? -EFAULT : 0;
	}
	bool wait = cmd == F_SETLKW || cmd == F_OFD_SETLKW;
	long set = lock_set(f->inode, false, &rq, wait, posix_apply_locked);
	if (set || rq.type == F_UNLCK || rq.flavor != LOCK_FLAVOR_POSIX || fd_still_names(fd, f))
		return set;
	/* Another thread closed fd while we waited: that close could not drop this lock. */
	rq.type = F_UNLCK;
	lock_set(f->inode, false, &rq, false, posix_apply_locked);
	return -EBADF;
}

/* ---- flock(2) ------------------------------------------------------------------------------ */

/* Drop f's flock lock unless it is already of `type`: true when it was (nothing to do). A
 * conversion is not atomic, as on Linux: waiters may take the lock in between. */
static bool flock_drop_old(struct inode *inode, struct file *f, int type)
{
	bool same = false;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct file_lock_ctx *ctx = ctx_get_locked(inode, false);
	struct list_node *pos, *tmp;
	if (ctx) {
		list_for_each_safe(pos, tmp, &ctx->flock) {
			struct file_lock *l = list_entry(pos, struct file_lock, node);
			if (l->owner != f)
				continue;
			same = l->type == type;
			if (!same) {
				lock_free_locked(l);
				wake_waiters_locked(ctx);
			}
			break;
		}
	}
	spin_unlock_irqrestore(&file_lock_lock, irq);
	return same;
}

long flock_file(struct file *f, unsigned int operation)
{
	int type;
	switch (operation & ~(unsigned)LOCK_NB) {
	case LOCK_SH: type = F_RDLCK; break;
	case LOCK_EX: type = F_WRLCK; break;
	case LOCK_UN: type = F_UNLCK; break;
	default: return -EINVAL;
	}
	if (flock_drop_old(f->inode, f, type) || type == F_UNLCK)
		return 0;
	struct lock_req rq = { .owner = f, .flavor = LOCK_FLAVOR_FLOCK, .type = type,
			       .pid = process_current()->pid, .start = 0, .end = OFFSET_MAX };
	return lock_set(f->inode, true, &rq, !(operation & LOCK_NB), flock_apply_locked);
}

/* ---- release ------------------------------------------------------------------------------- */

/* Free owner's locks in list: true when there were any. */
bool remove_owned_locked(struct list_node *list, const void *owner)
{
	spin_assert_held(&file_lock_lock);
	bool any = false;
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, list) {
		struct file_lock *l = list_entry(pos, struct file_lock, node);
		if (l->owner == owner) {
			lock_free_locked(l);
			any = true;
		}
	}
	return any;
}

/* Drop owner's POSIX/OFD locks on inode, and with by_file its flock lock and lease too. */
static void remove_owned(struct inode *inode, const void *owner, bool by_file)
{
	if (!ctx_peek(inode)) /* never locked: the common case costs one load */
		return;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct file_lock_ctx *ctx = inode->flctx;
	bool any = remove_owned_locked(&ctx->posix, owner);
	if (by_file && remove_owned_locked(&ctx->flock, owner))
		any = true;
	if (by_file && remove_owned_locked(&ctx->leases, owner))
		any = true;
	if (any)
		wake_waiters_locked(ctx);
	spin_unlock_irqrestore(&file_lock_lock, irq);
}

void locks_remove_posix(struct file *f, struct fd_table *owner)
{
	remove_owned(f->inode, owner, false);
}

void locks_remove_file(struct file *f)
{
	remove_owned(f->inode, f, true); /* its OFD locks, its flock lock and its lease */
}

void locks_inode_evict(struct inode *inode)
{
	struct file_lock_ctx *ctx = ctx_peek(inode);
	if (!ctx)
		return;
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	/* Every lock went with its owner's close; any left would dangle, so free them. */
	while (!list_empty(&ctx->posix))
		lock_free_locked(list_first(&ctx->posix, struct file_lock, node));
	while (!list_empty(&ctx->flock))
		lock_free_locked(list_first(&ctx->flock, struct file_lock, node));
	while (!list_empty(&ctx->leases))
		lock_free_locked(list_first(&ctx->leases, struct file_lock, node));
	ASSERT(list_empty(&ctx->waiters.waiters)); /* a sleeper holds a reference */
	inode->flctx = NULL;
	spin_unlock_irqrestore(&file_lock_lock, irq);
	kfree(ctx);
}

void locks_for_each(void (*fn)(const struct file_lock_info *li, void *ctx), void *ctx)
{
	uint64_t irq = spin_lock_irqsave(&file_lock_lock);
	struct list_node *pos;
	list_for_each(pos, &all_locks) {
		const struct file_lock *l = list_entry(pos, struct file_lock, all);
		bool lease = l->flavor == LOCK_FLAVOR_LEASE;
		struct file_lock_info li = {
			.flavor = l->flavor, .breaking = lease && l->pending,
			.type = lease ? lease_target(l) : l->type,
			.pid = l->flavor == LOCK_FLAVOR_OFD ? -1 : l->pid,
			.dev = l->inode->sb ? l->inode->sb->dev : 0, .ino = l->inode->ino,
			.start = l->start, .end = l->end,
		};
		fn(&li, ctx);
	}
	spin_unlock_irqrestore(&file_lock_lock, irq);
}
