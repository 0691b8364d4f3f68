/* The virtual file system: inodes, directory entries (the dentry cache), super blocks, mounts,
 * open file descriptions, and the operations a file system or device provides. Path lookup is in
 * fs/namei.h, descriptor tables in fs/fdtable.h, poll in fs/poll.h.
 *
 * Model (Linux's): a dentry names an inode in its parent directory; a negative dentry (inode
 * NULL) caches "no such name". File systems marked SB_DCACHE_IS_DIRECTORY (tmpfs, devfs) keep no
 * directory of their own: their positive dentries are pinned by the file system (one extra
 * reference taken with dentry_pin, dropped by dentry_unpin when the name goes away), so the
 * cache *is* the directory and a cache miss means ENOENT. Other file systems (procfs) answer
 * misses through inode_ops.lookup and their dentries are dropped at the last reference.
 *
 * Locking (order: namespace_mutex > inode->lock > dcache_lock > mount_lock > spinlocks of
 * objects such as pipes):
 *  - namespace_mutex serialises every change of a name: create, mkdir, mknod, symlink, link,
 *    unlink, rmdir, rename, mount, umount, and the slow path of a lookup that asks the file
 *    system. Reading the tree needs only dcache_lock.
 *  - dcache_lock (spinlock, IRQs off) guards every dentry's refcount, parent, name, children and
 *    sibling links, the hash table, and dentry->inode.
 *  - inode->lock (mutex) guards the inode's contents and attributes (size, mode, uid, gid, times,
 *    nlink); stat may read them without it (a torn time is harmless).
 *    A page fault on a private file mapping takes it (read_page) inside whatever copy faulted:
 *    when the faulting thread holds another mutex it only tries (mutex_lock_unnested), so two
 *    inode locks are never waited for in an unordered pair.
 *  - file->pos_lock (mutex) serialises read/write/lseek through one open file description, so
 *    the shared offset moves atomically.
 * Nothing sleeps with dcache_lock or mount_lock held. */
#ifndef FS_VFS_H
#define FS_VFS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <lib/list.h>
#include <sched/mutex.h>
#include <uapi/stat.h>
#include <uapi/time.h>
#include <uapi/fcntl.h>
#include <uapi/uio.h>

struct inode;
struct dentry;
struct file;
struct super_block;
struct mount;
struct pipe;
struct poll_table;
struct dir_context;
struct fs_type;
struct file_ops;
struct file_lock_ctx;
struct xattr_set;

extern struct mutex namespace_mutex;
extern struct spinlock dcache_lock;

/* ---- user/kernel transfer buffers ----------------------------------------------------------- */

/* Where a read puts its bytes or a write takes them from: user memory (system calls) or kernel
 * memory (exec, the initramfs unpacker). Advances as data moves. */
struct uio {
	union {
		char __user *ubuf;
		char *kbuf;
	};
	size_t resid; /* bytes still to move */
	bool kernel;
	uint8_t rwf; /* RWF_NOWAIT, RWF_APPEND, RWF_NOAPPEND: preadv2/pwritev2's per-call flags */
};

static inline struct uio uio_user(void __user *buf, size_t len)
{
	return (struct uio){ .ubuf = buf, .resid = len, .kernel = false };
}

static inline struct uio uio_kernel(void *buf, size_t len)
{
	return (struct uio){ .kbuf = buf, .resid = len, .kernel = true };
}

/* Does this transfer not wait (O_NONBLOCK on the file, or RWF_NOWAIT for this call)? Does this
 * write go to the end of the file (O_APPEND unless RWF_NOAPPEND, or RWF_APPEND)? */
static inline bool uio_nonblock(const struct uio *u, uint32_t file_flags)
{
	return (file_flags & O_NONBLOCK) || (u->rwf & RWF_NOWAIT);
}

static inline bool rwf_append(uint8_t rwf, uint32_t file_flags)
{
	return (rwf & RWF_APPEND) || ((file_flags & O_APPEND) && !(rwf & RWF_NOAPPEND));
}

static inline bool uio_append(const struct uio *u, uint32_t file_flags)
{
	return rwf_append(u->rwf, file_flags);
}

/* Move n bytes (n <= resid) from src into the buffer / from the buffer into dst, advancing it.
 * 0 or -EFAULT (nothing moved). */
int uio_copy_out(struct uio *u, const void *src, size_t n);
int uio_copy_in(struct uio *u, void *dst, size_t n);
/* Fill n bytes of the buffer with zeros (a hole of a sparse file). 0 or -EFAULT. */
int uio_zero(struct uio *u, size_t n);

/* ---- inodes --------------------------------------------------------------------------------- */

/* Attribute changes for inode_ops.setattr (chmod, chown, utimensat, truncate). */
#define ATTR_MODE 0x1u
#define ATTR_UID 0x2u
#define ATTR_GID 0x4u
#define ATTR_SIZE 0x8u
#define ATTR_ATIME 0x10u
#define ATTR_MTIME 0x20u
#define ATTR_CTIME 0x40u

struct iattr {
	uint32_t valid; /* ATTR_* */
	uint32_t mode; /* permission bits only (S_IALLUGO) */
	uint32_t uid, gid;
	int64_t size;
	struct linux_timespec atime, mtime, ctime;
};

struct inode_ops {
	/* Answer a cache miss: fill the negative dentry d (its name in dir) with d_instantiate, or
	 * leave it negative (return 0 either way; -errno on failure). Not used on
	 * SB_DCACHE_IS_DIRECTORY file systems. namespace_mutex held. */
	int (*lookup)(struct inode *dir, struct dentry *d);
	/* Is the cached positive child d of this directory still what the name means (Linux's
	 * d_revalidate)? False: the VFS unhashes d and asks lookup again. NULL: always. Not used
	 * on SB_DCACHE_IS_DIRECTORY file systems; called with no lock held. */
	bool (*revalidate)(struct dentry *d);
	/* Make a new object named by the negative dentry d in dir and instantiate d. The VFS has
	 * checked permissions and that the name is free; mode carries the type bits (S_IFREG for
	 * create, S_IFDIR for mkdir, S_IFCHR/S_IFBLK/S_IFIFO/S_IFSOCK for mknod) and the
	 * permission bits after umask; owner = the caller's fsuid/fsgid. namespace_mutex held. */
	int (*create)(struct inode *dir, struct dentry *d, uint32_t mode, uint64_t rdev);
	int (*symlink)(struct inode *dir, struct dentry *d, const char *target);
	/* O_TMPFILE: a new regular file (mode as for create) with no name and no link, in *out
	 * (referenced). namespace_mutex and dir->lock held. */
	int (*tmpfile)(struct inode *dir, uint32_t mode, struct inode **out);
	/* A new name d (negative, in dir) for the inode of old. */
	int (*link)(struct dentry *old, struct inode *dir, struct dentry *d);
	/* Remove the name d (a non-directory / an empty directory: the VFS checked). */
	int (*unlink)(struct inode *dir, struct dentry *d);
	int (*rmdir)(struct inode *dir, struct dentry *d);
	/* Move od (in odir) to the name nd (in ndir, negative, or positive and to be replaced: the
	 * VFS checked type compatibility and emptiness). The VFS moves the dentries afterwards.
	 * With RENAME_EXCHANGE both exist and trade places (the VFS swaps the dentries). */
	int (*rename)(struct inode *odir, struct dentry *od, struct inode *ndir, struct dentry *nd,
		      unsigned flags);
	/* A symlink's target into buf (kernel memory, size bytes, not NUL-terminated): the length,
	 * or -errno. For procfs's magic links, see get_link. */
	long (*readlink)(struct dentry *d, char *buf, size_t size);
	/* procfs's /proc/<pid>/{exe,cwd,fd/N}: the link resolves to this path (referenced) instead
	 * of being parsed. NULL for ordinary symlinks. */
	int (*get_link)(struct dentry *d, struct mount **mnt, struct dentry **target);
	/* Change attributes (the VFS checked permission; inode->lock held): size changes
	 * truncate or extend. */
	int (*setattr)(struct dentry *d, const struct iattr *a);
};

struct inotify_watch;
struct inode {
	uint64_t ino;
	uint32_t mode; /* type and permission bits (st_mode) */
	uint32_t uid, gid;
	uint32_t nlink;
	int64_t size;
	uint64_t blocks; /* 512-byte units in use */
	uint64_t rdev; /* device number (MKDEV) of a character or block device */
	struct linux_timespec atime, mtime, ctime;
	struct mutex lock; /* see the locking note at the top */

	struct super_block *sb;
	const struct inode_ops *iops;
	const struct file_ops *fops; /* for an open of this inode (devices: chrdev table) */
	void *priv; /* the file system's */
	/* The pipe of a FIFO or anonymous-pipe inode while any end is open, else NULL; guarded by
	 * ipc/pipe.c's fifo_lock. */
	struct pipe *pipe;
	/* Its advisory locks (fs/locks.h), made at the first lock: published once under
	 * file_lock_lock, read without it as a hint; freed with the inode. */
	struct file_lock_ctx *flctx;
	/* Open files of it that may write / that only read (leases' conflict checks); atomic. */
	int open_writers, open_readers;
	/* Extended attributes (fs/xattr_store.h) of a SB_XATTR file system, NULL while there are
	 * none; guarded by lock. */
	struct xattr_set *xattrs;
	/* An O_TMPFILE file made without O_EXCL that linkat has not named yet: the one inode with
	 * no link that may get one. Guarded by namespace_mutex. */
	bool linkable;

	int refcount; /* dentries and files referring to it; atomic */
	/* Atomic, as Linux's i_writecount: > 0 the regular file's open descriptions for writing,
	 * < 0 the programs executing it (exec, /proc/<pid>/exe holders); the two exclude each
	 * other with ETXTBSY (bug etxtbsy_ignored). */
	int writecount;
	/* inotify watches on it (fs/inotify.c), a chain guarded by inotify_lock; NULL: none. A
	 * watch holds a reference. */
	struct inotify_watch *inotify_watches;
};

/* A fresh inode of sb (refcount 1, inode number allocated, times now, mutex ready). NULL when
 * out of memory. */
struct inode *inode_alloc(struct super_block *sb, uint32_t mode);
void inode_get(struct inode *inode);
/* Drop a reference; the last one calls sb->ops->evict (which frees the file system's data)
 * and frees the inode. */
void inode_put(struct inode *inode);
/* Set atime/mtime/ctime to now (the ones named by ATTR_* bits). inode->lock held or the
 * inode not yet visible. */
void inode_touch(struct inode *inode, uint32_t which);
/* Permission check for the calling process: mask of MAY_READ/WRITE/EXEC. 0 or -EACCES. Root
 * passes every check except exec of a file with no execute bit at all. */
#define MAY_EXEC 1
#define MAY_WRITE 2
#define MAY_READ 4
int inode_permission(const struct inode *inode, int mask);
/* ETXTBSY (writecount): get/put a writer (fails while the file is executed); deny/allow
 * writers for an executing program (fails while the file is open for writing). */
int inode_get_write_access(struct inode *inode);
void inode_put_write_access(struct inode *inode);
int inode_deny_write_access(struct inode *inode);
void inode_allow_write_access(struct inode *inode);
/* The calling process is the owner or root (chmod, utimensat with times). */
bool inode_owner_or_root(const struct inode *inode);
/* The calling process's effective uid and gid (root for kernel threads). */
void current_fsids(uint32_t *uid, uint32_t *gid);
/* Apply the mode/uid/gid/time parts of a to inode (what a file system's setattr does after
 * handling ATTR_SIZE). inode->lock held. */
void setattr_copy(struct inode *inode, const struct iattr *a);
uint8_t inode_dtype(const struct inode *inode); /* DT_* for getdents */

/* ---- dentries ------------------------------------------------------------------------------- */

#define DENTRY_INLINE_NAME 40

struct dentry {
	int refcount; /* dcache_lock */
	uint32_t name_len;
	uint32_t hash;
	char *name; /* NUL-terminated; points at iname for short names */
	char iname[DENTRY_INLINE_NAME];
	struct dentry *parent; /* holds a reference; the root is its own parent */
	struct inode *inode; /* NULL: negative */
	struct super_block *sb;
	struct list_node children; /* struct dentry.sibling, in creation order */
	struct list_node sibling;
	struct list_node hash_node; /* in the dcache hash table while hashed */
	uint64_t dir_cookie; /* position of this entry in its parent for getdents (> 0) */
	uint64_t next_cookie; /* directory: the cookie the next child gets */
	uint32_t mounted; /* number of mounts on this dentry */
	bool hashed; /* findable by lookup */
	bool pinned; /* the file system holds a reference (dentry_pin) */
	void *priv; /* the file system's */
};

/* Take / drop a reference. dentry_put of an unhashed dentry, or of a dentry of a file system
 * that does not cache, frees it at zero (dropping its inode and parent). NULL is ignored. */
struct dentry *dentry_get(struct dentry *d);
void dentry_put(struct dentry *d);
/* A reference to d's parent, taken under dcache_lock: a rename may move d meanwhile and drop
 * the reference it held on its old parent, so reading d->parent unlocked is not enough. */
struct dentry *dentry_get_parent(struct dentry *d);
/* The same, with d's name copied into buf (*len bytes, not NUL-terminated; 0 when it does not
 * fit in size) and whether d is hashed, all read at once (inotify's event about a child). */
struct dentry *dentry_get_parent_name(struct dentry *d, char *buf, size_t size, uint32_t *len,
				      bool *hashed);
/* Find the child `name` of parent in the cache (referenced), or NULL. */
struct dentry *dcache_lookup(struct dentry *parent, const char *name, size_t len);
/* A new hashed negative child of parent named name (referenced). NULL on ENOMEM. */
struct dentry *dentry_alloc(struct dentry *parent, const char *name, size_t len);
/* An unnamed child of parent holding inode (the reference passes to it), for an O_TMPFILE
 * file: neither hashed nor among parent's children, so no lookup or getdents finds it. NULL on
 * ENOMEM (inode then released). */
struct dentry *dentry_alloc_unnamed(struct dentry *parent, const char *name, size_t len,
				    struct inode *inode);
/* A root dentry for sb with inode (takes over the reference to inode). */
struct dentry *dentry_alloc_root(struct super_block *sb, struct inode *inode);
/* Attach inode (the caller's reference passes to the dentry) to a negative dentry. */
void d_instantiate(struct dentry *d, struct inode *inode);
/* SB_DCACHE_IS_DIRECTORY file systems: keep d alive while it names something / let it go. */
void dentry_pin(struct dentry *d);
void dentry_unpin(struct dentry *d);
/* Make d unfindable (after unlink/rmdir): later lookups miss; open files keep working. */
void dentry_unhash(struct dentry *d);
/* Does the directory d have positive children in the cache? (rmdir's ENOTEMPTY check for
 * SB_DCACHE_IS_DIRECTORY file systems.) */
bool dentry_has_children(struct dentry *d);
/* Move d to be named nd's name in nd's parent (rename); nd is unhashed. namespace_mutex. */
void dentry_move(struct dentry *d, struct dentry *nd);
/* Swap the names and parents of a and b (RENAME_EXCHANGE). namespace_mutex held. */
void dentry_exchange(struct dentry *a, struct dentry *b);

/* getdents over the cache (SB_DCACHE_IS_DIRECTORY file systems): emits ".", ".." and the
 * positive children in order of creation; the file position is the cookie of the last entry
 * returned. Usable as file_ops.iterate. */
int dcache_readdir(struct file *f, struct dir_context *ctx);

/* ---- super blocks, file system types and mounts -------------------------------------------- */

#define SB_DCACHE_IS_DIRECTORY 0x1u /* tmpfs-like: see the top of this file */
#define SB_RDONLY 0x2u /* set and cleared by remount under mount_lock; read lock-free */
#define SB_XATTR 0x4u /* keeps extended attributes in memory (fs/xattr_store.h) */
#define SB_DIR_SIZE 0x8u /* stat reports directories' sizes (ext2: their blocks), not 0 */

struct super_ops {
	/* Free the file system's part of an inode whose last reference went (may be NULL). */
	void (*evict)(struct inode *inode);
	/* statfs: fill f_type, f_bsize, f_blocks, f_bfree, f_bavail, f_files, f_ffree, f_namelen. */
	int (*statfs)(struct super_block *sb, struct linux_statfs *st);
	/* The last mount went away: free the file system (may be NULL). */
	void (*kill)(struct super_block *sb);
	/* syncfs: write everything back (NULL: kept in memory, nothing to write). */
	int (*sync_fs)(struct super_block *sb);
};

struct super_block {
	const struct fs_type *type;
	const struct super_ops *ops;
	uint32_t flags; /* SB_* */
	uint32_t magic; /* statfs f_type */
	uint64_t dev; /* st_dev */
	uint32_t blksize; /* st_blksize (a disk file system's block size); 0: the page size */
	struct dentry *root;
	void *priv; /* the file system's */
};

struct fs_type {
	const char *name; /* as mount(2) and /proc/filesystems name it */
	bool nodev; /* no backing device ("nodev" in /proc/filesystems) */
	/* A new super block with its root dentry (flags MS_*, data the option string or NULL). */
	int (*mount)(const char *source, unsigned long flags, const char *data,
		     struct super_block **out);
	struct list_node node;
};

/* Register a file system type (at boot). */
void fs_type_register(struct fs_type *t);
const struct fs_type *fs_type_find(const char *name);
/* Iterate the registered types (for /proc/filesystems): fn returns false to stop. */
void fs_type_for_each(bool (*fn)(const struct fs_type *t, void *ctx), void *ctx);
/* A new super block with sb->dev allocated (an anonymous device number). NULL on ENOMEM. */
struct super_block *sb_alloc(const struct fs_type *type, const struct super_ops *ops,
			     uint32_t flags, uint32_t magic);
/* Give a new sb the root dentry of root (NULL: making the inode failed): 0, or -ENOMEM with
 * root put and sb freed. */
int sb_attach_root(struct super_block *sb, struct inode *root);

struct mount {
	struct super_block *sb;
	struct dentry *root; /* root of the mounted tree (sb->root) */
	struct mount *parent; /* the mount it sits on; the root mount is its own parent */
	struct dentry *mountpoint; /* in parent (referenced) */
	char source[64]; /* as given to mount(2), for /proc/mounts */
	unsigned long flags; /* MS_*; changed under mount_lock (remount), read lock-free */
	int refcount; /* mount_lock: open files, cwds and child mounts */
	int writers; /* mount_lock: files open for writing through it (mnt_get_write) */
	int id; /* fixed: /proc/<pid>/mountinfo's mount ID */
	struct list_node node; /* in the mount list, in mount order */
};

struct path {
	struct mount *mnt;
	struct dentry *dentry;
};

static inline bool path_equal(const struct path *a, const struct path *b)
{
	return a->mnt == b->mnt && a->dentry == b->dentry;
}

extern struct spinlock mount_lock;

void mount_get(struct mount *m);
void path_get(const struct path *p);
void path_put(const struct path *p);
/* The mount sitting on (mnt, d) (referenced), or NULL. */
struct mount *mount_lookup(struct mount *mnt, struct dentry *d);
/* Mount sb on target (a directory; NULL: sb becomes the root of the name space), the mount
 * in *out (may be NULL). namespace_mutex held. 0, -ENOMEM, -ENOTDIR. */
int mount_attach(struct super_block *sb, const struct path *target, const char *source,
		 unsigned long flags, struct mount **out);
/* Take m off the tree (umount): -EBUSY while anything but the caller's lookup reference uses
 * it, unless lazy (MNT_DETACH: it goes when the last user lets go). namespace_mutex held. */
int mount_detach(struct mount *m, bool lazy);
/* Iterate mounts in order (for /proc/mounts): fn returns false to stop. mount_lock held:
 * fn must not sleep. */
void mount_for_each(bool (*fn)(struct mount *m, void *ctx), void *ctx);
/* The path of (mnt, d) as seen from root, into buf (NUL-terminated): its length, or
 * -ENAMETOOLONG. Unlinked files get " (deleted)" appended, as on Linux. */
long path_to_string(const struct path *p, const struct path *root, char *buf, size_t size);
/* Is p the directory anc or below it (in the tree as it is, across mounts)? The parents are
 * walked under dcache_lock, which every rename holds while it moves a dentry, so the answer is
 * true of one instant of the tree: no rename can be half-seen. */
bool path_is_beneath(const struct path *p, const struct path *anc);

/* ---- open files ----------------------------------------------------------------------------- */

/* getdents: the file system calls ctx->emit for each entry; emit returns false when the
 * buffer is full (stop, and do not advance the position past that entry). */
struct dir_context {
	bool (*emit)(struct dir_context *ctx, const char *name, size_t len, uint64_t ino,
		     uint8_t dtype, int64_t next_pos);
	int64_t pos; /* where to resume: set from file->pos, advanced by the file system */
};

struct file_ops {
	/* Called by open after the file is set up (may replace f->ops, set f->priv). */
	int (*open)(struct inode *inode, struct file *f);
	/* Bytes moved, 0 at end of file, -EAGAIN (O_NONBLOCK), -EINTR/-ERESTARTSYS, -errno. *pos
	 * is the file position to use and advance (NULL for streams that have none). */
	long (*read)(struct file *f, struct uio *u, int64_t *pos);
	long (*write)(struct file *f, struct uio *u, int64_t *pos);
	/* NULL: generic_llseek (SEEK_SET/CUR/END against inode->size). */
	int64_t (*llseek)(struct file *f, int64_t off, int whence);
	int (*iterate)(struct file *f, struct dir_context *ctx);
	long (*ioctl)(struct file *f, unsigned int cmd, uint64_t arg);
	/* Readiness (POLLIN...); with pt non-NULL also register for wake-ups (fs/poll.h). NULL:
	 * always readable and writable. */
	uint32_t (*poll)(struct file *f, struct poll_table *pt);
	int (*fsync)(struct file *f);
	/* Copy page `index` of the file into page (a whole page; bytes beyond the end of the file
	 * zeroed) for a private mapping: 0, -ENXIO when the page lies wholly beyond the end, or
	 * -errno. May sleep; called with no spinlock held, but perhaps with inode->lock (a read or
	 * write of this file faulting on its own mapping) or another mutex (a copy of another
	 * file: then it must not sleep on a mutex, see mutex_lock_unnested). NULL: the file
	 * cannot be mapped (ENODEV). */
	int (*read_page)(struct file *f, uint64_t index, void *page);
	/* The frame of page `index` for a shared mapping (MAP_SHARED), with a page_ref reference
	 * for the mapping's page-table entry: 0, -ENXIO (beyond the end, or no space for a hole's
	 * page) or -errno; called like read_page. Truncation leaves a mapped page to its mappings
	 * until they let go (Linux unmaps it: SIGBUS); never freed under them. NULL: no shared
	 * mappings (ENODEV). */
	int (*map_page)(struct file *f, uint64_t index, uint64_t *pa);
	/* fallocate(2) on a regular file, mode checked by the VFS (FALLOC_FL_*): 0 or -errno
	 * (-EOPNOTSUPP for a mode it lacks). NULL: EOPNOTSUPP. */
	int (*fallocate)(struct file *f, int mode, int64_t off, int64_t len);
	/* /proc/<pid>/fdinfo/<fd>: the file's own lines after the common ones, into buf (size
	 * bytes, as ksnprintf): their length. NULL: none. */
	long (*fdinfo)(struct file *f, char *buf, size_t size);
	/* O_ASYNC was set (on) or cleared on f through descriptor fd (F_SETFL), or f is being
	 * released with it set (fd -1, off): put f on / take it off the object's fasync list
	 * (fs/fown.h). 0 or -errno. NULL: O_ASYNC raises no signal on this file. */
	int (*fasync)(struct file *f, int fd, bool on);
	/* The last reference to the open file description went away. */
	void (*release)(struct file *f);
};

/* Who gets a file's signals (SIGIO, leases) and which signal: fs/fown.h. */
struct file_owner {
	int type; /* F_OWNER_TID, F_OWNER_PID or F_OWNER_PGRP */
	int pid; /* 0: nobody */
	int signum; /* F_SETSIG: 0 means SIGIO without details */
	uint32_t uid, euid; /* of the process that set it (the permission to signal) */
};

struct file {
	int refcount; /* atomic: fd table slots and in-kernel users */
	uint32_t flags; /* O_ACCMODE bits and status flags (O_APPEND, O_NONBLOCK, ...) */
	uint8_t mode; /* FMODE_READ | FMODE_WRITE, from the access mode */
	struct path path; /* referenced (mnt NULL for pipes and other anonymous files) */
	struct inode *inode; /* referenced */
	const struct file_ops *ops;
	struct mutex pos_lock;
	int64_t pos;
	void *priv; /* the file system's or driver's */
	struct file_owner owner; /* F_SETOWN/F_SETSIG (fs/fown.h); fown_lock */
	struct file *release_next; /* on thread->release_later, once unreferenced */
	/* The epoll interests watching this file (fs/epoll.h), guarded by epoll's global mutex;
	 * the last reference's release removes them. */
	struct list_node epoll_links;
	bool mnt_writer; /* holds a write access to path.mnt (mnt_get_write), dropped at release */
};

#define FMODE_READ 1
#define FMODE_WRITE 2

/* A new open file description for inode at path (path may be NULL for anonymous files); both
 * are referenced by the file from now on (the caller gives its references, which are dropped on
 * failure). flags as open(2)'s; runs ops->open. 0 with *out, or -errno. */
/* fs.file-max (/proc/sys): the open file descriptions non-root callers may bring the system
 * to (ENFILE past it; root is exempt, as Linux's CAP_SYS_ADMIN). Set at boot from memory as
 * Linux does (a tenth of it in KiB, at least FILES_MIN). Atomic. */
#define FILES_MIN 8192 /* Linux's NR_FILE */
extern int sysctl_file_max;
/* Open file descriptions that exist now (fs.file-nr). */
long files_count(void);
void files_init(void); /* boot: sysctl_file_max's default */
int file_alloc(const struct path *path, struct inode *inode, uint32_t flags,
	       const struct file_ops *ops, struct file **out);
/* An anonymous file (pipes, endpoints): a fresh inode of the anonymous super block with mode
 * (S_IFIFO | 0600 for pipes), priv set before ops->open runs. 0 with *out, or -errno. */
int file_alloc_anon(uint32_t mode, uint32_t flags, const struct file_ops *ops, void *priv,
		    struct file **out);
/* An anonymous object's descriptor (eventfd, epoll, timerfd, signalfd: Linux's anon_inode,
 * mode 0600 without a file type): a new file with ops and priv (a kmalloc'd object that the file
 * owns from now on: kfree'd here when no file could be made, else ops->release frees it),
 * installed in the lowest free slot. flags are open(2)'s (O_RDWR | O_NONBLOCK...). The fd, or
 * -ENOMEM / -EMFILE. */
int anon_fd_create(const struct file_ops *ops, void *priv, uint32_t flags, bool cloexec);
/* Another anonymous file on sibling's inode (the second end of a pipe: one inode, as Linux). */
int file_alloc_sibling(const struct file *sibling, uint32_t flags, const struct file_ops *ops,
		       void *priv, struct file **out);
/* A path to an anonymous file's inode (referenced: path_put it), for following procfs's
 * /proc/<pid>/fd/<n> link of a pipe as Linux does (open makes a new end, stat sees the FIFO):
 * a dentry of its own on an internal mount of the anonymous super block, never in the name
 * space. 0 or -ENOMEM. */
int file_anon_path(const struct file *f, struct path *out);
void file_get(struct file *f);
void file_put(struct file *f);

/* read/write on an open file (permission FMODE_* and O_APPEND handled here). */
long vfs_read(struct file *f, struct uio *u, int64_t *pos);
long vfs_write(struct file *f, struct uio *u, int64_t *pos);
/* RLIMIT_FSIZE for a write of len bytes at pos (the end under O_APPEND or RWF_APPEND: rwf is
 * the call's RWF_* flags) of a regular file: the bytes it may write, or -EFBIG with SIGXFSZ
 * sent when none (vfs_write cuts each write to it; writev asks once for its total, as Linux,
 * so that a limit between two vectors is a short write, not a signal). Other files: len. */
int64_t vfs_write_allowance(struct file *f, int64_t pos, size_t len, uint8_t rwf);
int64_t generic_llseek(struct file *f, int64_t off, int whence);
/* Linux's noop_fsync: a file kept in memory has nothing to write back (tmpfs). */
int noop_fsync(struct file *f);
/* Linux's noop_llseek: the position stays, and is returned (anonymous objects). */
int64_t noop_llseek(struct file *f, int64_t off, int whence);
/* Whole-file helpers for the kernel (exec, initramfs): read at pos into buf. */
long kernel_read(struct file *f, void *buf, size_t len, int64_t pos);
long kernel_write(struct file *f, const void *buf, size_t len, int64_t pos);

/* ---- character devices ---------------------------------------------------------------------- */

/* The file operations of device rdev (MKDEV(major, minor)); open of a S_IFCHR inode uses them.
 * -EBUSY when taken. */
int chrdev_register(uint64_t rdev, const struct file_ops *ops);
/* The same for count consecutive device numbers from first (the pty slaves' majors 136..:
 * MKDEV's encoding keeps minors 0..255 of consecutive majors consecutive). */
int chrdev_register_range(uint64_t first, uint32_t count, const struct file_ops *ops);
const struct file_ops *chrdev_lookup(uint64_t rdev);

/* ---- boot ----------------------------------------------------------------------------------- */

/* Mount the root tmpfs, unpack the initramfs into it, mount devfs on /dev and procfs on
 * /proc. Called once from kernel_main before init starts. */
void vfs_init(uint64_t initramfs_phys, uint64_t initramfs_size);
/* The root of the name space (init's root and cwd). */
void vfs_root(struct path *out);

#endif
