/* mount(2) and umount2(2) for the registered file systems (new mounts, and remounts that
 * make a file system or one mount read-only or writable again; bind mounts and moves are not
 * supported and say so with EINVAL), and the sync family — everything lives in
 * memory, so syncing has nothing to write and succeeds once the descriptor is checked. */
#include <fs/fsnotify.h>
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <fs/ext2/ext2.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>

#define FSTYPE_MAX 64
#define MOUNT_KEEP_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME |          \
			  MS_NODIRATIME | MS_RELATIME | MS_STRICTATIME | MS_LAZYTIME | MS_SILENT | \
			  MS_SYNCHRONOUS | MS_DIRSYNC | MS_MANDLOCK | MS_NOSYMFOLLOW)

static bool is_root(void)
{
	return capable(CAP_SYS_ADMIN);
}

/* Copy an optional user string (NULL stays NULL) into a kmalloc'd buffer of size bytes. */
static int copy_opt_string(const char __user *u, size_t size, char **out)
{
	*out = NULL;
	if (!u)
		return 0;
	char *k = kmalloc(size);
	if (!k)
		return -ENOMEM;
	long n = strncpy_from_user(k, u, size);
	if (n < 0) {
		kfree(k);
		return (int)n == -ENAMETOOLONG && size == PAGE_SIZE ? -EINVAL : (int)n;
	}
	*out = k;
	return 0;
}

int vfs_mount(const char *source, const struct path *target, const char *fstype,
	      unsigned long flags, const char *data)
{
	if ((flags & MS_MGC_MSK) == MS_MGC_VAL)
		flags &= ~(unsigned long)MS_MGC_MSK;
	if (flags & MS_REMOUNT)
		return mount_remount(target, flags);
	if (flags & (MS_BIND | MS_MOVE | MS_REC))
		return -EINVAL; /* not supported */
	if (flags & ~(unsigned long)MOUNT_KEEP_FLAGS)
		return -EINVAL;
	if (!fstype)
		return -EINVAL;
	const struct fs_type *t = fs_type_find(fstype);
	if (!t || !t->mount)
		return -ENODEV;
	if (!S_ISDIR(target->dentry->inode->mode))
		return -ENOTDIR;
	struct super_block *sb;
	int r = t->mount(source, flags, data, &sb);
	if (r)
		return r;
	mutex_lock(&namespace_mutex);
	r = mount_attach(sb, target, source ? source : fstype, flags, NULL);
	mutex_unlock(&namespace_mutex);
	if (r && sb->ops && sb->ops->kill)
		sb->ops->kill(sb);
	return r;
}

static long do_mount(const char *source, const char *fstype, unsigned long flags,
		     const char *data, const char __user *utarget)
{
	struct path target;
	int r = user_path_lookup_at(AT_FDCWD, utarget, LOOKUP_FOLLOW, &target);
	if (r)
		return r;
	r = vfs_mount(source, &target, fstype, flags, data);
	path_put(&target);
	return r;
}

SYSCALL_DEFINE5(mount, const char __user *, usource, const char __user *, utarget,
	const char __user *, ufstype, unsigned long, flags, const void __user *, udata)
{
	if (!is_root())
		return -EPERM;
	char *source, *fstype = NULL, *data = NULL;
	int r = copy_opt_string(usource, PATH_MAX, &source);
	if (!r)
		r = copy_opt_string(ufstype, FSTYPE_MAX, &fstype);
	if (!r)
		r = copy_opt_string(udata, PAGE_SIZE, &data);
	long ret = r ? r : do_mount(source, fstype, flags, data, utarget);
	kfree(source);
	kfree(fstype);
	kfree(data);
	return ret;
}

static bool mounts_sb(struct mount *m, void *ctx)
{
	struct super_block **sb = ctx;
	if (m->sb == *sb)
		*sb = NULL;
	return *sb != NULL;
}

/* The last mount of sb went: its inotify watches get IN_UNMOUNT. */
static void umount_notify(struct super_block *sb)
{
	struct super_block *left = sb;
	mount_for_each(mounts_sb, &left);
	if (left)
		fsnotify_unmount(sb);
}

SYSCALL_DEFINE2(umount2, const char __user *, utarget, int, flags)
{
	if (flags & ~(MNT_FORCE | MNT_DETACH | MNT_EXPIRE | UMOUNT_NOFOLLOW))
		return -EINVAL;
	if ((flags & MNT_EXPIRE) && (flags & (MNT_FORCE | MNT_DETACH)))
		return -EINVAL;
	if (!is_root())
		return -EPERM;
	struct path p;
	int r = user_path_lookup_at(AT_FDCWD, utarget,
				    flags & UMOUNT_NOFOLLOW ? 0 : LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	if (p.dentry != p.mnt->root) {
		r = -EINVAL; /* not a mount point */
	} else {
		mutex_lock(&namespace_mutex);
		r = mount_detach(p.mnt, flags & MNT_DETACH);
		mutex_unlock(&namespace_mutex);
	}
	if (!r)
		umount_notify(p.mnt->sb);
	path_put(&p);
	return r;
}

/* fsync/fdatasync: the file's own fsync (memory file systems have nothing to write and say
 * so with noop_fsync); a file that has none (pipes, sockets, devices, procfs) is EINVAL, as on
 * Linux. */
static long fd_sync(int fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	long r = f->ops && f->ops->fsync ? f->ops->fsync(f) : -EINVAL;
	file_put(f);
	return r;
}

SYSCALL_DEFINE1(fsync, int, fd)
{
	return fd_sync(fd);
}

SYSCALL_DEFINE1(fdatasync, int, fd)
{
	return fd_sync(fd);
}

/* The file system of any descriptor is written back (those kept in memory have no sync_fs). */
SYSCALL_DEFINE1(syncfs, int, fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct super_block *sb = f->inode->sb;
	long r = sb && sb->ops && sb->ops->sync_fs ? sb->ops->sync_fs(sb) : 0;
	file_put(f);
	return r;
}

/* The disk file systems (ext2) are written back; the others live in memory. */
SYSCALL_DEFINE0(sync)
{
	ext2_sync_all();
	return 0;
}
