/* ext2 inodes in memory: read from the inode table and checked (ext2_inode_decode) once, kept
 * in the super block's inode cache while referenced, so that every name of a file (hard links)
 * and every open of it share one struct inode; and the block map through indirect blocks. */
#include <fs/ext2/ext2.h>
#include <core/printk.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

/* A reference to a cached inode, unless its last reference is already gone (inode_put is
 * evicting it: a fresh copy is read instead). */
static bool inode_tryget(struct inode *inode)
{
	int n = __atomic_load_n(&inode->refcount, __ATOMIC_ACQUIRE);
	while (n > 0)
		if (__atomic_compare_exchange_n(&inode->refcount, &n, n + 1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE))
			return true;
	return false;
}

static struct inode *icache_find_locked(struct ext2_sb *es, uint32_t ino)
{
	mutex_assert_held(&es->icache_lock);
	struct list_node *n;
	list_for_each(n, &es->icache) {
		struct ext2_inode_mem *m = list_entry(n, struct ext2_inode_mem, link);
		if (m->inode->ino == ino && inode_tryget(m->inode))
			return m->inode;
	}
	return NULL;
}

static int read_raw_inode(struct ext2_sb *es, uint32_t ino, struct ext2_inode *raw)
{
	uint32_t group;
	uint64_t off;
	if (ext2_inode_locate(&es->g, ino, &group, &off))
		return ext2_corrupt(es, ino, "inode number out of range");
	uint32_t blk = es->gdt[group].bg_inode_table + (uint32_t)(off >> es->g.block_log);
	/* the descriptor was checked at mount: the inode table lies inside its group */
	return ext2_read_block_part(es, blk, (uint32_t)(off & (es->g.block_size - 1)), raw,
				    sizeof(*raw));
}

static void set_ops(struct inode *inode)
{
	switch (inode->mode & S_IFMT) {
	case S_IFDIR:
		inode->iops = &ext2_dir_iops;
		inode->fops = &ext2_dir_fops;
		break;
	case S_IFREG:
		inode->iops = &ext2_file_iops;
		inode->fops = &ext2_file_fops;
		break;
	case S_IFLNK: inode->iops = &ext2_symlink_iops; break;
	default: inode->iops = &ext2_file_iops; break; /* devices, FIFOs, sockets: attributes only */
	}
}

static void fill_inode(struct inode *inode, const struct ext2_inode_info *info)
{
	inode->mode = info->mode;
	inode->uid = info->uid;
	inode->gid = info->gid;
	inode->nlink = info->links;
	inode->size = (int64_t)info->size;
	inode->blocks = info->blocks512;
	inode->rdev = MKDEV(info->rdev_major, info->rdev_minor);
	inode->atime = (struct linux_timespec){ info->atime, 0 };
	inode->mtime = (struct linux_timespec){ info->mtime, 0 };
	inode->ctime = (struct linux_timespec){ info->ctime, 0 };
	set_ops(inode);
}

/* Read inode ino from disk into a new struct inode (not yet cached). */
static int read_inode(struct super_block *sb, uint32_t ino, struct inode **out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	struct ext2_inode raw;
	const char *why;
	struct ext2_inode_mem *m = kmalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	int r = read_raw_inode(es, ino, &raw);
	if (!r && raw.i_links_count == 0)
		r = ext2_corrupt(es, ino, "a directory names a deleted inode");
	if (!r && ext2_inode_decode(&es->g, &raw, &m->info, &why))
		r = ext2_corrupt(es, ino, why);
	if (!r && S_ISDIR(m->info.mode) && m->info.size > (uint64_t)es->g.blocks_count
							    << es->g.block_log)
		r = ext2_corrupt(es, ino, "directory larger than the file system");
	struct inode *inode = r ? NULL : inode_alloc(sb, m->info.mode);
	if (!r && !inode)
		r = -ENOMEM;
	if (r) {
		kfree(m);
		return r;
	}
	inode->ino = ino;
	inode->priv = m;
	m->inode = inode;
	fill_inode(inode, &m->info);
	*out = inode;
	return 0;
}

int ext2_iget(struct super_block *sb, uint32_t ino, struct inode **out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	mutex_lock(&es->icache_lock);
	struct inode *inode = icache_find_locked(es, ino);
	int r = 0;
	if (!inode) {
		r = read_inode(sb, ino, &inode);
		if (!r)
			list_add_tail(&es->icache, &((struct ext2_inode_mem *)inode->priv)->link);
	}
	mutex_unlock(&es->icache_lock);
	if (!r)
		*out = inode;
	return r;
}

void ext2_evict(struct inode *inode)
{
	struct ext2_inode_mem *m = inode->priv;
	if (!m)
		return;
	struct ext2_sb *es = EXT2_SB(inode->sb);
	mutex_lock(&es->icache_lock);
	list_remove(&m->link);
	mutex_unlock(&es->icache_lock);
	kfree(m);
	inode->priv = NULL;
}

struct bmap_ctx {
	struct ext2_sb *es;
	uint32_t ino;
};

static int read_ind(void *ctx, uint32_t blk, uint32_t idx, uint32_t *out)
{
	struct bmap_ctx *c = ctx;
	return ext2_read_block_part(c->es, blk, idx * 4, out, 4);
}

int ext2_bmap_inode(struct inode *inode, uint64_t lblk, uint32_t *pblk)
{
	struct ext2_inode_mem *m = inode->priv;
	struct bmap_ctx c = { EXT2_SB(inode->sb), (uint32_t)inode->ino };
	int r = ext2_bmap(&c.es->g, m->info.block, lblk, read_ind, &c, pblk);
	if (r == -EUCLEAN)
		return ext2_corrupt(c.es, c.ino, "block map points outside the file system");
	return r;
}
