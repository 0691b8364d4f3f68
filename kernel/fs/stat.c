/* stat, fstat, lstat, newfstatat, statx, statfs and fstatfs: inode and file-system attributes
 * in Linux's x86_64 layouts. */
#include <fs/vfs.h>
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <mm/layout.h>
#include <mm/kmalloc.h>
#include <uapi/zero/cap.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* Directories of disk file systems (SB_DIR_SIZE: ext2) have the size of their blocks. */
static bool dir_has_size(const struct inode *inode)
{
	return inode->sb && (inode->sb->flags & SB_DIR_SIZE);
}

static void fill_stat(const struct inode *inode, struct linux_stat *st)
{
	*st = (struct linux_stat){
		.st_dev = inode->sb ? inode->sb->dev : 0,
		.st_ino = inode->ino,
		.st_nlink = inode->nlink,
		.st_mode = inode->mode,
		.st_uid = inode->uid,
		.st_gid = inode->gid,
		.st_rdev = inode->rdev,
		.st_size = (S_ISDIR(inode->mode) && !dir_has_size(inode)) || S_ISCHR(inode->mode)
				   ? 0
				   : inode->size,
		.st_blksize = inode->sb && inode->sb->blksize ? inode->sb->blksize : PAGE_SIZE,
		.st_blocks = (int64_t)inode->blocks,
		.st_atime_sec = (uint64_t)inode->atime.tv_sec,
		.st_atime_nsec = (uint64_t)inode->atime.tv_nsec,
		.st_mtime_sec = (uint64_t)inode->mtime.tv_sec,
		.st_mtime_nsec = (uint64_t)inode->mtime.tv_nsec,
		.st_ctime_sec = (uint64_t)inode->ctime.tv_sec,
		.st_ctime_nsec = (uint64_t)inode->ctime.tv_nsec,
	};
}

/* The inode a *stat call names: by path (flags AT_SYMLINK_NOFOLLOW / AT_EMPTY_PATH), or the
 * file behind dirfd for an empty path with AT_EMPTY_PATH. Referenced. */
static int stat_target(int dirfd, const char __user *upath, int flags, struct inode **out)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH | AT_NO_AUTOMOUNT | AT_STATX_SYNC_TYPE))
		return -EINVAL;
	char *path;
	int r = getname(upath, flags & AT_EMPTY_PATH, &path);
	if (r)
		return r;
	if (!path[0] && dirfd != AT_FDCWD) { /* AT_EMPTY_PATH on any file, even a pipe */
		putname(path);
		struct file *f;
		r = fd_get_rights(dirfd, ZERO_CAP_STAT, &f, NULL);
		if (r)
			return r;
		inode_get(f->inode);
		*out = f->inode;
		file_put(f);
		return 0;
	}
	struct path p;
	r = path_lookup_at(dirfd, path,
			   (flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW) |
				   (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0),
			   &p);
	putname(path);
	if (r)
		return r;
	inode_get(p.dentry->inode);
	*out = p.dentry->inode;
	path_put(&p);
	return 0;
}

static long stat_to_user(struct inode *inode, struct linux_stat __user *ust)
{
	struct linux_stat st;
	fill_stat(inode, &st);
	inode_put(inode);
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

static long do_fstatat(int dirfd, const char __user *path, struct linux_stat __user *st,
		       int flags)
{
	struct inode *inode;
	int r = stat_target(dirfd, path, flags, &inode);
	return r ? r : stat_to_user(inode, st);
}

SYSCALL_DEFINE2(stat, const char __user *, path, struct linux_stat __user *, st)
{
	return do_fstatat(AT_FDCWD, path, st, 0);
}

SYSCALL_DEFINE2(lstat, const char __user *, path, struct linux_stat __user *, st)
{
	return do_fstatat(AT_FDCWD, path, st, AT_SYMLINK_NOFOLLOW);
}

SYSCALL_DEFINE4(newfstatat, int, dirfd, const char __user *, path, struct linux_stat __user *,
	st, int, flags)
{
	return do_fstatat(dirfd, path, st, flags);
}

SYSCALL_DEFINE2(fstat, int, fd, struct linux_stat __user *, st)
{
	struct file *f;
	int r = fd_get_rights(fd, ZERO_CAP_STAT, &f, NULL);
	if (r)
		return r;
	inode_get(f->inode);
	struct inode *inode = f->inode;
	file_put(f);
	return stat_to_user(inode, st);
}

static struct linux_statx_timestamp statx_time(struct linux_timespec t)
{
	return (struct linux_statx_timestamp){ .tv_sec = t.tv_sec, .tv_nsec = (uint32_t)t.tv_nsec };
}

SYSCALL_DEFINE5(statx, int, dirfd, const char __user *, path, int, flags, unsigned int, mask,
	struct linux_statx __user *, ustx)
{
	if (mask & STATX__RESERVED)
		return -EINVAL;
	struct inode *inode;
	int r = stat_target(dirfd, path, flags, &inode);
	if (r)
		return r;
	struct linux_stat st;
	fill_stat(inode, &st);
	struct linux_statx stx = {
		.stx_mask = STATX_BASIC_STATS,
		.stx_blksize = (uint32_t)st.st_blksize,
		.stx_nlink = (uint32_t)st.st_nlink,
		.stx_uid = st.st_uid,
		.stx_gid = st.st_gid,
		.stx_mode = (uint16_t)st.st_mode,
		.stx_ino = st.st_ino,
		.stx_size = (uint64_t)st.st_size,
		.stx_blocks = (uint64_t)st.st_blocks,
		.stx_atime = statx_time(inode->atime),
		.stx_ctime = statx_time(inode->ctime),
		.stx_mtime = statx_time(inode->mtime),
		.stx_rdev_major = MAJOR(st.st_rdev),
		.stx_rdev_minor = MINOR(st.st_rdev),
		.stx_dev_major = MAJOR(st.st_dev),
		.stx_dev_minor = MINOR(st.st_dev),
	};
	inode_put(inode);
	return copy_to_user(ustx, &stx, sizeof(stx)) ? -EFAULT : 0;
}

static long statfs_to_user(struct super_block *sb, struct linux_statfs __user *ust)
{
	struct linux_statfs st = { .f_namelen = NAME_MAX, .f_bsize = PAGE_SIZE,
				   .f_frsize = PAGE_SIZE };
	if (sb && sb->ops && sb->ops->statfs) {
		int r = sb->ops->statfs(sb, &st);
		if (r)
			return r;
	} else if (sb) {
		st.f_type = sb->magic;
	}
	if (sb) {
		st.f_fsid[0] = (int32_t)sb->dev;
	}
	return copy_to_user(ust, &st, sizeof(st)) ? -EFAULT : 0;
}

SYSCALL_DEFINE2(statfs, const char __user *, upath, struct linux_statfs __user *, st)
{
	struct path p;
	int r = user_path_lookup_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	long ret = statfs_to_user(p.dentry->sb, st);
	path_put(&p);
	return ret;
}

SYSCALL_DEFINE2(fstatfs, int, fd, struct linux_statfs __user *, st)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = statfs_to_user(f->inode->sb, st);
	file_put(f);
	return r;
}
