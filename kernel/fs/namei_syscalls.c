/* The name-space system calls — mknod, mkdir, symlink, link, unlink, rmdir, rename and their
 * *at forms, readlink — as thin wrappers that copy the user strings, apply the umask and call
 * the VFS operations of vfs_ops.h. */
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <fs/fs_context.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

static long mknod_user(int dirfd, const char __user *upath, uint32_t mode, uint64_t dev)
{
	char *path;
	int r = getname(upath, false, &path);
	if (r)
		return r;
	uint32_t type = mode & S_IFMT;
	mode = (mode & S_IALLUGO & ~current_umask()) | (type ? type : S_IFREG);
	r = vfs_mknodat(dirfd, path, mode, dev);
	putname(path);
	return r;
}

SYSCALL_DEFINE3(mknod, const char __user *, path, uint32_t, mode, unsigned int, dev)
{
	if (S_ISDIR(mode))
		return -EPERM;
	return mknod_user(AT_FDCWD, path, mode, dev);
}

SYSCALL_DEFINE4(mknodat, int, dirfd, const char __user *, path, uint32_t, mode,
	unsigned int, dev)
{
	if (S_ISDIR(mode))
		return -EPERM;
	return mknod_user(dirfd, path, mode, dev);
}

SYSCALL_DEFINE2(mkdir, const char __user *, path, uint32_t, mode)
{
	return mknod_user(AT_FDCWD, path, S_IFDIR | (mode & 07777), 0);
}

SYSCALL_DEFINE3(mkdirat, int, dirfd, const char __user *, path, uint32_t, mode)
{
	return mknod_user(dirfd, path, S_IFDIR | (mode & 07777), 0);
}

static long symlink_user(const char __user *utarget, int dirfd, const char __user *upath)
{
	char *target, *path;
	int r = getname(utarget, false, &target);
	if (r)
		return r;
	r = getname(upath, false, &path);
	if (!r) {
		r = vfs_symlinkat(target, dirfd, path);
		putname(path);
	}
	putname(target);
	return r;
}

SYSCALL_DEFINE2(symlink, const char __user *, target, const char __user *, path)
{
	return symlink_user(target, AT_FDCWD, path);
}

SYSCALL_DEFINE3(symlinkat, const char __user *, target, int, dirfd, const char __user *, path)
{
	return symlink_user(target, dirfd, path);
}

/* Two user paths for link and rename (the first may be empty with AT_EMPTY_PATH). */
static int getname_pair(const char __user *a, bool a_empty_ok, const char __user *b, char **ka,
			char **kb)
{
	int r = getname(a, a_empty_ok, ka);
	if (r)
		return r;
	r = getname(b, false, kb);
	if (r)
		putname(*ka);
	return r;
}

static long link_user(int olddirfd, const char __user *oldpath, int newdirfd,
		      const char __user *newpath, int flags)
{
	char *o, *n;
	int r = getname_pair(oldpath, flags & AT_EMPTY_PATH, newpath, &o, &n);
	if (r)
		return r;
	r = vfs_linkat(olddirfd, o, newdirfd, n, flags);
	putname(o);
	putname(n);
	return r;
}

SYSCALL_DEFINE2(link, const char __user *, oldpath, const char __user *, newpath)
{
	return link_user(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

SYSCALL_DEFINE5(linkat, int, olddirfd, const char __user *, oldpath, int, newdirfd,
	const char __user *, newpath, int, flags)
{
	return link_user(olddirfd, oldpath, newdirfd, newpath, flags);
}

static long unlink_user(int dirfd, const char __user *upath, bool rmdir)
{
	char *path;
	int r = getname(upath, false, &path);
	if (r)
		return r;
	r = vfs_unlinkat(dirfd, path, rmdir);
	putname(path);
	return r;
}

SYSCALL_DEFINE1(unlink, const char __user *, path)
{
	return unlink_user(AT_FDCWD, path, false);
}

SYSCALL_DEFINE1(rmdir, const char __user *, path)
{
	return unlink_user(AT_FDCWD, path, true);
}

SYSCALL_DEFINE3(unlinkat, int, dirfd, const char __user *, path, int, flags)
{
	if (flags & ~AT_REMOVEDIR)
		return -EINVAL;
	return unlink_user(dirfd, path, flags & AT_REMOVEDIR);
}

static long rename_user(int olddirfd, const char __user *oldpath, int newdirfd,
			const char __user *newpath, unsigned flags)
{
	char *o, *n;
	int r = getname_pair(oldpath, false, newpath, &o, &n);
	if (r)
		return r;
	r = vfs_renameat2(olddirfd, o, newdirfd, n, flags);
	putname(o);
	putname(n);
	return r;
}

SYSCALL_DEFINE2(rename, const char __user *, oldpath, const char __user *, newpath)
{
	return rename_user(AT_FDCWD, oldpath, AT_FDCWD, newpath, 0);
}

SYSCALL_DEFINE4(renameat, int, olddirfd, const char __user *, oldpath, int, newdirfd,
	const char __user *, newpath)
{
	return rename_user(olddirfd, oldpath, newdirfd, newpath, 0);
}

SYSCALL_DEFINE5(renameat2, int, olddirfd, const char __user *, oldpath, int, newdirfd,
	const char __user *, newpath, unsigned int, flags)
{
	return rename_user(olddirfd, oldpath, newdirfd, newpath, flags);
}

static long readlink_user(int dirfd, const char __user *upath, char __user *buf, int size)
{
	if (size <= 0)
		return -EINVAL;
	struct path p;
	int r = user_path_lookup_at(dirfd, upath, dirfd != AT_FDCWD ? LOOKUP_EMPTY : 0, &p);
	if (r)
		return r;
	struct inode *inode = p.dentry->inode;
	long n = -EINVAL;
	char *k = NULL;
	if (S_ISLNK(inode->mode) && inode->iops && inode->iops->readlink) {
		size_t want = (size_t)size < PATH_MAX ? (size_t)size : PATH_MAX;
		k = kmalloc(want);
		n = k ? inode->iops->readlink(p.dentry, k, want) : -ENOMEM;
	}
	if (n > 0 && copy_to_user(buf, k, (size_t)n))
		n = -EFAULT;
	kfree(k);
	path_put(&p);
	return n;
}

SYSCALL_DEFINE3(readlink, const char __user *, path, char __user *, buf, int, size)
{
	return readlink_user(AT_FDCWD, path, buf, size);
}

SYSCALL_DEFINE4(readlinkat, int, dirfd, const char __user *, path, char __user *, buf,
	int, size)
{
	return readlink_user(dirfd, path, buf, size);
}
