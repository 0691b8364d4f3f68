/* eventfd and eventfd2 (see fs/eventfd.h): the counter, its blocking read and write, its poll
 * readiness. */
#include <lib/printf.h>
#include <fs/eventfd.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <mm/kmalloc.h>
#include <proc/signal.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/eventfd.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>

#define EFD_FLAGS (EFD_SEMAPHORE | EFD_NONBLOCK | EFD_CLOEXEC)

struct eventfd {
	struct spinlock lock;
	uint64_t count; /* lock */
	bool semaphore; /* immutable: EFD_SEMAPHORE */
	struct wait_queue wq; /* lock: readers, writers, pollers */
};

/* Wait on the counter: -EAGAIN when this transfer must not block (O_NONBLOCK, RWF_NOWAIT),
 * -ERESTARTSYS on a signal, else 0 once woken (the caller re-checks). */
static int eventfd_wait_locked(struct eventfd *e, struct file *f, const struct uio *u,
			       uint64_t *fl)
{
	spin_assert_held(&e->lock);
	if (uio_nonblock(u, READ_ONCE(f->flags)))
		return -EAGAIN;
	if (signal_wait_queue_sleep_locked(&e->wq, &e->lock, fl, 0) == -EINTR)
		return -ERESTARTSYS;
	return 0;
}

static long eventfd_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct eventfd *e = f->priv;
	if (u->resid < sizeof(uint64_t))
		return -EINVAL;
	uint64_t fl = spin_lock_irqsave(&e->lock);
	int r = 0;
	while (e->count == 0 && r == 0)
		r = eventfd_wait_locked(e, f, u, &fl);
	uint64_t value = 0;
	if (r == 0) {
		value = e->semaphore ? 1 : e->count;
		e->count -= value;
		wait_queue_wake_locked(&e->wq, 0); /* writers waiting for room, pollers */
	}
	spin_unlock_irqrestore(&e->lock, fl);
	if (r)
		return r;
	/* As Linux, a bad buffer loses the value: it was taken under the lock. */
	if (uio_copy_out(u, &value, sizeof(value)))
		return -EFAULT;
	return sizeof(value);
}

static long eventfd_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct eventfd *e = f->priv;
	uint64_t value;
	if (u->resid < sizeof(value))
		return -EINVAL;
	if (uio_copy_in(u, &value, sizeof(value)))
		return -EFAULT;
	if (value > EVENTFD_MAX)
		return -EINVAL;
	uint64_t fl = spin_lock_irqsave(&e->lock);
	int r = 0;
	while (EVENTFD_MAX - e->count < value && r == 0)
		r = eventfd_wait_locked(e, f, u, &fl);
	if (r == 0) {
		e->count += value;
		if (value)
			wait_queue_wake_locked(&e->wq, 0);
	}
	spin_unlock_irqrestore(&e->lock, fl);
	return r ? r : (long)sizeof(value);
}

static uint32_t eventfd_poll(struct file *f, struct poll_table *pt)
{
	struct eventfd *e = f->priv;
	uint64_t fl = spin_lock_irqsave(&e->lock);
	if (pt)
		poll_wait_locked(pt, &e->wq, &e->lock);
	uint32_t mask = 0;
	if (e->count > 0)
		mask |= POLLIN | POLLRDNORM;
	if (e->count < EVENTFD_MAX)
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&e->lock, fl);
	return mask;
}

static void eventfd_release(struct file *f)
{
	kfree(f->priv);
}

/* /proc/<pid>/fdinfo: Linux's lines (the id is the inode number here). */
static long eventfd_fdinfo(struct file *f, char *buf, size_t size)
{
	struct eventfd *e = f->priv;
	uint64_t fl = spin_lock_irqsave(&e->lock);
	uint64_t count = e->count;
	spin_unlock_irqrestore(&e->lock, fl);
	return ksnprintf(buf, size, "eventfd-count: %16lx\neventfd-id: %lu\neventfd-semaphore: %d\n",
			 count, f->inode->ino, e->semaphore);
}

static const struct file_ops eventfd_ops = {
	.fdinfo = eventfd_fdinfo,
	.read = eventfd_read,
	.write = eventfd_write,
	.llseek = noop_llseek,
	.poll = eventfd_poll,
	.release = eventfd_release,
};

SYSCALL_DEFINE2(eventfd2, unsigned int, initval, int, flags)
{
	if (flags & ~EFD_FLAGS)
		return -EINVAL;
	struct eventfd *e = kmalloc(sizeof(*e));
	if (!e)
		return -ENOMEM;
	e->lock = (struct spinlock)SPINLOCK_INIT("eventfd");
	e->count = initval;
	e->semaphore = flags & EFD_SEMAPHORE;
	wait_queue_init(&e->wq);
	return anon_fd_create(&eventfd_ops, e, O_RDWR | ((uint32_t)flags & O_NONBLOCK),
			      flags & EFD_CLOEXEC);
}

SYSCALL_DEFINE1(eventfd, unsigned int, initval)
{
	return do_sys_eventfd2(initval, 0);
}
