/* ext2 regular files and symlinks: read through the block map (holes read as zeros), pages for
 * private mappings (read_page), and symlink targets, fast (in i_block) or in a block. */
#include <fs/ext2/ext2.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <uapi/errno.h>

/* Copy bytes [pos, pos + n) of inode, all inside one block and the file, to buf. */
static int read_in_block(struct inode *inode, uint64_t pos, void *buf, size_t n)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t pblk;
	int r = ext2_bmap_inode(inode, pos >> es->g.block_log, &pblk);
	if (r)
		return r;
	if (!pblk) {
		memset(buf, 0, n);
		return 0;
	}
	return ext2_read_block_part(es, pblk, (uint32_t)(pos & (es->g.block_size - 1)), buf, n);
}

/* Read up to len bytes at pos into buf (kernel memory): the count, 0 at the end, or -errno. */
static long read_kernel(struct inode *inode, uint64_t pos, char *buf, size_t len)
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
		int r = read_in_block(inode, at, buf + done, n);
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
		r = read_kernel(inode, (uint64_t)*pos, bounce, want < u->resid ? want : u->resid);
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

static int ext2_read_page(struct file *f, uint64_t index, void *page)
{
	struct inode *inode = f->inode;
	uint64_t pos = index * PAGE_SIZE;
	if (pos >= (uint64_t)inode->size)
		return -ENXIO;
	long n = read_kernel(inode, pos, page, PAGE_SIZE);
	if (n < 0)
		return (int)n;
	memset((char *)page + n, 0, PAGE_SIZE - (size_t)n);
	return 0;
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
	return read_kernel(inode, 0, buf, len);
}

const struct inode_ops ext2_file_iops = { 0 };

const struct file_ops ext2_file_fops = {
	.read = ext2_read,
	.fsync = noop_fsync,
	.read_page = ext2_read_page,
};

const struct inode_ops ext2_symlink_iops = {
	.readlink = ext2_readlink,
};
