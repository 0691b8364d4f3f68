/* The extended-attribute system calls (xattr(7)): set/get/list/remove, each by path (following
 * symlinks), by path on the link itself (l*) and by descriptor (f*). Names are checked and
 * sorted by namespace here, with Linux's permission rules: user.* only on regular files and
 * directories, under the file's read/write permission (and the sticky-directory rule);
 * trusted.* only for a privileged caller (invisible to others); security.* readable by all,
 * written by a privileged caller; system.* (POSIX ACLs) and unknown namespaces unsupported.
 * File systems that keep attributes (SB_XATTR: tmpfs) store them in fs/xattr_store.c. */
#include <fs/fsnotify.h>
#include <fs/xattr_store.h>
#include <fs/fdtable.h>
#include <fs/namei.h>
#include <fs/vfs_ops.h>
#include <arch/x86_64/usercopy.h>
#include <core/time.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <syscall/syscall.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* The file an xattr call works on: found by path (path referenced) or by descriptor (file
 * referenced); inode and mnt point into whichever holds the reference (mnt NULL for
 * anonymous files such as pipes, which no mount makes read-only). */
struct xattr_target {
	struct path path;
	struct file *file;
	struct inode *inode;
	const struct mount *mnt;
};

static int target_by_path(const char __user *upath, bool follow, struct xattr_target *t)
{
	*t = (struct xattr_target){ 0 };
	int r = user_path_lookup_at(AT_FDCWD, upath, follow ? LOOKUP_FOLLOW : 0, &t->path);
	if (r)
		return r;
	t->inode = t->path.dentry->inode;
	t->mnt = t->path.mnt;
	return 0;
}

static int target_by_fd(int fd, struct xattr_target *t)
{
	*t = (struct xattr_target){ 0 };
	t->file = fd_get(fd);
	if (!t->file)
		return -EBADF;
	if (t->file->flags & O_PATH) { /* as Linux: an O_PATH descriptor reaches no attribute */
		file_put(t->file);
		return -EBADF;
	}
	t->inode = t->file->inode;
	t->mnt = t->file->path.mnt;
	return 0;
}

static void target_put(struct xattr_target *t)
{
	if (t->file)
		file_put(t->file);
	else
		path_put(&t->path);
}

/* ---- names and permissions ---------------------------------------------------------------- */

#define PREFIX_USER "user."
#define PREFIX_TRUSTED "trusted."
#define PREFIX_SECURITY "security."

static bool has_prefix(const char *name, const char *prefix)
{
	return !strncmp(name, prefix, strlen(prefix));
}

/* trusted.* and writing security.* take CAP_SYS_ADMIN. */
static bool caller_privileged(void)
{
	return capable(CAP_SYS_ADMIN);
}

/* Copy the name in: 0, -EFAULT, or -ERANGE when it is empty or longer than XATTR_NAME_MAX. */
static int name_from_user(const char __user *uname, char name[XATTR_NAME_MAX + 1])
{
	long n = strncpy_from_user(name, uname, XATTR_NAME_MAX + 1);
	if (n == 0 || n == -ENAMETOOLONG)
		return -ERANGE;
	return n < 0 ? (int)n : 0;
}

/* May the caller read (MAY_READ) or change (MAY_WRITE) the attribute name of inode? Checked
 * before the namespace is known to be supported, as Linux does. */
static int xattr_permission(const struct inode *inode, const char *name, int mask)
{
	bool write = mask & MAY_WRITE;
	if (has_prefix(name, PREFIX_TRUSTED)) {
		if (caller_privileged())
			return 0;
		return write ? -EPERM : -ENODATA;
	}
	if (has_prefix(name, PREFIX_SECURITY))
		return write && !caller_privileged() ? -EPERM : 0;
	if (has_prefix(name, PREFIX_USER)) {
		if (!S_ISREG(inode->mode) && !S_ISDIR(inode->mode))
			return write ? -EPERM : -ENODATA;
		if (write && S_ISDIR(inode->mode) && (inode->mode & S_ISVTX) &&
		    !inode_owner_or_root(inode))
			return -EPERM;
	}
	return inode_permission(inode, mask);
}

/* Does the file system keep name? -EOPNOTSUPP for system.* (no ACLs), unknown namespaces and
 * files without attributes; -EINVAL for a bare prefix. */
static int xattr_supported(const struct inode *inode, const char *name)
{
	static const char *const prefixes[] = { PREFIX_USER, PREFIX_TRUSTED, PREFIX_SECURITY };
	for (size_t i = 0; i < sizeof(prefixes) / sizeof(prefixes[0]); i++) {
		if (!has_prefix(name, prefixes[i]))
			continue;
		if (!name[strlen(prefixes[i])])
			return -EINVAL;
		return inode->sb && (inode->sb->flags & SB_XATTR) ? 0 : -EOPNOTSUPP;
	}
	return -EOPNOTSUPP;
}

/* The checks every call makes on a resolved target (write: set and remove). */
static int xattr_check(const struct xattr_target *t, const char *name, bool write)
{
	if (write && t->mnt) {
		int r = mnt_want_write(t->mnt);
		if (r)
			return r;
	}
	int r = xattr_permission(t->inode, name, write ? MAY_WRITE : MAY_READ);
	return r ? r : xattr_supported(t->inode, name);
}

/* ---- the four operations on a resolved target ---------------------------------------------- */

/* An extended attribute changed: IN_ATTRIB. */
static void xattr_changed(struct xattr_target *t)
{
	if (t->file)
		fsnotify_file(t->file, IN_ATTRIB);
	else
		fsnotify_dentry(t->path.dentry, IN_ATTRIB);
}

static long do_setxattr(struct xattr_target *t, const char *name, const void *value,
			size_t size, int flags)
{
	long r = xattr_check(t, name, true);
	if (r)
		return r;
	mutex_lock(&t->inode->lock);
	r = xattr_store_set_locked(t->inode, name, value, size, flags);
	if (!r)
		inode_touch(t->inode, ATTR_CTIME);
	mutex_unlock(&t->inode->lock);
	if (!r)
		xattr_changed(t);
	return r;
}

static long do_getxattr(struct xattr_target *t, const char *name, void __user *uvalue,
			size_t size)
{
	long r = xattr_check(t, name, false);
	if (r)
		return r;
	if (size > XATTR_SIZE_MAX)
		size = XATTR_SIZE_MAX;
	char *buf = NULL;
	if (size && !(buf = kmalloc(size)))
		return -ENOMEM;
	mutex_lock(&t->inode->lock);
	r = xattr_store_get_locked(t->inode, name, buf, size);
	mutex_unlock(&t->inode->lock);
	if (r > 0 && size && copy_to_user(uvalue, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
	return r;
}

static bool visible_to_caller(const char *name)
{
	return !has_prefix(name, PREFIX_TRUSTED) || caller_privileged();
}

static long do_listxattr(struct xattr_target *t, char __user *ulist, size_t size)
{
	if (!t->inode->sb || !(t->inode->sb->flags & SB_XATTR))
		return 0; /* nothing stored, nothing to list (Linux: no error either) */
	if (size > XATTR_LIST_MAX)
		size = XATTR_LIST_MAX;
	char *buf = NULL;
	if (size && !(buf = kmalloc(size)))
		return -ENOMEM;
	mutex_lock(&t->inode->lock);
	long r = xattr_store_list_locked(t->inode, visible_to_caller, buf, size);
	mutex_unlock(&t->inode->lock);
	if (r > 0 && size && copy_to_user(ulist, buf, (size_t)r))
		r = -EFAULT;
	kfree(buf);
	return r;
}

static long do_removexattr(struct xattr_target *t, const char *name)
{
	long r = xattr_check(t, name, true);
	if (r)
		return r;
	mutex_lock(&t->inode->lock);
	r = xattr_store_remove_locked(t->inode, name);
	if (!r)
		inode_touch(t->inode, ATTR_CTIME);
	mutex_unlock(&t->inode->lock);
	if (!r)
		xattr_changed(t);
	return r;
}

/* ---- system calls: the arguments are checked in Linux's order, then the file is found ------ */

/* How a call finds its file: by path (following the last symlink or not) or by descriptor. */
struct xattr_how {
	const char __user *upath;
	int fd;
	bool follow;
};

static int target_find(const struct xattr_how *how, struct xattr_target *t)
{
	return how->upath ? target_by_path(how->upath, how->follow, t) : target_by_fd(how->fd, t);
}

static long setxattr_common(const struct xattr_how *how, const char __user *uname,
			    const void __user *uvalue, size_t size, int flags)
{
	if (flags & ~(XATTR_CREATE | XATTR_REPLACE))
		return -EINVAL;
	char name[XATTR_NAME_MAX + 1];
	long r = name_from_user(uname, name);
	if (r)
		return r;
	if (size > XATTR_SIZE_MAX)
		return -E2BIG;
	char *value = NULL;
	if (size && !(value = kmalloc(size)))
		return -ENOMEM;
	r = size ? copy_from_user(value, uvalue, size) : 0;
	struct xattr_target t;
	if (!r)
		r = target_find(how, &t);
	if (!r) {
		r = do_setxattr(&t, name, value, size, flags);
		target_put(&t);
	}
	kfree(value);
	return r;
}

/* get and remove: the name copied in, then the file found (the target referenced on 0). */
static int name_then_target(const struct xattr_how *how, const char __user *uname,
			    char name[XATTR_NAME_MAX + 1], struct xattr_target *t)
{
	int r = name_from_user(uname, name);
	return r ? r : target_find(how, t);
}

static long getxattr_common(const struct xattr_how *how, const char __user *uname,
			    void __user *uvalue, size_t size)
{
	char name[XATTR_NAME_MAX + 1];
	struct xattr_target t;
	long r = name_then_target(how, uname, name, &t);
	if (r)
		return r;
	r = do_getxattr(&t, name, uvalue, size);
	target_put(&t);
	return r;
}

static long listxattr_common(const struct xattr_how *how, char __user *ulist, size_t size)
{
	struct xattr_target t;
	long r = target_find(how, &t);
	if (r)
		return r;
	r = do_listxattr(&t, ulist, size);
	target_put(&t);
	return r;
}

static long removexattr_common(const struct xattr_how *how, const char __user *uname)
{
	char name[XATTR_NAME_MAX + 1];
	struct xattr_target t;
	long r = name_then_target(how, uname, name, &t);
	if (r)
		return r;
	r = do_removexattr(&t, name);
	target_put(&t);
	return r;
}

#define BY_PATH(p) (&(struct xattr_how){ .upath = (p), .follow = true })
#define BY_LINK(p) (&(struct xattr_how){ .upath = (p), .follow = false })
#define BY_FD(f) (&(struct xattr_how){ .fd = (f) })

SYSCALL_DEFINE5(setxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return setxattr_common(BY_PATH(path), name, value, size, flags);
}

SYSCALL_DEFINE5(lsetxattr, const char __user *, path, const char __user *, name,
		const void __user *, value, size_t, size, int, flags)
{
	return setxattr_common(BY_LINK(path), name, value, size, flags);
}

SYSCALL_DEFINE5(fsetxattr, int, fd, const char __user *, name, const void __user *, value,
		size_t, size, int, flags)
{
	return setxattr_common(BY_FD(fd), name, value, size, flags);
}

SYSCALL_DEFINE4(getxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return getxattr_common(BY_PATH(path), name, value, size);
}

SYSCALL_DEFINE4(lgetxattr, const char __user *, path, const char __user *, name,
		void __user *, value, size_t, size)
{
	return getxattr_common(BY_LINK(path), name, value, size);
}

SYSCALL_DEFINE4(fgetxattr, int, fd, const char __user *, name, void __user *, value,
		size_t, size)
{
	return getxattr_common(BY_FD(fd), name, value, size);
}

SYSCALL_DEFINE3(listxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return listxattr_common(BY_PATH(path), list, size);
}

SYSCALL_DEFINE3(llistxattr, const char __user *, path, char __user *, list, size_t, size)
{
	return listxattr_common(BY_LINK(path), list, size);
}

SYSCALL_DEFINE3(flistxattr, int, fd, char __user *, list, size_t, size)
{
	return listxattr_common(BY_FD(fd), list, size);
}

SYSCALL_DEFINE2(removexattr, const char __user *, path, const char __user *, name)
{
	return removexattr_common(BY_PATH(path), name);
}

SYSCALL_DEFINE2(lremovexattr, const char __user *, path, const char __user *, name)
{
	return removexattr_common(BY_LINK(path), name);
}

SYSCALL_DEFINE2(fremovexattr, int, fd, const char __user *, name)
{
	return removexattr_common(BY_FD(fd), name);
}
