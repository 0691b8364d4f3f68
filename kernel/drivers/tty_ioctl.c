/* The terminal ioctls with Linux's semantics: termios (TCGETS, TCSETS, TCSETSW, TCSETSF, and
 * the old termio's TCGETA, TCSETA, TCSETAW, TCSETAF), flow and queue control (TCXONC, TCFLSH,
 * TCSBRK), the window size (SIGWINCH to the foreground group on a change), input injection
 * (TIOCSTI), queue sizes (FIONREAD, TIOCOUTQ), the job-control ioctls, whose rules live in
 * proc/session.c; exclusive mode (TIOCEXCL), and the packet-mode events a pty master's reader
 * sees (flushes, output stopped and restarted, ^S/^Q in force or not). Settings changes from a
 * background process group go through the SIGTTOU check first, as tty_check_change does. */
#include <drivers/tty.h>
#include <proc/session.h>
#include <proc/process.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/signal.h>

#define CTRL_Q 0x11 /* the standard START character */
#define CTRL_S 0x13 /* the standard STOP character */


/* Packet mode's view of a termios change (Linux's n_tty_set_termios): whether ^S/^Q stop
 * output now. */
static uint8_t flow_change_event(const struct k_termios *old, const struct k_termios *t)
{
	bool was = old->c_iflag & IXON, is = t->c_iflag & IXON;
	if (was == is && old->c_cc[VSTART] == t->c_cc[VSTART] && old->c_cc[VSTOP] == t->c_cc[VSTOP])
		return 0;
	bool dostop = is && t->c_cc[VSTART] == CTRL_Q && t->c_cc[VSTOP] == CTRL_S;
	return dostop ? TIOCPKT_DOSTOP : TIOCPKT_NOSTOP;
}

/* TCSETS*: output is written synchronously, so there is never anything to drain (TCSETSW);
 * TCSETSF also drops pending input. */
static void apply_termios(struct tty *tty, const struct k_termios *t, bool flush)
{
	if (flush)
		tty_flush_input(tty);
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	uint8_t ev = flow_change_event(&tty->ld.termios, t);
	n_tty_set_termios(&tty->ld, t);
	tty_wake_locked(tty);
	spin_unlock_irqrestore(&tty->lock, fl);
	if (ev)
		tty_packet_event(tty, ev);
}

static int set_termios(struct tty *tty, const struct k_termios __user *ut, bool flush)
{
	int r = session_job_control(tty, SIGTTOU);
	if (r)
		return r;
	struct k_termios t;
	if (copy_from_user(&t, ut, sizeof(t)))
		return -EFAULT;
	apply_termios(tty, &t, flush);
	return 0;
}

static struct k_termios current_termios(struct tty *tty)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	struct k_termios t = tty->ld.termios;
	spin_unlock_irqrestore(&tty->lock, fl);
	return t;
}

/* TCGETA: the low 16 bits of each flag word and the first K_NCC control characters. */
static int get_termio(struct tty *tty, struct k_termio __user *uo)
{
	struct k_termios t = current_termios(tty);
	struct k_termio o = { .c_iflag = (uint16_t)t.c_iflag, .c_oflag = (uint16_t)t.c_oflag,
			      .c_cflag = (uint16_t)t.c_cflag, .c_lflag = (uint16_t)t.c_lflag,
			      .c_line = t.c_line };
	memcpy(o.c_cc, t.c_cc, K_NCC);
	return copy_to_user(uo, &o, sizeof(o)) ? -EFAULT : 0;
}

static uint32_t low_bits(uint32_t old, uint16_t low)
{
	return (old & 0xffff0000u) | low;
}

/* TCSETA*: as Linux's user_termio_to_kernel_termios, the high bits of each flag stay. */
static int set_termio(struct tty *tty, const struct k_termio __user *uo, bool flush)
{
	int r = session_job_control(tty, SIGTTOU);
	if (r)
		return r;
	struct k_termio o;
	if (copy_from_user(&o, uo, sizeof(o)))
		return -EFAULT;
	struct k_termios t = current_termios(tty);
	t.c_iflag = low_bits(t.c_iflag, o.c_iflag);
	t.c_oflag = low_bits(t.c_oflag, o.c_oflag);
	t.c_cflag = low_bits(t.c_cflag, o.c_cflag);
	t.c_lflag = low_bits(t.c_lflag, o.c_lflag);
	t.c_line = o.c_line;
	memcpy(t.c_cc, o.c_cc, K_NCC);
	apply_termios(tty, &t, flush);
	return 0;
}

/* TCFLSH: input is this tty's; output not yet taken is the device's (a pty's other side). */
static int tcflsh(struct tty *tty, uint64_t arg)
{
	int r = session_job_control(tty, SIGTTOU);
	if (r)
		return r;
	if (arg != TCIFLUSH && arg != TCOFLUSH && arg != TCIOFLUSH)
		return -EINVAL;
	if (arg != TCOFLUSH) {
		tty_flush_input(tty);
		tty_packet_event(tty, TIOCPKT_FLUSHREAD);
	}
	if (arg != TCIFLUSH && tty->ops->flush_output) {
		tty->ops->flush_output(tty);
		tty_packet_event(tty, TIOCPKT_FLUSHWRITE);
	}
	return 0;
}

/* TCXONC: suspend or restart output; TCIOFF/TCION send the STOP/START character. */
static int tcxonc(struct tty *tty, uint64_t arg)
{
	int r = session_job_control(tty, SIGTTOU);
	if (r)
		return r;
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	struct n_tty *ld = &tty->ld;
	uint8_t c = _POSIX_VDISABLE, ev = 0;
	int ret = 0;
	switch (arg) {
	case TCOOFF:
		ld->tco_stopped = true;
		ev = TIOCPKT_STOP;
		break;
	case TCOON:
		ld->tco_stopped = false;
		ld->flow_stopped = false;
		tty_wake_locked(tty);
		ev = TIOCPKT_START;
		break;
	case TCIOFF:
	case TCION:
		c = ld->termios.c_cc[arg == TCIOFF ? VSTOP : VSTART];
		break;
	default:
		ret = -EINVAL;
	}
	spin_unlock_irqrestore(&tty->lock, fl);
	if (c != _POSIX_VDISABLE)
		tty->ops->write(tty, &c, 1);
	if (ev)
		tty_packet_event(tty, ev);
	return ret;
}

static int get_winsize(struct tty *tty, struct k_winsize __user *uw)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	struct k_winsize w = tty->winsize;
	spin_unlock_irqrestore(&tty->lock, fl);
	return copy_to_user(uw, &w, sizeof(w)) ? -EFAULT : 0;
}

static int set_winsize(struct tty *tty, const struct k_winsize __user *uw)
{
	struct k_winsize w;
	if (copy_from_user(&w, uw, sizeof(w)))
		return -EFAULT;
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	bool changed = memcmp(&w, &tty->winsize, sizeof(w)) != 0;
	tty->winsize = w;
	spin_unlock_irqrestore(&tty->lock, fl);
	if (changed)
		session_signal_fg(tty, SIGWINCH);
	return 0;
}

/* TIOCSTI: root, or the caller's own controlling terminal (Linux). */
static int tiocsti(struct tty *tty, const char __user *uc)
{
	if (!tty_caller_is_root() && !session_is_ctty(tty))
		return -EPERM;
	char c;
	if (get_user(&c, uc))
		return -EFAULT;
	tty_receive(tty, (const uint8_t *)&c, 1);
	return 0;
}

static void set_exclusive(struct tty *tty, bool on)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	tty->exclusive = on;
	spin_unlock_irqrestore(&tty->lock, fl);
}

static int put_int(int v, uint64_t arg)
{
	return put_user(v, (int __user *)arg) ? -EFAULT : 0;
}

int tty_put_flag(struct tty *tty, const bool *flag, uint64_t arg)
{
	uint64_t fl = spin_lock_irqsave(&tty->lock);
	int v = *flag;
	spin_unlock_irqrestore(&tty->lock, fl);
	return put_int(v, arg);
}

/* TIOCSPGRP: the SIGTTOU check comes first, and an orphaned caller gets ENOTTY (Linux). */
static int set_pgrp(struct tty *tty, const int __user *up)
{
	int r = session_job_control(tty, SIGTTOU);
	if (r)
		return r == -EIO ? -ENOTTY : r;
	int pgrp;
	if (get_user(&pgrp, up))
		return -EFAULT;
	if (pgrp < 0)
		return -EINVAL;
	return session_ioctl_spgrp(tty, pgrp);
}

/* ioctls that read a number (TIOCGPGRP, TIOCGSID) out of session.c. */
static int get_session_int(struct tty *tty, int (*get)(struct tty *, int *), uint64_t arg)
{
	int v;
	int r = get(tty, &v);
	return r ? r : put_int(v, arg);
}

long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	return tty_ioctl_on(f, f->priv, cmd, arg);
}

long tty_ioctl_on(struct file *f, struct tty *tty, unsigned int cmd, uint64_t arg)
{
	switch (cmd) {
	case TCGETS: {
		struct k_termios t = current_termios(tty);
		return copy_to_user((struct k_termios __user *)arg, &t, sizeof(t)) ? -EFAULT : 0;
	}
	case TCGETA:
		return get_termio(tty, (struct k_termio __user *)arg);
	case TCSETA:
	case TCSETAW:
	case TCSETAF:
		return set_termio(tty, (const struct k_termio __user *)arg, cmd == TCSETAF);
	case TCSETS:
	case TCSETSW:
	case TCSETSF:
		return set_termios(tty, (const struct k_termios __user *)arg, cmd == TCSETSF);
	case TCSBRK: /* tcdrain (nothing queued) or a break (the console has no break line) */
	case TCSBRKP:
		return session_job_control(tty, SIGTTOU);
	case TCXONC:
		return tcxonc(tty, arg);
	case TCFLSH:
		return tcflsh(tty, arg);
	case TIOCGWINSZ:
		return get_winsize(tty, (struct k_winsize __user *)arg);
	case TIOCSWINSZ:
		return set_winsize(tty, (const struct k_winsize __user *)arg);
	case TIOCSTI:
		return tiocsti(tty, (const char __user *)arg);
	case FIONREAD: {
		uint64_t fl = spin_lock_irqsave(&tty->lock);
		int n = (int)n_tty_inq(&tty->ld);
		spin_unlock_irqrestore(&tty->lock, fl);
		return put_int(n, arg);
	}
	case TIOCOUTQ: /* output goes out synchronously */
		return put_int(0, arg);
	case TIOCGETD:
		return put_int(N_TTY, arg);
	case TIOCEXCL:
	case TIOCNXCL:
		set_exclusive(tty, cmd == TIOCEXCL);
		return 0;
	case TIOCGEXCL:
		return tty_put_flag(tty, &tty->exclusive, arg);
	case TIOCSCTTY:
		return session_ioctl_sctty(tty, arg, f->mode & FMODE_READ);
	case TIOCNOTTY:
		return session_ioctl_notty(tty);
	case TIOCGPGRP:
		return get_session_int(tty, session_ioctl_gpgrp, arg);
	case TIOCSPGRP:
		return set_pgrp(tty, (const int __user *)arg);
	case TIOCGSID:
		return get_session_int(tty, session_ioctl_gsid, arg);
	default:
		return -ENOTTY;
	}
}
