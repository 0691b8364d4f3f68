/* getdents64: directory entries as struct linux_dirent64 records, built in a kernel buffer by
 * the file system's iterate operation and copied out at once. The file position is the file
 * system's cookie for "after the last entry returned". */
#include <fs/fsnotify.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/zero/cap.h>
#include <uapi/errno.h>

#define GETDENTS_BUF_MAX (64 * 1024) /* per call: larger user buffers are filled partly */

struct dirent_buf {
	struct dir_context ctx;
	char *buf;
	size_t size, used;
	bool too_small; /* the first entry did not fit */
};

static bool emit_dirent(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
			uint8_t dtype, int64_t next_pos)
{
	struct dirent_buf *b = (struct dirent_buf *)ctx;
	size_t reclen = (offsetof(struct linux_dirent64, d_name) + len + 1 + 7) & ~(size_t)7;
	if (b->used + reclen > b->size) {
		if (b->used == 0)
			b->too_small = true;
		return false;
	}
	struct linux_dirent64 *d = (struct linux_dirent64 *)(b->buf + b->used);
	d->d_ino = ino;
	d->d_off = next_pos;
	d->d_reclen = (uint16_t)reclen;
	d->d_type = dtype;
	memcpy(d->d_name, name, len);
	memset(d->d_name + len, 0, reclen - offsetof(struct linux_dirent64, d_name) - len);
	b->used += reclen;
	return true;
}

SYSCALL_DEFINE3(getdents64, int, fd, void __user *, dirp, unsigned int, count)
{
	struct file *f;
	long r = fd_get_rights(fd, ZERO_CAP_READ, &f, NULL);
	if (r)
		return r;
	if (!S_ISDIR(f->inode->mode) || !f->ops || !f->ops->iterate)
		r = -ENOTDIR;
	else if (!(f->mode & FMODE_READ))
		r = -EBADF;
	else if (f->inode->nlink == 0)
		r = -ENOENT; /* a removed directory lists nothing, not even "." */
	struct dirent_buf b = { .ctx.emit = emit_dirent,
				.size = count < GETDENTS_BUF_MAX ? count : GETDENTS_BUF_MAX };
	if (!r && !(b.buf = kmalloc(b.size ? b.size : 1)))
		r = -ENOMEM;
	if (r) {
		file_put(f);
		return r;
	}
	mutex_lock(&f->pos_lock);
	b.ctx.pos = f->pos;
	r = f->ops->iterate(f, &b.ctx);
	if (!r && b.too_small)
		r = -EINVAL;
	if (!r && b.used && copy_to_user(dirp, b.buf, b.used))
		r = -EFAULT;
	if (!r) {
		f->pos = b.ctx.pos;
		r = (long)b.used;
	}
	mutex_unlock(&f->pos_lock);
	if (r >= 0)
		fsnotify_file(f, IN_ACCESS);
	kfree(b.buf);
	file_put(f);
	return r;
}
