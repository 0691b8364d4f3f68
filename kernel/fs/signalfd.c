/* signalfd and signalfd4 (see fs/signalfd.h): the file, siginfo's conversion, the calls. */
#include <lib/printf.h>
#include <fs/signalfd.h>
#include <fs/fdtable.h>
#include <fs/poll.h>
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <proc/signal.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/poll.h>
#include <uapi/signalfd.h>

#define SFD_FLAGS (SFD_NONBLOCK | SFD_CLOEXEC)

struct signalfd {
	uint64_t mask; /* atomic: the signals it reads */
	struct signal_handlers *sh; /* referenced, immutable: whose signalfd_wq pollers use */
};

static const struct file_ops signalfd_ops;

static bool is_fault_signal(int sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP;
}

/* Linux's signalfd_copyinfo: the fields siginfo's layout for this signal and code has. */
static void siginfo_to_signalfd(const k_siginfo_t *si, struct linux_signalfd_siginfo *out)
{
	memset(out, 0, sizeof(*out));
	out->ssi_signo = (uint32_t)si->si_signo;
	out->ssi_errno = si->si_errno;
	out->ssi_code = si->si_code;
	if (si->si_code > 0 && si->si_signo == SIGCHLD) {
		out->ssi_pid = (uint32_t)si->u.chld.pid;
		out->ssi_uid = si->u.chld.uid;
		out->ssi_status = si->u.chld.status;
		out->ssi_utime = (uint64_t)si->u.chld.utime;
		out->ssi_stime = (uint64_t)si->u.chld.stime;
	} else if (si->si_code > 0 && is_fault_signal(si->si_signo)) {
		out->ssi_addr = si->u.fault.addr;
		out->ssi_addr_lsb = (uint16_t)si->u.fault.addr_lsb;
	} else if (si->si_code == SI_TIMER) {
		out->ssi_tid = (uint32_t)si->u.timer.tid;
		out->ssi_overrun = (uint32_t)si->u.timer.overrun;
		out->ssi_int = si->u.timer.value.sival_int;
		out->ssi_ptr = si->u.timer.value.sival_ptr;
	} else {
		out->ssi_pid = (uint32_t)si->u.kill.pid;
		out->ssi_uid = si->u.kill.uid;
		out->ssi_int = si->u.kill.value.sival_int;
		out->ssi_ptr = si->u.kill.value.sival_ptr;
	}
}

static long signalfd_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct signalfd *s = f->priv;
	size_t room = u->resid / sizeof(struct linux_signalfd_siginfo);
	if (room == 0)
		return -EINVAL;
	bool nonblock = uio_nonblock(u, READ_ONCE(f->flags));
	long done = 0;
	for (size_t i = 0; i < room; i++) {
		k_siginfo_t info;
		/* Only the first waits: then whatever else is pending. */
		int sig = signal_dequeue_wait(READ_ONCE(s->mask), nonblock || i > 0, &info);
		if (sig < 0)
			return done ? done : sig;
		struct linux_signalfd_siginfo out;
		siginfo_to_signalfd(&info, &out);
		if (uio_copy_out(u, &out, sizeof(out)))
			return done ? done : -EFAULT; /* as Linux: the signal is gone */
		done += sizeof(out);
	}
	return done;
}

static uint32_t signalfd_poll(struct file *f, struct poll_table *pt)
{
	struct signalfd *s = f->priv;
	if (pt) {
		uint64_t fl = spin_lock_irqsave(&s->sh->lock);
		poll_wait_locked(pt, &s->sh->signalfd_wq, &s->sh->lock);
		spin_unlock_irqrestore(&s->sh->lock, fl);
	}
	return signal_pending_set() & READ_ONCE(s->mask) ? POLLIN | POLLRDNORM : 0;
}

static void signalfd_release(struct file *f)
{
	struct signalfd *s = f->priv;
	sighand_put(s->sh);
	kfree(s);
}

/* Take the reference on the handlers here, so that a file that never opened has none. */
static int signalfd_open(struct inode *inode, struct file *f)
{
	(void)inode;
	struct signalfd *s = f->priv;
	s->sh = signal_sighand_get();
	return s->sh ? 0 : -ENOMEM;
}

/* /proc/<pid>/fdinfo: the set read, as Linux shows it. */
static long signalfd_fdinfo(struct file *f, char *buf, size_t size)
{
	struct signalfd *s = f->priv;
	return ksnprintf(buf, size, "sigmask:\t%016lx\n", READ_ONCE(s->mask));
}

static const struct file_ops signalfd_ops = {
	.fdinfo = signalfd_fdinfo,
	.open = signalfd_open,
	.read = signalfd_read,
	.llseek = noop_llseek,
	.poll = signalfd_poll,
	.release = signalfd_release,
};

/* signalfd on an existing signalfd: its new set, and its pollers told. */
static long signalfd_update(int fd, uint64_t mask)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = -EINVAL;
	if (f->ops == &signalfd_ops) {
		struct signalfd *s = f->priv;
		WRITE_ONCE(s->mask, mask);
		uint64_t fl = spin_lock_irqsave(&s->sh->lock);
		wait_queue_wake_locked(&s->sh->signalfd_wq, 0);
		spin_unlock_irqrestore(&s->sh->lock, fl);
		r = fd;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE4(signalfd4, int, fd, const k_sigset_t __user *, umask, size_t, sizemask, int,
		flags)
{
	if (sizemask != sizeof(k_sigset_t))
		return -EINVAL;
	k_sigset_t mask;
	if (copy_from_user(&mask, umask, sizeof(mask)))
		return -EFAULT;
	if (flags & ~SFD_FLAGS)
		return -EINVAL;
	mask &= ~SIG_UNCATCHABLE;
	if (fd != -1)
		return signalfd_update(fd, mask);
	struct signalfd *s = kmalloc(sizeof(*s));
	if (!s)
		return -ENOMEM;
	*s = (struct signalfd){ .mask = mask, .sh = NULL }; /* signalfd_open takes sh */
	return anon_fd_create(&signalfd_ops, s, O_RDWR | ((uint32_t)flags & O_NONBLOCK),
			      flags & SFD_CLOEXEC);
}

SYSCALL_DEFINE3(signalfd, int, fd, const k_sigset_t __user *, umask, size_t, sizemask)
{
	return do_sys_signalfd4(fd, umask, sizemask, 0);
}
