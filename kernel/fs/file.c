/* Open file descriptions: creation (named and anonymous), reference counting, the checked
 * read/write entry points every caller goes through, seeking, and the character-device table
 * that gives device inodes their operations. */
#include <fs/fsnotify.h>
#include <fs/vfs.h>
#include <fs/epoll.h>
#include <fs/fdtable.h>
#include <fs/locks.h>
#include <fs/vfs_ops.h>
#include <core/panic.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/phys.h>
#include <proc/process.h>
#include <sched/thread.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* Flags that only matter at open time and are not kept (F_GETFL does not show them). */
#define OPEN_ONLY_FLAGS (O_CREAT | O_EXCL | O_NOCTTY | O_TRUNC | O_CLOEXEC)

static uint8_t fmode_of(uint32_t flags)
{
	if (flags & O_PATH)
		return 0;
	switch (flags & O_ACCMODE) {
	case O_RDONLY: return FMODE_READ;
	case O_WRONLY: return FMODE_WRITE;
	case O_RDWR: return FMODE_READ | FMODE_WRITE;
	default: return 0; /* 3: Linux's "ioctl only" */
	}
}

/* Keep the inode's counts of writers and read-only opens (leases check them). */
static void open_count(struct inode *inode, uint8_t mode, int delta)
{
	if (mode & FMODE_WRITE)
		__atomic_add_fetch(&inode->open_writers, delta, __ATOMIC_RELAXED);
	else if (mode & FMODE_READ)
		__atomic_add_fetch(&inode->open_readers, delta, __ATOMIC_RELAXED);
}

int sysctl_file_max = FILES_MIN;
static long nr_files; /* atomic: file structs that exist */

long files_count(void)
{
	return __atomic_load_n(&nr_files, __ATOMIC_RELAXED);
}

void files_init(void)
{
	uint64_t kib = phys_total_count() * (PAGE_SIZE / 1024) / 10;
	sysctl_file_max = kib > FILES_MIN ? (kib < INT32_MAX ? (int)kib : INT32_MAX) : FILES_MIN;
}

/* Linux's alloc_empty_file: past fs.file-max only CAP_SYS_ADMIN gets a new file. */
static bool files_over_limit(void)
{
	return files_count() >= __atomic_load_n(&sysctl_file_max, __ATOMIC_RELAXED) &&
	       !capable(CAP_SYS_ADMIN);
}

/* An open description that counts in its regular file's writecount. */
static bool file_is_writer(const struct file *f)
{
	return (f->mode & FMODE_WRITE) && f->inode && S_ISREG(f->inode->mode);
}

static int file_setup(const struct path *path, struct inode *inode, uint32_t flags,
		      const struct file_ops *ops, void *priv, struct file **out)
{
	bool over = files_over_limit();
	struct file *f = over ? NULL : kmalloc(sizeof(*f));
	if (!f) {
		if (path)
			path_put(path);
		inode_put(inode);
		return over ? -ENFILE : -ENOMEM;
	}
	__atomic_fetch_add(&nr_files, 1, __ATOMIC_RELAXED);
	f->refcount = 1;
	/* The open op still sees O_NOCTTY (a terminal's open decides on it); stripped after. */
	f->flags = flags & ~(uint32_t)(OPEN_ONLY_FLAGS & ~O_NOCTTY);
	f->mode = fmode_of(flags);
	if (path)
		f->path = *path;
	f->inode = inode;
	f->ops = ops;
	f->priv = priv;
	mutex_init(&f->pos_lock, "file_pos");
	list_init(&f->epoll_links);
	f->mnt_writer = false;
	if (file_is_writer(f) && inode_get_write_access(inode) < 0) {
		f->mode = 0; /* no write access to give back, nothing counted yet */
		f->ops = NULL;
		file_put(f);
		return -ETXTBSY; /* the file is being executed */
	}
	open_count(inode, f->mode, 1);
	/* A regular file open for writing keeps its mount from going read-only. */
	if (path && path->mnt && file_is_writer(f)) {
		int r = mnt_get_write(path->mnt);
		if (r) {
			f->ops = NULL;
			file_put(f);
			return r;
		}
		f->mnt_writer = true;
	}
	if (ops && ops->open && !(flags & O_PATH)) {
		int r = ops->open(inode, f);
		if (r) {
			f->ops = NULL; /* no release for a file that never opened */
			file_put(f);
			return r;
		}
	}
	f->flags &= ~(uint32_t)O_NOCTTY;
	*out = f;
	return 0;
}

int file_alloc(const struct path *path, struct inode *inode, uint32_t flags,
	       const struct file_ops *ops, struct file **out)
{
	return file_setup(path, inode, flags, ops, NULL, out);
}

/* Anonymous inodes (pipes, endpoints) live in a super block of their own that is never
 * mounted; fstat shows its device number. anon_mnt is the internal mount paths to them use
 * (its reference is never dropped, so it is never freed; it is in no mount list). */
static struct super_block *anon_sb;
static const struct fs_type anon_type = { .name = "anon_inodefs", .nodev = true };
static struct mount anon_mnt = { .parent = &anon_mnt, .refcount = 1 };
#define ANON_FD_MODE 0600 /* Linux's anon_inode: no type bits */

int file_alloc_anon(uint32_t mode, uint32_t flags, const struct file_ops *ops, void *priv,
		    struct file **out)
{
	if (!anon_sb) { /* first use: boot, before user space exists */
		anon_sb = sb_alloc(&anon_type, NULL, 0, 0x09041934 /* ANON_INODE_FS_MAGIC */);
		if (!anon_sb)
			return -ENOMEM;
	}
	struct inode *inode = inode_alloc(anon_sb, mode);
	if (!inode)
		return -ENOMEM;
	struct process *p = process_current();
	if (p) {
		inode->uid = p->cred.fsuid;
		inode->gid = p->cred.fsgid;
	}
	return file_setup(NULL, inode, flags, ops, priv, out);
}

int anon_fd_create(const struct file_ops *ops, void *priv, uint32_t flags, bool cloexec)
{
	struct file *f;
	int r = file_alloc_anon(ANON_FD_MODE, flags, ops, priv, &f);
	if (r) {
		kfree(priv);
		return r;
	}
	return fd_install_or_put(f, cloexec); /* a failure's release frees priv */
}

int file_alloc_sibling(const struct file *sibling, uint32_t flags, const struct file_ops *ops,
		       void *priv, struct file **out)
{
	inode_get(sibling->inode);
	return file_setup(NULL, sibling->inode, flags, ops, priv, out);
}

int file_anon_path(const struct file *f, struct path *out)
{
	ASSERT(f->inode->sb == anon_sb);
	inode_get(f->inode);
	struct dentry *d = dentry_alloc_root(anon_sb, f->inode);
	if (!d) {
		inode_put(f->inode);
		return -ENOMEM;
	}
	anon_mnt.sb = anon_sb;
	mount_get(&anon_mnt);
	*out = (struct path){ &anon_mnt, d };
	return 0;
}

void file_get(struct file *f)
{
	__atomic_fetch_add(&f->refcount, 1, __ATOMIC_RELAXED);
}

static void file_release(struct file *f)
{
	if (!(f->flags & O_PATH))
		fsnotify_file(f, (f->mode & FMODE_WRITE) ? IN_CLOSE_WRITE : IN_CLOSE_NOWRITE);
	if (!list_empty(&f->epoll_links)) /* no one can add one now: no reference is left */
		epoll_file_closed(f);
	locks_remove_file(f); /* its OFD and flock locks, its lease */
	open_count(f->inode, f->mode, -1);
	if (f->mode & (FMODE_READ | FMODE_WRITE))
		fsnotify_unlinked(f->inode); /* an unlinked file's last close: IN_DELETE_SELF */
	if ((f->flags & O_ASYNC) && f->ops && f->ops->fasync)
		f->ops->fasync(f, -1, false);
	if (f->ops && f->ops->release)
		f->ops->release(f);
	if (f->mnt_writer)
		mnt_put_write(f->path.mnt);
	if (file_is_writer(f))
		inode_put_write_access(f->inode);
	if (f->path.dentry)
		path_put(&f->path);
	inode_put(f->inode);
	kfree(f);
	__atomic_fetch_sub(&nr_files, 1, __ATOMIC_RELAXED);
}

/* A release may drop the last reference to other files (an endpoint's queued messages hold
 * files, which may be endpoints with queues of their own...): those wait on the thread's list
 * and the outermost call releases them one after the other, so that a chain of any length
 * takes one kernel stack frame, not one per link. */
void file_put(struct file *f)
{
	int left = __atomic_sub_fetch(&f->refcount, 1, __ATOMIC_ACQ_REL);
	ASSERT(left >= 0);
	if (left)
		return;
	struct thread *t = current_thread();
	if (!t) { /* early boot: nothing nests */
		file_release(f);
		return;
	}
	if (t->releasing) {
		f->release_next = t->release_later;
		t->release_later = f;
		return;
	}
	t->releasing = true;
	file_release(f);
	while ((f = t->release_later)) {
		t->release_later = f->release_next;
		file_release(f);
	}
	t->releasing = false;
}

long vfs_read(struct file *f, struct uio *u, int64_t *pos)
{
	if (!(f->mode & FMODE_READ))
		return -EBADF;
	if (S_ISDIR(f->inode->mode))
		return -EISDIR;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	if (u->resid == 0)
		return 0;
	long r = f->ops->read(f, u, pos);
	if (r > 0)
		fsnotify_file(f, IN_ACCESS);
	return r;
}

int64_t vfs_write_allowance(struct file *f, int64_t pos, size_t len, uint8_t rwf)
{
	if (!S_ISREG(f->inode->mode))
		return (int64_t)MIN(len, (size_t)INT64_MAX);
	int64_t at = rwf_append(rwf, f->flags) ? f->inode->size : pos;
	size_t most = at >= 0 ? (size_t)(INT64_MAX - at) : 0;
	return rlimit_fsize_allow(at, at + (int64_t)MIN(len, most));
}

/* A write's result r, after telling inotify of a write that wrote. */
static long write_notify(struct file *f, long r)
{
	if (r > 0)
		fsnotify_file(f, IN_MODIFY);
	return r;
}

long vfs_write(struct file *f, struct uio *u, int64_t *pos)
{
	if (!(f->mode & FMODE_WRITE))
		return -EBADF;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	if (!S_ISREG(f->inode->mode))
		return write_notify(f, f->ops->write(f, u, pos));
	if (u->resid == 0)
		return 0;
	int64_t allowed = vfs_write_allowance(f, *pos, u->resid, u->rwf);
	if (allowed < 0)
		return allowed;
	size_t cut = u->resid - (size_t)allowed;
	u->resid -= cut;
	long r = f->ops->write(f, u, pos);
	u->resid += cut;
	return write_notify(f, r);
}

int64_t generic_llseek(struct file *f, int64_t off, int whence)
{
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = f->inode->size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		/* The whole file counts as data: the hole is at the end (allowed by lseek(2)). */
		if (off < 0 || off >= f->inode->size)
			return -ENXIO;
		base = 0;
		if (whence == SEEK_HOLE)
			off = f->inode->size;
		break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

long kernel_read(struct file *f, void *buf, size_t len, int64_t pos)
{
	struct uio u = uio_kernel(buf, len);
	size_t done = 0;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	while (u.resid) { /* a file system may return short counts */
		long n = f->ops->read(f, &u, &pos);
		if (n <= 0)
			return done ? (long)done : n;
		done += (size_t)n;
	}
	return (long)done;
}

long kernel_write(struct file *f, const void *buf, size_t len, int64_t pos)
{
	struct uio u = uio_kernel((void *)buf, len);
	size_t done = 0;
	if (!f->ops || !f->ops->write)
		return -EINVAL;
	while (u.resid) {
		long n = f->ops->write(f, &u, &pos);
		if (n <= 0)
			return done ? (long)done : n;
		done += (size_t)n;
	}
	return (long)done;
}

/* ---- character devices: a small table keyed by device number (written at boot) ---------- */

#define CHRDEV_MAX 64

static struct {
	uint64_t rdev; /* the first device number */
	uint32_t count; /* device numbers rdev .. rdev + count - 1 */
	const struct file_ops *ops;
} chrdevs[CHRDEV_MAX];
static int nr_chrdevs;

int chrdev_register_range(uint64_t first, uint32_t count, const struct file_ops *ops)
{
	for (int i = 0; i < nr_chrdevs; i++)
		if (first < chrdevs[i].rdev + chrdevs[i].count && chrdevs[i].rdev < first + count)
			return -EBUSY;
	if (nr_chrdevs == CHRDEV_MAX)
		return -ENOMEM;
	chrdevs[nr_chrdevs].rdev = first;
	chrdevs[nr_chrdevs].count = count;
	chrdevs[nr_chrdevs].ops = ops;
	nr_chrdevs++;
	return 0;
}

int chrdev_register(uint64_t rdev, const struct file_ops *ops)
{
	return chrdev_register_range(rdev, 1, ops);
}

const struct file_ops *chrdev_lookup(uint64_t rdev)
{
	for (int i = 0; i < nr_chrdevs; i++)
		if (rdev >= chrdevs[i].rdev && rdev - chrdevs[i].rdev < chrdevs[i].count)
			return chrdevs[i].ops;
	return NULL;
}
