/* The VFS operations behind the name-space system calls, on kernel strings, so that the boot
 * code (initramfs unpacking, /dev) and the system calls share them. Modes are final (the
 * caller applied the umask). Each returns 0 or -errno as the matching system call would. */
#ifndef FS_VFS_OPS_H
#define FS_VFS_OPS_H

#include <fs/vfs.h>

/* mknod (S_IFREG, S_IFCHR, S_IFBLK, S_IFIFO, S_IFSOCK in mode) and mkdir (S_IFDIR). */
int vfs_mknodat(int dirfd, const char *path, uint32_t mode, uint64_t rdev);
int vfs_symlinkat(const char *target, int dirfd, const char *path);
int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
	       int flags);
int vfs_unlinkat(int dirfd, const char *path, bool rmdir);
int vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		  unsigned flags);
/* O_TMPFILE: a new unnamed regular file in the directory dir (mode final), its path in *out
 * (referenced); linkable unless O_EXCL was given. */
int vfs_tmpfile(const struct path *dir, uint32_t mode, bool linkable, struct path *out);
/* open(2): the new open file in *out. */
int vfs_openat(int dirfd, const char *path, uint32_t flags, uint32_t mode, struct file **out);
/* Change attributes through the file system's setattr (ctime set to now; -EROFS, -EPERM);
 * the caller checked permission. */
int vfs_setattr(const struct path *p, struct iattr *a);
/* truncate / ftruncate / O_TRUNC on a resolved file. */
int vfs_truncate(const struct path *p, int64_t size);
/* mount(2) of a new file system of type fstype on target. */
int vfs_mount(const char *source, const struct path *target, const char *fstype,
	      unsigned long flags, const char *data);
/* The mount a path is on may be written (0) or is read-only (-EROFS): the mount or its super
 * block is read-only. */
int mnt_want_write(const struct mount *mnt);
bool mnt_is_readonly(const struct mount *mnt);
/* A lasting write access for a file opened for writing (-EROFS on a read-only mount): while
 * any is held, the mount cannot be remounted read-only (EBUSY). */
int mnt_get_write(struct mount *mnt);
void mnt_put_write(struct mount *mnt);
/* mount(MS_REMOUNT) of the mount whose root target is: MS_RDONLY on or off for the super block
 * (and this mount), or with MS_BIND for this mount alone. -EINVAL (not a mount's root),
 * -EBUSY (read-only while a file is open for writing). */
int mount_remount(const struct path *target, unsigned long flags);

#endif
