/* Attribute system calls: access/faccessat, the chmod (fchmodat2 too) and chown families,
 * utimensat, utimes, futimesat, utime, truncate/ftruncate. Ownership rules as Linux: only root
 * changes a file's owner; the owner may change its group to one of its own groups (here: its
 * effective gid); chmod by the owner or root, and a non-root chmod of a file whose group is not
 * the caller's drops S_ISGID. */
#include <fs/fsnotify.h>
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <fs/locks.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* Resolve the target of an attribute call: by path relative to dirfd, or (AT_EMPTY_PATH and
 * an empty path, or path == NULL for the f* variants) the file behind dirfd. */
static int attr_target(int dirfd, const char __user *upath, int flags, struct path *out)
{
	if (!upath || (flags & AT_EMPTY_PATH)) {
		char c = 0;
		if (upath && get_user(&c, upath))
			return -EFAULT;
		if (!upath || c == 0) {
			struct file *f = fd_get(dirfd);
			if (!f)
				return -EBADF;
			int r = f->path.dentry ? 0 : -EBADF; /* pipes have no name to change */
			if (!r) {
				*out = f->path;
				path_get(out);
			}
			file_put(f);
			return r;
		}
	}
	return user_path_lookup_at(dirfd, upath, flags & AT_SYMLINK_NOFOLLOW ? 0 : LOOKUP_FOLLOW,
				   out);
}

/* The inotify events of an attribute change (Linux's fsnotify_change): a size change is a
 * modification, both times at once (utimes) or ids and mode an attribute change. */
static uint32_t setattr_events(uint32_t valid)
{
	uint32_t mask = (valid & (ATTR_UID | ATTR_GID | ATTR_MODE)) ? IN_ATTRIB : 0;
	if (valid & ATTR_SIZE)
		mask |= IN_MODIFY;
	if ((valid & (ATTR_ATIME | ATTR_MTIME)) == (ATTR_ATIME | ATTR_MTIME))
		mask |= IN_ATTRIB;
	else if (valid & ATTR_ATIME)
		mask |= IN_ACCESS;
	else if (valid & ATTR_MTIME)
		mask |= IN_MODIFY;
	return mask;
}

int vfs_setattr(const struct path *p, struct iattr *a)
{
	struct inode *inode = p->dentry->inode;
	int r = mnt_want_write(p->mnt);
	if (r)
		return r;
	const struct inode_ops *iops = inode->iops;
	if (!iops || !iops->setattr)
		return -EPERM;
	a->valid |= ATTR_CTIME;
	uint64_t now = time_realtime_ns();
	a->ctime = (struct linux_timespec){ (int64_t)(now / 1000000000), (int64_t)(now % 1000000000) };
	mutex_lock(&inode->lock);
	r = iops->setattr(p->dentry, a);
	mutex_unlock(&inode->lock);
	if (!r)
		fsnotify_dentry(p->dentry, setattr_events(a->valid));
	return r;
}

/* Linux's chmod_common and chown_common: a read-only mount (EROFS) before ownership (EPERM). */
static int do_chmod(const struct path *p, uint32_t mode)
{
	struct inode *inode = p->dentry->inode;
	if (mnt_want_write(p->mnt))
		return -EROFS;
	if (!inode_owner_or_root(inode))
		return -EPERM;
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	mode &= S_IALLUGO;
	if (!capable(CAP_FSETID) && !current_in_group(inode->gid))
		mode &= ~(uint32_t)S_ISGID;
	struct iattr a = { .valid = ATTR_MODE, .mode = mode };
	return vfs_setattr(p, &a);
}

/* The permission bits a chown leaves (Linux's notify_change with ATTR_KILL_SUID/SGID, for root
 * as for the owner, even with both ids -1): a non-directory loses S_ISUID, and S_ISGID when
 * S_IXGRP is set; S_ISGID without S_IXGRP marks mandatory locking and stays (bug
 * chown_keeps_sgid_nonexec). */
static uint32_t chown_kept_mode(uint32_t mode)
{
	uint32_t m = mode & S_IALLUGO;
	if (S_ISDIR(mode))
		return m;
	m &= ~(uint32_t)S_ISUID;
	if (m & S_IXGRP)
		m &= ~(uint32_t)S_ISGID;
	return m;
}

static int do_chown(const struct path *p, uint32_t owner, uint32_t group)
{
	struct inode *inode = p->dentry->inode;
	if (mnt_want_write(p->mnt))
		return -EROFS;
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	struct iattr a = { 0 };
	bool may_chown = capable(CAP_CHOWN);
	if (owner != (uint32_t)-1 && owner != inode->uid) {
		if (!may_chown)
			return -EPERM;
		a.valid |= ATTR_UID;
		a.uid = owner;
	}
	if (group != (uint32_t)-1 && group != inode->gid) {
		if (!may_chown && (uid != inode->uid || !current_in_group(group)))
			return -EPERM;
		a.valid |= ATTR_GID;
		a.gid = group;
	}
	if ((owner != (uint32_t)-1 || group != (uint32_t)-1) && !may_chown && uid != inode->uid)
		return -EPERM;
	uint32_t kept = chown_kept_mode(inode->mode);
	if ((may_chown || uid == inode->uid) && kept != (inode->mode & S_IALLUGO)) {
		a.valid |= ATTR_MODE;
		a.mode = kept;
	}
	return vfs_setattr(p, &a);
}

#define CHMOD_LIKE(call, dirfd, upath, flags, ...)                                               \
	({                                                                                       \
		struct path p_;                                                                  \
		int r_ = attr_target((dirfd), (upath), (flags), &p_);                           \
		if (!r_) {                                                                       \
			r_ = call(&p_, __VA_ARGS__);                                            \
			path_put(&p_);                                                           \
		}                                                                                \
		(long)r_;                                                                        \
	})

SYSCALL_DEFINE2(chmod, const char __user *, path, uint32_t, mode)
{
	return CHMOD_LIKE(do_chmod, AT_FDCWD, path, 0, mode);
}

SYSCALL_DEFINE2(fchmod, int, fd, uint32_t, mode)
{
	return CHMOD_LIKE(do_chmod, fd, NULL, 0, mode);
}

SYSCALL_DEFINE3(fchmodat, int, dirfd, const char __user *, path, uint32_t, mode)
{
	return CHMOD_LIKE(do_chmod, dirfd, path, 0, mode);
}

/* A symlink's own mode cannot be changed (Linux: EOPNOTSUPP); anything else as chmod. */
static int do_chmod_nofollow(const struct path *p, uint32_t mode)
{
	return S_ISLNK(p->dentry->inode->mode) ? -EOPNOTSUPP : do_chmod(p, mode);
}

SYSCALL_DEFINE4(fchmodat2, int, dirfd, const char __user *, path, uint32_t, mode, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return CHMOD_LIKE(do_chmod_nofollow, dirfd, path, flags, mode);
}

SYSCALL_DEFINE3(chown, const char __user *, path, uint32_t, owner, uint32_t, group)
{
	return CHMOD_LIKE(do_chown, AT_FDCWD, path, 0, owner, group);
}

SYSCALL_DEFINE3(lchown, const char __user *, path, uint32_t, owner, uint32_t, group)
{
	return CHMOD_LIKE(do_chown, AT_FDCWD, path, AT_SYMLINK_NOFOLLOW, owner, group);
}

SYSCALL_DEFINE3(fchown, int, fd, uint32_t, owner, uint32_t, group)
{
	return CHMOD_LIKE(do_chown, fd, NULL, 0, owner, group);
}

SYSCALL_DEFINE5(fchownat, int, dirfd, const char __user *, path, uint32_t, owner, uint32_t,
	group, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	return CHMOD_LIKE(do_chown, dirfd, path, flags, owner, group);
}

/* One utimensat timestamp: UTIME_NOW, UTIME_OMIT (bit not set) or a value. */
static int utime_one(const struct linux_timespec *t, uint32_t bit, struct linux_timespec *out,
		     uint32_t *valid, bool *explicit)
{
	if (t->tv_nsec == UTIME_OMIT)
		return 0;
	if (t->tv_nsec == UTIME_NOW) {
		uint64_t now = time_realtime_ns();
		*out = (struct linux_timespec){ (int64_t)(now / 1000000000),
						(int64_t)(now % 1000000000) };
	} else {
		if (t->tv_nsec < 0 || t->tv_nsec > 999999999)
			return -EINVAL;
		*out = *t;
		*explicit = true;
	}
	*valid |= bit;
	return 0;
}

/* Set the access and modification times (ts: kernel copies, UTIME_NOW/UTIME_OMIT allowed) of
 * the file dirfd/upath names (upath NULL: dirfd itself), as utimensat does. */
static long do_utimens(int dirfd, const char __user *upath, const struct linux_timespec ts[2],
		       int flags)
{
	struct iattr a = { 0 };
	bool explicit = false;
	int r = utime_one(&ts[0], ATTR_ATIME, &a.atime, &a.valid, &explicit);
	if (!r)
		r = utime_one(&ts[1], ATTR_MTIME, &a.mtime, &a.valid, &explicit);
	if (r)
		return r;
	if (!upath && dirfd == AT_FDCWD)
		return -EFAULT; /* as Linux: no file behind AT_FDCWD, so a missing path */
	struct path p;
	r = attr_target(dirfd, upath, flags, &p); /* upath NULL: futimens(dirfd) */
	if (r)
		return r;
	struct inode *inode = p.dentry->inode;
	/* A read-only mount first, then: explicit times need ownership, "now" also works with
	 * write permission. */
	r = mnt_want_write(p.mnt);
	if (!r && !inode_owner_or_root(inode))
		r = explicit ? -EPERM : inode_permission(inode, MAY_WRITE);
	if (!r && a.valid)
		r = vfs_setattr(&p, &a);
	path_put(&p);
	return r;
}

SYSCALL_DEFINE4(utimensat, int, dirfd, const char __user *, upath,
	const struct linux_timespec __user *, utimes, int, flags)
{
	if (flags & ~(AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct linux_timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	if (utimes && copy_from_user(ts, utimes, sizeof(ts)))
		return -EFAULT;
	return do_utimens(dirfd, upath, ts, flags);
}

/* utimes and futimesat: microsecond times (NULL: now), each checked (EINVAL out of range). */
static long do_utimes_tv(int dirfd, const char __user *upath,
			 const struct linux_timeval __user *utv)
{
	struct linux_timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	struct linux_timeval tv[2];
	if (utv) {
		if (copy_from_user(tv, utv, sizeof(tv)))
			return -EFAULT;
		for (int i = 0; i < 2; i++) {
			if (tv[i].tv_usec < 0 || tv[i].tv_usec >= 1000000)
				return -EINVAL;
			ts[i] = (struct linux_timespec){ tv[i].tv_sec, tv[i].tv_usec * 1000 };
		}
	}
	return do_utimens(dirfd, upath, ts, 0);
}

SYSCALL_DEFINE2(utimes, const char __user *, upath, const struct linux_timeval __user *, utv)
{
	return do_utimes_tv(AT_FDCWD, upath, utv);
}

SYSCALL_DEFINE3(futimesat, int, dirfd, const char __user *, upath,
		const struct linux_timeval __user *, utv)
{
	return do_utimes_tv(dirfd, upath, utv);
}

/* utime(2): whole seconds (struct utimbuf: access, then modification time); NULL: now. */
SYSCALL_DEFINE2(utime, const char __user *, upath, const int64_t __user *, ubuf)
{
	struct linux_timespec ts[2] = { { 0, UTIME_NOW }, { 0, UTIME_NOW } };
	int64_t secs[2];
	if (ubuf) {
		if (copy_from_user(secs, ubuf, sizeof(secs)))
			return -EFAULT;
		ts[0] = (struct linux_timespec){ secs[0], 0 };
		ts[1] = (struct linux_timespec){ secs[1], 0 };
	}
	return do_utimens(AT_FDCWD, upath, ts, 0);
}

static long do_faccessat(int dirfd, const char __user *upath, int mode, int flags)
{
	if (mode & ~(F_OK | R_OK | W_OK | X_OK))
		return -EINVAL;
	if (flags & ~(AT_EACCESS | AT_SYMLINK_NOFOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct path p;
	int r = attr_target(dirfd, upath, flags & ~AT_EACCESS, &p);
	if (r)
		return r;
	/* Our processes have no separate real/effective file ids in practice: the effective
	 * ids decide (AT_EACCESS or not). */
	int mask = (mode & R_OK ? MAY_READ : 0) | (mode & W_OK ? MAY_WRITE : 0) |
		   (mode & X_OK ? MAY_EXEC : 0);
	if (mask)
		r = inode_permission(p.dentry->inode, mask);
	if (!r && (mode & W_OK) && !S_ISDIR(p.dentry->inode->mode) &&
	    !S_ISCHR(p.dentry->inode->mode))
		r = mnt_want_write(p.mnt);
	path_put(&p);
	return r;
}

SYSCALL_DEFINE2(access, const char __user *, path, int, mode)
{
	return do_faccessat(AT_FDCWD, path, mode, 0);
}

SYSCALL_DEFINE3(faccessat, int, dirfd, const char __user *, path, int, mode)
{
	return do_faccessat(dirfd, path, mode, 0);
}

SYSCALL_DEFINE4(faccessat2, int, dirfd, const char __user *, path, int, mode, int, flags)
{
	return do_faccessat(dirfd, path, mode, flags);
}

static int truncate_checked(const struct path *p, int64_t size)
{
	int r = inode_permission(p->dentry->inode, MAY_WRITE);
	if (!r)
		r = lease_break(p->dentry->inode, O_WRONLY); /* as a write open would */
	return r ? r : vfs_truncate(p, size);
}

SYSCALL_DEFINE2(truncate, const char __user *, upath, int64_t, length)
{
	struct path p;
	int r = user_path_lookup_at(AT_FDCWD, upath, LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	r = truncate_checked(&p, length);
	path_put(&p);
	return r;
}

SYSCALL_DEFINE2(ftruncate, int, fd, int64_t, length)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	int r;
	if (!(f->mode & FMODE_WRITE) || !f->path.dentry)
		r = -EINVAL; /* Linux: EINVAL for a file not open for writing */
	else if (length < 0)
		r = -EINVAL;
	else
		r = vfs_truncate(&f->path, length);
	file_put(f);
	return r;
}
