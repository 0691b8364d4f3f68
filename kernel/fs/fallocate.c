/* fallocate(2): the VFS's checks of mode, range and file in Linux's order (vfs_fallocate), then
 * the file system's fallocate operation (tmpfs: allocating and punching holes, as Linux's
 * shmem). A file system without one says EOPNOTSUPP. */
#include <fs/fdtable.h>
#include <fs/fsnotify.h>
#include <fs/vfs.h>
#include <proc/process.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/zero/cap.h>

/* The mode on its own: 0, -EOPNOTSUPP or -EINVAL (Linux's combinations). */
static int mode_ok(int mode)
{
	if (mode & ~FALLOC_FL_ALL)
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && (mode & FALLOC_FL_ZERO_RANGE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_PUNCH_HOLE) && !(mode & FALLOC_FL_KEEP_SIZE))
		return -EOPNOTSUPP;
	if ((mode & FALLOC_FL_COLLAPSE_RANGE) && mode != FALLOC_FL_COLLAPSE_RANGE)
		return -EINVAL;
	if ((mode & FALLOC_FL_INSERT_RANGE) && mode != FALLOC_FL_INSERT_RANGE)
		return -EINVAL;
	if ((mode & FALLOC_FL_UNSHARE_RANGE) &&
	    (mode & ~(FALLOC_FL_UNSHARE_RANGE | FALLOC_FL_KEEP_SIZE)))
		return -EINVAL;
	return 0;
}

static int vfs_fallocate(struct file *f, int mode, int64_t off, int64_t len)
{
	if (off < 0 || len <= 0)
		return -EINVAL;
	int r = mode_ok(mode);
	if (r)
		return r;
	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	uint32_t type = f->inode->mode & S_IFMT;
	if (type == S_IFIFO)
		return -ESPIPE;
	if (type == S_IFDIR)
		return -EISDIR;
	if (type != S_IFREG)
		return -ENODEV;
	if ((uint64_t)off + (uint64_t)len > (uint64_t)INT64_MAX)
		return -EFBIG; /* past the largest file offset */
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > f->inode->size &&
	    rlimit_fsize_allow(off + len, off + len) < 0)
		return -EFBIG; /* past RLIMIT_FSIZE: SIGXFSZ sent */
	if (!f->ops || !f->ops->fallocate)
		return -EOPNOTSUPP;
	r = f->ops->fallocate(f, mode, off, len);
	if (!r)
		fsnotify_file(f, IN_MODIFY);
	return r;
}

SYSCALL_DEFINE4(fallocate, int, fd, int, mode, int64_t, offset, int64_t, len)
{
	struct file *f;
	int r = fd_get_rights(fd, ZERO_CAP_WRITE, &f, NULL);
	if (r)
		return r;
	r = vfs_fallocate(f, mode, offset, len);
	file_put(f);
	return r;
}
