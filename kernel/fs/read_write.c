/* The data system calls: read, write, readv, writev, pread64, pwrite64, preadv, pwritev,
 * preadv2, pwritev2, lseek and sendfile.
 * The shared offset of an open file description moves under its pos_lock (regular files and
 * directories), so that threads and processes sharing it never read the same bytes twice;
 * streams (pipes, terminals) have no offset. */
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/uio.h>
#include <uapi/zero/cap.h>
#include <proc/signal.h>

#define MAX_RW_COUNT 0x7ffff000UL /* Linux's cap on one transfer (INT_MAX, page aligned) */

/* The descriptor right a transfer needs (plus ZERO_CAP_SEEK at an explicit offset). */
static uint64_t rw_right(bool write, bool at)
{
	return (write ? ZERO_CAP_WRITE : ZERO_CAP_READ) | (at ? ZERO_CAP_SEEK : 0);
}

static bool is_stream(const struct inode *inode)
{
	return S_ISFIFO(inode->mode) || S_ISSOCK(inode->mode);
}

/* Anonymous objects (eventfd, epoll...: no file type bits) have no positions to read at. */
static bool no_pread(const struct inode *inode)
{
	return is_stream(inode) || (inode->mode & S_IFMT) == 0;
}

int noop_fsync(struct file *f)
{
	(void)f;
	return 0;
}

int64_t noop_llseek(struct file *f, int64_t off, int whence)
{
	(void)off, (void)whence;
	return f->pos;
}

static bool pos_is_shared(const struct inode *inode)
{
	return S_ISREG(inode->mode) || S_ISDIR(inode->mode);
}

static long rw_at(struct file *f, struct uio *u, bool write, int64_t *pos)
{
	return write ? vfs_write(f, u, pos) : vfs_read(f, u, pos);
}

/* A transfer at the file's own offset. */
static long rw_file(struct file *f, struct uio *u, bool write)
{
	if (!pos_is_shared(f->inode))
		return rw_at(f, u, write, &f->pos);
	mutex_lock(&f->pos_lock);
	int64_t pos = f->pos;
	long r = rw_at(f, u, write, &pos);
	f->pos = pos;
	mutex_unlock(&f->pos_lock);
	return r;
}

static long rw_fd(int fd, void __user *buf, size_t count, bool write, const int64_t *at)
{
	struct fd_light fl;
	int err = fd_get_light(fd, rw_right(write, at), &fl);
	if (err)
		return err;
	struct file *f = fl.file;
	struct uio u = uio_user(buf, count > MAX_RW_COUNT ? MAX_RW_COUNT : count);
	long r;
	if (!at) {
		r = rw_file(f, &u, write);
	} else if (no_pread(f->inode)) {
		r = -ESPIPE;
	} else if (*at < 0) {
		r = -EINVAL;
	} else {
		int64_t pos = *at;
		r = rw_at(f, &u, write, &pos);
	}
	fd_put_light(&fl);
	return r;
}

SYSCALL_DEFINE3(read, int, fd, char __user *, buf, size_t, count)
{
	return rw_fd(fd, buf, count, false, NULL);
}

SYSCALL_DEFINE3(write, int, fd, const char __user *, buf, size_t, count)
{
	return rw_fd(fd, (void __user *)buf, count, true, NULL);
}

SYSCALL_DEFINE4(pread64, int, fd, char __user *, buf, size_t, count, int64_t, pos)
{
	return rw_fd(fd, buf, count, false, &pos);
}

SYSCALL_DEFINE4(pwrite64, int, fd, const char __user *, buf, size_t, count, int64_t, pos)
{
	return rw_fd(fd, (void __user *)buf, count, true, &pos);
}

/* Copy in and check an iovec array: -EINVAL for a count or a length Linux refuses, lengths
 * trimmed so that the total stays within MAX_RW_COUNT. */
static int iovec_import(const struct linux_iovec __user *uiov, int n, struct linux_iovec **out)
{
	if (n < 0 || n > UIO_MAXIOV)
		return -EINVAL;
	struct linux_iovec *v = kmalloc((size_t)(n ? n : 1) * sizeof(*v));
	if (!v)
		return -ENOMEM;
	if (copy_from_user(v, uiov, (size_t)n * sizeof(*v))) {
		kfree(v);
		return -EFAULT;
	}
	uint64_t total = 0;
	for (int i = 0; i < n; i++) {
		if ((int64_t)v[i].iov_len < 0) {
			kfree(v);
			return -EINVAL;
		}
		if (v[i].iov_len > MAX_RW_COUNT - total)
			v[i].iov_len = MAX_RW_COUNT - total;
		total += v[i].iov_len;
	}
	*out = v;
	return 0;
}

/* How much a vectored write may write (RLIMIT_FSIZE, asked once for the total; -EFBIG with
 * SIGXFSZ when nothing): INT64_MAX for reads, empty writes and descriptions vfs_write refuses
 * anyway. */
static int64_t write_budget(struct file *f, bool write, int rwf, int64_t pos,
			    const struct linux_iovec *v, int n)
{
	size_t total = 0;
	for (int i = 0; i < n; i++)
		total += v[i].iov_len; /* at most MAX_RW_COUNT (iovec_import) */
	if (!write || !total || !(f->mode & FMODE_WRITE) || !f->ops || !f->ops->write)
		return INT64_MAX;
	return vfs_write_allowance(f, pos, total, (uint8_t)rwf);
}

/* The vectors in order through f at *pos, stopping at the first short transfer. */
static long rw_iovecs(struct file *f, const struct linux_iovec *v, int n, bool write, int rwf,
		      int64_t *pos)
{
	long done = 0, r = 0;
	int64_t budget = write_budget(f, write, rwf, *pos, v, n);
	if (budget < 0)
		r = budget; /* at or past RLIMIT_FSIZE: nothing written */
	for (int i = 0; i < n && budget > 0; i++) {
		size_t len = MIN(v[i].iov_len, (uint64_t)budget);
		if (!len)
			continue;
		struct uio u = uio_user((void __user *)v[i].iov_base, len);
		u.rwf = (uint8_t)rwf;
		r = rw_at(f, &u, write, pos);
		if (r <= 0)
			break;
		done += r;
		budget -= r;
		if ((uint64_t)r < v[i].iov_len)
			break;
	}
	if (done && write && (rwf & (RWF_DSYNC | RWF_SYNC)) && f->ops && f->ops->fsync) {
		r = f->ops->fsync(f); /* the write is done only once it is durable */
		if (r < 0)
			return r;
	}
	return done ? done : r;
}

/* The file's offset (held for the whole call) for readv/writev and preadv2/pwritev2 at -1. */
static long rw_iovecs_at_file_pos(struct file *f, const struct linux_iovec *v, int n,
				  bool write, int rwf)
{
	bool shared = pos_is_shared(f->inode);
	if (shared)
		mutex_lock(&f->pos_lock);
	int64_t pos = f->pos;
	long r = rw_iovecs(f, v, n, write, rwf, &pos);
	f->pos = pos;
	if (shared)
		mutex_unlock(&f->pos_lock);
	return r;
}

#define RWF_SUPPORTED (RWF_HIPRI | RWF_DSYNC | RWF_SYNC | RWF_NOWAIT | RWF_APPEND | RWF_NOAPPEND)

/* readv/writev (at NULL), preadv/pwritev and preadv2/pwritev2 (*at, where -1 means the file's
 * offset for the *v2 calls only): the checks in Linux's order (offset, descriptor, seekable,
 * flags, vectors), then the transfer. */
static long rw_vector(int fd, const struct linux_iovec __user *uiov, int n, bool write,
		      const int64_t *at, int rwf)
{
	if (at && *at < 0)
		return -EINVAL;
	struct fd_light fl;
	long r = fd_get_light(fd, rw_right(write, at != NULL), &fl);
	if (r)
		return r;
	struct file *f = fl.file;
	struct linux_iovec *v = NULL;
	if (at && is_stream(f->inode))
		r = -ESPIPE;
	else if (rwf & ~RWF_SUPPORTED)
		r = -EOPNOTSUPP; /* RWF_ATOMIC, RWF_DONTCACHE and unknown bits */
	else
		r = iovec_import(uiov, n, &v);
	if (!r && at) {
		int64_t pos = *at;
		r = rw_iovecs(f, v, n, write, rwf, &pos);
	} else if (!r) {
		r = rw_iovecs_at_file_pos(f, v, n, write, rwf);
	}
	kfree(v);
	fd_put_light(&fl);
	return r;
}

SYSCALL_DEFINE3(readv, int, fd, const struct linux_iovec __user *, iov, int, iovcnt)
{
	return rw_vector(fd, iov, iovcnt, false, NULL, 0);
}

SYSCALL_DEFINE3(writev, int, fd, const struct linux_iovec __user *, iov, int, iovcnt)
{
	return rw_vector(fd, iov, iovcnt, true, NULL, 0);
}

/* The offset of preadv/pwritev(2) comes in two registers for 32-bit callers; on x86_64 the low
 * one holds all of it (Linux ignores the high one). */
SYSCALL_DEFINE5(preadv, int, fd, const struct linux_iovec __user *, iov, int, iovcnt,
		uint64_t, pos_l, uint64_t, pos_h)
{
	(void)pos_h;
	int64_t pos = (int64_t)pos_l;
	return rw_vector(fd, iov, iovcnt, false, &pos, 0);
}

SYSCALL_DEFINE5(pwritev, int, fd, const struct linux_iovec __user *, iov, int, iovcnt,
		uint64_t, pos_l, uint64_t, pos_h)
{
	(void)pos_h;
	int64_t pos = (int64_t)pos_l;
	return rw_vector(fd, iov, iovcnt, true, &pos, 0);
}

SYSCALL_DEFINE6(preadv2, int, fd, const struct linux_iovec __user *, iov, int, iovcnt,
		uint64_t, pos_l, uint64_t, pos_h, int, flags)
{
	(void)pos_h;
	int64_t pos = (int64_t)pos_l;
	return rw_vector(fd, iov, iovcnt, false, pos == -1 ? NULL : &pos, flags);
}

SYSCALL_DEFINE6(pwritev2, int, fd, const struct linux_iovec __user *, iov, int, iovcnt,
		uint64_t, pos_l, uint64_t, pos_h, int, flags)
{
	(void)pos_h;
	int64_t pos = (int64_t)pos_l;
	return rw_vector(fd, iov, iovcnt, true, pos == -1 ? NULL : &pos, flags);
}

SYSCALL_DEFINE3(lseek, int, fd, int64_t, offset, unsigned int, whence)
{
	struct fd_light fl;
	int64_t r = fd_get_light(fd, ZERO_CAP_SEEK, &fl);
	if (r)
		return r;
	struct file *f = fl.file;
	if (is_stream(f->inode)) {
		r = -ESPIPE;
	} else {
		mutex_lock(&f->pos_lock);
		r = f->ops && f->ops->llseek ? f->ops->llseek(f, offset, (int)whence)
					     : generic_llseek(f, offset, (int)whence);
		mutex_unlock(&f->pos_lock);
	}
	fd_put_light(&fl);
	return r;
}

/* sendfile: copy through a kernel page from in (at *offset, or its own offset) to out. */
static long do_sendfile(struct file *out, struct file *in, int64_t *offset, size_t count)
{
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		return -EBADF;
	/* As Linux: the input must be a file with contents to map, not a stream. */
	if ((out->flags & O_APPEND) || (offset && *offset < 0) || is_stream(in->inode))
		return -EINVAL;
	char *buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	long done = 0, r = 0;
	/* A signal ends a long copy between chunks with what is done (a fatal one ends the
	 * process on the way out: bug long_copy_ignores_sigkill). Chunks from a pipe may be
	 * short, so every chunk checks, not only page boundaries. */
	while ((size_t)done < count && !(done && signal_pending())) {
		size_t n = count - (size_t)done < PAGE_SIZE ? count - (size_t)done : PAGE_SIZE;
		struct uio u = uio_kernel(buf, n);
		r = offset ? vfs_read(in, &u, offset) : rw_file(in, &u, false);
		if (r <= 0)
			break;
		struct uio w = uio_kernel(buf, (size_t)r);
		long wr = rw_file(out, &w, true);
		if (wr > 0)
			done += wr;
		if (wr < r) { /* the reader moved past bytes nobody took: give them back */
			int64_t back = r - (wr > 0 ? wr : 0);
			if (offset)
				*offset -= back;
			else if (pos_is_shared(in->inode))
				in->pos -= back;
			r = wr;
			break;
		}
	}
	kfree(buf);
	return done ? done : r;
}

SYSCALL_DEFINE4(sendfile, int, out_fd, int, in_fd, int64_t __user *, offset, size_t, count)
{
	int64_t off = 0;
	if (offset && get_user(&off, offset))
		return -EFAULT;
	struct file *in = NULL, *out = NULL;
	long r = fd_get_rights(in_fd, rw_right(false, offset), &in, NULL);
	if (!r)
		r = fd_get_rights(out_fd, ZERO_CAP_WRITE, &out, NULL);
	if (!r)
		r = do_sendfile(out, in, offset ? &off : NULL,
				count > MAX_RW_COUNT ? MAX_RW_COUNT : count);
	if (in)
		file_put(in);
	if (out)
		file_put(out);
	if (r >= 0 && offset && put_user(off, offset))
		return -EFAULT;
	return r;
}
