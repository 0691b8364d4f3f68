/* The block-device registry (numbers, names, references, /dev nodes) and synchronous sector I/O
 * with its checks: every request is validated here (alignment, range, read-only) before a
 * driver sees it, and a partition's request is shifted onto its disk. */
#include <block/blkdev.h>
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <mm/kmalloc.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>
#include <uapi/stat.h>

static struct spinlock blkdev_lock = SPINLOCK_INIT("blkdev");
static struct list_node blkdev_list = LIST_HEAD_INIT(blkdev_list); /* blkdev_lock */
static struct mutex blkdev_reg_mutex = MUTEX_INIT(blkdev_reg_mutex, "blkdev_reg");
static bool dev_ready; /* /dev is mounted; blkdev_reg_mutex */


static struct block_device *find_locked(uint64_t rdev, const char *name)
{
	spin_assert_held(&blkdev_lock);
	struct list_node *n;
	list_for_each(n, &blkdev_list) {
		struct block_device *bd = list_entry(n, struct block_device, link);
		if (bd->rdev == rdev || (name && !strcmp(bd->name, name)))
			return bd;
	}
	return NULL;
}

/* /dev/<name>, block special, 0660, group disk. Called with blkdev_reg_mutex. */
static int make_node(struct block_device *bd)
{
	char path[48];
	ksnprintf(path, sizeof(path), "/dev/%s", bd->name);
	int r = vfs_mknodat(AT_FDCWD, path, S_IFBLK | 0660, bd->rdev);
	if (r)
		return r;
	struct path p;
	if (!path_lookup_at(AT_FDCWD, path, 0, &p)) {
		struct iattr a = { .valid = ATTR_UID | ATTR_GID, .uid = 0, .gid = DISK_GID };
		r = vfs_setattr(&p, &a);
		path_put(&p);
	}
	bd->node_made = !r;
	return r;
}

static void remove_node(struct block_device *bd)
{
	char path[48];
	if (!bd->node_made)
		return;
	ksnprintf(path, sizeof(path), "/dev/%s", bd->name);
	int r = vfs_unlinkat(AT_FDCWD, path, false);
	if (r && r != -ENOENT)
		pr_warn("blkdev: cannot remove %s (%d)\n", path, r);
	bd->node_made = false;
}

static bool valid_geometry(const struct block_device *bd)
{
	return (bd->sector_size == 512 || bd->sector_size == 4096) && bd->ops &&
	       bd->ops->transfer && bd->name[0] && !strchr(bd->name, '/') &&
	       bd->nr_sectors <= UINT64_MAX / bd->sector_size;
}

int blkdev_register(struct block_device *bd)
{
	if (!valid_geometry(bd))
		return -EINVAL;
	mutex_init(&bd->rmw_lock, "blkdev_rmw");
	bd->ra_pages = BLKDEV_DEFAULT_RA_PAGES;
	mutex_lock(&blkdev_reg_mutex);
	spin_lock(&blkdev_lock);
	int r = find_locked(bd->rdev, bd->name) ? -EBUSY : 0;
	if (!r) {
		bd->refcount = 1;
		bd->registered = true;
		list_add_tail(&blkdev_list, &bd->link);
	}
	spin_unlock(&blkdev_lock);
	if (!r && dev_ready && (r = make_node(bd))) {
		spin_lock(&blkdev_lock);
		list_remove(&bd->link);
		bd->registered = false;
		spin_unlock(&blkdev_lock);
	}
	mutex_unlock(&blkdev_reg_mutex);
	if (!r)
		pr_info("blkdev: %s (%u:%u) %llu sectors of %u bytes%s\n", bd->name,
			MAJOR(bd->rdev), MINOR(bd->rdev), (unsigned long long)bd->nr_sectors,
			bd->sector_size, bd->read_only ? ", read-only" : "");
	return r;
}

/* The registry's reference goes with the list entry: the caller then drops it. */
static int unregister_locked(struct block_device *bd)
{
	spin_assert_held(&blkdev_lock);
	if (!bd->registered)
		return -EINVAL;
	if (bd->refcount > 1)
		return -EBUSY;
	list_remove(&bd->link);
	bd->registered = false;
	return 0;
}

int blkdev_unregister(struct block_device *bd)
{
	mutex_lock(&blkdev_reg_mutex);
	spin_lock(&blkdev_lock);
	int r = unregister_locked(bd);
	spin_unlock(&blkdev_lock);
	if (!r)
		remove_node(bd);
	mutex_unlock(&blkdev_reg_mutex);
	if (!r)
		blkdev_put(bd);
	return r;
}

struct block_device *blkdev_get(uint64_t rdev)
{
	spin_lock(&blkdev_lock);
	struct block_device *bd = find_locked(rdev, NULL);
	if (bd)
		bd->refcount++;
	spin_unlock(&blkdev_lock);
	return bd;
}

void blkdev_put(struct block_device *bd)
{
	if (!bd)
		return;
	spin_lock(&blkdev_lock);
	bool last = --bd->refcount == 0;
	spin_unlock(&blkdev_lock);
	if (last && bd->release)
		bd->release(bd);
}

int blkdev_lookup_path(const char *path, struct block_device **out)
{
	struct path p;
	int r = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	const struct inode *inode = p.dentry->inode;
	if (!S_ISBLK(inode->mode))
		r = -ENOTBLK;
	else if (p.mnt && (READ_ONCE(p.mnt->flags) & MS_NODEV))
		r = -EACCES; /* as Linux's lookup_bdev on a nodev mount */
	else if (!(*out = blkdev_get(inode->rdev)))
		r = -ENXIO;
	path_put(&p);
	return r;
}

uint64_t blkdev_size_bytes(const struct block_device *bd)
{
	return bd->nr_sectors * bd->sector_size;
}

/* The checks every request passes before a driver sees it. */
static int check_request(const struct block_device *bd, uint64_t off, size_t len, bool write)
{
	uint64_t size = blkdev_size_bytes(bd);
	if (off % bd->sector_size || len % bd->sector_size)
		return -EINVAL;
	if (off > size || len > size - off)
		return -EINVAL;
	if (write && bd->read_only)
		return -EROFS;
	return 0;
}

/* A partition's sectors are its disk's from start_sector on; the range was checked against the
 * partition, which lies inside the disk. */
static int transfer(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
		    bool write)
{
	if (bd->parent)
		return bd->parent->ops->transfer(bd->parent, bd->start_sector + sector, buf, count,
						 write);
	return bd->ops->transfer(bd, sector, buf, count, write);
}

static int blkdev_io(struct block_device *bd, uint64_t off, void *buf, size_t len, bool write)
{
	int r = check_request(bd, off, len, write);
	uint32_t max = BLKDEV_MAX_TRANSFER / bd->sector_size;
	uint64_t sector = off / bd->sector_size;
	size_t left = len / bd->sector_size;
	char *p = buf;
	while (!r && left) {
		uint32_t n = left < max ? (uint32_t)left : max;
		r = transfer(bd, sector, p, n, write);
		if (r)
			r = -EIO; /* a driver's error is an I/O error, whatever it said */
		sector += n;
		left -= n;
		p += (size_t)n * bd->sector_size;
	}
	return r;
}

int blkdev_read(struct block_device *bd, uint64_t off, void *buf, size_t len)
{
	return blkdev_io(bd, off, buf, len, false);
}

int blkdev_write(struct block_device *bd, uint64_t off, const void *buf, size_t len)
{
	return blkdev_io(bd, off, (void *)buf, len, true);
}

int blkdev_flush(struct block_device *bd)
{
	struct block_device *disk = bd->parent ? bd->parent : bd;
	if (!disk->ops->flush)
		return 0;
	return disk->ops->flush(disk) ? -EIO : 0;
}

typedef void (*blkdev_visit_fn)(const struct block_device *bd, void *arg);

static void for_each_partition_locked(const struct block_device *disk, blkdev_visit_fn fn,
				      void *arg)
{
	struct list_node *n;
	for (uint32_t p = 1; p < BLKDEV_MINORS; p++) {
		list_for_each(n, &blkdev_list) {
			struct block_device *bd = list_entry(n, struct block_device, link);
			if (bd->parent == disk && bd->partno == p)
				fn(bd, arg);
		}
	}
}

void blkdev_for_each(void (*fn)(const struct block_device *bd, void *arg), void *arg)
{
	spin_lock(&blkdev_lock);
	struct list_node *n;
	list_for_each(n, &blkdev_list) {
		struct block_device *bd = list_entry(n, struct block_device, link);
		if (!bd->parent) {
			fn(bd, arg);
			for_each_partition_locked(bd, fn, arg);
		}
	}
	spin_unlock(&blkdev_lock);
}

void blkdev_dev_ready(void)
{
	mutex_lock(&blkdev_reg_mutex);
	dev_ready = true;
	/* The list changes only under blkdev_reg_mutex, which is held: walk it unlocked. */
	struct list_node *n;
	list_for_each(n, &blkdev_list) {
		struct block_device *bd = list_entry(n, struct block_device, link);
		int r = make_node(bd);
		if (r)
			pr_err("blkdev: cannot create /dev/%s (%d)\n", bd->name, r);
	}
	mutex_unlock(&blkdev_reg_mutex);
}

/* ---- partitions ----------------------------------------------------------------------------- */

static void partition_release(struct block_device *part)
{
	blkdev_put(part->parent);
	kfree(part);
}

int blkdev_add_partition(struct block_device *disk, uint32_t partno, uint64_t start,
			 uint64_t count)
{
	if (disk->parent || partno == 0 || partno >= BLKDEV_MINORS ||
	    MINOR(disk->rdev) % BLKDEV_MINORS)
		return -EINVAL;
	if (!count || start >= disk->nr_sectors || count > disk->nr_sectors - start)
		return -EINVAL;
	struct block_device *part = kmalloc(sizeof(*part));
	if (!part)
		return -ENOMEM;
	size_t len = strlen(disk->name);
	bool digit = len && disk->name[len - 1] >= '0' && disk->name[len - 1] <= '9';
	ksnprintf(part->name, sizeof(part->name), "%s%s%u", disk->name, digit ? "p" : "", partno);
	part->rdev = disk->rdev + partno; /* minors stay below 256: MKDEV adds them directly */
	part->sector_size = disk->sector_size;
	part->nr_sectors = count;
	part->read_only = disk->read_only;
	part->ops = disk->ops;
	part->start_sector = start;
	part->partno = partno;
	part->release = partition_release;
	spin_lock(&blkdev_lock);
	disk->refcount++;
	spin_unlock(&blkdev_lock);
	part->parent = disk;
	int r = blkdev_register(part);
	if (r)
		partition_release(part);
	return r;
}

/* The partitions of disk, taken off the registry together if none is in use. */
static int unlist_partitions_locked(struct block_device *disk, struct list_node *out)
{
	spin_assert_held(&blkdev_lock);
	struct list_node *n, *tmp;
	list_for_each(n, &blkdev_list) {
		struct block_device *bd = list_entry(n, struct block_device, link);
		if (bd->parent == disk && bd->refcount > 1)
			return -EBUSY;
	}
	list_for_each_safe(n, tmp, &blkdev_list) {
		struct block_device *bd = list_entry(n, struct block_device, link);
		if (bd->parent == disk) {
			list_remove(&bd->link);
			bd->registered = false;
			list_add_tail(out, &bd->link);
		}
	}
	return 0;
}

int blkdev_remove_partitions(struct block_device *disk)
{
	struct list_node gone = LIST_HEAD_INIT(gone);
	mutex_lock(&blkdev_reg_mutex);
	spin_lock(&blkdev_lock);
	int r = unlist_partitions_locked(disk, &gone);
	spin_unlock(&blkdev_lock);
	while (!r && !list_empty(&gone)) {
		struct block_device *bd = list_first(&gone, struct block_device, link);
		list_remove(&bd->link);
		remove_node(bd);
		blkdev_put(bd);
	}
	mutex_unlock(&blkdev_reg_mutex);
	return r;
}

int blkdev_rescan(struct block_device *disk)
{
	if (disk->parent)
		return -EINVAL;
	int r = blkdev_remove_partitions(disk);
	if (r)
		return r;
	if (disk->ops->rescan)
		return disk->ops->rescan(disk);
	return blkdev_scan_partitions(disk);
}
