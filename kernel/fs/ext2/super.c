/* ext2 mounting: the superblock and group descriptors are read from the block device and
 * checked (kernel/lib/ext2_disk.c) before anything trusts them; statfs; and the block cache
 * every metadata and data read goes through. */
#include <fs/ext2/ext2.h>
#include <block/blkdev.h>
#include <core/printk.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>
#include <uapi/mount.h>

int ext2_corrupt(struct ext2_sb *es, uint32_t ino, const char *why)
{
	if (ino)
		pr_warn("ext2 %s: inode %u: %s\n", es->name, ino, why);
	else
		pr_warn("ext2 %s: %s\n", es->name, why);
	return -EUCLEAN;
}

/* Bytes [off, off + len) of the device, whatever its sector size. */
static int dev_read(struct block_device *bd, uint64_t off, void *buf, size_t len)
{
	uint32_t ss = bd->sector_size;
	if (off % ss == 0 && len % ss == 0)
		return blkdev_read(bd, off, buf, len);
	uint64_t a = off - off % ss, b = (off + len + ss - 1) / ss * ss;
	char *bounce = kmalloc((size_t)(b - a));
	if (!bounce)
		return -ENOMEM;
	int r = blkdev_read(bd, a, bounce, (size_t)(b - a));
	if (!r)
		memcpy(buf, bounce + (off - a), len);
	kfree(bounce);
	return r;
}

/* The slot holding blk, or the one to reuse (empty, else least recently used). */
static struct ext2_bcache_slot *bcache_slot_locked(struct ext2_sb *es, uint32_t blk, bool *hit)
{
	mutex_assert_held(&es->bcache_lock);
	struct ext2_bcache_slot *victim = &es->bcache[0];
	for (int i = 0; i < EXT2_BCACHE_SLOTS; i++) {
		struct ext2_bcache_slot *s = &es->bcache[i];
		if (s->blk == blk) {
			*hit = true;
			return s;
		}
		if (!s->blk ? victim->blk != 0 : victim->blk && s->last_use < victim->last_use)
			victim = s;
	}
	*hit = false;
	return victim;
}

int ext2_read_block_part(struct ext2_sb *es, uint32_t blk, uint32_t off, void *buf, size_t len)
{
	uint32_t bs = es->g.block_size;
	if (!ext2_block_ok(&es->g, blk))
		return ext2_corrupt(es, 0, "block number out of range");
	if (off > bs || len > bs - off)
		return -EINVAL;
	int r = 0;
	bool hit;
	mutex_lock(&es->bcache_lock);
	struct ext2_bcache_slot *s = bcache_slot_locked(es, blk, &hit);
	if (!hit) {
		s->blk = 0;
		if (!s->data && !(s->data = kmalloc(bs)))
			r = -ENOMEM;
		if (!r)
			r = dev_read(es->bd, (uint64_t)blk << es->g.block_log, s->data, bs);
		if (!r)
			s->blk = blk;
	}
	if (!r) {
		s->last_use = ++es->bcache_clock;
		memcpy(buf, s->data + off, len);
	}
	mutex_unlock(&es->bcache_lock);
	return r == -ENOMEM ? r : r ? -EIO : 0;
}

int ext2_read_block(struct ext2_sb *es, uint32_t blk, void *buf)
{
	return ext2_read_block_part(es, blk, 0, buf, es->g.block_size);
}

/* ---- statfs --------------------------------------------------------------------------------- */

/* Linux's ext2_statfs ("bsddf"): the metadata blocks are not counted as the file system's. */
static int ext2_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct ext2_sb *es = EXT2_SB(sb);
	const struct ext2_geom *g = &es->g;
	uint64_t overhead = g->first_data_block, bfree = 0, ffree = 0;
	for (uint32_t i = 0; i < g->groups; i++) {
		if (ext2_group_has_super(g, i))
			overhead += 1 + g->gdt_blocks;
		bfree += es->gdt[i].bg_free_blocks_count;
		ffree += es->gdt[i].bg_free_inodes_count;
	}
	overhead += (uint64_t)g->groups * (2 + g->inode_table_blocks);
	uint64_t reserved = es->raw.s_r_blocks_count;
	uint64_t fsid_lo = 0, fsid_hi = 0;
	memcpy(&fsid_lo, es->raw.s_uuid, 8);
	memcpy(&fsid_hi, es->raw.s_uuid + 8, 8);
	uint64_t fsid = fsid_lo ^ fsid_hi;
	*st = (struct linux_statfs){
		.f_type = EXT2_SUPER_MAGIC,
		.f_bsize = g->block_size,
		.f_blocks = g->blocks_count > overhead ? g->blocks_count - overhead : 0,
		.f_bfree = bfree,
		.f_bavail = bfree > reserved ? bfree - reserved : 0,
		.f_files = g->inodes_count,
		.f_ffree = ffree,
		.f_fsid = { (int32_t)(uint32_t)fsid, (int32_t)(uint32_t)(fsid >> 32) },
		.f_namelen = EXT2_NAME_LEN,
		.f_frsize = g->block_size,
	};
	return 0;
}

/* ---- mount and unmount ---------------------------------------------------------------------- */

static void ext2_sb_free(struct ext2_sb *es)
{
	for (int i = 0; i < EXT2_BCACHE_SLOTS; i++)
		kfree(es->bcache[i].data);
	kfree(es->gdt);
	if (es->bd)
		blkdev_put(es->bd);
	kfree(es);
}

static void ext2_kill(struct super_block *sb)
{
	dentry_put(sb->root);
	ext2_sb_free(EXT2_SB(sb));
	kfree(sb);
}

static const struct super_ops ext2_sops = {
	.evict = ext2_evict,
	.statfs = ext2_statfs,
	.kill = ext2_kill,
};

static int read_super(struct ext2_sb *es)
{
	const char *why;
	int r = dev_read(es->bd, EXT2_SUPER_OFFSET, &es->raw, sizeof(es->raw));
	if (r)
		return r;
	r = ext2_parse_super(&es->raw, blkdev_size_bytes(es->bd), &es->g, &why);
	if (r)
		pr_warn("ext2 %s: cannot mount: %s\n", es->name, why);
	if (r == -EUCLEAN && es->raw.s_magic != EXT2_MAGIC)
		r = -EINVAL; /* not an ext2 file system at all, as Linux says it */
	if (!r && (es->raw.s_state & EXT2_ERROR_FS))
		pr_warn("ext2 %s: marked as having errors; run e2fsck\n", es->name);
	else if (!r && !(es->raw.s_state & EXT2_VALID_FS))
		pr_warn("ext2 %s: not cleanly unmounted; run e2fsck\n", es->name);
	return r;
}

/* The group descriptor table (gdt_blocks blocks from gdt_block), every entry checked. */
static int read_gdt(struct ext2_sb *es)
{
	const struct ext2_geom *g = &es->g;
	size_t bytes = (size_t)g->gdt_blocks * g->block_size;
	char *buf = kmalloc(bytes);
	if (!buf)
		return -ENOMEM;
	int r = 0;
	for (uint32_t i = 0; !r && i < g->gdt_blocks; i++)
		r = ext2_read_block(es, g->gdt_block + i, buf + (size_t)i * g->block_size);
	es->gdt = (struct ext2_group_desc *)buf;
	for (uint32_t i = 0; !r && i < g->groups; i++) {
		const char *why;
		if (ext2_check_group_desc(g, i, &es->gdt[i], &why)) {
			pr_warn("ext2 %s: group %u: %s\n", es->name, i, why);
			r = -EUCLEAN;
		}
	}
	return r;
}

static int ext2_open_device(const char *source, unsigned long flags, struct ext2_sb **out)
{
	struct ext2_sb *es = kmalloc(sizeof(*es));
	if (!es)
		return -ENOMEM;
	mutex_init(&es->icache_lock, "ext2_icache");
	mutex_init(&es->bcache_lock, "ext2_bcache");
	list_init(&es->icache);
	int r = source ? blkdev_lookup_path(source, &es->bd) : -ENOTBLK;
	if (!r) {
		ksnprintf(es->name, sizeof(es->name), "%s", es->bd->name);
		r = read_super(es);
	}
	if (!r && es->g.force_ro)
		pr_info("ext2 %s: unknown read-only features %#x\n", es->name,
			es->g.feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_SUPP);
	if (!r && !(flags & MS_RDONLY)) {
		pr_info("ext2 %s: only read-only mounts are supported yet\n", es->name);
		r = -EROFS;
	}
	if (!r)
		r = read_gdt(es);
	if (r) {
		ext2_sb_free(es);
		return r;
	}
	*out = es;
	return 0;
}

static struct fs_type ext2_fs_type;

static int ext2_mount(const char *source, unsigned long flags, const char *data,
		      struct super_block **out)
{
	if (data && data[0])
		return -EINVAL; /* no mount options are understood yet */
	struct ext2_sb *es;
	int r = ext2_open_device(source, flags, &es);
	if (r)
		return r;
	struct super_block *sb = sb_alloc(&ext2_fs_type, &ext2_sops, SB_RDONLY, EXT2_SUPER_MAGIC);
	if (!sb) {
		ext2_sb_free(es);
		return -ENOMEM;
	}
	sb->priv = es;
	sb->dev = es->bd->rdev;
	struct inode *root = NULL;
	r = ext2_iget(sb, EXT2_ROOT_INO, &root);
	if (!r && !S_ISDIR(root->mode))
		r = ext2_corrupt(es, EXT2_ROOT_INO, "root is not a directory");
	if (r) {
		inode_put(root);
		ext2_sb_free(es);
		kfree(sb);
		return r;
	}
	r = sb_attach_root(sb, root); /* frees sb on failure */
	if (r) {
		ext2_sb_free(es);
		return r;
	}
	*out = sb;
	return 0;
}

static struct fs_type ext2_fs_type = {
	.name = "ext2",
	.nodev = false,
	.mount = ext2_mount,
};

void ext2_register(void)
{
	fs_type_register(&ext2_fs_type);
}
