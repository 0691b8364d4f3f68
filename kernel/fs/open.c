/* open(2) and friends: resolving or creating the file, the access checks, choosing the file's
 * operations (a device's from the chrdev table, a FIFO's from the pipe code), O_TRUNC, and
 * installing the descriptor; close and close_range. */
#include <fs/fsnotify.h>
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <fs/locks.h>
#include <fs/fs_context.h>
#include <ipc/pipe.h>
#include <block/blkdev.h>
#include <proc/process.h>
#include <syscall/syscall.h>
#include <mm/kmalloc.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* Flags open(2) accepts; anything else is ignored by Linux too. */
#define OPEN_VALID_FLAGS                                                                         \
	(O_ACCMODE | O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_APPEND | O_NONBLOCK | O_DSYNC |   \
	 O_ASYNC | O_DIRECT | O_LARGEFILE | O_DIRECTORY | O_NOFOLLOW | O_NOATIME | O_CLOEXEC |   \
	 O_SYNC | O_PATH | O_TMPFILE)

int vfs_truncate(const struct path *p, int64_t size)
{
	struct inode *inode = p->dentry->inode;
	if (size < 0)
		return -EINVAL;
	if (S_ISDIR(inode->mode))
		return -EISDIR;
	if (!S_ISREG(inode->mode))
		return -EINVAL;
	if (__atomic_load_n(&inode->writecount, __ATOMIC_RELAXED) < 0)
		return -ETXTBSY; /* a program being executed */
	if (size > inode->size && rlimit_fsize_allow(size, size) < 0)
		return -EFBIG; /* growing past RLIMIT_FSIZE (SIGXFSZ sent) */
	struct iattr a = { .valid = ATTR_SIZE, .size = size };
	return vfs_setattr(p, &a);
}

/* The path a dangling symlink named by path points at, relative to the symlink's directory,
 * in a new PATH_MAX buffer (*out). -EAGAIN when path is no longer a symlink (a race: look
 * again), or -errno. */
static int dangling_target(int dirfd, const char *path, char **out)
{
	struct path link;
	int r = path_lookup_at(dirfd, path, 0, &link);
	if (r)
		return r;
	const struct inode *inode = link.dentry->inode;
	char *buf = S_ISLNK(inode->mode) && inode->iops && inode->iops->readlink
			    ? kmalloc(PATH_MAX) : NULL;
	if (!buf) {
		path_put(&link);
		return S_ISLNK(inode->mode) ? -ENOMEM : -EAGAIN;
	}
	const char *slash = strrchr(path, '/');
	size_t dirlen = slash ? (size_t)(slash - path) + 1 : 0;
	memcpy(buf, path, dirlen);
	long n = inode->iops->readlink(link.dentry, buf + dirlen, PATH_MAX - 1 - dirlen);
	path_put(&link);
	if (n >= 0 && buf[dirlen] == '/') { /* absolute: replaces the directory part */
		memmove(buf, buf + dirlen, (size_t)n);
		dirlen = 0;
	}
	if (n >= 0 && dirlen + (size_t)n >= PATH_MAX - 1)
		n = -ENAMETOOLONG;
	if (n < 0) {
		kfree(buf);
		return (int)n;
	}
	buf[dirlen + (size_t)n] = 0;
	*out = buf;
	return 0;
}

/* O_CREAT: the existing file (EEXIST with O_EXCL), or a new regular file. A dangling symlink
 * as the last component is followed and its target created, as Linux does (not with O_EXCL,
 * which refuses any existing name, nor with O_NOFOLLOW, which opens no symlink). */
static int open_create(int dirfd, const char *path, uint32_t flags, uint32_t mode,
		       struct path *out, bool *created)
{
	unsigned follow = (flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW;
	char *owned = NULL; /* a rewritten path (after a dangling symlink) */
	int r = -ELOOP;
	for (int round = 0; round <= SYMLINK_MAX_FOLLOW; round++) {
		r = path_lookup_at(dirfd, path, follow, out);
		if (r == 0 && (flags & O_EXCL)) {
			path_put(out);
			r = -EEXIST;
		}
		if (r != -ENOENT)
			break;
		r = vfs_mknodat(dirfd, path, S_IFREG | (mode & S_IALLUGO), 0);
		if (r == 0) {
			*created = true;
			r = path_lookup_at(dirfd, path, 0, out);
			break;
		}
		if (r != -EEXIST || (flags & O_EXCL) || !follow)
			break;
		char *next = NULL;
		r = dangling_target(dirfd, path, &next);
		if (r == -EAGAIN)
			continue; /* created by someone else meanwhile: open theirs */
		if (r)
			break;
		kfree(owned);
		path = owned = next;
		r = -ELOOP;
	}
	kfree(owned);
	return r;
}

/* O_TMPFILE: an unnamed regular file in the directory path names. It must be opened for
 * writing, and O_CREAT does not go with it (EINVAL, as Linux); a file system without unnamed
 * files says EOPNOTSUPP. */
static int open_tmpfile(int dirfd, const char *path, uint32_t flags, uint32_t mode,
			struct path *out, bool *created)
{
	uint32_t acc = flags & O_ACCMODE;
	if ((flags & O_CREAT) || (acc != O_WRONLY && acc != O_RDWR))
		return -EINVAL;
	struct path dir;
	int r = path_lookup_at(dirfd, path, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &dir);
	if (r)
		return r;
	r = vfs_tmpfile(&dir, mode, !(flags & O_EXCL), out);
	path_put(&dir);
	*created = !r;
	return r;
}

/* Which operations an open of this inode uses. */
static int file_ops_for(const struct inode *inode, const struct file_ops **ops)
{
	switch (inode->mode & S_IFMT) {
	case S_IFCHR:
		*ops = chrdev_lookup(inode->rdev);
		return *ops ? 0 : -ENXIO;
	case S_IFIFO:
		*ops = &fifo_file_ops;
		return 0;
	case S_IFBLK:
		*ops = &blkdev_file_ops; /* its open finds the device, or ENXIO */
		return 0;
	case S_IFSOCK: return -ENXIO;
	default: *ops = inode->fops; return 0;
	}
}

static int open_checks(const struct path *p, uint32_t flags, bool created)
{
	struct inode *inode = p->dentry->inode;
	uint32_t acc = flags & O_ACCMODE;
	if (S_ISLNK(inode->mode))
		return (flags & O_PATH) ? 0 : -ELOOP; /* O_NOFOLLOW met a symlink */
	if ((flags & O_DIRECTORY) && !S_ISDIR(inode->mode))
		return -ENOTDIR;
	if (flags & O_PATH)
		return 0;
	if (S_ISDIR(inode->mode) && (acc != O_RDONLY || (flags & O_TRUNC) || (flags & O_CREAT)))
		return -EISDIR;
	if (created) /* the creator may use it whatever the mode says */
		return 0;
	int mask = (acc == O_RDONLY || acc == O_RDWR ? MAY_READ : 0) |
		   (acc == O_WRONLY || acc == O_RDWR || (flags & O_TRUNC) ? MAY_WRITE : 0);
	int r = inode_permission(inode, mask);
	if (!r && (flags & O_NOATIME) && !inode_owner_or_root(inode))
		r = -EPERM; /* Linux's may_open: the owner or CAP_FOWNER only (bug open_noatime) */
	if (!r && (mask & MAY_WRITE) && S_ISREG(inode->mode))
		r = mnt_want_write(p->mnt);
	return r;
}

int vfs_openat(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out)
{
	if ((flags & O_PATH) && (flags & O_TMPFILE) == O_TMPFILE)
		return -EINVAL;
	if (flags & O_PATH)
		flags &= O_PATH | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC;
	struct path p;
	bool created = false;
	int r;
	if ((flags & O_TMPFILE) == O_TMPFILE) {
		r = open_tmpfile(dirfd, path, flags, mode, &p, &created);
		flags &= ~(uint32_t)O_TMPFILE; /* O_DIRECTORY named the parent, not this file */
	} else if (flags & O_CREAT)
		r = open_create(dirfd, path, flags, mode, &p, &created);
	else
		r = path_lookup_at(dirfd, path,
				   ((flags & O_NOFOLLOW) ? 0 : LOOKUP_FOLLOW) |
					   ((flags & O_DIRECTORY) ? LOOKUP_DIRECTORY : 0),
				   &p);
	if (r)
		return r;
	const struct file_ops *ops = NULL;
	r = open_checks(&p, flags, created);
	if (!r && !(flags & O_PATH))
		r = file_ops_for(p.dentry->inode, &ops);
	if (!r && !(flags & O_PATH))
		r = lease_break(p.dentry->inode, flags); /* may wait for a lease holder */
	if (!r && (flags & O_TRUNC) && (flags & O_ACCMODE) != O_RDONLY &&
	    S_ISREG(p.dentry->inode->mode) && !created)
		r = vfs_truncate(&p, 0);
	if (r) {
		path_put(&p);
		return r;
	}
	struct inode *inode = p.dentry->inode;
	inode_get(inode);
	r = file_alloc(&p, inode, flags, ops, out);
	if (!r && !(flags & O_PATH))
		fsnotify_file(*out, IN_OPEN);
	return r;
}

static long open_user(int dirfd, const char __user *upath, int flags, uint32_t mode)
{
	char *path;
	int r = getname(upath, false, &path);
	if (r)
		return r;
	struct file *f;
	r = vfs_openat(dirfd, path, (uint32_t)flags & OPEN_VALID_FLAGS,
		       mode & ~current_umask() & S_IALLUGO, &f);
	putname(path);
	if (r)
		return r;
	return fd_install_or_put(f, flags & O_CLOEXEC);
}

SYSCALL_DEFINE3(open, const char __user *, path, int, flags, uint32_t, mode)
{
	return open_user(AT_FDCWD, path, flags, mode);
}

SYSCALL_DEFINE4(openat, int, dirfd, const char __user *, path, int, flags, uint32_t, mode)
{
	return open_user(dirfd, path, flags, mode);
}

SYSCALL_DEFINE2(creat, const char __user *, path, uint32_t, mode)
{
	return open_user(AT_FDCWD, path, O_CREAT | O_WRONLY | O_TRUNC, mode);
}

SYSCALL_DEFINE1(close, int, fd)
{
	return fd_close(fd);
}

SYSCALL_DEFINE3(close_range, unsigned int, first, unsigned int, last, unsigned int, flags)
{
	return fd_close_range(first, last, flags);
}
