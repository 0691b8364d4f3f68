/* Descriptor system calls: dup, dup2, dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC, F_GETFD, F_SETFD,
 * F_GETFL, F_SETFL; the lock and lease commands go to fs/locks.c and fs/leases.c, the owner
 * and signal ones to fs/fown.c), flock, and ioctl's dispatch to the file's driver (with
 * FIOCLEX, FIONCLEX, FIONBIO and FIOASYNC handled here, as Linux does for every file). */
#include <fs/memfd.h>
#include <uapi/memfd.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <fs/locks.h>
#include <fs/fown.h>
#include <ipc/pipe.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/zero/cap.h>

#define FIONBIO 0x5421
#define FIONCLEX 0x5450
#define FIOCLEX 0x5451
#define FIOASYNC 0x5452
#define SETFL_MASK (O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME)

/* A copy of a descriptor keeps its rights and needs ZERO_CAP_DUPLICATE. */
static long dup_from(int oldfd, int min_fd, bool cloexec)
{
	struct file *f;
	uint64_t rights;
	int r = fd_get_rights(oldfd, ZERO_CAP_DUPLICATE, &f, &rights);
	if (r)
		return r;
	int fd = fd_install_rights(f, cloexec, min_fd, rights);
	if (fd < 0)
		file_put(f);
	return fd;
}

SYSCALL_DEFINE1(dup, int, oldfd)
{
	return dup_from(oldfd, 0, false);
}

static long do_dup3(int oldfd, int newfd, int flags)
{
	if (flags & ~O_CLOEXEC)
		return -EINVAL;
	struct file *f;
	uint64_t rights;
	int r = fd_get_rights(oldfd, ZERO_CAP_DUPLICATE, &f, &rights);
	if (r)
		return r;
	r = fd_install_at_rights(newfd, f, flags & O_CLOEXEC, rights);
	if (r < 0)
		file_put(f);
	return r;
}

SYSCALL_DEFINE2(dup2, int, oldfd, int, newfd)
{
	if (oldfd == newfd) { /* valid fd: returned unchanged */
		struct file *f = fd_get(oldfd);
		if (!f)
			return -EBADF;
		file_put(f);
		return newfd;
	}
	return do_dup3(oldfd, newfd, 0);
}

SYSCALL_DEFINE3(dup3, int, oldfd, int, newfd, int, flags)
{
	if (oldfd == newfd)
		return -EINVAL;
	return do_dup3(oldfd, newfd, flags);
}

/* F_SETFL: a change of O_ASYNC first tells the file (its fasync list), as Linux. The
 * compare-and-swap keeps a concurrent change of another flag. */
static long setfl(struct file *f, int fd, uint64_t arg)
{
	uint32_t want = (uint32_t)arg & SETFL_MASK;
	/* O_APPEND cannot be cleared on an append-only file; we have none. O_NOATIME is for the
	 * owner (or root) only, as at open. */
	if ((want & O_NOATIME) && !(f->flags & O_NOATIME) && f->inode &&
	    !inode_owner_or_root(f->inode))
		return -EPERM;
	uint32_t old = __atomic_load_n(&f->flags, __ATOMIC_RELAXED), upd;
	if (((old ^ want) & O_ASYNC) && f->ops && f->ops->fasync) {
		int r = f->ops->fasync(f, fd, want & O_ASYNC);
		if (r)
			return r;
	}
	do
		upd = (old & ~(uint32_t)SETFL_MASK) | want;
	while (!__atomic_compare_exchange_n(&f->flags, &old, upd, false, __ATOMIC_RELAXED,
					    __ATOMIC_RELAXED));
	return 0;
}

/* FIONBIO, FIOASYNC: one status flag on or off. */
static long setfl_bit(struct file *f, int fd, uint32_t bit, bool on)
{
	uint32_t flags = __atomic_load_n(&f->flags, __ATOMIC_RELAXED);
	return setfl(f, fd, on ? (flags | bit) : (flags & ~bit));
}

SYSCALL_DEFINE3(fcntl, int, fd, unsigned int, cmd, uint64_t, arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	bool cloexec;
	switch (cmd) {
	case F_DUPFD:
	case F_DUPFD_CLOEXEC:
		/* An argument at or past the limit is EINVAL; a full table below it EMFILE. */
		r = arg >= (uint64_t)fd_limit() ? -EINVAL
						  : dup_from(fd, (int)arg, cmd == F_DUPFD_CLOEXEC);
		break;
	case F_GETFD:
		r = fd_get_cloexec(fd, &cloexec) ? (cloexec ? FD_CLOEXEC : 0) : -EBADF;
		break;
	case F_SETFD:
		r = fd_set_cloexec(fd, arg & FD_CLOEXEC) ? 0 : -EBADF;
		break;
	case F_GETFL:
		r = f->flags | (f->path.dentry ? O_LARGEFILE : 0);
		break;
	case F_SETFL:
		r = setfl(f, fd, arg);
		break;
	case F_GETLK:
	case F_SETLK:
	case F_SETLKW:
	case F_OFD_GETLK:
	case F_OFD_SETLK:
	case F_OFD_SETLKW:
		r = fcntl_lock(fd, f, cmd, (struct linux_flock __user *)arg);
		break;
	case F_SETLEASE:
	case F_GETLEASE:
		r = fcntl_lease(f, fd, cmd, arg);
		break;
	case F_SETOWN:
	case F_GETOWN:
	case F_SETOWN_EX:
	case F_GETOWN_EX:
	case F_SETSIG:
	case F_GETSIG:
		r = fcntl_owner(f, cmd, arg);
		break;
	case F_SETPIPE_SZ:
	case F_GETPIPE_SZ:
		r = pipe_fcntl(f, cmd, arg);
		break;
	case F_ADD_SEALS:
	case F_GET_SEALS:
		r = memfd_fcntl(f, cmd, arg);
		break;
	default:
		r = -EINVAL; /* notifications (F_NOTIFY): not implemented */
		break;
	}
	file_put(f);
	return r;
}

SYSCALL_DEFINE2(flock, int, fd, unsigned int, operation)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	/* As Linux: an O_PATH descriptor cannot be locked. */
	long r = (f->flags & O_PATH) ? -EBADF : flock_file(f, operation);
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(ioctl, int, fd, unsigned int, cmd, uint64_t, arg)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r;
	int on;
	switch (cmd) {
	case FIOCLEX:
	case FIONCLEX:
		r = fd_set_cloexec(fd, cmd == FIOCLEX) ? 0 : -EBADF;
		break;
	case FIONBIO:
	case FIOASYNC:
		r = get_user(&on, (const int __user *)arg);
		if (!r)
			r = setfl_bit(f, fd, cmd == FIONBIO ? O_NONBLOCK : O_ASYNC, on);
		break;
	default:
		r = f->ops && f->ops->ioctl ? f->ops->ioctl(f, cmd, arg) : -ENOTTY;
		break;
	}
	file_put(f);
	return r;
}
