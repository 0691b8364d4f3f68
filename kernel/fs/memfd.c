/* memfd_create(2) and file seals (see fs/memfd.h). A memfd is an unnamed file (nlink 0) of an
 * internal tmpfs mount that is in no name space, named "memfd:<name>" so that /proc/<pid>/fd
 * shows "/memfd:<name> (deleted)" as Linux does.
 *
 * F_SEAL_WRITE's EBUSY: a writable shared mapping of the file anywhere (a VM_SHARED mapping
 * through a descriptor open for writing, which mprotect may make writable) refuses it. The
 * mappings are found by walking every process's VMAs; a mapping made while that walk runs can
 * slip past it (Linux serializes the two with the file's mapping lock). */
#include <fs/memfd.h>
#include <fs/tmpfs.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <arch/x86_64/usercopy.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <proc/process.h>
#include <sched/mutex.h>
#include <syscall/syscall.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/memfd.h>

#define MFD_KNOWN (MFD_CLOEXEC | MFD_ALLOW_SEALING | MFD_HUGETLB | MFD_NOEXEC_SEAL | MFD_EXEC)
#define MFD_PREFIX "memfd:"

static struct mutex memfd_init_mutex = MUTEX_INIT(memfd_init_mutex, "memfd_init");
static struct mount memfd_mnt = { .parent = &memfd_mnt, .refcount = 1 }; /* never freed */

/* The internal tmpfs, mounted at the first memfd_create. */
static int memfd_mount(void)
{
	int r = 0;
	mutex_lock(&memfd_init_mutex);
	if (!memfd_mnt.sb) {
		const struct fs_type *t = fs_type_find("tmpfs");
		struct super_block *sb = NULL;
		r = t ? t->mount("memfd", 0, NULL, &sb) : -ENODEV;
		if (!r) {
			memfd_mnt.root = dentry_get(sb->root);
			memfd_mnt.mountpoint = dentry_get(sb->root);
			WRITE_ONCE(memfd_mnt.sb, sb);
		}
	}
	mutex_unlock(&memfd_init_mutex);
	return r;
}

static bool is_tmpfs_file(const struct inode *inode)
{
	return S_ISREG(inode->mode) && inode->fops == &tmpfs_file_ops;
}

static uint32_t *seals_of(const struct inode *inode)
{
	return is_tmpfs_file(inode) ? &((struct tmpfs_inode *)inode->priv)->seals : NULL;
}

/* A new unnamed tmpfs file named name with the seals flags call for, opened read-write. */
static int memfd_file(const char *name, unsigned flags, struct file **out)
{
	struct inode *dir = memfd_mnt.root->inode, *inode = NULL;
	mutex_lock(&dir->lock);
	int r = dir->iops->tmpfile(dir, S_IFREG | 0777, &inode);
	mutex_unlock(&dir->lock);
	if (r)
		return r;
	if (flags & MFD_NOEXEC_SEAL)
		inode->mode &= ~0111u;
	uint32_t *seals = seals_of(inode);
	if (flags & (MFD_ALLOW_SEALING | MFD_NOEXEC_SEAL))
		*seals &= ~(uint32_t)F_SEAL_SEAL;
	if (flags & MFD_NOEXEC_SEAL)
		*seals |= F_SEAL_EXEC;
	char full[sizeof(MFD_PREFIX) + MFD_NAME_MAX];
	int len = ksnprintf(full, sizeof(full), MFD_PREFIX "%s", name);
	struct dentry *d = dentry_alloc_unnamed(memfd_mnt.root, full, (size_t)len, inode);
	if (!d)
		return -ENOMEM; /* the inode went with the failure */
	struct path p = { .mnt = &memfd_mnt, .dentry = d };
	mount_get(&memfd_mnt);
	inode_get(inode);
	r = file_alloc(&p, inode, O_RDWR | O_LARGEFILE, inode->fops, out);
	if (r)
		path_put(&p);
	return r;
}

SYSCALL_DEFINE2(memfd_create, const char __user *, uname, unsigned, flags)
{
	if (flags & ~MFD_KNOWN)
		return -EINVAL;
	if ((flags & MFD_HUGETLB) || ((flags & MFD_EXEC) && (flags & MFD_NOEXEC_SEAL)))
		return -EINVAL; /* no huge pages here */
	char name[MFD_NAME_MAX + 1];
	long n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG || n >= (long)sizeof(name))
		return -EINVAL; /* longer than MFD_NAME_MAX */
	if (n < 0)
		return n;
	int r = memfd_mount();
	if (r)
		return r;
	struct file *f;
	r = memfd_file(name, flags, &f);
	return r ? r : fd_install_or_put(f, flags & MFD_CLOEXEC);
}

/* ---- seals ----------------------------------------------------------------------------------- */

struct writable_map_search {
	const struct inode *inode;
	bool found;
};

static void search_process(struct process *p, void *ctx)
{
	struct writable_map_search *s = ctx;
	spin_lock(&p->lock);
	struct mm *mm = p->mm;
	if (mm && !s->found) {
		spin_lock(&mm->lock);
		struct list_node *pos;
		list_for_each(pos, &mm->vmas) {
			struct vma *v = list_entry(pos, struct vma, node);
			if (v->file && v->file->inode == s->inode && (v->flags & VM_SHARED) &&
			    !(v->flags & VM_RDONLY_FILE))
				s->found = true;
		}
		spin_unlock(&mm->lock);
	}
	spin_unlock(&p->lock);
}

/* Is inode mapped shared and writable (or so that mprotect could make it writable)? */
static bool writably_mapped(const struct inode *inode)
{
	struct writable_map_search s = { .inode = inode };
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	process_for_each_locked(search_process, &s);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return s.found;
}

/* Linux's memfd_add_seals, in its order of checks. */
static long add_seals(struct file *f, uint32_t add)
{
	struct inode *inode = f->inode;
	if (!(f->mode & FMODE_WRITE))
		return -EPERM;
	if (add & ~(uint32_t)F_SEAL_ALL)
		return -EINVAL;
	if (!seals_of(inode))
		return -EINVAL;
	mutex_lock(&inode->lock);
	uint32_t *seals = seals_of(inode);
	long r = 0;
	if (*seals & F_SEAL_SEAL)
		r = -EPERM;
	else if ((add & F_SEAL_WRITE) && !(*seals & F_SEAL_WRITE) && writably_mapped(inode))
		r = -EBUSY;
	/* An exec seal on an executable file implies the write seals: W^X from the start. */
	if (!r && (add & F_SEAL_EXEC) && (inode->mode & 0111))
		add |= F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE | F_SEAL_FUTURE_WRITE;
	if (!r)
		*seals |= add;
	mutex_unlock(&inode->lock);
	return r;
}

long memfd_fcntl(struct file *f, unsigned int cmd, uint64_t arg)
{
	if (cmd == F_ADD_SEALS)
		return add_seals(f, (uint32_t)arg);
	if (!seals_of(f->inode))
		return -EINVAL;
	mutex_lock(&f->inode->lock);
	long r = *seals_of(f->inode);
	mutex_unlock(&f->inode->lock);
	return r;
}

int seals_check_write_locked(const struct inode *inode, int64_t pos, size_t len)
{
	uint32_t seals = *seals_of(inode);
	if (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE))
		return -EPERM;
	if ((seals & F_SEAL_GROW) && pos + (int64_t)len > inode->size)
		return -EPERM;
	return 0;
}

int seals_check_setattr_locked(const struct inode *inode, const struct iattr *a)
{
	uint32_t seals = *seals_of(inode);
	if ((a->valid & ATTR_SIZE) && a->size < inode->size && (seals & F_SEAL_SHRINK))
		return -EPERM;
	if ((a->valid & ATTR_SIZE) && a->size > inode->size && (seals & F_SEAL_GROW))
		return -EPERM;
	if ((a->valid & ATTR_MODE) && (seals & F_SEAL_EXEC) && ((a->mode ^ inode->mode) & 0111))
		return -EPERM;
	return 0;
}

int seals_check_fallocate_locked(const struct inode *inode, int mode, int64_t off, int64_t len)
{
	uint32_t seals = *seals_of(inode);
	if ((mode & FALLOC_FL_PUNCH_HOLE) && (seals & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return -EPERM;
	if (!(mode & FALLOC_FL_KEEP_SIZE) && off + len > inode->size && (seals & F_SEAL_GROW))
		return -EPERM;
	return 0;
}

int seals_check_mmap(struct file *f, uint32_t *vm_flags)
{
	uint32_t *seals = seals_of(f->inode);
	if (!seals || !(*vm_flags & VM_SHARED) ||
	    !(READ_ONCE(*seals) & (F_SEAL_WRITE | F_SEAL_FUTURE_WRITE)))
		return 0;
	if (*vm_flags & VM_WRITE)
		return -EPERM;
	*vm_flags |= VM_RDONLY_FILE;
	return 0;
}
