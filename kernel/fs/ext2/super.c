/* ext2 mounting: the superblock and group descriptors are read from the block device and
 * checked (kernel/lib/ext2_disk.c) before anything trusts them; statfs; and the block cache
 * every metadata and data read goes through. */
#include <fs/ext2/ext2.h>
#include <block/blkdev.h>
#include <block/loop.h>
#include <core/printk.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <core/time.h>
#include <uapi/errno.h>
#include <uapi/mount.h>

/* A read-write mount that met an error: the superblock will say "has errors" (e2fsck then
 * checks it), and with errors=remount-ro in the superblock the mount turns read-only, as
 * Linux's ext2_error. */
static void note_error(struct ext2_sb *es)
{
	if (!READ_ONCE(es->rw) || READ_ONCE(es->error_seen))
		return;
	WRITE_ONCE(es->error_seen, true);
	if (es->raw.s_errors == EXT2_ERRORS_RO || es->raw.s_errors == EXT2_ERRORS_PANIC) {
		pr_warn("ext2 %s: remounting read-only\n", es->name);
		WRITE_ONCE(es->sb->flags, es->sb->flags | SB_RDONLY);
		WRITE_ONCE(es->rw, false);
	}
}

int ext2_corrupt(struct ext2_sb *es, uint32_t ino, const char *why)
{
	if (ino)
		pr_warn("ext2 %s: inode %u: %s\n", es->name, ino, why);
	else
		pr_warn("ext2 %s: %s\n", es->name, why);
	note_error(es);
	return -EUCLEAN;
}

int ext2_io_error(struct ext2_sb *es, uint32_t blk)
{
	pr_warn("ext2 %s: I/O error on block %u\n", es->name, blk);
	note_error(es);
	return -EIO;
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

/* Bytes [off, off + len) of the device written, with the partial sectors around them read
 * first (the superblock on a device of 4 KiB sectors). */
static int dev_write(struct block_device *bd, uint64_t off, const void *buf, size_t len)
{
	uint32_t ss = bd->sector_size;
	if (off % ss == 0 && len % ss == 0)
		return blkdev_write(bd, off, buf, len);
	uint64_t a = off - off % ss, b = (off + len + ss - 1) / ss * ss;
	char *bounce = kmalloc((size_t)(b - a));
	if (!bounce)
		return -ENOMEM;
	int r = blkdev_read(bd, a, bounce, (size_t)(b - a));
	if (!r) {
		memcpy(bounce + (off - a), buf, len);
		r = blkdev_write(bd, a, bounce, (size_t)(b - a));
	}
	kfree(bounce);
	return r;
}

static int slot_writeback_locked(struct ext2_sb *es, struct ext2_bcache_slot *s)
{
	mutex_assert_held(&es->bcache_lock);
	if (!s->dirty)
		return 0;
	int r = dev_write(es->bd, (uint64_t)s->blk << es->g.block_log, s->data, es->g.block_size);
	if (r)
		return ext2_io_error(es, s->blk);
	s->dirty = false;
	return 0;
}

/* The hash chains link slots by 1 + their index (0 ends a chain). */
static uint16_t *chain_head(struct ext2_sb *es, uint32_t blk)
{
	return &es->bcache_hash[blk % EXT2_BCACHE_BUCKETS];
}

/* Take slot s (holding a block) off its chain and empty it. */
static void slot_unhash_locked(struct ext2_sb *es, struct ext2_bcache_slot *s)
{
	mutex_assert_held(&es->bcache_lock);
	uint16_t self = (uint16_t)(s - es->bcache + 1), *link = chain_head(es, s->blk);
	while (*link && *link != self)
		link = &es->bcache[*link - 1].hnext;
	if (*link)
		*link = s->hnext;
	s->blk = 0;
	s->dirty = false;
}

static void slot_hash_locked(struct ext2_sb *es, struct ext2_bcache_slot *s, uint32_t blk)
{
	uint16_t *head = chain_head(es, blk);
	s->blk = blk;
	s->hnext = *head;
	*head = (uint16_t)(s - es->bcache + 1);
}

/* The slot holding blk, or the one to reuse (empty, else least recently used). */
static struct ext2_bcache_slot *bcache_slot_locked(struct ext2_sb *es, uint32_t blk, bool *hit)
{
	mutex_assert_held(&es->bcache_lock);
	for (uint16_t i = *chain_head(es, blk); i; i = es->bcache[i - 1].hnext) {
		if (es->bcache[i - 1].blk == blk) {
			*hit = true;
			return &es->bcache[i - 1];
		}
	}
	struct ext2_bcache_slot *victim = &es->bcache[0];
	for (int i = 0; i < EXT2_BCACHE_SLOTS && victim->blk; i++) {
		struct ext2_bcache_slot *s = &es->bcache[i];
		if (!s->blk || s->last_use < victim->last_use)
			victim = s;
	}
	*hit = false;
	return victim;
}

/* The cached copy of blk, read from the device unless fill is false (the caller overwrites
 * all of it). NULL with *err on failure. */
static struct ext2_bcache_slot *bcache_get_locked(struct ext2_sb *es, uint32_t blk, bool fill,
						  int *err)
{
	bool hit;
	struct ext2_bcache_slot *s = bcache_slot_locked(es, blk, &hit);
	*err = 0;
	if (!hit) {
		*err = slot_writeback_locked(es, s);
		if (!*err && !s->data && !(s->data = kmalloc(es->g.block_size)))
			*err = -ENOMEM;
		if (*err)
			return NULL;
		if (s->blk)
			slot_unhash_locked(es, s);
		if (fill && dev_read(es->bd, (uint64_t)blk << es->g.block_log, s->data,
				     es->g.block_size)) {
			*err = ext2_io_error(es, blk);
			return NULL;
		}
		slot_hash_locked(es, s, blk);
	}
	s->last_use = ++es->bcache_clock;
	return s;
}

/* Copy between the cached block blk and buf: out (read) or in (write, marking it dirty). */
static int block_io(struct ext2_sb *es, uint32_t blk, uint32_t off, void *buf, size_t len,
		    bool write)
{
	uint32_t bs = es->g.block_size;
	if (!ext2_block_ok(&es->g, blk))
		return ext2_corrupt(es, 0, "block number out of range");
	if (off > bs || len > bs - off)
		return -EINVAL;
	int r;
	mutex_lock(&es->bcache_lock);
	struct ext2_bcache_slot *s = bcache_get_locked(es, blk, !write || len != bs, &r);
	if (s && write) {
		memcpy(s->data + off, buf, len);
		s->dirty = true;
	} else if (s) {
		memcpy(buf, s->data + off, len);
	}
	mutex_unlock(&es->bcache_lock);
	return r;
}

int ext2_read_block_part(struct ext2_sb *es, uint32_t blk, uint32_t off, void *buf, size_t len)
{
	return block_io(es, blk, off, buf, len, false);
}

int ext2_read_block(struct ext2_sb *es, uint32_t blk, void *buf)
{
	return block_io(es, blk, 0, buf, es->g.block_size, false);
}

int ext2_write_block_part(struct ext2_sb *es, uint32_t blk, uint32_t off, const void *buf,
			  size_t len)
{
	return block_io(es, blk, off, (void *)buf, len, true);
}

int ext2_zero_block(struct ext2_sb *es, uint32_t blk)
{
	if (!ext2_block_ok(&es->g, blk))
		return ext2_corrupt(es, 0, "block number out of range");
	int r;
	mutex_lock(&es->bcache_lock);
	struct ext2_bcache_slot *s = bcache_get_locked(es, blk, false, &r);
	if (s) {
		memset(s->data, 0, es->g.block_size);
		s->dirty = true;
	}
	mutex_unlock(&es->bcache_lock);
	return r;
}

/* Forget a cached block that was freed (its contents no longer matter). */
void ext2_forget_block(struct ext2_sb *es, uint32_t blk)
{
	bool hit;
	mutex_lock(&es->bcache_lock);
	struct ext2_bcache_slot *s = bcache_slot_locked(es, blk, &hit);
	if (hit)
		slot_unhash_locked(es, s);
	mutex_unlock(&es->bcache_lock);
}

/* ---- writing back ---------------------------------------------------------------------------- */

static int write_super(struct ext2_sb *es)
{
	mutex_assert_held(&es->lock);
	if (READ_ONCE(es->error_seen))
		es->raw.s_state |= EXT2_ERROR_FS;
	es->raw.s_wtime = (uint32_t)(time_realtime_ns() / 1000000000);
	return dev_write(es->bd, EXT2_SUPER_OFFSET, &es->raw, sizeof(es->raw));
}

/* The pages of every shared mapping into their blocks. */
static int writeback_pages_locked(struct ext2_sb *es)
{
	struct list_node *n;
	int r = 0;
	mutex_lock(&es->icache_lock);
	list_for_each(n, &es->icache) {
		struct ext2_inode_mem *m = list_entry(n, struct ext2_inode_mem, link);
		if (!list_empty(&m->pages) && ext2_pages_writeback_locked(m->inode))
			r = -EIO;
	}
	mutex_unlock(&es->icache_lock);
	return r;
}

int ext2_sync_locked(struct ext2_sb *es)
{
	mutex_assert_held(&es->lock);
	if (!READ_ONCE(es->rw) && !READ_ONCE(es->error_seen))
		return 0; /* (a mount made read-only by an error still writes what it has) */
	int r = writeback_pages_locked(es);
	mutex_lock(&es->bcache_lock);
	for (int i = 0; i < EXT2_BCACHE_SLOTS; i++)
		if (es->bcache[i].blk && slot_writeback_locked(es, &es->bcache[i]))
			r = -EIO;
	mutex_unlock(&es->bcache_lock);
	if (write_super(es))
		r = -EIO;
	if (blkdev_flush(es->bd))
		r = -EIO;
	return r;
}

int ext2_sync(struct ext2_sb *es)
{
	mutex_lock(&es->lock);
	int r = ext2_sync_locked(es);
	mutex_unlock(&es->lock);
	return r;
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

/* Every mounted ext2 file system: sync(2) writes the read-write ones back, and a device is
 * mounted once at a time (two independent instances on one device would corrupt it). */
static struct mutex mounts_lock = MUTEX_INIT(mounts_lock, "ext2_mounts");
static struct list_node mounts = LIST_HEAD_INIT(mounts); /* mounts_lock */

void ext2_sync_all(void)
{
	mutex_lock(&mounts_lock);
	struct list_node *n;
	list_for_each(n, &mounts)
		ext2_sync(list_entry(n, struct ext2_sb, mount_link));
	mutex_unlock(&mounts_lock);
}

/* Enter es in the list unless its device is mounted already (-EBUSY, as Linux's mount of a
 * device on the mount point where it is mounted; this driver shares no super block). */
static int mounts_add(struct ext2_sb *es)
{
	struct list_node *n;
	int r = 0;
	mutex_lock(&mounts_lock);
	list_for_each(n, &mounts)
		if (list_entry(n, struct ext2_sb, mount_link)->bd == es->bd)
			r = -EBUSY;
	if (!r)
		list_add_tail(&mounts, &es->mount_link);
	mutex_unlock(&mounts_lock);
	return r;
}

static void mounts_remove(struct ext2_sb *es)
{
	mutex_lock(&mounts_lock);
	list_remove(&es->mount_link);
	mutex_unlock(&mounts_lock);
}

static void ext2_sb_free(struct ext2_sb *es)
{
	if (es->listed)
		mounts_remove(es);
	for (int i = 0; i < EXT2_BCACHE_SLOTS; i++)
		kfree(es->bcache[i].data);
	kfree(es->gdt);
	if (es->bd) {
		loop_holder(es->bd, false);
		blkdev_put(es->bd);
	}
	kfree(es);
}

/* A read-write mount: the superblock says "not cleanly unmounted" until the unmount. */
static int mark_mounted(struct ext2_sb *es)
{
	mutex_lock(&es->lock);
	es->state_at_mount = es->raw.s_state;
	es->raw.s_state &= (uint16_t)~EXT2_VALID_FS;
	es->raw.s_mnt_count++;
	es->raw.s_mtime = (uint32_t)(time_realtime_ns() / 1000000000);
	int r = write_super(es);
	if (!r)
		r = blkdev_flush(es->bd);
	mutex_unlock(&es->lock);
	return r;
}

/* The unmount of a read-write mount: everything written, the state as it was at the mount. */
static void mark_unmounted(struct ext2_sb *es)
{
	mutex_lock(&es->lock);
	int r = ext2_sync_locked(es);
	if (!r) {
		es->raw.s_state = es->state_at_mount; /* write_super keeps an error's mark */
		r = write_super(es);
	}
	if (!r)
		r = blkdev_flush(es->bd);
	mutex_unlock(&es->lock);
	if (r)
		pr_warn("ext2 %s: unmount could not write everything back (%d)\n", es->name, r);
}

static void ext2_kill(struct super_block *sb)
{
	struct ext2_sb *es = EXT2_SB(sb);
	dentry_put(sb->root);
	if (es->rw || READ_ONCE(es->error_seen))
		mark_unmounted(es);
	ext2_sb_free(es);
	kfree(sb);
}

static int ext2_sync_fs(struct super_block *sb)
{
	return ext2_sync(EXT2_SB(sb));
}

static const struct super_ops ext2_sops = {
	.evict = ext2_evict,
	.statfs = ext2_statfs,
	.kill = ext2_kill,
	.sync_fs = ext2_sync_fs,
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
	mutex_init(&es->lock, "ext2");
	mutex_init(&es->icache_lock, "ext2_icache");
	mutex_init(&es->bcache_lock, "ext2_bcache");
	list_init(&es->icache);
	int r = source ? blkdev_lookup_path(source, &es->bd) : -EINVAL;
	if (!r)
		loop_holder(es->bd, true);
	if (!r && !(r = mounts_add(es)))
		es->listed = true;
	if (!r) {
		ksnprintf(es->name, sizeof(es->name), "%s", es->bd->name);
		r = read_super(es);
	}
	if (!r && es->g.force_ro)
		pr_info("ext2 %s: unknown read-only features %#x\n", es->name,
			es->g.feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_SUPP);
	if (!r && !(flags & MS_RDONLY)) {
		if (es->g.force_ro)
			r = -EROFS; /* unknown read-only-compatible features */
		else if (es->bd->read_only)
			r = -EACCES;
		es->rw = !r;
	}
	if (!r)
		r = read_gdt(es);
	if (!r && es->rw)
		r = mark_mounted(es);
	if (r) {
		ext2_sb_free(es);
		return r;
	}
	*out = es;
	return 0;
}

static struct fs_type ext2_fs_type;

static void ext2_mount_failed(struct ext2_sb *es)
{
	if (es->rw)
		mark_unmounted(es);
	ext2_sb_free(es);
}

static int ext2_mount(const char *source, unsigned long flags, const char *data,
		      struct super_block **out)
{
	if (data && data[0])
		return -EINVAL; /* no mount options are understood yet */
	struct ext2_sb *es;
	int r = ext2_open_device(source, flags, &es);
	if (r)
		return r;
	struct super_block *sb = sb_alloc(&ext2_fs_type, &ext2_sops,
					  SB_DIR_SIZE | (es->rw ? 0 : SB_RDONLY), EXT2_SUPER_MAGIC);
	if (!sb) {
		ext2_mount_failed(es);
		return -ENOMEM;
	}
	sb->priv = es;
	es->sb = sb;
	sb->dev = es->bd->rdev;
	sb->blksize = es->g.block_size;
	struct inode *root = NULL;
	r = ext2_iget(sb, EXT2_ROOT_INO, &root);
	if (!r && !S_ISDIR(root->mode))
		r = ext2_corrupt(es, EXT2_ROOT_INO, "root is not a directory");
	if (r) {
		inode_put(root);
		ext2_mount_failed(es);
		kfree(sb);
		return r;
	}
	r = sb_attach_root(sb, root); /* frees sb on failure */
	if (r) {
		ext2_mount_failed(es);
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
