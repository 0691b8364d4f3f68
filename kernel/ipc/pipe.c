/* Pipes (pipe, pipe2) and FIFOs: a ring of lazily allocated pages (64 KiB; F_SETPIPE_SZ
 * resizes it). One reader and one
 * writer at a time copy with the pipe's spinlock dropped (the `reading` / `writing` flags
 * say who), the reader in the filled part of the ring and the writer in the free part, so
 * they never touch the same bytes; the counters move under the lock. A write of at most
 * PIPE_BUF bytes waits until all of it fits and is copied by one writer in one go, so it
 * never interleaves with another. A write through an O_DIRECT end is a packet (pipe(7)): its
 * place in the stream is queued, and a read takes one packet and drops what does not fit.
 * See pipe.h for the lock order. */
#include <ipc/pipe.h>
#include <fs/fdtable.h>
#include <fs/fown.h>
#include <fs/poll.h>
#include <arch/x86_64/usercopy.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <sched/thread.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/stat.h>
#include <uapi/zero/cap.h>
#include <lib/string.h>

_Static_assert(PIPE_DEF_SIZE % PAGE_SIZE == 0, "the ring is whole pages");
#define PIPE_SIZE_LIMIT (1u << 31) /* Linux: a larger F_SETPIPE_SZ is EINVAL */
#define PIPE_MODE (S_IFIFO | 0600) /* an anonymous pipe's inode, as fstat shows it */
#define FIONREAD 0x541B /* ioctl: bytes ready to read, into an int */
#define PIPE2_FLAGS (O_CLOEXEC | O_NONBLOCK | O_DIRECT)

/* A packet (a write through an O_DIRECT end, pipe(7)): its first byte's stream position (see
 * pipe.consumed) and its length, at most PIPE_BUF. */
struct pipe_pkt {
	uint64_t start;
	uint32_t len;
};

struct pipe {
	struct spinlock lock; /* guards the fields below unless they say otherwise */
	uint32_t head; /* ring offset of the oldest byte */
	uint32_t len; /* bytes in the ring */
	uint64_t consumed; /* bytes ever taken out: the stream position of head */
	/* The packets in the ring, oldest first: a circular queue of size / PAGE_SIZE slots (each
	 * packet takes a page's worth of room, as a buffer does in Linux). Pushed by the writer
	 * holding `writing`, popped by the reader holding `reading`, replaced by pipe_resize. */
	struct pipe_pkt *pkts;
	uint32_t pkt_first, pkt_count;
	int readers, writers; /* open ends (a FIFO opener counts while it waits) */
	uint32_t r_opens, w_opens; /* ends ever opened: a waiting FIFO open watches these */
	bool reading, writing; /* a reader / writer is copying with the lock dropped */
	bool anonymous; /* pipe(2)'s, not a FIFO's: an open of it never waits (fixed) */
	/* Readers (data, EOF, the reading flag), FIFO openers waiting for a writer, pollers. */
	struct wait_queue rd_wait;
	/* Writers (room, readers gone, the writing flag), openers waiting for a reader, pollers. */
	struct wait_queue wr_wait;
	/* Allocated by the writer holding `writing` for the free part of the ring, read by the
	 * reader holding `reading` in the filled part; each slot is set under the lock. Freed with
	 * the pipe. */
	uint8_t **pages;
	/* The ring's bytes, a power-of-two number of pages (the pages array's length times
	 * PAGE_SIZE). Changed by pipe_resize holding both `reading` and `writing`. */
	uint32_t size;
	uint32_t uid; /* fixed: the user whose pipe pages size is charged to (pipe_charge) */
	/* The inode the pipe belongs to (its inode->pipe points back while the pipe lives): a
	 * FIFO's from creation, an anonymous pipe's once pipe_make has both ends (before either
	 * is visible to anyone). */
	struct inode *inode;
	/* Files with O_ASYNC: readers get SIGIO when data comes, writers when room does
	 * (fs/fown.h; guarded by fown_lock). */
	struct fasync_list async_readers, async_writers;
};

/* Guards every inode->pipe (an open of a FIFO, or of a pipe through /proc/<pid>/fd/<n>,
 * finds the pipe there), and is held while a pipe's last end closes so that an open cannot
 * find a pipe that is about to be freed. */
static struct spinlock fifo_lock = SPINLOCK_INIT("fifo");

int sysctl_pipe_max_size = PIPE_MAX_SIZE_DEF;

/* A ring of size bytes with no pages yet. */
static uint8_t **pages_alloc(uint32_t size)
{
	size_t bytes = size / PAGE_SIZE * sizeof(uint8_t *);
	uint8_t **pages = kmalloc(bytes);
	if (pages)
		memset(pages, 0, bytes);
	return pages;
}

/* A packet queue for a ring of size bytes. */
static struct pipe_pkt *pkts_alloc(uint32_t size)
{
	return kmalloc(size / PAGE_SIZE * sizeof(struct pipe_pkt));
}

static void pages_free(uint8_t **pages, uint32_t size)
{
	for (uint32_t i = 0; i < size / PAGE_SIZE; i++)
		kfree(pages[i]);
	kfree(pages);
}

/* ---- pages charged to users (fs.pipe-user-pages-soft and -hard) ---------------------------- */

/* The ring pages charged to one user (Linux's user_struct.pipe_bufs), while non-zero. */
struct pipe_user {
	uint32_t uid;
	long pages;
	struct list_node node;
};

static struct spinlock pipe_users_lock = SPINLOCK_INIT("pipe_users"); /* guards pipe_users */
static struct list_node pipe_users = LIST_HEAD_INIT(pipe_users);
int sysctl_pipe_user_pages_soft = PIPE_USER_PAGES_SOFT_DEF;
int sysctl_pipe_user_pages_hard;

static struct pipe_user *pipe_user_find_locked(uint32_t uid)
{
	spin_assert_held(&pipe_users_lock);
	struct list_node *pos;
	list_for_each(pos, &pipe_users) {
		struct pipe_user *u = list_entry(pos, struct pipe_user, node);
		if (u->uid == uid)
			return u;
	}
	return NULL;
}

/* Add delta pages to uid's charge: its new total, or -ENOMEM. */
static long pipe_charge(uint32_t uid, long delta)
{
	struct pipe_user *fresh = delta > 0 ? kmalloc(sizeof(*fresh)) : NULL;
	if (delta > 0 && !fresh)
		return -ENOMEM;
	uint64_t f = spin_lock_irqsave(&pipe_users_lock);
	struct pipe_user *u = pipe_user_find_locked(uid);
	if (!u && fresh) {
		*fresh = (struct pipe_user){ .uid = uid };
		list_add_tail(&pipe_users, &fresh->node);
		u = fresh;
		fresh = NULL;
	}
	long total = u ? (u->pages += delta) : 0;
	if (u && !total)
		list_remove(&u->node);
	else
		u = NULL; /* still in use */
	spin_unlock_irqrestore(&pipe_users_lock, f);
	kfree(fresh);
	kfree(u);
	return total;
}

static bool over_limit(long total, const int *limit)
{
	long l = __atomic_load_n(limit, __ATOMIC_RELAXED);
	return l && total > l;
}

/* CAP_SYS_RESOURCE frees a caller from pipe-max-size and the per-user limits. */
static bool pipe_privileged(void)
{
	return capable(CAP_SYS_RESOURCE);
}

static uint32_t current_ruid(void)
{
	struct process *me = process_current();
	return me ? __atomic_load_n(&me->cred.uid, __ATOMIC_RELAXED) : 0;
}

/* ---- creation ------------------------------------------------------------------------------ */

/* A new pipe charged to the caller's user, as Linux's alloc_pipe_info: PIPE_DEF_SIZE, or two
 * pages once the user is over the soft limit; -ENFILE over the hard one (root is exempt). */
static int pipe_alloc(struct inode *inode, struct pipe **out)
{
	uint32_t uid = current_ruid(), size = PIPE_DEF_SIZE;
	bool privileged = pipe_privileged();
	long total = pipe_charge(uid, size / PAGE_SIZE);
	if (total < 0)
		return (int)total;
	if (!privileged && over_limit(total, &sysctl_pipe_user_pages_soft)) {
		total = pipe_charge(uid, ((long)PIPE_MIN_SIZE - (long)size) / (long)PAGE_SIZE);
		size = PIPE_MIN_SIZE;
	}
	struct pipe *p = NULL;
	int err = !privileged && over_limit(total, &sysctl_pipe_user_pages_hard) ? -ENFILE : 0;
	if (!err && !(p = kmalloc(sizeof(*p))))
		err = -ENOMEM;
	if (!err) {
		memset(p, 0, sizeof(*p));
		p->size = size;
		p->uid = uid;
		p->pages = pages_alloc(p->size);
		p->pkts = pkts_alloc(p->size);
		if (!p->pages || !p->pkts)
			err = -ENOMEM;
	}
	if (err) {
		if (p) {
			kfree(p->pages);
			kfree(p->pkts);
		}
		kfree(p);
		pipe_charge(uid, -(long)(size / PAGE_SIZE));
		return err;
	}
	p->lock = (struct spinlock)SPINLOCK_INIT("pipe");
	wait_queue_init(&p->rd_wait);
	wait_queue_init(&p->wr_wait);
	fasync_list_init(&p->async_readers);
	fasync_list_init(&p->async_writers);
	p->inode = inode;
	*out = p;
	return 0;
}

static void pipe_free(struct pipe *p)
{
	pipe_charge(p->uid, -(long)(p->size / PAGE_SIZE));
	pages_free(p->pages, p->size);
	kfree(p->pkts);
	kfree(p);
}

/* Count the ends a file opens (fmode FMODE_*) and wake whoever waits for a partner. */
static void pipe_add_ends_locked(struct pipe *p, uint8_t fmode)
{
	spin_assert_held(&p->lock);
	if (fmode & FMODE_READ) {
		p->readers++;
		p->r_opens++;
		wait_queue_wake_locked(&p->wr_wait, 0);
	}
	if (fmode & FMODE_WRITE) {
		p->writers++;
		p->w_opens++;
		wait_queue_wake_locked(&p->rd_wait, 0);
	}
}

/* Drop the ends of fmode; the last end frees the pipe (and detaches it from its inode). */
static void pipe_drop_ends(struct pipe *p, uint8_t fmode)
{
	bool fifo = p->inode != NULL;
	uint64_t ff = fifo ? spin_lock_irqsave(&fifo_lock) : 0;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	if (fmode & FMODE_READ)
		p->readers--;
	if (fmode & FMODE_WRITE)
		p->writers--;
	/* EOF for readers, EPIPE for writers, POLLHUP/POLLERR for pollers. */
	wait_queue_wake_locked(&p->rd_wait, 0);
	wait_queue_wake_locked(&p->wr_wait, 0);
	bool dead = p->readers == 0 && p->writers == 0;
	spin_unlock_irqrestore(&p->lock, fl);
	if (fifo) {
		if (dead)
			p->inode->pipe = NULL;
		spin_unlock_irqrestore(&fifo_lock, ff);
	}
	if (dead)
		pipe_free(p);
}

/* ---- reading and writing ------------------------------------------------------------------ */

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

/* Drop n bytes from the head of the ring (a packet's part that did not fit the read). */
static void pipe_advance_locked(struct pipe *p, size_t n)
{
	spin_assert_held(&p->lock);
	p->head = (uint32_t)((p->head + n) % p->size);
	p->len -= (uint32_t)n;
	p->consumed += n;
	wait_queue_wake_locked(&p->wr_wait, 0); /* room */
}

/* Take `reading` and move min(len, resid, max) bytes to u, a page piece at a time with the
 * lock dropped. Bytes moved, or -EFAULT when none could be. */
static long pipe_copy_out_locked(struct pipe *p, struct uio *u, size_t max, uint64_t *fl)
{
	spin_assert_held(&p->lock);
	p->reading = true;
	size_t want = min_size(min_size(p->len, u->resid), max), done = 0;
	int err = 0;
	while (done < want) {
		uint32_t off = p->head % PAGE_SIZE;
		size_t n = min_size(want - done, PAGE_SIZE - off);
		const uint8_t *page = p->pages[p->head / PAGE_SIZE];
		spin_unlock_irqrestore(&p->lock, *fl);
		err = uio_copy_out(u, page + off, n);
		*fl = spin_lock_irqsave(&p->lock);
		if (err)
			break;
		pipe_advance_locked(p, n);
		done += n;
	}
	p->reading = false;
	wait_queue_wake_locked(&p->rd_wait, 0); /* readers waiting for the flag */
	return done ? (long)done : err;
}

/* Nothing to do yet: -EAGAIN when the caller must not wait, else sleep on wq until the pipe
 * changes (0) or a signal comes (-ERESTARTSYS). */
static int pipe_wait_locked(struct pipe *p, struct wait_queue *wq, bool nowait, uint64_t *fl)
{
	spin_assert_held(&p->lock);
	if (nowait)
		return -EAGAIN;
	if (signal_wait_queue_sleep_locked(wq, &p->lock, fl, 0) == -EINTR)
		return -ERESTARTSYS;
	return 0;
}

static bool nonblocking(const struct file *f, const struct uio *u)
{
	return uio_nonblock(u, READ_ONCE(f->flags));
}

/* The oldest packet, or NULL when there is none. */
static struct pipe_pkt *first_packet_locked(struct pipe *p)
{
	spin_assert_held(&p->lock);
	return p->pkt_count ? &p->pkts[p->pkt_first] : NULL;
}

/* The bytes at the head can be read: stream bytes, or a packet whose writer has copied it all
 * (a writer copies with the lock dropped after announcing the packet). */
static bool packet_ready_locked(struct pipe *p)
{
	const struct pipe_pkt *k = first_packet_locked(p);
	return !k || p->consumed < k->start || p->len >= k->len;
}

/* Read what is at the head: stream bytes up to the next packet, or one packet, whose bytes
 * beyond the reader's buffer are dropped (pipe(7)). */
static long pipe_take_locked(struct pipe *p, struct uio *u, uint64_t *fl)
{
	struct pipe_pkt *k = first_packet_locked(p);
	if (!k)
		return pipe_copy_out_locked(p, u, SIZE_MAX, fl);
	if (p->consumed < k->start)
		return pipe_copy_out_locked(p, u, k->start - p->consumed, fl);
	uint32_t len = k->len;
	long n = pipe_copy_out_locked(p, u, len, fl); /* k stays: only readers pop */
	if (n < 0)
		return n;
	pipe_advance_locked(p, len - (size_t)n);
	p->pkt_first = (p->pkt_first + 1) % (p->size / PAGE_SIZE);
	p->pkt_count--;
	return n;
}

static long pipe_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct pipe *p = f->priv;
	if (u->resid == 0)
		return 0;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	long ret;
	for (;;) {
		if (!p->reading) {
			if (p->len > 0 && packet_ready_locked(p)) {
				ret = pipe_take_locked(p, u, &fl);
				break;
			}
			if (p->len == 0 && p->writers == 0) {
				ret = 0; /* end of file */
				break;
			}
		}
		/* Another reader's copy, or the writer's of a packet, is brief: wait for it even
		 * when non-blocking. */
		bool brief = p->reading || p->len > 0;
		ret = pipe_wait_locked(p, &p->rd_wait, !brief && nonblocking(f, u), &fl);
		if (ret)
			break;
	}
	spin_unlock_irqrestore(&p->lock, fl);
	if (ret > 0)
		fasync_signal(&p->async_writers, POLL_OUT);
	return ret;
}

/* ---- splice and tee (fs/splice.c) ------------------------------------------------------------ */

bool file_is_pipe(const struct file *f)
{
	return f->ops == &fifo_file_ops && f->priv;
}

bool pipe_same(const struct file *a, const struct file *b)
{
	return a->priv == b->priv;
}

int pipe_wait_room(struct file *f, size_t len)
{
	struct pipe *p = f->priv;
	size_t need = len <= PIPE_BUF ? len : 1;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	int r = 0;
	while (!r && p->readers && (p->writing || p->size - p->len < need))
		r = pipe_wait_locked(p, &p->wr_wait, false, &fl);
	spin_unlock_irqrestore(&p->lock, fl);
	return r;
}

/* Wait until the head can be handed out: 1, 0 at end of file, -EAGAIN, -ERESTARTSYS. */
static int splice_wait_locked(struct pipe *p, bool nonblock, uint64_t *fl)
{
	for (;;) {
		if (!p->reading && p->len > 0)
			return 1;
		if (!p->reading && p->writers == 0)
			return 0;
		int r = pipe_wait_locked(p, &p->rd_wait, !p->reading && nonblock, fl);
		if (r)
			return r;
	}
}

/* Hand the pieces of up to want bytes from the head to sink with the lock dropped (`reading`
 * held): the bytes it took. */
static long splice_pieces_locked(struct pipe *p, size_t want, bool peek, long *err,
				 long (*sink)(void *ctx, const void *buf, size_t n), void *ctx,
				 uint64_t *fl)
{
	size_t done = 0;
	while (done < want) {
		uint32_t at = (uint32_t)((p->head + (peek ? done : 0)) % p->size);
		size_t n = min_size(want - done, PAGE_SIZE - at % PAGE_SIZE);
		const uint8_t *page = p->pages[at / PAGE_SIZE];
		spin_unlock_irqrestore(&p->lock, *fl);
		long took = sink(ctx, page + at % PAGE_SIZE, n);
		*fl = spin_lock_irqsave(&p->lock);
		if (took <= 0) {
			*err = took;
			break;
		}
		if (!peek)
			pipe_advance_locked(p, (size_t)took);
		done += (size_t)took;
		if ((size_t)took < n)
			break;
	}
	return (long)done;
}

long pipe_splice_out(struct file *f, size_t len, bool nonblock, bool peek,
		     long (*sink)(void *ctx, const void *buf, size_t n), void *ctx)
{
	struct pipe *p = f->priv;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	long r = splice_wait_locked(p, nonblock, &fl), err = 0;
	if (r > 0 && p->pkt_count)
		r = -EINVAL; /* packets keep their bounds only through read(2) */
	if (r > 0) {
		p->reading = true;
		r = splice_pieces_locked(p, min_size(len, p->len), peek, &err, sink, ctx, &fl);
		p->reading = false;
		wait_queue_wake_locked(&p->rd_wait, 0); /* readers waiting for the flag */
		if (!r)
			r = err;
	}
	spin_unlock_irqrestore(&p->lock, fl);
	if (r > 0 && !peek)
		fasync_signal(&p->async_writers, POLL_OUT);
	return r;
}

/* Take `writing` and move min(room, resid, max) bytes from u into the free part of the ring, a
 * page piece at a time with the lock dropped (allocating pages as needed); each piece is
 * published at once. Bytes moved, or -EFAULT / -ENOMEM when none could be. */
static long pipe_copy_in_locked(struct pipe *p, struct uio *u, size_t max, uint64_t *fl)
{
	spin_assert_held(&p->lock);
	p->writing = true;
	size_t want = min_size(min_size(p->size - p->len, u->resid), max), done = 0;
	int err = 0;
	while (done < want) {
		uint32_t at = (p->head + p->len) % p->size;
		uint32_t off = at % PAGE_SIZE, idx = at / PAGE_SIZE;
		size_t n = min_size(want - done, PAGE_SIZE - off);
		uint8_t *page = p->pages[idx];
		spin_unlock_irqrestore(&p->lock, *fl);
		if (!page)
			page = kmalloc(PAGE_SIZE);
		err = page ? uio_copy_in(u, page + off, n) : -ENOMEM;
		*fl = spin_lock_irqsave(&p->lock);
		p->pages[idx] = page;
		if (err)
			break;
		p->len += (uint32_t)n;
		done += n;
		wait_queue_wake_locked(&p->rd_wait, 0); /* data */
	}
	p->writing = false;
	wait_queue_wake_locked(&p->wr_wait, 0); /* writers waiting for the flag */
	return done ? (long)done : err;
}

static void send_sigpipe(void)
{
	k_siginfo_t info;
	signal_info_kill(&info, SIGPIPE, SI_USER);
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	signal_send_thread_locked(current_thread(), SIGPIPE, &info);
	spin_unlock_irqrestore(&process_tree_lock, fl);
}

/* Announce a packet of the next min(resid, PIPE_BUF) bytes (the caller checked that they and
 * a packet slot are free), then copy them; a short copy shortens it, a failed one removes it. */
static long pipe_write_packet_locked(struct pipe *p, struct uio *u, uint64_t *fl)
{
	uint32_t len = (uint32_t)min_size(u->resid, PIPE_BUF);
	uint32_t slot = (p->pkt_first + p->pkt_count++) % (p->size / PAGE_SIZE);
	p->pkts[slot] = (struct pipe_pkt){ .start = p->consumed + p->len, .len = len };
	long n = pipe_copy_in_locked(p, u, len, fl);
	if (n <= 0)
		p->pkt_count--; /* still the newest: only the writer holding `writing` pushes */
	else
		p->pkts[slot].len = (uint32_t)n;
	wait_queue_wake_locked(&p->rd_wait, 0);
	return n;
}

static long pipe_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct pipe *p = f->priv;
	if (u->resid == 0)
		return 0;
	bool atomic = u->resid <= PIPE_BUF; /* then it waits for room for all of it */
	bool packets = READ_ONCE(f->flags) & O_DIRECT;
	long done = 0, err = 0;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	while (u->resid > 0) {
		if (p->readers == 0) {
			err = -EPIPE;
			break;
		}
		size_t room = p->size - p->len;
		if (packets && !p->writing && room >= min_size(u->resid, PIPE_BUF) &&
		    p->pkt_count < p->size / PAGE_SIZE) {
			long n = pipe_write_packet_locked(p, u, &fl);
			if (n < 0) {
				err = n;
				break;
			}
			done += n;
			continue;
		}
		if (!packets && !p->writing && room >= (atomic ? u->resid : 1)) {
			long n = pipe_copy_in_locked(p, u, SIZE_MAX, &fl);
			if (n < 0) {
				err = n;
				break;
			}
			done += n;
			continue;
		}
		err = pipe_wait_locked(p, &p->wr_wait, !p->writing && nonblocking(f, u), &fl);
		if (err)
			break;
	}
	spin_unlock_irqrestore(&p->lock, fl);
	if (done > 0)
		fasync_signal(&p->async_readers, POLL_IN);
	if (err == -EPIPE)
		send_sigpipe(); /* even after a partial write, as Linux */
	return done ? done : err;
}

/* ---- poll, ioctl, release ------------------------------------------------------------------ */

static uint32_t pipe_poll(struct file *f, struct poll_table *pt)
{
	struct pipe *p = f->priv;
	uint32_t mask = 0;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	if (f->mode & FMODE_READ) {
		if (pt)
			poll_wait_locked(pt, &p->rd_wait, &p->lock);
		if (p->len > 0)
			mask |= POLLIN | POLLRDNORM;
		/* A FIFO that never had a writer does not hang up: a non-blocking reader
		 * polls for the first one. (Linux decides per open file, from the writers
		 * opened since that file's open; we decide per pipe.) */
		if (p->writers == 0 && p->w_opens > 0)
			mask |= POLLHUP;
	}
	if (f->mode & FMODE_WRITE) {
		if (pt)
			poll_wait_locked(pt, &p->wr_wait, &p->lock);
		if (p->size - p->len >= min_size(PIPE_BUF, p->size))
			mask |= POLLOUT | POLLWRNORM;
		if (p->readers == 0)
			mask |= POLLERR;
	}
	spin_unlock_irqrestore(&p->lock, fl);
	return mask;
}

static long pipe_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct pipe *p = f->priv;
	if (cmd != FIONREAD)
		return -ENOTTY;
	int n = (int)READ_ONCE(p->len);
	return put_user(n, (int __user *)arg);
}

static int64_t pipe_llseek(struct file *f, int64_t off, int whence)
{
	(void)f, (void)off, (void)whence;
	return -ESPIPE;
}

static int pipe_fasync(struct file *f, int fd, bool on)
{
	struct pipe *p = f->priv;
	int r = 0;
	if (f->mode & FMODE_READ)
		r = fasync_update(&p->async_readers, f, fd, on);
	if (!r && (f->mode & FMODE_WRITE))
		r = fasync_update(&p->async_writers, f, fd, on);
	return r;
}

static void pipe_release(struct file *f)
{
	pipe_drop_ends(f->priv, f->mode);
}

/* ---- FIFOs ----------------------------------------------------------------------------------- */

/* The pipe of a FIFO inode, created on first open, with f's ends counted (fifo_lock keeps a
 * closing last end from freeing it in between). *met: a partner end was open at that moment,
 * so the open need not wait (that partner may close before we look again). Otherwise *seen
 * gets the partner ends' open count (what a waiting open watches: a partner that opens and
 * closes again before we sleep must still end the wait). -ENXIO: a non-blocking write-only
 * open of a FIFO with no reader. An anonymous pipe's end (opened again through /proc) never
 * waits, as on Linux: *met. */
static int fifo_attach(struct inode *inode, struct file *f, struct pipe **out, bool *met,
		       uint32_t *seen)
{
	struct pipe *fresh = NULL;
	uint64_t ff = spin_lock_irqsave(&fifo_lock);
	struct pipe *p = inode->pipe;
	if (!p) {
		spin_unlock_irqrestore(&fifo_lock, ff);
		int r = pipe_alloc(inode, &fresh);
		if (r)
			return r;
		ff = spin_lock_irqsave(&fifo_lock);
		p = inode->pipe; /* another open may have made it meanwhile */
		if (!p) {
			p = fresh;
			fresh = NULL;
			inode->pipe = p;
		}
	}
	uint64_t fl = spin_lock_irqsave(&p->lock);
	int err = 0;
	if (f->mode == FMODE_WRITE && (f->flags & O_NONBLOCK) && p->readers == 0 && !p->anonymous)
		err = -ENXIO;
	else
		pipe_add_ends_locked(p, f->mode);
	bool reading = f->mode == FMODE_READ;
	*met = (reading ? p->writers : p->readers) > 0 || p->anonymous;
	*seen = reading ? p->w_opens : p->r_opens;
	bool unused = p->readers == 0 && p->writers == 0;
	spin_unlock_irqrestore(&p->lock, fl);
	if (unused)
		inode->pipe = NULL;
	spin_unlock_irqrestore(&fifo_lock, ff);
	if (unused)
		pipe_free(p);
	if (fresh)
		pipe_free(fresh);
	*out = p;
	return err;
}

/* Sleep until a partner end is open or one opened (and maybe closed again) since our end was
 * counted: *opens moved from seen. wq is the queue pipe_add_ends_locked wakes for that
 * partner. */
static int fifo_wait_partner(struct pipe *p, struct wait_queue *wq, const int *partners,
			     const uint32_t *opens, uint32_t seen)
{
	uint64_t fl = spin_lock_irqsave(&p->lock);
	int err = 0;
	while (*partners == 0 && *opens == seen) {
		if (signal_wait_queue_sleep_locked(wq, &p->lock, &fl, 0) == -EINTR) {
			err = -ERESTARTSYS;
			break;
		}
	}
	spin_unlock_irqrestore(&p->lock, fl);
	return err;
}

/* An anonymous pipe's end: file_alloc_anon hands it its pipe; count it. */
static int pipe_open_anon(struct file *f)
{
	struct pipe *p = f->priv;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	pipe_add_ends_locked(p, f->mode);
	spin_unlock_irqrestore(&p->lock, fl);
	return 0;
}

/* A FIFO inode's open (f->priv still NULL) finds or makes the inode's pipe, with Linux's
 * rules: a read-only open waits for a writer and a write-only one for a reader; with
 * O_NONBLOCK neither waits and a write-only open with no reader fails with ENXIO; O_RDWR
 * never waits. */
static int pipe_open(struct inode *inode, struct file *f)
{
	if (f->priv)
		return pipe_open_anon(f);
	if (!(f->mode & (FMODE_READ | FMODE_WRITE)))
		return -EINVAL; /* O_ACCMODE 3, as Linux */
	struct pipe *p;
	bool met;
	uint32_t seen;
	int err = fifo_attach(inode, f, &p, &met, &seen);
	if (err)
		return err;
	f->priv = p;
	if (met)
		return 0;
	if (f->mode == FMODE_READ && !(f->flags & O_NONBLOCK))
		err = fifo_wait_partner(p, &p->rd_wait, &p->writers, &p->w_opens, seen);
	else if (f->mode == FMODE_WRITE)
		err = fifo_wait_partner(p, &p->wr_wait, &p->readers, &p->r_opens, seen);
	if (err)
		pipe_drop_ends(p, f->mode);
	return err;
}

/* Both kinds of pipe file. */
const struct file_ops fifo_file_ops = {
	.open = pipe_open,
	.read = pipe_read,
	.write = pipe_write,
	.llseek = pipe_llseek,
	.poll = pipe_poll,
	.ioctl = pipe_ioctl,
	.fasync = pipe_fasync,
	.release = pipe_release,
};

/* ---- sizes (F_GETPIPE_SZ, F_SETPIPE_SZ) ------------------------------------------------------ */

unsigned pipe_round_size(uint64_t size)
{
	if (size > PIPE_SIZE_LIMIT)
		return 0;
	unsigned r = PAGE_SIZE;
	while (r < size)
		r <<= 1;
	return r;
}

/* Copy the ring's len bytes from head into the fresh ring `pages` from offset 0, allocating
 * its pages: 0 or -ENOMEM. The caller holds both `reading` and `writing`, so nothing moves. */
static int ring_copy(const struct pipe *p, uint8_t **pages)
{
	for (uint32_t done = 0; done < p->len;) {
		uint32_t from = (p->head + done) % p->size;
		size_t n = min_size(p->len - done, PAGE_SIZE - from % PAGE_SIZE);
		n = min_size(n, PAGE_SIZE - done % PAGE_SIZE);
		uint8_t **to = &pages[done / PAGE_SIZE];
		if (!*to && !(*to = kmalloc(PAGE_SIZE)))
			return -ENOMEM;
		memcpy(*to + done % PAGE_SIZE, p->pages[from / PAGE_SIZE] + from % PAGE_SIZE, n);
		done += n;
	}
	return 0;
}

/* Give p a ring of size bytes holding its data (-EBUSY when it would not fit): waits for a
 * copy in progress to end, then takes both flags so that the data can move with the lock
 * dropped. */
/* Charge a resize's delta pages to p's user: -EPERM when growing takes a non-root user over
 * either limit (as Linux's pipe_set_size), -ENOMEM. */
static int resize_charge(struct pipe *p, long delta, bool privileged)
{
	long total = pipe_charge(p->uid, delta);
	if (total < 0)
		return (int)total;
	if (delta > 0 && !privileged && (over_limit(total, &sysctl_pipe_user_pages_soft) ||
					 over_limit(total, &sysctl_pipe_user_pages_hard))) {
		pipe_charge(p->uid, -delta);
		return -EPERM;
	}
	return 0;
}

/* The packet queue moved into pkts (for a ring of size bytes), oldest first. */
static void pkts_move(struct pipe *p, struct pipe_pkt *pkts)
{
	for (uint32_t i = 0; i < p->pkt_count; i++)
		pkts[i] = p->pkts[(p->pkt_first + i) % (p->size / PAGE_SIZE)];
	kfree(p->pkts);
	p->pkts = pkts;
	p->pkt_first = 0;
}

/* Linux counts the buffers the data occupies, not the bytes: the pages it spans, and a page
 * per packet. */
static bool resize_fits_locked(struct pipe *p, uint32_t size)
{
	spin_assert_held(&p->lock);
	return ALIGN_UP(p->head % PAGE_SIZE + p->len, PAGE_SIZE) <= size &&
	       p->pkt_count <= size / PAGE_SIZE;
}

static long pipe_resize(struct pipe *p, uint32_t size, bool privileged)
{
	uint8_t **pages = pages_alloc(size);
	struct pipe_pkt *pkts = pkts_alloc(size);
	long err = pages && pkts ? 0 : -ENOMEM;
	uint64_t fl = spin_lock_irqsave(&p->lock);
	while (!err && (p->reading || p->writing))
		err = pipe_wait_locked(p, p->reading ? &p->rd_wait : &p->wr_wait, false, &fl);
	if (!err && !resize_fits_locked(p, size))
		err = -EBUSY;
	if (err) {
		spin_unlock_irqrestore(&p->lock, fl);
		kfree(pages);
		kfree(pkts);
		return err;
	}
	p->reading = p->writing = true;
	spin_unlock_irqrestore(&p->lock, fl);
	long delta = ((long)size - (long)p->size) / (long)PAGE_SIZE;
	err = resize_charge(p, delta, privileged);
	if (!err && (err = ring_copy(p, pages)))
		pipe_charge(p->uid, -delta);
	uint8_t **old = err ? pages : p->pages;
	uint32_t old_size = err ? size : p->size;
	fl = spin_lock_irqsave(&p->lock);
	if (!err) {
		pkts_move(p, pkts);
		p->pages = pages;
		p->size = size;
		p->head = 0;
	} else {
		kfree(pkts);
	}
	p->reading = p->writing = false;
	wait_queue_wake_locked(&p->rd_wait, 0);
	wait_queue_wake_locked(&p->wr_wait, 0);
	spin_unlock_irqrestore(&p->lock, fl);
	pages_free(old, old_size);
	return err ? err : (long)size;
}

long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg)
{
	if (f->ops != &fifo_file_ops || !f->priv)
		return -EBADF;
	struct pipe *p = f->priv;
	if (cmd == F_GETPIPE_SZ)
		return READ_ONCE(p->size);
	unsigned size = pipe_round_size((uint32_t)arg); /* Linux takes an unsigned int */
	if (!size)
		return -EINVAL;
	bool privileged = pipe_privileged();
	unsigned max = (unsigned)__atomic_load_n(&sysctl_pipe_max_size, __ATOMIC_RELAXED);
	if (size > READ_ONCE(p->size) && size > max && !privileged)
		return -EPERM;
	return pipe_resize(p, size, privileged);
}

/* ---- pipe and pipe2 -------------------------------------------------------------------------- */

/* A new pipe's two ends (status flags from pipe2's flags). */
static int pipe_make(uint32_t status, struct file **rf, struct file **wf)
{
	struct pipe *p;
	int err = pipe_alloc(NULL, &p);
	if (err)
		return err;
	err = file_alloc_anon(PIPE_MODE, O_RDONLY | status, &fifo_file_ops, p, rf);
	if (err) {
		pipe_free(p);
		return err;
	}
	err = file_alloc_sibling(*rf, O_WRONLY | status, &fifo_file_ops, p, wf);
	if (err) {
		file_put(*rf); /* the last end: frees the pipe */
		return err;
	}
	/* Findable by its inode, as a FIFO's pipe: /proc/<pid>/fd/<n> may open another end. */
	uint64_t ff = spin_lock_irqsave(&fifo_lock);
	p->inode = (*rf)->inode;
	p->anonymous = true;
	p->inode->pipe = p;
	spin_unlock_irqrestore(&fifo_lock, ff);
	return 0;
}

SYSCALL_DEFINE2(pipe2, int __user *, ufds, int, flags)
{
	if (flags & ~PIPE2_FLAGS)
		return -EINVAL;
	struct file *rf, *wf;
	int err = pipe_make((uint32_t)flags & (O_NONBLOCK | O_DIRECT), &rf, &wf);
	if (err)
		return err;
	struct file *files[2] = { rf, wf };
	const uint64_t rights[2] = { ZERO_CAP_ALL, ZERO_CAP_ALL };
	return fd_install_pair_user(files, rights, flags & O_CLOEXEC, ufds);
}

SYSCALL_DEFINE1(pipe, int __user *, ufds)
{
	return sys_pipe2((uint64_t)(uintptr_t)ufds, 0, 0, 0, 0, 0);
}
