/* ext2 inodes in memory: read from the inode table and checked (ext2_inode_decode) once, kept
 * in the super block's inode cache while referenced, so that every name of a file (hard links)
 * and every open of it share one struct inode; and the block map through indirect blocks. */
#include <fs/ext2/ext2.h>
#include <core/printk.h>
#include <core/time.h>
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

/* Read (write: out of buf) len bytes at byte at of inode ino's inode-table record. The number
 * must be in range (-EUCLEAN otherwise); the table lies inside its group (checked at mount). */
static int inode_record_io(struct ext2_sb *es, uint32_t ino, uint32_t at, void *buf, size_t len,
			   bool write)
{
	uint32_t group;
	uint64_t off;
	if (ext2_inode_locate(&es->g, ino, &group, &off))
		return ext2_corrupt(es, ino, "inode number out of range");
	off += at;
	uint32_t blk = es->gdt[group].bg_inode_table + (uint32_t)(off >> es->g.block_log);
	uint32_t in = (uint32_t)(off & (es->g.block_size - 1));
	return write ? ext2_write_block_part(es, blk, in, buf, len)
		     : ext2_read_block_part(es, blk, in, buf, len);
}

static int read_raw_inode(struct ext2_sb *es, uint32_t ino, struct ext2_inode *raw)
{
	return inode_record_io(es, ino, 0, raw, sizeof(*raw), false);
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
	default: inode->iops = &ext2_file_iops; break; /* devices, FIFOs, sockets: attributes */
	}
}

/* The extra times of a large inode (zero when the inode has none). */
static int read_extra(struct ext2_sb *es, uint32_t ino, struct ext2_inode_extra *x)
{
	*x = (struct ext2_inode_extra){ 0 };
	if (es->g.inode_size < EXT2_GOOD_OLD_INODE_SIZE + sizeof(*x))
		return 0;
	int r = inode_record_io(es, ino, EXT2_GOOD_OLD_INODE_SIZE, x, sizeof(*x), false);
	if (!r && x->i_extra_isize < sizeof(*x))
		*x = (struct ext2_inode_extra){ .i_extra_isize = x->i_extra_isize };
	return r;
}

static struct linux_timespec ts_of(uint32_t t, uint32_t extra)
{
	return (struct linux_timespec){ ext2_time_sec(t, extra), extra >> 2 };
}

static void fill_inode(struct inode *inode, const struct ext2_inode_info *info,
		       const struct ext2_inode_extra *x)
{
	inode->mode = info->mode;
	inode->uid = info->uid;
	inode->gid = info->gid;
	inode->nlink = info->links;
	inode->size = (int64_t)info->size;
	inode->blocks = info->blocks512;
	inode->rdev = MKDEV(info->rdev_major, info->rdev_minor);
	inode->atime = ts_of(info->atime, x->i_atime_extra);
	inode->mtime = ts_of(info->mtime, x->i_mtime_extra);
	inode->ctime = ts_of(info->ctime, x->i_ctime_extra);
	set_ops(inode);
}

/* Tie a new VFS inode and its ext2 side together (the inode read or just allocated). */
static void attach_private(struct inode *inode, uint32_t ino, struct ext2_inode_mem *m)
{
	inode->ino = ino;
	inode->priv = m;
	m->inode = inode;
	list_init(&m->pages);
}

/* Read inode ino from disk into a new struct inode (not yet cached). */
static int read_inode(struct super_block *sb, uint32_t ino, struct inode **out)
{
	struct ext2_sb *es = EXT2_SB(sb);
	struct ext2_inode raw;
	struct ext2_inode_extra x;
	const char *why;
	struct ext2_inode_mem *m = kmalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	int r = read_raw_inode(es, ino, &raw);
	if (!r)
		r = read_extra(es, ino, &x);
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
	attach_private(inode, ino, m);
	m->goal = m->info.block[0];
	fill_inode(inode, &m->info, &x);
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

static void delete_inode(struct inode *inode);

void ext2_evict(struct inode *inode)
{
	struct ext2_inode_mem *m = inode->priv;
	if (!m)
		return;
	struct ext2_sb *es = EXT2_SB(inode->sb);
	if (READ_ONCE(es->rw) && inode->nlink == 0) {
		delete_inode(inode);
	} else if (READ_ONCE(es->rw) && !list_empty(&m->pages)) {
		mutex_lock(&es->lock);
		if (ext2_pages_writeback_locked(inode))
			pr_warn("ext2 %s: inode %llu: mapped pages not written back\n", es->name,
				(unsigned long long)inode->ino);
		mutex_unlock(&es->lock);
	}
	ext2_pages_free(inode);
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

/* ---- writing inodes ------------------------------------------------------------------------ */

static uint32_t secs(struct linux_timespec t)
{
	return (uint32_t)t.tv_sec;
}

static uint32_t extra_of(struct linux_timespec t)
{
	return ext2_time_extra(t.tv_sec, (uint32_t)t.tv_nsec);
}

/* The nanoseconds, into a large inode's extra space when it has room for them. */
static int write_extra(struct ext2_sb *es, struct inode *inode)
{
	struct ext2_inode_extra x;
	int r = read_extra(es, (uint32_t)inode->ino, &x);
	if (r || x.i_extra_isize < sizeof(x))
		return r;
	x.i_ctime_extra = extra_of(inode->ctime);
	x.i_mtime_extra = extra_of(inode->mtime);
	x.i_atime_extra = extra_of(inode->atime);
	return inode_record_io(es, (uint32_t)inode->ino, EXT2_GOOD_OLD_INODE_SIZE, &x, sizeof(x),
			       true);
}

int ext2_write_inode(struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_inode_mem *m = inode->priv;
	struct ext2_inode raw;
	mutex_assert_held(&es->lock);
	m->info.mode = inode->mode;
	m->info.uid = inode->uid;
	m->info.gid = inode->gid;
	m->info.links = inode->nlink;
	m->info.size = (uint64_t)inode->size;
	m->info.atime = secs(inode->atime);
	m->info.mtime = secs(inode->mtime);
	m->info.ctime = secs(inode->ctime);
	m->info.rdev_major = MAJOR(inode->rdev);
	m->info.rdev_minor = MINOR(inode->rdev);
	inode->blocks = m->info.blocks512;
	int r = read_raw_inode(es, (uint32_t)inode->ino, &raw);
	if (r)
		return r;
	ext2_inode_encode(&es->g, &m->info, &raw);
	r = inode_record_io(es, (uint32_t)inode->ino, 0, &raw, sizeof(raw), true);
	return r ? r : write_extra(es, inode);
}

/* A fresh on-disk record: all inode_size bytes zero. */
static int zero_raw_inode(struct ext2_sb *es, uint32_t ino)
{
	uint8_t zero[256] = { 0 };
	uint32_t at = 0, left = es->g.inode_size;
	int r = 0;
	if (left > EXT2_GOOD_OLD_INODE_SIZE) /* room for the times' nanoseconds, as mke2fs */
		zero[EXT2_GOOD_OLD_INODE_SIZE] = EXT2_EXTRA_ISIZE_DEFAULT;
	while (!r && left) {
		uint32_t n = left < sizeof(zero) ? left : (uint32_t)sizeof(zero);
		r = inode_record_io(es, ino, at, zero, n, true);
		at += n;
		left -= n;
		zero[EXT2_GOOD_OLD_INODE_SIZE] = 0;
	}
	return r;
}

/* Owner and group of a new inode: the caller's, or a set-group-ID directory's group (which a
 * new directory inherits with the bit), as Linux's inode_init_owner. */
static void init_owner(struct inode *inode, const struct inode *dir)
{
	current_fsids(&inode->uid, &inode->gid);
	if (dir->mode & S_ISGID) {
		inode->gid = dir->gid;
		if (S_ISDIR(inode->mode))
			inode->mode |= S_ISGID;
	}
}

int ext2_new_inode(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	mutex_assert_held(&es->lock);
	uint32_t ino;
	struct ext2_inode_mem *m = kmalloc(sizeof(*m)); /* zeroed */
	if (!m)
		return -ENOMEM;
	*out = NULL;
	int r = ext2_alloc_ino(es, (uint32_t)dir->ino, S_ISDIR(mode), &ino);
	if (r) {
		kfree(m);
		return r;
	}
	struct inode *inode = inode_alloc(dir->sb, mode);
	r = inode ? zero_raw_inode(es, ino) : -ENOMEM;
	if (r) {
		ext2_free_ino(es, ino, S_ISDIR(mode));
		kfree(m);
		*out = inode; /* without priv: the caller's inode_put just frees it */
		return r;
	}
	attach_private(inode, ino, m);
	m->info.mode = mode;
	m->goal = es->gdt[(ino - 1) / es->g.inodes_per_group].bg_inode_table;
	inode->nlink = 1;
	init_owner(inode, dir);
	set_ops(inode);
	mutex_lock(&es->icache_lock);
	list_add_tail(&es->icache, &m->link);
	mutex_unlock(&es->icache_lock);
	*out = inode;
	return ext2_write_inode(inode);
}

/* ---- allocating and freeing blocks of a file ----------------------------------------------- */

/* Entry idx of indirect block blk, or with set, writes val there. */
static int ind_entry(struct ext2_sb *es, uint32_t blk, uint32_t idx, uint32_t *val, bool set)
{
	return set ? ext2_write_block_part(es, blk, idx * 4, val, 4)
		   : ext2_read_block_part(es, blk, idx * 4, val, 4);
}

/* A new block for inode (counted in i_blocks), near its last one. */
static int alloc_for(struct inode *inode, uint32_t *out)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_inode_mem *m = inode->priv;
	int r = ext2_alloc_block(es, m->goal + 1, out);
	if (!r) {
		m->goal = *out;
		m->info.blocks512 += es->g.block_size >> 9;
	}
	return r;
}

int ext2_bmap_alloc(struct inode *inode, uint64_t lblk, uint32_t *pblk, bool *fresh)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_inode_mem *m = inode->priv;
	uint32_t idx[4], b;
	int depth, r = ext2_bmap_path(&es->g, lblk, idx, &depth);
	mutex_assert_held(&es->lock);
	if (r)
		return r;
	*fresh = false;
	b = m->info.block[idx[0]];
	if (!b) {
		r = alloc_for(inode, &b);
		if (r)
			return r;
		m->info.block[idx[0]] = b;
		*fresh = depth == 1;
	}
	for (int level = 1; level < depth; level++) {
		uint32_t parent = b;
		r = ind_entry(es, parent, idx[level], &b, false);
		if (!r && !b) {
			r = alloc_for(inode, &b);
			if (!r)
				r = ind_entry(es, parent, idx[level], &b, true);
			*fresh = level == depth - 1;
		}
		if (r)
			return r;
	}
	if (!ext2_block_ok(&es->g, b))
		return ext2_corrupt(es, (uint32_t)inode->ino, "block map points outside");
	*pblk = b;
	return 0;
}

static int free_one(struct inode *inode, uint32_t blk)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_inode_mem *m = inode->priv;
	uint32_t sectors = es->g.block_size >> 9;
	m->info.blocks512 = m->info.blocks512 > sectors ? m->info.blocks512 - sectors : 0;
	return ext2_free_block(es, blk);
}

/* Free what indirect block blk (of the given depth, mapping logical blocks from base) maps at
 * or after from; blk itself too when base >= from. */
static int free_ind(struct inode *inode, uint32_t blk, int depth, uint64_t base, uint64_t from)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t apb = es->g.addr_per_block;
	uint64_t span = 1;
	for (int i = 1; i < depth; i++)
		span *= apb;
	uint32_t *e = kmalloc(es->g.block_size);
	int r = e ? ext2_read_block(es, blk, e) : -ENOMEM;
	bool changed = false;
	for (uint32_t i = 0; !r && i < apb; i++) {
		uint64_t cbase = base + i * span;
		if (!e[i] || cbase + span <= from)
			continue;
		r = depth == 1 ? free_one(inode, e[i])
			       : free_ind(inode, e[i], depth - 1, cbase, from);
		if (!r && (depth == 1 || cbase >= from)) {
			e[i] = 0;
			changed = true;
		}
	}
	if (!r && base >= from)
		r = free_one(inode, blk);
	else if (!r && changed)
		r = ext2_write_block_part(es, blk, 0, e, es->g.block_size);
	kfree(e);
	return r;
}

int ext2_free_blocks_from(struct inode *inode, uint64_t from)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_inode_mem *m = inode->priv;
	uint64_t apb = es->g.addr_per_block, base = EXT2_NDIR_BLOCKS, span = apb;
	int r = 0;
	mutex_assert_held(&es->lock);
	for (uint32_t i = 0; !r && i < EXT2_NDIR_BLOCKS; i++) {
		if (i >= from && m->info.block[i]) {
			r = free_one(inode, m->info.block[i]);
			m->info.block[i] = 0;
		}
	}
	for (int depth = 1; !r && depth <= 3; depth++) {
		uint32_t *slot = &m->info.block[EXT2_IND_BLOCK + depth - 1];
		if (*slot && base + span > from) {
			r = free_ind(inode, *slot, depth, base, from);
			if (!r && base >= from)
				*slot = 0;
		}
		base += span;
		span *= apb;
	}
	return r;
}

/* Files whose i_block holds block numbers (not a fast symlink's text or a device number). */
static bool has_blocks(const struct ext2_inode_mem *m)
{
	uint32_t t = m->info.mode & S_IFMT;
	return t == S_IFREG || t == S_IFDIR || (t == S_IFLNK && !m->info.fast_symlink);
}

/* The last reference to an unlinked inode went: its blocks and number are freed. */
static void delete_inode(struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	struct ext2_inode_mem *m = inode->priv;
	mutex_lock(&es->lock);
	int r = has_blocks(m) ? ext2_free_blocks_from(inode, 0) : 0;
	m->info.dtime = (uint32_t)(time_realtime_ns() / 1000000000);
	inode->size = 0;
	if (!r)
		r = ext2_write_inode(inode);
	if (!r)
		r = ext2_free_ino(es, (uint32_t)inode->ino, S_ISDIR(inode->mode));
	mutex_unlock(&es->lock);
	if (r)
		pr_warn("ext2 %s: inode %llu: not freed (%d)\n", es->name,
			(unsigned long long)inode->ino, r);
}
