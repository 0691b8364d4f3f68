/* tmpfs file contents: pages found through a radix tree of 512-slot nodes whose height grows
 * with the file (height 0: the root slot is the single data page). Holes have no page and read
 * as zeros. Every page, data or node, is charged to the super block's limit: ENOSPC when it or
 * physical memory runs out, with nothing half-written beyond what the count reports. Private
 * mappings get copies of pages through read_page; shared ones map the pages themselves
 * (map_page), which are therefore counted in page_ref: one reference the file's, one per page
 * table entry, so that truncation never frees a page still mapped. lseek's SEEK_DATA and
 * SEEK_HOLE see the holes. */
#include <fs/memfd.h>
#include <fs/tmpfs.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

#define SLOTS 512
#define SLOT_SHIFT 9
#define MAX_HEIGHT 3 /* 512^3 pages: 512 GiB */
#define TMPFS_MAX_BYTES ((int64_t)((uint64_t)1 << (MAX_HEIGHT * SLOT_SHIFT + PAGE_SHIFT)))

/* Page indexes a tree of this height covers. */
static uint64_t span(int height)
{
	return (uint64_t)1 << (height * SLOT_SHIFT);
}

static uint64_t alloc_page(struct tmpfs_sb *sb)
{
	uint64_t used = __atomic_add_fetch(&sb->used_pages, 1, __ATOMIC_RELAXED);
	uint64_t pa = used <= sb->max_pages ? phys_alloc_pages(0) : 0;
	if (!pa)
		__atomic_sub_fetch(&sb->used_pages, 1, __ATOMIC_RELAXED);
	else
		page_ref_set_one(pa); /* the file's; shared mappings add theirs */
	return pa;
}

/* The file lets go of a page; a shared mapping may still map it (then it is freed with its
 * last mapping, and no longer charged to the file system). */
static void free_page(struct tmpfs_sb *sb, uint64_t pa)
{
	if (page_ref_dec(pa) == 0)
		phys_free_pages(pa, 0);
	__atomic_sub_fetch(&sb->used_pages, 1, __ATOMIC_RELAXED);
}

/* The slot holding data page `index`, allocating nodes (and growing the tree) when alloc.
 * NULL: a hole (not alloc) or -ENOSPC in *err. */
static uint64_t *find_slot(struct tmpfs_inode *ti, struct tmpfs_sb *sb, uint64_t index,
			   bool alloc, int *err)
{
	while (index >= span(ti->height)) {
		if (!alloc)
			return NULL;
		if (ti->root) { /* push the tree down one level */
			uint64_t node = alloc_page(sb);
			if (!node) {
				*err = -ENOSPC;
				return NULL;
			}
			((uint64_t *)phys_to_virt(node))[0] = ti->root;
			ti->root = node;
		}
		ti->height++;
	}
	uint64_t *slot = &ti->root;
	for (int level = ti->height; level > 0; level--) {
		if (!*slot) {
			if (!alloc)
				return NULL;
			*slot = alloc_page(sb);
			if (!*slot) {
				*err = -ENOSPC;
				return NULL;
			}
		}
		uint64_t i = (index >> ((level - 1) * SLOT_SHIFT)) & (SLOTS - 1);
		slot = (uint64_t *)phys_to_virt(*slot) + i;
	}
	return slot;
}

/* The slot of data page `index` with its page, allocated for a hole; NULL with -ENOSPC. */
static uint64_t *data_slot(struct tmpfs_inode *ti, struct tmpfs_sb *sb, uint64_t index, int *err)
{
	uint64_t *slot = find_slot(ti, sb, index, true, err);
	if (slot && !*slot) {
		*slot = alloc_page(sb);
		if (!*slot) {
			*err = -ENOSPC;
			return NULL;
		}
		ti->data_pages++;
		__atomic_add_fetch(&sb->data_pages, 1, __ATOMIC_RELAXED);
	}
	return slot;
}

/* Free every data page at index >= from below *slot (a subtree of `height` starting at page
 * base), and the nodes left empty. */
static void prune(struct tmpfs_inode *ti, struct tmpfs_sb *sb, uint64_t *slot, int height,
		  uint64_t base, uint64_t from)
{
	if (!*slot)
		return;
	if (height > 0) {
		uint64_t *node = phys_to_virt(*slot);
		uint64_t child_span = span(height - 1);
		for (uint64_t i = 0; i < SLOTS; i++)
			if (base + (i + 1) * child_span > from)
				prune(ti, sb, &node[i], height - 1, base + i * child_span, from);
	}
	if (base >= from) {
		if (height == 0) {
			ti->data_pages--;
			__atomic_sub_fetch(&sb->data_pages, 1, __ATOMIC_RELAXED);
		}
		free_page(sb, *slot);
		*slot = 0;
	}
}

void tmpfs_truncate_pages(struct inode *inode, int64_t new_size)
{
	struct tmpfs_inode *ti = inode->priv;
	struct tmpfs_sb *sb = inode->sb->priv;
	uint64_t keep = ((uint64_t)new_size + PAGE_SIZE - 1) / PAGE_SIZE;
	prune(ti, sb, &ti->root, ti->height, 0, keep);
	if (!ti->root)
		ti->height = 0;
	if (new_size % PAGE_SIZE) { /* bytes past the end in the last page must read as zeros */
		int err = 0;
		uint64_t *slot = find_slot(ti, sb, keep - 1, false, &err);
		if (slot && *slot) {
			size_t off = (size_t)(new_size % PAGE_SIZE);
			memset((char *)phys_to_virt(*slot) + off, 0, PAGE_SIZE - off);
		}
	}
	inode->size = new_size;
	inode->blocks = ti->data_pages * (PAGE_SIZE / 512);
}

static long tmpfs_read(struct file *f, struct uio *u, int64_t *pos)
{
	struct inode *inode = f->inode;
	struct tmpfs_inode *ti = inode->priv;
	struct tmpfs_sb *sb = inode->sb->priv;
	mutex_lock(&inode->lock);
	int64_t at = *pos;
	size_t done = 0;
	long r = 0;
	while (u->resid && at < inode->size) {
		size_t off = (size_t)(at % PAGE_SIZE);
		size_t n = PAGE_SIZE - off;
		if (n > u->resid)
			n = u->resid;
		if ((int64_t)n > inode->size - at)
			n = (size_t)(inode->size - at);
		int err = 0;
		uint64_t *slot = find_slot(ti, sb, (uint64_t)at / PAGE_SIZE, false, &err);
		r = slot && *slot ? uio_copy_out(u, (char *)phys_to_virt(*slot) + off, n)
				  : uio_zero(u, n);
		if (r)
			break;
		at += (int64_t)n;
		done += n;
	}
	mutex_unlock(&inode->lock);
	*pos = at;
	return done ? (long)done : r;
}

static long tmpfs_write(struct file *f, struct uio *u, int64_t *pos)
{
	struct inode *inode = f->inode;
	struct tmpfs_inode *ti = inode->priv;
	struct tmpfs_sb *sb = inode->sb->priv;
	mutex_lock(&inode->lock);
	int64_t at = uio_append(u, f->flags) ? inode->size : *pos;
	size_t done = 0;
	long r = 0;
	if (at >= TMPFS_MAX_BYTES)
		r = -EFBIG;
	while (!r && u->resid && at < TMPFS_MAX_BYTES) {
		size_t off = (size_t)(at % PAGE_SIZE);
		size_t n = PAGE_SIZE - off;
		if (n > u->resid)
			n = u->resid;
		r = seals_check_write_locked(inode, at, n); /* page by page, as Linux */
		if (r)
			break;
		int err = 0;
		uint64_t *slot = data_slot(ti, sb, (uint64_t)at / PAGE_SIZE, &err);
		if (!slot) {
			r = err;
			break;
		}
		r = uio_copy_in(u, (char *)phys_to_virt(*slot) + off, n);
		if (r)
			break;
		at += (int64_t)n;
		done += n;
		if (at > inode->size)
			inode->size = at;
	}
	if (done) {
		inode_touch(inode, ATTR_MTIME | ATTR_CTIME);
		inode->blocks = ti->data_pages * (PAGE_SIZE / 512);
	}
	mutex_unlock(&inode->lock);
	*pos = at;
	return done ? (long)done : r;
}

/* Page index for a fault on a mapping: copied into `copy` (bytes beyond the end zeroed) for a
 * private mapping, else its frame in *pa, referenced, for a shared one (a hole gets its page).
 * 0, -ENXIO (wholly beyond the end of the file; no space for a hole's page: SIGBUS, as Linux's
 * tmpfs) or -EFAULT. A read or write of this file faulting on its own mapping already holds
 * inode->lock; one of another file gets EFAULT rather than wait for it while holding its own. */
static int fault_page(struct file *f, uint64_t index, void *copy, uint64_t *pa)
{
	struct inode *inode = f->inode;
	struct tmpfs_inode *ti = inode->priv;
	struct tmpfs_sb *sb = inode->sb->priv;
	bool locked = !mutex_held(&inode->lock);
	if (locked && !mutex_lock_unnested(&inode->lock))
		return -EFAULT;
	int err = 0;
	if (index >= (uint64_t)TMPFS_MAX_BYTES / PAGE_SIZE ||
	    (int64_t)(index * PAGE_SIZE) >= inode->size) {
		err = -ENXIO;
		goto out_unlock;
	}
	if (copy) {
		uint64_t *slot = find_slot(ti, sb, index, false, &err);
		size_t n = MIN((uint64_t)(inode->size - (int64_t)(index * PAGE_SIZE)), PAGE_SIZE);
		if (slot && *slot)
			memcpy(copy, phys_to_virt(*slot), n);
		else
			memset(copy, 0, n);
		memset((char *)copy + n, 0, PAGE_SIZE - n);
		goto out_unlock;
	}
	uint64_t *slot = data_slot(ti, sb, index, &err);
	if (!slot) {
		err = -ENXIO;
		goto out_unlock;
	}
	inode->blocks = ti->data_pages * (PAGE_SIZE / 512);
	*pa = *slot;
	page_ref_inc(*pa);
out_unlock:
	if (locked)
		mutex_unlock(&inode->lock);
	return err;
}

static int tmpfs_read_page(struct file *f, uint64_t index, void *page)
{
	return fault_page(f, index, page, NULL);
}

static int tmpfs_map_page(struct file *f, uint64_t index, uint64_t *pa)
{
	return fault_page(f, index, NULL, pa);
}

/* The first page index in [from, limit) of the subtree at slot (covering pages from base) that
 * holds data (data) or is a hole (!data); limit when there is none. Empty subtrees are skipped
 * whole, so a huge sparse file costs its populated nodes, not its size. */
static uint64_t seek_walk(uint64_t slot, int height, uint64_t base, uint64_t from,
			  uint64_t limit, bool data)
{
	if (!slot)
		return data ? limit : MAX(base, from);
	if (height == 0)
		return data ? MAX(base, from) : limit;
	const uint64_t *node = phys_to_virt(slot);
	uint64_t child_span = span(height - 1);
	uint64_t i = from > base ? (from - base) / child_span : 0;
	for (; i < SLOTS && base + i * child_span < limit; i++) {
		uint64_t r = seek_walk(node[i], height - 1, base + i * child_span, from, limit, data);
		if (r < limit)
			return r;
	}
	return limit;
}

/* SEEK_DATA / SEEK_HOLE at page granularity (a page is data once written, even with zeros);
 * the end of the file is a hole. inode->lock held. */
static int64_t seek_data_hole_locked(struct inode *inode, int64_t off, bool data)
{
	struct tmpfs_inode *ti = inode->priv;
	if (off < 0 || off >= inode->size)
		return -ENXIO;
	uint64_t pages = ((uint64_t)inode->size + PAGE_SIZE - 1) / PAGE_SIZE;
	uint64_t covered = MIN(pages, span(ti->height)); /* pages beyond the tree are holes */
	uint64_t from = (uint64_t)off / PAGE_SIZE;
	uint64_t p = from < covered ? seek_walk(ti->root, ti->height, 0, from, covered, data)
				    : covered;
	if (p == covered && !data && covered < pages)
		p = MAX(covered, from);
	if (p >= pages)
		return data ? -ENXIO : inode->size;
	int64_t at = p == from ? off : (int64_t)(p * PAGE_SIZE);
	return MIN(at, inode->size);
}

static int64_t tmpfs_llseek(struct file *f, int64_t off, int whence)
{
	if (whence != SEEK_DATA && whence != SEEK_HOLE)
		return generic_llseek(f, off, whence);
	mutex_lock(&f->inode->lock);
	int64_t r = seek_data_hole_locked(f->inode, off, whence == SEEK_DATA);
	mutex_unlock(&f->inode->lock);
	if (r >= 0)
		f->pos = r;
	return r;
}

/* Zero the file's bytes in [from, to) where it has pages (holes read as zeros already). */
static void zero_range_locked(struct inode *inode, int64_t from, int64_t to)
{
	struct tmpfs_inode *ti = inode->priv;
	struct tmpfs_sb *sb = inode->sb->priv;
	while (from < to) {
		size_t off = (size_t)(from % PAGE_SIZE), n = MIN((size_t)(to - from), PAGE_SIZE - off);
		int err = 0;
		uint64_t *slot = find_slot(ti, sb, (uint64_t)from / PAGE_SIZE, false, &err);
		if (slot && *slot)
			memset((char *)phys_to_virt(*slot) + off, 0, n);
		from += (int64_t)n;
	}
}

/* As Linux's shmem: FALLOC_FL_KEEP_SIZE and FALLOC_FL_PUNCH_HOLE only. Allocating gives every
 * page in the range its page (ENOSPC past the size limit: the pages allocated stay, as the
 * size does not move); a hole is punched by zeroing (the pages stay allocated). */
static int tmpfs_fallocate(struct file *f, int mode, int64_t off, int64_t len)
{
	if (mode & ~(FALLOC_FL_KEEP_SIZE | FALLOC_FL_PUNCH_HOLE))
		return -EOPNOTSUPP;
	struct inode *inode = f->inode;
	struct tmpfs_inode *ti = inode->priv;
	struct tmpfs_sb *sb = inode->sb->priv;
	if (off + len > TMPFS_MAX_BYTES)
		return -EFBIG;
	mutex_lock(&inode->lock);
	int r = seals_check_fallocate_locked(inode, mode, off, len);
	if (!r && (mode & FALLOC_FL_PUNCH_HOLE))
		zero_range_locked(inode, off, MIN(off + len, inode->size));
	uint64_t last = (uint64_t)(off + len - 1) / PAGE_SIZE;
	for (uint64_t i = (uint64_t)off / PAGE_SIZE; !r && !(mode & FALLOC_FL_PUNCH_HOLE) && i <= last;
	     i++) {
		int err = 0;
		if (!data_slot(ti, sb, i, &err))
			r = err;
	}
	if (!r && !(mode & FALLOC_FL_KEEP_SIZE) && off + len > inode->size)
		inode->size = off + len;
	if (!r) {
		inode_touch(inode, ATTR_MTIME | ATTR_CTIME);
		inode->blocks = ti->data_pages * (PAGE_SIZE / 512);
	}
	mutex_unlock(&inode->lock);
	return r;
}

const struct file_ops tmpfs_file_ops = {
	.fallocate = tmpfs_fallocate,
	.read = tmpfs_read,
	.write = tmpfs_write,
	.llseek = tmpfs_llseek,
	.fsync = noop_fsync,
	.read_page = tmpfs_read_page,
	.map_page = tmpfs_map_page,
};
