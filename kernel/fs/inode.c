/* Inodes: allocation with unique numbers, reference counting, times, and the permission check
 * every open, exec, lookup and directory change goes through (owner/group/other bits against
 * the caller's effective ids; root passes all but exec of a non-executable file). */
#include <fs/vfs.h>
#include <fs/locks.h>
#include <fs/xattr_store.h>
#include <core/panic.h>
#include <core/time.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

static uint64_t next_ino = 1; /* atomic */

struct inode *inode_alloc(struct super_block *sb, uint32_t mode)
{
	struct inode *inode = kmalloc(sizeof(*inode));
	if (!inode)
		return NULL;
	inode->ino = __atomic_fetch_add(&next_ino, 1, __ATOMIC_RELAXED);
	inode->mode = mode;
	inode->nlink = 1;
	inode->sb = sb;
	inode->refcount = 1;
	mutex_init(&inode->lock, "inode");
	inode_touch(inode, ATTR_ATIME | ATTR_MTIME | ATTR_CTIME);
	return inode;
}

void inode_get(struct inode *inode)
{
	__atomic_fetch_add(&inode->refcount, 1, __ATOMIC_RELAXED);
}

void inode_put(struct inode *inode)
{
	if (!inode)
		return;
	int left = __atomic_sub_fetch(&inode->refcount, 1, __ATOMIC_ACQ_REL);
	ASSERT(left >= 0);
	if (left)
		return;
	locks_inode_evict(inode);
	if (inode->sb && inode->sb->ops && inode->sb->ops->evict)
		inode->sb->ops->evict(inode);
	xattr_store_free(inode);
	kfree(inode);
}

void inode_touch(struct inode *inode, uint32_t which)
{
	uint64_t now = time_realtime_ns();
	struct linux_timespec ts = { (int64_t)(now / 1000000000), (int64_t)(now % 1000000000) };
	if (which & ATTR_ATIME)
		inode->atime = ts;
	if (which & ATTR_MTIME)
		inode->mtime = ts;
	if (which & ATTR_CTIME)
		inode->ctime = ts;
}

void current_fsids(uint32_t *uid, uint32_t *gid)
{
	struct process *p = process_current();
	if (!p) {
		*uid = *gid = 0;
		return;
	}
	/* Lock-free: a 32-bit id is read whole, and a concurrent setuid by another thread may
	 * land before or after this check either way. */
	*uid = __atomic_load_n(&p->cred.fsuid, __ATOMIC_RELAXED);
	*gid = __atomic_load_n(&p->cred.fsgid, __ATOMIC_RELAXED);
}

int inode_permission(const struct inode *inode, int mask)
{
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	uint32_t mode = inode->mode;
	/* Linux's sb_permission: a read-only file system refuses writes before any other check. */
	if ((mask & MAY_WRITE) && (READ_ONCE(inode->sb->flags) & SB_RDONLY) &&
	    (S_ISREG(mode) || S_ISDIR(mode) || S_ISLNK(mode)))
		return -EROFS;
	uint32_t bits;
	if (uid == inode->uid)
		bits = (mode >> 6) & 7;
	else if (gid == inode->gid || current_in_group(inode->gid))
		bits = (mode >> 3) & 7;
	else
		bits = mode & 7;
	if (!((uint32_t)mask & ~bits))
		return 0;
	/* CAP_DAC_OVERRIDE (root's): anything but executing what nobody may execute
	 * (directories: always searched); CAP_DAC_READ_SEARCH: reading, and searching dirs. */
	bool exec_denied = (mask & MAY_EXEC) && !S_ISDIR(mode) && !(mode & 0111);
	if (!exec_denied && capable(CAP_DAC_OVERRIDE))
		return 0;
	int read_search = MAY_READ | (S_ISDIR(mode) ? MAY_EXEC : 0);
	if (!(mask & ~read_search) && capable(CAP_DAC_READ_SEARCH))
		return 0;
	return -EACCES;
}

/* Move writecount one step by `step` unless it already has the other sign. */
static int writecount_step(struct inode *inode, int step)
{
	int v = __atomic_load_n(&inode->writecount, __ATOMIC_RELAXED);
	do {
		if (step > 0 ? v < 0 : v > 0)
			return -ETXTBSY;
	} while (!__atomic_compare_exchange_n(&inode->writecount, &v, v + step, false,
					      __ATOMIC_ACQ_REL, __ATOMIC_RELAXED));
	return 0;
}

int inode_get_write_access(struct inode *inode)
{
	return writecount_step(inode, 1);
}

void inode_put_write_access(struct inode *inode)
{
	__atomic_fetch_sub(&inode->writecount, 1, __ATOMIC_ACQ_REL);
}

int inode_deny_write_access(struct inode *inode)
{
	return writecount_step(inode, -1);
}

void inode_allow_write_access(struct inode *inode)
{
	__atomic_fetch_add(&inode->writecount, 1, __ATOMIC_ACQ_REL);
}

bool inode_owner_or_root(const struct inode *inode)
{
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	return uid == inode->uid || capable(CAP_FOWNER);
}

uint8_t inode_dtype(const struct inode *inode)
{
	switch (inode->mode & S_IFMT) {
	case S_IFREG: return DT_REG;
	case S_IFDIR: return DT_DIR;
	case S_IFLNK: return DT_LNK;
	case S_IFCHR: return DT_CHR;
	case S_IFBLK: return DT_BLK;
	case S_IFIFO: return DT_FIFO;
	case S_IFSOCK: return DT_SOCK;
	default: return DT_UNKNOWN;
	}
}

void setattr_copy(struct inode *inode, const struct iattr *a)
{
	if (a->valid & ATTR_MODE)
		inode->mode = (inode->mode & S_IFMT) | (a->mode & S_IALLUGO);
	if (a->valid & ATTR_UID)
		inode->uid = a->uid;
	if (a->valid & ATTR_GID)
		inode->gid = a->gid;
	if (a->valid & ATTR_ATIME)
		inode->atime = a->atime;
	if (a->valid & ATTR_MTIME)
		inode->mtime = a->mtime;
	if (a->valid & ATTR_CTIME)
		inode->ctime = a->ctime;
}
