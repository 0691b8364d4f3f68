/* posix_fadvise (fadvise64), readahead and sync_file_range: what a program tells the kernel
 * about a file's cached pages, and the write-back it asks for. Every file system Zero-OS has
 * keeps its data in memory with no device behind it, so, once the arguments are checked as
 * Linux checks them, there is nothing to read ahead, drop or write back: Linux answers the same
 * for tmpfs (its backing device is the no-op one). The page cache of the storage work will give
 * these calls something to do; they are the place to hook it. */
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fadvise.h>

#define SYNC_FILE_RANGE_VALID \
	(SYNC_FILE_RANGE_WAIT_BEFORE | SYNC_FILE_RANGE_WRITE | SYNC_FILE_RANGE_WAIT_AFTER)

SYSCALL_DEFINE4(fadvise64, int, fd, int64_t, offset, int64_t, len, int, advice)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (S_ISFIFO(f->inode->mode))
		r = -ESPIPE;
	else if (advice < POSIX_FADV_NORMAL || advice > POSIX_FADV_NOREUSE || len < 0)
		r = -EINVAL;
	(void)offset; /* any offset is fine: advice past the end is simply about no pages */
	file_put(f);
	return r;
}

SYSCALL_DEFINE3(readahead, int, fd, int64_t, offset, size_t, count)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if (!(f->mode & FMODE_READ))
		r = -EBADF;
	else if (!S_ISREG(f->inode->mode) || (int64_t)count < 0)
		r = -EINVAL;
	(void)offset; /* as fadvise: no page lies there, nothing to read */
	file_put(f);
	return r;
}

SYSCALL_DEFINE4(sync_file_range, int, fd, int64_t, offset, int64_t, nbytes, unsigned int, flags)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = 0;
	if ((flags & ~SYNC_FILE_RANGE_VALID) || offset < 0 || nbytes < 0 ||
	    (nbytes && offset > INT64_MAX - nbytes))
		r = -EINVAL;
	else if (!S_ISREG(f->inode->mode) && !S_ISDIR(f->inode->mode) && !S_ISLNK(f->inode->mode) &&
	    !S_ISBLK(f->inode->mode))
		r = -ESPIPE; /* Linux's answer for pipes, sockets and character devices */
	file_put(f);
	return r;
}
