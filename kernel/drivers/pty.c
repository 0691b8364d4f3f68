/* Pseudo-terminals (see pty.h): making a pair at an open of /dev/ptmx, the slave's opens and
 * lock (unlockpt), the master's ioctls (TIOCGPTN, TIOCSPTLCK, TIOCPKT, TIOCGPTPEER, TIOCSIG), the
 * driver ops that turn one side's output into the other's input with flow control, and the
 * hang-ups: the master's close hangs the slave up (SIGHUP to its session), the slave's last
 * close makes the master's reads fail with EIO and its poll report POLLHUP. */
#include <drivers/pty.h>
#include <drivers/tty.h>
#include <fs/devpts.h>
#include <fs/fdtable.h>
#include <proc/session.h>
#include <arch/x86_64/usercopy.h>
#include <core/compiler.h>
#include <core/printk.h>
#include <lib/printf.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/signal.h>
#include <uapi/stat.h>
#include <uapi/termios.h>

#define PTMX_MAJOR 5
#define PTMX_MINOR 2
#define PTS_MINORS 256
#define PTY_NAME_LEN 16

struct pty_pair {
	struct tty master, slave;
	int index; /* immutable */
	char name[PTY_NAME_LEN]; /* "pts/N" (immutable) */
	/* pty_lock: */
	bool master_open;
	bool closing; /* the master is closing: no new slave opens */
	int slave_opens; /* files on the slave (its own, /dev/tty's, TIOCGPTPEER's) */
	bool locked; /* TIOCSPTLCK: opens of the slave fail with EIO */
	struct pty_node node;
};

static struct spinlock pty_lock = SPINLOCK_INIT("pty");
static struct pty_pair *ptys[PTY_MAX]; /* pty_lock */

static const struct file_ops ptm_fops;
static const struct file_ops pts_fops;

static struct pty_pair *pair_of(struct tty *tty)
{
	return tty->master ? container_of(tty, struct pty_pair, master)
			   : container_of(tty, struct pty_pair, slave);
}

uint64_t pty_slave_rdev(int index)
{
	return MKDEV(PTS_MAJOR + index / PTS_MINORS, index % PTS_MINORS);
}

/* ---- the devpts interface ------------------------------------------------------------------- */

static bool visible_locked(const struct pty_pair *p)
{
	spin_assert_held(&pty_lock);
	return p && p->master_open && !p->closing;
}

int pty_node(int index, struct pty_node *out)
{
	int r = -ENOENT;
	if (index < 0 || index >= PTY_MAX)
		return r;
	uint64_t f = spin_lock_irqsave(&pty_lock);
	if (visible_locked(ptys[index])) {
		*out = ptys[index]->node;
		r = 0;
	}
	spin_unlock_irqrestore(&pty_lock, f);
	return r;
}

int pty_next(int from, struct pty_node *out)
{
	int found = -1;
	uint64_t f = spin_lock_irqsave(&pty_lock);
	for (int i = from < 0 ? 0 : from; i < PTY_MAX; i++) {
		if (visible_locked(ptys[i])) {
			*out = ptys[i]->node;
			found = i;
			break;
		}
	}
	spin_unlock_irqrestore(&pty_lock, f);
	return found;
}

int pty_set_node(int index, const struct pty_node *n)
{
	int r = -ENOENT;
	if (index < 0 || index >= PTY_MAX)
		return r;
	uint64_t f = spin_lock_irqsave(&pty_lock);
	if (visible_locked(ptys[index])) {
		ptys[index]->node = *n;
		r = 0;
	}
	spin_unlock_irqrestore(&pty_lock, f);
	return r;
}

/* ---- the driver: one side's output is the other's input ------------------------------------- */

static size_t pty_write(struct tty *tty, const uint8_t *buf, size_t n)
{
	return tty_receive_room(tty->link, buf, n);
}

/* A peek at the other side's input without its lock: the writer waits on its own write_wait,
 * and the other side's reader wakes it (pty_unthrottle) after taking input under its lock, so
 * a stale answer only costs a wake-up, never a lost one. */
static size_t pty_write_room(struct tty *tty)
{
	return n_tty_room(&tty->link->ld);
}

static void pty_unthrottle(struct tty *tty)
{
	struct tty *writer = tty->link;
	uint64_t f = spin_lock_irqsave(&writer->lock);
	wait_queue_wake_locked(&writer->write_wait, 0);
	spin_unlock_irqrestore(&writer->lock, f);
}

/* TCOFLUSH: what this side wrote and the other side has not read yet. */
static void pty_flush_output(struct tty *tty)
{
	tty_flush_input(tty->link);
}

/* Status bits for the master's reader in packet mode, from events on the slave (Linux's
 * ctrl.pktstatus: a stop cancels a pending start and so on). */
static void pty_packet_event(struct tty *tty, uint8_t bits)
{
	if (tty->master)
		return;
	struct tty *m = tty->link;
	uint64_t f = spin_lock_irqsave(&m->lock);
	if (m->pkt) {
		if (bits & (TIOCPKT_STOP | TIOCPKT_START))
			m->pkt_status &= (uint8_t)~(TIOCPKT_STOP | TIOCPKT_START);
		if (bits & (TIOCPKT_NOSTOP | TIOCPKT_DOSTOP))
			m->pkt_status &= (uint8_t)~(TIOCPKT_NOSTOP | TIOCPKT_DOSTOP);
		m->pkt_status |= bits;
		tty_wake_locked(m);
	}
	spin_unlock_irqrestore(&m->lock, f);
}

/* A new file on the slave: 0, or -EIO when the master is gone or closing, or (check_lock)
 * the slave is still locked. The master's reads stop failing once a slave is open. */
static int slave_get_locked(struct pty_pair *p, bool check_lock)
{
	spin_assert_held(&pty_lock);
	if (!p->master_open || p->closing || (check_lock && p->locked))
		return -EIO;
	if (p->slave_opens++ == 0) {
		uint64_t f = spin_lock_irqsave(&p->master.lock);
		p->master.link_closed = false;
		spin_unlock_irqrestore(&p->master.lock, f);
	}
	return 0;
}

/* /dev/tty on a slave (process_tree_lock held); a master is never reached that way. */
static int pty_get(struct tty *tty)
{
	if (tty->master)
		return -ENXIO;
	uint64_t f = spin_lock_irqsave(&pty_lock);
	int r = slave_get_locked(pair_of(tty), false);
	spin_unlock_irqrestore(&pty_lock, f);
	return r;
}

static const struct tty_ops pty_ops = {
	.write = pty_write,
	.write_room = pty_write_room,
	.unthrottle = pty_unthrottle,
	.flush_output = pty_flush_output,
	.packet_event = pty_packet_event,
	.get = pty_get,
};

/* ---- making and freeing pairs --------------------------------------------------------------- */

static void pair_setup(struct pty_pair *p, int index)
{
	struct k_termios t;
	n_tty_default_termios(&t);
	p->index = index;
	ksnprintf(p->name, sizeof(p->name), "pts/%d", index);
	p->slave = (struct tty){ .name = p->name, .dev = pty_slave_rdev(index), .ops = &pty_ops,
				 .fops = &pts_fops, .link = &p->master };
	tty_setup(&p->slave, &t);
	/* The master's own line discipline passes bytes through untouched. */
	t.c_iflag = t.c_oflag = t.c_lflag = 0;
	t.c_cc[VMIN] = 1;
	t.c_cc[VTIME] = 0;
	p->master = (struct tty){ .name = "ptmx", .dev = MKDEV(PTMX_MAJOR, PTMX_MINOR),
				  .ops = &pty_ops, .fops = &ptm_fops, .link = &p->slave,
				  .master = true };
	tty_setup(&p->master, &t);
}

/* Both sides are gone: no process keeps either as its terminal, and the index is free. */
static void pair_free(struct pty_pair *p)
{
	session_forget_tty(&p->slave);
	session_forget_tty(&p->master);
	uint64_t f = spin_lock_irqsave(&pty_lock);
	ptys[p->index] = NULL;
	spin_unlock_irqrestore(&pty_lock, f);
	kfree(p);
}

/* /dev/ptmx: a new pair with the lowest free index, its slave locked (Linux's ptmx_open). */
static int ptmx_open(struct inode *inode, struct file *f)
{
	(void)inode;
	struct pty_pair *p = kmalloc(sizeof(*p));
	if (!p)
		return -ENOMEM;
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	devpts_new_node(uid, gid, &p->node);
	int index = -1;
	uint64_t fl = spin_lock_irqsave(&pty_lock);
	for (int i = 0; i < PTY_MAX && index < 0; i++)
		if (!ptys[i])
			index = i;
	if (index >= 0) {
		pair_setup(p, index);
		p->master_open = true;
		p->locked = true;
		ptys[index] = p;
	}
	spin_unlock_irqrestore(&pty_lock, fl);
	if (index < 0) {
		kfree(p);
		return -ENOSPC;
	}
	f->priv = &p->master;
	return 0;
}

/* The master's last close: the slave is hung up (reads 0, writes EIO, its session gets
 * SIGHUP) and its node goes; the pair goes with its last slave file. */
static void ptm_release(struct file *f)
{
	struct pty_pair *p = pair_of(f->priv);
	uint64_t fl = spin_lock_irqsave(&pty_lock);
	p->closing = true;
	spin_unlock_irqrestore(&pty_lock, fl);
	fl = spin_lock_irqsave(&p->slave.lock);
	p->slave.hungup = true;
	tty_wake_locked(&p->slave);
	spin_unlock_irqrestore(&p->slave.lock, fl);
	session_hangup(&p->slave);
	fl = spin_lock_irqsave(&pty_lock);
	p->master_open = false;
	bool last = p->slave_opens == 0;
	spin_unlock_irqrestore(&pty_lock, fl);
	if (last)
		pair_free(p);
}

static void pts_release(struct file *f);

/* /dev/pts/N (any node of the slave's device number). */
static int pts_open(struct inode *inode, struct file *f)
{
	uint32_t major = MAJOR(inode->rdev), minor = MINOR(inode->rdev);
	int index = (int)((major - PTS_MAJOR) * PTS_MINORS + minor);
	if (major < PTS_MAJOR || minor >= PTS_MINORS || index >= PTY_MAX)
		return -ENXIO;
	uint64_t fl = spin_lock_irqsave(&pty_lock);
	struct pty_pair *p = ptys[index];
	int r = p ? slave_get_locked(p, true) : -EIO;
	spin_unlock_irqrestore(&pty_lock, fl);
	if (r)
		return r;
	f->priv = &p->slave;
	r = tty_open_check(&p->slave);
	if (r) {
		pts_release(f); /* a failed open gets no release */
		return r;
	}
	if (!(f->flags & O_NOCTTY))
		session_open_ctty(&p->slave, f->mode & FMODE_READ);
	return 0;
}

/* A slave file's last close; the master's reads fail with EIO once no slave file is left. */
static void pts_release(struct file *f)
{
	struct pty_pair *p = pair_of(f->priv);
	uint64_t fl = spin_lock_irqsave(&pty_lock);
	bool last = --p->slave_opens == 0;
	bool gone = last && !p->master_open;
	if (last && p->master_open) {
		uint64_t mf = spin_lock_irqsave(&p->master.lock);
		p->master.link_closed = true;
		tty_wake_locked(&p->master);
		spin_unlock_irqrestore(&p->master.lock, mf);
	}
	spin_unlock_irqrestore(&pty_lock, fl);
	if (gone)
		pair_free(p);
}

/* ---- ioctls --------------------------------------------------------------------------------- */

static int put_int(int v, uint64_t arg)
{
	return put_user(v, (int __user *)arg) ? -EFAULT : 0;
}

static int set_packet_mode(struct tty *m, uint64_t arg)
{
	int on;
	if (get_user(&on, (const int __user *)arg))
		return -EFAULT;
	uint64_t f = spin_lock_irqsave(&m->lock);
	if (!on || !m->pkt)
		m->pkt_status = 0;
	m->pkt = on != 0;
	spin_unlock_irqrestore(&m->lock, f);
	return 0;
}

static int set_lock(struct pty_pair *p, uint64_t arg)
{
	int lock;
	if (get_user(&lock, (const int __user *)arg))
		return -EFAULT;
	uint64_t f = spin_lock_irqsave(&pty_lock);
	p->locked = lock != 0;
	spin_unlock_irqrestore(&pty_lock, f);
	return 0;
}

/* TIOCGPTPEER: open the slave without a path lookup by the caller (Linux 4.13). Linux takes
 * any flags; those that mean something for a terminal are kept. */
#define PEER_FLAGS (O_ACCMODE | O_NOCTTY | O_NONBLOCK | O_CLOEXEC | O_APPEND)

static long open_peer(struct file *mf, struct pty_pair *p, uint64_t arg)
{
	uint32_t flags = (uint32_t)arg & PEER_FLAGS;
	struct path path;
	int r = devpts_slave_path(&mf->path, p->index, &path);
	if (r)
		return r;
	struct inode *inode = path.dentry->inode;
	inode_get(inode);
	struct file *f;
	r = file_alloc(&path, inode, flags, &pts_fops, &f);
	if (r)
		return r;
	return fd_install_or_put(f, flags & O_CLOEXEC);
}

/* The master's ioctls: its own, then termios and window size acting on the slave (Linux's
 * tty_pair_get_tty), then those of any terminal. */
static long ptm_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct tty *m = f->priv;
	struct pty_pair *p = pair_of(m);
	int pgrp, sid;
	switch (cmd) {
	case TIOCGPTN:
		return put_int(p->index, arg);
	case TIOCSPTLCK:
		return set_lock(p, arg);
	case TIOCGPTLCK: {
		uint64_t fl = spin_lock_irqsave(&pty_lock);
		int locked = p->locked;
		spin_unlock_irqrestore(&pty_lock, fl);
		return put_int(locked, arg);
	}
	case TIOCPKT:
		return set_packet_mode(m, arg);
	case TIOCGPKT:
		return tty_put_flag(m, &m->pkt, arg);
	case TIOCGPTPEER:
		return open_peer(f, p, arg);
	case TIOCSIG: /* Linux's pty_signal: only the signals a character could raise */
		if (arg != SIGINT && arg != SIGQUIT && arg != SIGTSTP)
			return -EINVAL;
		session_signal_fg(&p->slave, (int)arg);
		return 0;
	case TIOCGPGRP:
	case TIOCGSID:
		session_tty_ids(&p->slave, &pgrp, &sid);
		if (cmd == TIOCGSID && !sid)
			return -ENOTTY;
		return put_int(cmd == TIOCGPGRP ? pgrp : sid, arg);
	case TCGETS:
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
	case TCGETA:
	case TCSETA:
	case TCSETAW:
	case TCSETAF:
	case TIOCGWINSZ:
	case TIOCSWINSZ:
		return tty_ioctl_on(f, &p->slave, cmd, arg);
	default:
		return tty_ioctl_on(f, m, cmd, arg);
	}
}

/* A hung-up slave answers EIO (ENOTTY for TIOCSPGRP), as Linux's hung_up_tty_ioctl. */
static long pts_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct tty *s = f->priv;
	uint64_t fl = spin_lock_irqsave(&s->lock);
	bool hungup = s->hungup;
	spin_unlock_irqrestore(&s->lock, fl);
	if (hungup)
		return cmd == TIOCSPGRP ? -ENOTTY : -EIO;
	return tty_ioctl_on(f, s, cmd, arg);
}

static const struct file_ops ptm_fops = {
	.open = ptmx_open, .read = tty_read, .write = tty_write, .ioctl = ptm_ioctl,
	.poll = tty_poll, .release = ptm_release,
};

static const struct file_ops pts_fops = {
	.open = pts_open, .read = tty_read, .write = tty_write, .ioctl = pts_ioctl,
	.poll = tty_poll, .release = pts_release,
};

void pty_init(void)
{
	int r = chrdev_register(MKDEV(PTMX_MAJOR, PTMX_MINOR), &ptm_fops);
	if (!r)
		r = chrdev_register_range(MKDEV(PTS_MAJOR, 0), PTY_MAX, &pts_fops);
	if (r)
		pr_err("pty: cannot register the devices (%d)\n", r);
}
