/* ext2 regular files and symlinks: read and write through the block map (holes read as zeros,
 * blocks allocated as writes reach them), truncation, attribute changes, pages for private
 * mappings (read_page; shared ones: mmap.c), and symlink targets, fast (in i_block) or in a
 * block. */
#include <fs/ext2/ext2.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <uapi/errno.h>

int ext2_read_blocks_locked(struct inode *inode, uint64_t pos, void *buf, size_t n)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t pblk;
	int r = ext2_bmap_inode(inode, pos >> es->g.block_log, &pblk);
	if (!r && !pblk)
		memset(buf, 0, n);
	else if (!r)
		r = ext2_read_block_part(es, pblk, (uint32_t)(pos & (es->g.block_size - 1)), buf,
					 n);
	return r;
}

/* Copy bytes [pos, pos + n) of inode, all inside one block and the file, to buf: from the
 * page of a shared mapping when there is one (it may be newer than the blocks). lock held. */
static int read_in_block_locked(struct inode *inode, uint64_t pos, void *buf, size_t n)
{
	const uint8_t *page = ext2_page_find(inode, pos / PAGE_SIZE);
	if (!page)
		return ext2_read_blocks_locked(inode, pos, buf, n);
	memcpy(buf, page + pos % PAGE_SIZE, n);
	return 0;
}

static int read_in_block(struct inode *inode, uint64_t pos, void *buf, size_t n, bool locked)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	if (locked)
		return read_in_block_locked(inode, pos, buf, n);
	mutex_lock(&es->lock);
	int r = read_in_block_locked(inode, pos, buf, n);
	mutex_unlock(&es->lock);
	return r;
}

/* Read up to len bytes at pos into buf (kernel memory): the count, 0 at the end, or -errno.
 * locked: the caller holds the file system lock. */
static long read_kernel(struct inode *inode, uint64_t pos, char *buf, size_t len, bool locked)
{
	uint64_t size = (uint64_t)inode->size;
	uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
	size_t done = 0;
	if (pos >= size)
		return 0;
	if (len > size - pos)
		len = (size_t)(size - pos);
	while (done < len) {
		uint64_t at = pos + done;
		size_t n = bs - (size_t)(at & (bs - 1));
		if (n > len - done)
			n = len - done;
		int r = read_in_block(inode, at, buf + done, n, locked);
		if (r)
			return done ? (long)done : r;
		done += n;
	}
	return (long)done;
}

static long ext2_read(struct file *f, struct uio *u, int64_t *pos)
{
	struct inode *inode = f->inode;
	uint32_t bs = EXT2_SB(inode->sb)->g.block_size;
	char *bounce = kmalloc(bs);
	size_t done = 0;
	long r = 0;
	if (!bounce)
		return -ENOMEM;
	if (*pos < 0)
		r = -EINVAL;
	while (!r && u->resid) {
		size_t want = bs - (size_t)((uint64_t)*pos & (bs - 1));
		r = read_kernel(inode, (uint64_t)*pos, bounce, want < u->resid ? want : u->resid,
				false);
		if (r <= 0)
			break;
		size_t n = (size_t)r;
		r = uio_copy_out(u, bounce, n);
		if (!r) {
			*pos += (int64_t)n;
			done += n;
		}
	}
	kfree(bounce);
	return done ? (long)done : r;
}

int ext2_fill_page_locked(struct inode *inode, uint64_t index, void *page)
{
	uint64_t pos = index * PAGE_SIZE;
	if (pos >= (uint64_t)inode->size)
		return -ENXIO;
	long n = read_kernel(inode, pos, page, PAGE_SIZE, true);
	if (n < 0)
		return (int)n;
	memset((char *)page + n, 0, PAGE_SIZE - (size_t)n);
	return 0;
}

/* A fault may come while the thread holds another mutex (a copy under some inode's lock):
 * then the lock is only tried (-EFAULT when busy), so no cycle of waits can form. */
static int ext2_read_page(struct file *f, uint64_t index, void *page)
{
	struct ext2_sb *es = EXT2_SB(f->inode->sb);
	if (!mutex_lock_unnested(&es->lock))
		return -EFAULT;
	int r = ext2_fill_page_locked(f->inode, index, page);
	mutex_unlock(&es->lock);
	return r;
}

static long ext2_readlink(struct dentry *d, char *buf, size_t size)
{
	struct inode *inode = d->inode;
	struct ext2_inode_mem *m = inode->priv;
	size_t len = (size_t)inode->size;
	if (len > size)
		len = size;
	if (m->info.fast_symlink) {
		memcpy(buf, m->info.block, len);
		return (long)len;
	}
	return read_kernel(inode, 0, buf, len, false);
}

/* Write n bytes from buf at pos, inside one block: the block is allocated (zeroed) if it was
 * a hole, the size grows past it. */
static int write_in_block(struct inode *inode, uint64_t pos, const void *buf, size_t n)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t pblk;
	bool fresh;
	mutex_lock(&es->lock);
	int r = ext2_bmap_alloc(inode, pos >> es->g.block_log, &pblk, &fresh);
	if (!r)
		r = ext2_write_block_part(es, pblk, (uint32_t)(pos & (es->g.block_size - 1)), buf,
					  n);
	uint8_t *page = r ? NULL : ext2_page_find(inode, pos / PAGE_SIZE);
	if (page) /* a shared mapping sees the write */
		memcpy(page + pos % PAGE_SIZE, buf, n);
	if (!r && pos + n > (uint64_t)inode->size)
		inode->size = (int64_t)(pos + n);
	if (!r)
		inode_touch(inode, ATTR_MTIME | ATTR_CTIME);
	int w = ext2_write_inode(inode); /* blocks allocated before a failure are counted */
	mutex_unlock(&es->lock);
	return r ? r : w;
}

static long ext2_write(struct file *f, struct uio *u, int64_t *pos)
{
	struct inode *inode = f->inode;
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t bs = es->g.block_size;
	uint64_t max = ext2_max_file_size(&es->g);
	size_t done = 0;
	long r = READ_ONCE(es->rw) ? 0 : -EROFS;
	char *bounce = r ? NULL : kmalloc(bs);
	if (!r && !bounce)
		r = -ENOMEM;
	mutex_lock(&inode->lock);
	if (!r && uio_append(u, f->flags))
		*pos = inode->size;
	while (!r && u->resid) {
		uint64_t at = (uint64_t)*pos;
		size_t n = bs - (size_t)(at & (bs - 1));
		if (n > u->resid)
			n = u->resid;
		if (at >= max) {
			r = -EFBIG;
			break;
		}
		if (n > max - at)
			n = (size_t)(max - at);
		r = uio_copy_in(u, bounce, n); /* before the lock: it may fault */
		if (!r)
			r = write_in_block(inode, at, bounce, n);
		if (!r) {
			*pos += (int64_t)n;
			done += n;
		}
	}
	mutex_unlock(&inode->lock);
	kfree(bounce);
	return done ? (long)done : r;
}

/* Truncate to size (inode->lock and the file system lock held): the blocks past it are freed
 * and the rest of its last block zeroed, so that a later extension reads zeros there. */
static int truncate_locked(struct inode *inode, uint64_t size)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t bs = es->g.block_size, in = (uint32_t)(size & (bs - 1)), pblk = 0;
	if (size > ext2_max_file_size(&es->g))
		return -EFBIG;
	int r = 0;
	if (size < (uint64_t)inode->size) {
		r = ext2_free_blocks_from(inode, (size + bs - 1) / bs);
		if (!r && in)
			r = ext2_bmap_inode(inode, size / bs, &pblk);
		if (!r && pblk) {
			uint8_t *zero = kmalloc(bs);
			r = zero ? ext2_write_block_part(es, pblk, in, zero, bs - in) : -ENOMEM;
			kfree(zero);
		}
	}
	if (!r) {
		inode->size = (int64_t)size;
		ext2_pages_truncate_locked(inode);
	}
	return r;
}

int ext2_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *inode = d->inode;
	struct ext2_sb *es = EXT2_SB(inode->sb);
	if (!READ_ONCE(es->rw))
		return -EROFS;
	mutex_lock(&es->lock);
	int r = 0;
	if (a->valid & ATTR_SIZE) {
		if (S_ISREG(inode->mode))
			r = truncate_locked(inode, (uint64_t)a->size);
		else
			r = -EINVAL;
	}
	if (!r)
		setattr_copy(inode, a);
	int w = ext2_write_inode(inode);
	mutex_unlock(&es->lock);
	return r ? r : w;
}

static int ext2_fsync(struct file *f)
{
	return ext2_sync(EXT2_SB(f->inode->sb));
}

const struct inode_ops ext2_file_iops = {
	.setattr = ext2_setattr,
};

const struct file_ops ext2_file_fops = {
	.read = ext2_read,
	.write = ext2_write,
	.fsync = ext2_fsync,
	.read_page = ext2_read_page,
	.map_page = ext2_map_page,
};

const struct inode_ops ext2_symlink_iops = {
	.readlink = ext2_readlink,
	.setattr = ext2_setattr,
};
