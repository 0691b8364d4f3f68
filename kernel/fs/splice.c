/* splice(2), tee(2) and vmsplice(2) by copying (no page is moved or stolen; SPLICE_F_MOVE and
 * SPLICE_F_GIFT are hints Linux may ignore too). A pipe is on at least one side. From a pipe,
 * the bytes are handed to the other side as they lie in the ring and only those taken are
 * consumed (ipc/pipe.c's pipe_splice_out), so nothing is lost when the other side takes fewer;
 * into a pipe from a file, the file is read at an explicit position that advances only by what
 * the pipe took. The waits are the pipes' own (interruptible, restarted under SA_RESTART). */
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <ipc/pipe.h>
#include <arch/x86_64/usercopy.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <proc/signal.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/uio.h>
#include <uapi/zero/cap.h>

#define SPLICE_F_MOVE 0x01u
#define SPLICE_F_NONBLOCK 0x02u
#define SPLICE_F_MORE 0x04u
#define SPLICE_F_GIFT 0x08u
#define SPLICE_F_ALL (SPLICE_F_MOVE | SPLICE_F_NONBLOCK | SPLICE_F_MORE | SPLICE_F_GIFT)
#define SPLICE_MAX_LEN 0x7ffff000 /* MAX_RW_COUNT: one call moves at most this */

/* Where bytes handed out of a pipe go: a file at *pos (NULL: its own offset). */
struct splice_sink {
	struct file *out;
	int64_t *pos;
	bool nonblock;
	long done; /* bytes taken so far */
};

/* A write into a pipe waits for room only before anything moved (SPLICE_F_NONBLOCK: never),
 * then takes what fits: 0 with *u ready, or -ERESTARTSYS. */
static int pipe_write_mode(struct file *out, struct uio *u, bool nonblock, long done)
{
	if (!nonblock && !done) {
		int r = pipe_wait_room(out, u->resid);
		if (r)
			return r;
	}
	u->rwf |= RWF_NOWAIT;
	return 0;
}

static long write_sink(void *ctx, const void *buf, size_t n)
{
	struct splice_sink *s = ctx;
	struct uio u = uio_kernel((void *)buf, n);
	long r;
	if (file_is_pipe(s->out)) {
		do {
			r = pipe_write_mode(s->out, &u, s->nonblock, s->done);
			if (!r)
				r = vfs_write(s->out, &u, &(int64_t){ 0 });
		} while (r == -EAGAIN && !s->nonblock && !s->done); /* room taken meanwhile */
	} else if (s->pos) {
		r = vfs_write(s->out, &u, s->pos);
	} else {
		mutex_lock(&s->out->pos_lock);
		r = vfs_write(s->out, &u, &s->out->pos);
		mutex_unlock(&s->out->pos_lock);
	}
	if (r > 0)
		s->done += r;
	return r;
}

/* From a file (at *pos, or its offset) into a pipe, a page at a time: the bytes the pipe took. */
static long file_to_pipe(struct file *in, int64_t *pos, struct file *out, size_t len,
			 bool nonblock)
{
	char *buf = kmalloc(PAGE_SIZE);
	if (!buf)
		return -ENOMEM;
	bool own = !pos;
	if (own) {
		mutex_lock(&in->pos_lock);
		pos = &in->pos;
	}
	long done = 0, r = 0;
	struct splice_sink s = { .out = out, .pos = NULL, .nonblock = nonblock };
	while ((size_t)done < len && !(done && signal_pending())) {
		int64_t at = *pos;
		struct uio u = uio_kernel(buf, MIN(len - (size_t)done, PAGE_SIZE));
		r = vfs_read(in, &u, &at);
		if (r <= 0)
			break;
		long w = write_sink(&s, buf, (size_t)r);
		if (w > 0) {
			*pos += w;
			done += w;
		}
		if (w < r) {
			r = w;
			break;
		}
	}
	if (own)
		mutex_unlock(&in->pos_lock);
	kfree(buf);
	return done ? done : r;
}

/* An offset argument: 0 with *pos set (or pos NULL for none), -EFAULT, -EINVAL, -ESPIPE. */
static int splice_offset(const int64_t __user *uoff, struct file *f, int64_t *pos)
{
	if (!uoff)
		return 0;
	if (file_is_pipe(f))
		return -ESPIPE;
	if (copy_from_user(pos, uoff, sizeof(*pos)))
		return -EFAULT;
	return *pos < 0 ? -EINVAL : 0;
}

static long do_splice(struct file *in, const int64_t __user *uoff_in, struct file *out,
		      int64_t __user *uoff_out, size_t len, unsigned flags)
{
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		return -EBADF;
	bool pin = file_is_pipe(in), pout = file_is_pipe(out);
	if (!pin && !pout)
		return -EINVAL;
	if (pin && pout && pipe_same(in, out))
		return -EINVAL;
	int64_t off_in = 0, off_out = 0;
	int r = splice_offset(uoff_in, in, &off_in);
	if (!r)
		r = splice_offset(uoff_out, out, &off_out);
	if (r)
		return r;
	if (!pout && (out->flags & O_APPEND))
		return -EINVAL;
	bool nonblock = flags & SPLICE_F_NONBLOCK;
	long n;
	if (pin) {
		struct splice_sink s = { .out = out, .pos = uoff_out ? &off_out : NULL,
					 .nonblock = nonblock };
		n = pipe_splice_out(in, len, nonblock, false, write_sink, &s);
	} else {
		n = file_to_pipe(in, uoff_in ? &off_in : NULL, out, len, nonblock);
	}
	if (n > 0 && uoff_in && put_user(off_in, (int64_t __user *)uoff_in))
		return -EFAULT;
	if (n > 0 && uoff_out && put_user(off_out, uoff_out))
		return -EFAULT;
	return n;
}

/* The two files of a two-descriptor call, referenced: 0 or -EBADF. */
static int two_files(int fd_in, int fd_out, struct file **in, struct file **out)
{
	int r = fd_get_rights(fd_in, ZERO_CAP_READ, in, NULL);
	if (r)
		return r;
	r = fd_get_rights(fd_out, ZERO_CAP_WRITE, out, NULL);
	if (r)
		file_put(*in);
	return r;
}

SYSCALL_DEFINE6(splice, int, fd_in, int64_t __user *, uoff_in, int, fd_out,
		int64_t __user *, uoff_out, size_t, len, unsigned, flags)
{
	if (!len)
		return 0;
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	struct file *in, *out;
	long r = two_files(fd_in, fd_out, &in, &out);
	if (r)
		return r;
	r = do_splice(in, uoff_in, out, uoff_out, MIN(len, (size_t)SPLICE_MAX_LEN), flags);
	file_put(in);
	file_put(out);
	return r;
}

SYSCALL_DEFINE4(tee, int, fd_in, int, fd_out, size_t, len, unsigned, flags)
{
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (!len)
		return 0;
	struct file *in, *out;
	long r = two_files(fd_in, fd_out, &in, &out);
	if (r)
		return r;
	if (!(in->mode & FMODE_READ) || !(out->mode & FMODE_WRITE))
		r = -EBADF;
	else if (!file_is_pipe(in) || !file_is_pipe(out) || pipe_same(in, out))
		r = -EINVAL;
	else {
		bool nonblock = flags & SPLICE_F_NONBLOCK;
		struct splice_sink s = { .out = out, .nonblock = nonblock };
		r = pipe_splice_out(in, MIN(len, (size_t)SPLICE_MAX_LEN), nonblock, true, write_sink,
				    &s);
	}
	file_put(in);
	file_put(out);
	return r;
}

/* vmsplice: user memory into a pipe's write end, or (Linux's vmsplice_to_user) out of its read
 * end, one segment after the other as writev/readv would. */
static long vmsplice_segments(struct file *f, const struct linux_iovec *v, unsigned long n,
			      bool write, bool nonblock)
{
	long done = 0, r = 0;
	for (unsigned long i = 0; i < n; i++) {
		if (v[i].iov_len > (uint64_t)INT64_MAX)
			return done ? done : -EINVAL;
		if (!v[i].iov_len)
			continue;
		struct uio u = uio_user((void __user *)v[i].iov_base,
					MIN(v[i].iov_len, (size_t)SPLICE_MAX_LEN - (size_t)done));
		int64_t pos = 0;
		if (!write) {
			if (nonblock)
				u.rwf |= RWF_NOWAIT;
			r = vfs_read(f, &u, &pos);
		} else {
			do {
				r = pipe_write_mode(f, &u, nonblock, done);
				if (!r)
					r = vfs_write(f, &u, &pos);
			} while (r == -EAGAIN && !nonblock && !done);
		}
		if (r <= 0)
			break;
		done += r;
		if ((size_t)r < v[i].iov_len || done >= SPLICE_MAX_LEN)
			break;
	}
	return done ? done : r;
}

SYSCALL_DEFINE4(vmsplice, int, fd, const struct linux_iovec __user *, uiov,
		unsigned long, nr_segs, unsigned, flags)
{
	if (flags & ~SPLICE_F_ALL)
		return -EINVAL;
	if (nr_segs > UIO_MAXIOV)
		return -EINVAL;
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	struct linux_iovec *v = NULL;
	bool write = f->mode & FMODE_WRITE;
	if (!file_is_pipe(f) || !(f->mode & (FMODE_READ | FMODE_WRITE)))
		r = -EBADF;
	else if (nr_segs && !(v = kmalloc(nr_segs * sizeof(*v))))
		r = -ENOMEM;
	else if (nr_segs && copy_from_user(v, uiov, nr_segs * sizeof(*v)))
		r = -EFAULT;
	if (!r && nr_segs)
		r = vmsplice_segments(f, v, nr_segs, write, flags & SPLICE_F_NONBLOCK);
	kfree(v);
	file_put(f);
	return r;
}
