# The VFS core: transfer buffers, inodes, the dentry cache, mounts, path lookup, open files,
# descriptor tables, per-process root/cwd/umask, name-space operations, boot-time set-up.
KERNEL_OBJS += fs/uio.o fs/inode.o fs/dcache.o fs/mount.o fs/path.o fs/namei.o fs/file.o
KERNEL_OBJS += fs/fdtable.o fs/fs_context.o fs/namei_ops.o fs/vfs_init.o fs/initramfs.o
# tmpfs (the root and /dev): name space and file contents.
KERNEL_OBJS += fs/tmpfs.o fs/tmpfs_data.o
# devpts: the pty slaves' nodes (/dev/pts).
KERNEL_OBJS += fs/devpts.o
# File system calls.
KERNEL_OBJS += fs/open.o fs/read_write.o fs/stat.o fs/attr.o fs/fd_syscalls.o fs/cwd.o
KERNEL_OBJS += fs/getdents.o fs/mount_syscalls.o fs/namei_syscalls.o fs/sys_sysfs.o fs/file_hints.o
# poll, ppoll, select, pselect6 and the poll table files register on (fs/poll.h).
KERNEL_OBJS += fs/poll.o
# Advisory file locks: POSIX, OFD and flock (fs/locks.h), leases, file owners (fs/fown.h).
KERNEL_OBJS += fs/locks.o fs/leases.o fs/fown.o
# Extended attributes: the system calls and the in-memory store of tmpfs inodes.
KERNEL_OBJS += fs/xattr.o fs/xattr_store.o
# The event descriptors: eventfd, epoll (fs/epoll.h), timerfd, signalfd.
KERNEL_OBJS += fs/eventfd.o fs/epoll.o fs/timerfd.o fs/signalfd.o
# inotify and the VFS's event hooks (fs/fsnotify.h).
KERNEL_OBJS += fs/inotify.o
# memfd_create and file seals (fs/memfd.h).
KERNEL_OBJS += fs/memfd.o
# splice, tee, vmsplice (copying through the pipes' rings).
KERNEL_OBJS += fs/splice.o
# fallocate (the file systems' fallocate operation: tmpfs).
KERNEL_OBJS += fs/fallocate.o
