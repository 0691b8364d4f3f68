/* The tty core: the file operations every terminal shares, and the console terminal with its
 * character devices (/dev/console, /dev/ttyS0, /dev/tty), following Linux's tty_io and
 * n_tty_read/write:
 * job control before reading and (with TOSTOP) writing, canonical and VMIN/VTIME reads,
 * O_NONBLOCK, interruptible waits, output post-processing, and an input thread that feeds the
 * line discipline from the serial line and the keyboard. */
#include <drivers/tty.h>
#include <drivers/console_io.h>
#include <drivers/pty.h>
#include <proc/session.h>
#include <proc/signal.h>
#include <fs/vfs.h>
#include <fs/poll.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <arch/x86_64/usercopy.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/time.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/signal.h>
#include <uapi/stat.h>
#include <uapi/termios.h>

#define TTY_MAJOR 4
#define TTYS0_MINOR 64
#define TTYAUX_MAJOR 5
#define DEV_TTY_MINOR 0
#define DEV_CONSOLE_MINOR 1
#define CONSOLE_COLS 80
#define CONSOLE_ROWS 25
#define NS_PER_VTIME 100000000ULL /* VTIME counts tenths of a second */
#define WRITE_CHUNK 256
#define ECHO_CHUNK 64
#define INPUT_CHUNK 64

static size_t console_write(struct tty *tty, const uint8_t *buf, size_t n)
{
	(void)tty;
	console_io_write((const char *)buf, n);
	return n;
}

static const struct tty_ops console_tty_ops = { .write = console_write };
static const struct file_ops ttys0_ops;

static struct tty console_tty = {
	.name = "console",
	.dev = MKDEV(TTY_MAJOR, TTYS0_MINOR), /* the terminal behind /dev/console, as on Linux */
	.ops = &console_tty_ops,
	.fops = &ttys0_ops,
	.winsize = { .ws_row = CONSOLE_ROWS, .ws_col = CONSOLE_COLS },
};

void tty_setup(struct tty *tty, const struct k_termios *t)
{
	tty->lock = (struct spinlock)SPINLOCK_INIT("tty");
	wait_queue_init(&tty->read_wait);
	wait_queue_init(&tty->write_wait);
	n_tty_init(&tty->ld, t);
}

void tty_wake_locked(struct tty *tty)
{
	spin_assert_held(&tty->lock);
	wait_queue_wake_locked(&tty->read_wait, 0);
	wait_queue_wake_locked(&tty->write_wait, 0);
}

bool tty_caller_is_root(void)
{
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	return uid == 0;
}

int tty_open_check(struct tty *tty)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	bool excl = tty->exclusive;
	spin_unlock_irqrestore(&tty->lock, fl);
	return excl && !tty_caller_is_root() ? -EBUSY : 0;
}

void tty_packet_event(struct tty *tty, uint8_t bits)
{
	if (tty->ops->packet_event)
		tty->ops->packet_event(tty, bits);
}

static void unthrottle(struct tty *tty)
{
	if (tty->ops->unthrottle)
		tty->ops->unthrottle(tty);
}

void tty_flush_input(struct tty *tty)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	n_tty_flush_input(&tty->ld);
	tty_wake_locked(tty);
	spin_unlock_irqrestore(&tty->lock, fl);
	unthrottle(tty);
}

/* ---- input ---------------------------------------------------------------------------------- */

/* Write out the echo the line discipline produced (without the lock: the device may be a
 * pty, whose write takes its peer's lock). Echo that does not fit is dropped, as on Linux. */
static void flush_echo(struct tty *tty)
{
	uint8_t buf[ECHO_CHUNK];
	for (;;) {
		uint64_t fl = spin_lock_irqsave(&tty->lock);
		size_t n = n_tty_take_echo(&tty->ld, buf, sizeof(buf));
		spin_unlock_irqrestore(&tty->lock, fl);
		if (!n)
			return;
		tty->ops->write(tty, buf, n);
	}
}

static size_t receive(struct tty *tty, const uint8_t *buf, size_t n, bool flow)
{
	size_t i;
	for (i = 0; i < n; i++) {
		uint64_t f = spin_lock_irqsave(&tty->lock);
		if (flow && !n_tty_room(&tty->ld)) {
			spin_unlock_irqrestore(&tty->lock, f);
			break;
		}
		int sig = n_tty_receive(&tty->ld, buf[i]);
		tty_wake_locked(tty);
		spin_unlock_irqrestore(&tty->lock, f);
		flush_echo(tty);
		if (sig)
			session_signal_fg(tty, sig);
	}
	return i;
}

void tty_receive(struct tty *tty, const uint8_t *buf, size_t n)
{
	receive(tty, buf, n, false);
}

size_t tty_receive_room(struct tty *tty, const uint8_t *buf, size_t n)
{
	return receive(tty, buf, n, true);
}

static void console_input_thread(void *unused)
{
	(void)unused;
	char buf[INPUT_CHUNK];
	for (;;) {
		size_t n = console_io_wait_input(buf, sizeof(buf));
		tty_receive(&console_tty, (const uint8_t *)buf, n);
	}
}

/* ---- one reader, one writer at a time ------------------------------------------------------- */

/* Wait (interruptibly) until *busy is clear and set it. 0, -EAGAIN or -ERESTARTSYS. */
static int claim_locked(struct tty *tty, bool *busy, struct wait_queue *wq, bool nonblock,
			uint64_t *fl)
{
	spin_assert_held(&tty->lock);
	while (*busy) {
		if (nonblock)
			return -EAGAIN;
		if (signal_wait_queue_sleep_locked(wq, &tty->lock, fl, 0) == -EINTR)
			return -ERESTARTSYS;
	}
	*busy = true;
	return 0;
}

static void release(struct tty *tty, bool *busy, struct wait_queue *wq)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	*busy = false;
	wait_queue_wake_locked(wq, 0);
	spin_unlock_irqrestore(&tty->lock, fl);
}

/* ---- read ----------------------------------------------------------------------------------- */

/* When a read may return (Linux's n_tty_read): canonical mode after one line; otherwise once
 * `minimum` bytes arrived, or at the deadline (VMIN 0: VTIME from the start; VMIN > 0 and
 * VTIME > 0: VTIME after each byte). */
struct read_limits {
	bool canon;
	uint32_t minimum;
	uint64_t interbyte_ns; /* restart the deadline after data arrives */
	uint64_t deadline_ns; /* 0: none yet */
	bool timed;
};

static struct read_limits read_limits_locked(const struct tty *tty)
{
	spin_assert_held(&tty->lock);
	const struct k_termios *t = &tty->ld.termios;
	struct read_limits l = { .canon = (t->c_lflag & ICANON) != 0 };
	if (l.canon)
		return l;
	uint64_t time_ns = t->c_cc[VTIME] * NS_PER_VTIME;
	l.minimum = t->c_cc[VMIN];
	if (l.minimum) {
		l.interbyte_ns = time_ns;
	} else {
		l.minimum = 1;
		l.timed = true;
		l.deadline_ns = time_ns ? time_ns + time_monotonic_ns() : 0;
	}
	return l;
}

/* Fill dst (tty->rbuf: the caller owns the read side) with up to want bytes: the count, or
 * -EAGAIN / -ERESTARTSYS when nothing was read, -EIO from a pty master whose slave is gone.
 * 0 also when a packet-mode status byte arrived meanwhile (see read_packet_locked). */
static long read_data_locked(struct tty *tty, uint8_t *dst, size_t want, bool nonblock,
			     uint64_t *fl)
{
	spin_assert_held(&tty->lock);
	struct read_limits l = read_limits_locked(tty);
	size_t got = 0;
	for (;;) {
		if (!n_tty_readable(&tty->ld, 1)) {
			if (tty->hungup || (tty->pkt_status && !got))
				break;
			if (tty->master && tty->link_closed)
				return got ? (long)got : -EIO;
			if (l.timed && (!l.deadline_ns || time_monotonic_ns() >= l.deadline_ns))
				break;
			if (nonblock)
				return got ? (long)got : -EAGAIN;
			int r = signal_wait_queue_sleep_locked(&tty->read_wait, &tty->lock, fl,
							       l.timed ? l.deadline_ns : 0);
			if (r == -EINTR)
				return got ? (long)got : -ERESTARTSYS;
			continue;
		}
		got += n_tty_read(&tty->ld, dst + got, want - got);
		if (l.canon || got >= l.minimum || got == want)
			break;
		if (l.interbyte_ns) {
			l.timed = true;
			l.deadline_ns = time_monotonic_ns() + l.interbyte_ns;
		}
	}
	return (long)got;
}

/* Packet mode (a pty master, TIOCPKT): a read returns either one status byte (TIOCPKT_*
 * bits) or TIOCPKT_DATA followed by data. */
static long read_packet_locked(struct tty *tty, size_t want, bool nonblock, uint64_t *fl)
{
	spin_assert_held(&tty->lock);
	if (!tty->pkt_status) {
		long got = read_data_locked(tty, tty->rbuf + 1, want - 1, nonblock, fl);
		if (got < 0 || (got == 0 && !tty->pkt_status))
			return got;
		if (got > 0) {
			tty->rbuf[0] = TIOCPKT_DATA;
			return got + 1;
		}
	}
	tty->rbuf[0] = tty->pkt_status;
	tty->pkt_status = 0;
	return 1;
}

long tty_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct tty *tty = f->priv;
	bool nonblock = uio_nonblock(u, f->flags);
	/* Checked before anything is taken from the input, so that a bad buffer loses nothing. */
	if (!u->kernel && !user_range_ok((uint64_t)u->ubuf, u->resid))
		return -EFAULT;
	int r = session_job_control(tty, SIGTTIN);
	if (r)
		return r;
	size_t want = u->resid < N_TTY_BUF_SIZE ? u->resid : N_TTY_BUF_SIZE;
	if (!want)
		return 0;
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	if (tty->hungup) {
		spin_unlock_irqrestore(&tty->lock, fl);
		return 0;
	}
	r = claim_locked(tty, &tty->reading, &tty->read_wait, nonblock, &fl);
	if (r) {
		spin_unlock_irqrestore(&tty->lock, fl);
		return r;
	}
	long got = tty->pkt ? read_packet_locked(tty, want, nonblock, &fl)
			    : read_data_locked(tty, tty->rbuf, want, nonblock, &fl);
	spin_unlock_irqrestore(&tty->lock, fl);
	if (got > 0 && uio_copy_out(u, tty->rbuf, (size_t)got))
		got = -EFAULT; /* the input is gone, as on Linux */
	release(tty, &tty->reading, &tty->read_wait);
	if (got > 0)
		unthrottle(tty);
	return got;
}

/* ---- write ---------------------------------------------------------------------------------- */

static size_t write_room_locked(struct tty *tty)
{
	spin_assert_held(&tty->lock);
	return tty->ops->write_room ? tty->ops->write_room(tty) : SIZE_MAX;
}

/* Wait until output may go on and the device has room for need bytes: 0, -EAGAIN,
 * -ERESTARTSYS, or -EIO once the terminal is hung up. */
static int wait_output_locked(struct tty *tty, size_t need, bool nonblock, uint64_t *fl)
{
	spin_assert_held(&tty->lock);
	for (;;) {
		if (tty->hungup)
			return -EIO;
		if (!n_tty_output_stopped(&tty->ld) && write_room_locked(tty) >= need)
			return 0;
		if (nonblock)
			return -EAGAIN;
		if (signal_wait_queue_sleep_locked(&tty->write_wait, &tty->lock, fl, 0) == -EINTR)
			return -ERESTARTSYS;
	}
}

/* Hand k processed bytes to the device, waiting for room when it takes fewer (an echo took
 * the room meanwhile). Drops tty->lock around the device's write. */
static int deliver_locked(struct tty *tty, const uint8_t *out, size_t k, uint64_t *fl)
{
	spin_assert_held(&tty->lock);
	size_t off = 0;
	while (off < k) {
		spin_unlock_irqrestore(&tty->lock, *fl);
		off += tty->ops->write(tty, out + off, k - off);
		*fl = spin_lock_irqsave(&tty->lock);
		if (off < k) {
			int r = wait_output_locked(tty, 1, false, fl);
			if (r)
				return r;
		}
	}
	return 0;
}

/* Post-process and send n bytes, waiting while output is stopped or the device full: the
 * bytes sent, or -EAGAIN / -ERESTARTSYS / -EIO when none were. */
static long write_locked(struct tty *tty, const uint8_t *in, size_t n, bool nonblock,
			 uint64_t *fl)
{
	spin_assert_held(&tty->lock);
	uint8_t out[WRITE_CHUNK];
	size_t done = 0;
	while (done < n) {
		int r = wait_output_locked(tty, N_TTY_OUT_CHAR_MAX, nonblock, fl);
		if (r)
			return done ? (long)done : r;
		size_t room = write_room_locked(tty);
		size_t cap = room < sizeof(out) ? room : sizeof(out);
		size_t used;
		size_t k = n_tty_output(&tty->ld, in + done, n - done, out, cap, &used);
		r = deliver_locked(tty, out, k, fl);
		if (r)
			return done ? (long)done : r;
		done += used;
	}
	return (long)done;
}

static bool tostop_set(struct tty *tty)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	bool tostop = tty->ld.termios.c_lflag & TOSTOP;
	spin_unlock_irqrestore(&tty->lock, fl);
	return tostop;
}

long tty_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct tty *tty = f->priv;
	bool nonblock = uio_nonblock(u, f->flags);
	if (tostop_set(tty)) {
		int r = session_job_control(tty, SIGTTOU);
		if (r)
			return r;
	}
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	long ret = tty->hungup ? -EIO
			       : claim_locked(tty, &tty->writing, &tty->write_wait, nonblock, &fl);
	spin_unlock_irqrestore(&tty->lock, fl);
	if (ret)
		return ret;
	uint8_t in[WRITE_CHUNK];
	size_t done = 0;
	while (u->resid) {
		/* A long write (a pty whose other side drops what does not fit never waits) stops
		 * between chunks when a signal is pending, with the count so far, as long copies
		 * do: SIGKILL must end it (bug pty_long_write_sigkill). */
		if (done && signal_copy_should_stop(done))
			break;
		size_t n = u->resid < sizeof(in) ? u->resid : sizeof(in);
		if (uio_copy_in(u, in, n)) {
			ret = -EFAULT;
			break;
		}
		fl = spin_lock_irqsave(&tty->lock);
		ret = write_locked(tty, in, n, nonblock, &fl);
		spin_unlock_irqrestore(&tty->lock, fl);
		if (ret < 0)
			break;
		done += (size_t)ret;
		if ((size_t)ret < n)
			break;
	}
	release(tty, &tty->writing, &tty->write_wait);
	return done ? (long)done : ret;
}

/* ---- poll and open -------------------------------------------------------------------------- */

#define POLL_HUNGUP (POLLIN | POLLOUT | POLLERR | POLLHUP | POLLRDNORM | POLLWRNORM)

uint32_t tty_poll(struct file *f, struct poll_table *pt)
{
	struct tty *tty = f->priv;
	uint32_t mask = 0;
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	if (pt) {
		poll_wait_locked(pt, &tty->read_wait, &tty->lock);
		poll_wait_locked(pt, &tty->write_wait, &tty->lock);
	}
	const struct k_termios *t = &tty->ld.termios;
	/* Raw mode with VMIN and no VTIME: readable once a read would not block (Linux). */
	uint32_t amt = !(t->c_lflag & ICANON) && !t->c_cc[VTIME] && t->c_cc[VMIN] ? t->c_cc[VMIN] : 1;
	if (tty->hungup)
		mask = POLL_HUNGUP;
	if (n_tty_readable(&tty->ld, amt))
		mask |= POLLIN | POLLRDNORM;
	if (tty->pkt_status)
		mask |= POLLIN | POLLRDNORM | POLLPRI;
	if (tty->master && tty->link_closed)
		mask |= POLLHUP;
	if (!n_tty_output_stopped(&tty->ld) && write_room_locked(tty) >= N_TTY_OUT_CHAR_MAX)
		mask |= POLLOUT | POLLWRNORM;
	spin_unlock_irqrestore(&tty->lock, fl);
	return mask;
}

/* /dev/ttyS0: a session leader without a terminal acquires it (Linux's tty_open). */
static int tty_open(struct inode *inode, struct file *f)
{
	(void)inode;
	int r = tty_open_check(&console_tty);
	if (r)
		return r;
	f->priv = &console_tty;
	if (!(f->flags & O_NOCTTY))
		session_open_ctty(&console_tty, f->mode & FMODE_READ);
	return 0;
}

/* /dev/console never becomes a controlling terminal by open(2), as on Linux: TIOCSCTTY. */
static int console_open(struct inode *inode, struct file *f)
{
	(void)inode;
	f->priv = &console_tty;
	return 0;
}

/* /dev/tty: the caller's controlling terminal, ENXIO without one; the file then behaves as
 * one opened on that terminal's own device (a pty slave's counts as one of its opens). */
static int devtty_open(struct inode *inode, struct file *f)
{
	(void)inode;
	struct tty *tty = session_current_ctty_get();
	if (!tty)
		return -ENXIO;
	f->priv = tty;
	f->ops = tty->fops;
	return 0;
}

#define TTY_FILE_OPS(open_fn)                                                                     \
	{ .open = (open_fn), .read = tty_read, .write = tty_write, .ioctl = tty_ioctl,          \
	  .poll = tty_poll }

static const struct file_ops ttys0_ops = TTY_FILE_OPS(tty_open);
static const struct file_ops console_ops = TTY_FILE_OPS(console_open);
static const struct file_ops devtty_ops = TTY_FILE_OPS(devtty_open);

static void register_dev(uint64_t rdev, const struct file_ops *ops, const char *name)
{
	int r = chrdev_register(rdev, ops);
	if (r)
		pr_err("tty: cannot register %s (%d)\n", name, r);
}

void tty_init(void)
{
	struct k_termios t;
	n_tty_default_termios(&t);
	tty_setup(&console_tty, &t);
	register_dev(MKDEV(TTYAUX_MAJOR, DEV_CONSOLE_MINOR), &console_ops, "/dev/console");
	register_dev(MKDEV(TTYAUX_MAJOR, DEV_TTY_MINOR), &devtty_ops, "/dev/tty");
	register_dev(MKDEV(TTY_MAJOR, TTYS0_MINOR), &ttys0_ops, "/dev/ttyS0");
	pty_init();
	struct thread *th = thread_create_kernel("tty_input", console_input_thread, NULL);
	if (!th)
		panic("tty: cannot start the input thread");
	sched_add_thread(th);
}
