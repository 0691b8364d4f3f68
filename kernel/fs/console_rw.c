/* read, write and writev on file descriptors 0, 1 and 2, all of which are the console until the
 * VFS brings real file descriptors; any other fd is -EBADF. User data passes through a small
 * bounce buffer on the kernel stack. A fault after some bytes were transferred returns the
 * count so far, as Linux does; a fault before any is -EFAULT. */
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <drivers/console_io.h>
#include <uapi/errno.h>
#include <uapi/uio.h>

#define CONSOLE_FDS 3 /* stdin, stdout, stderr */
#define BOUNCE_SIZE 256
#define MAX_RW_COUNT 0x7ffff000UL /* Linux's cap on one transfer (INT_MAX, page aligned) */

static bool is_console_fd(int fd)
{
	return fd >= 0 && fd < CONSOLE_FDS;
}

/* Returns bytes written, or -EFAULT when the first chunk could not be read. */
static long write_user(const char __user *buf, size_t count)
{
	char bounce[BOUNCE_SIZE];
	size_t done = 0;
	while (done < count) {
		size_t n = count - done < BOUNCE_SIZE ? count - done : BOUNCE_SIZE;
		if (copy_from_user(bounce, buf + done, n))
			return done ? (long)done : -EFAULT;
		console_io_write(bounce, n);
		done += n;
	}
	return (long)done;
}

SYSCALL_DEFINE3(write, int, fd, const char __user *, buf, size_t, count)
{
	if (!is_console_fd(fd))
		return -EBADF;
	return write_user(buf, count > MAX_RW_COUNT ? MAX_RW_COUNT : count);
}

SYSCALL_DEFINE3(read, int, fd, char __user *, buf, size_t, count)
{
	char bounce[BOUNCE_SIZE];
	if (!is_console_fd(fd))
		return -EBADF;
	if (count == 0)
		return 0;
	/* Checked before blocking, so a bad buffer does not consume input. */
	if (!user_range_ok((uint64_t)buf, count))
		return -EFAULT;
	long n = console_io_read(bounce, count < BOUNCE_SIZE ? count : BOUNCE_SIZE);
	if (n <= 0)
		return n;
	return copy_to_user(buf, bounce, (size_t)n) ? -EFAULT : n;
}

/* Every iovec is read and checked before anything is written (-EINVAL for a count or a length
 * Linux refuses); then they are written in order, stopping at the first short one, the total
 * truncated to MAX_RW_COUNT. */
SYSCALL_DEFINE3(writev, int, fd, const struct linux_iovec __user *, iov, int, iovcnt)
{
	struct linux_iovec v;
	if (!is_console_fd(fd))
		return -EBADF;
	if (iovcnt < 0 || iovcnt > UIO_MAXIOV)
		return -EINVAL;
	for (int i = 0; i < iovcnt; i++) {
		if (copy_from_user(&v, &iov[i], sizeof(v)))
			return -EFAULT;
		if ((int64_t)v.iov_len < 0) /* a negative ssize_t */
			return -EINVAL;
	}
	long done = 0;
	for (int i = 0; i < iovcnt && (uint64_t)done < MAX_RW_COUNT; i++) {
		if (copy_from_user(&v, &iov[i], sizeof(v)))
			return done ? done : -EFAULT;
		uint64_t len = v.iov_len;
		if (len > MAX_RW_COUNT - (uint64_t)done) /* Linux truncates the total */
			len = MAX_RW_COUNT - (uint64_t)done;
		long n = write_user((const char __user *)v.iov_base, len);
		if (n < 0)
			return done ? done : n;
		done += n;
		if ((uint64_t)n < len)
			break;
	}
	return done;
}
