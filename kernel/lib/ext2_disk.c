/* ext2 on-disk structure decoding and validation (see ext2_disk.h): every count, block number,
 * inode number and record length read from an image is range-checked here, so the driver and
 * the host fuzzer share one set of checks. Pure code. */
#include <lib/ext2_disk.h>
#include <uapi/errno.h>
#include <uapi/stat.h>

static int bad(const char **why, const char *reason)
{
	*why = reason;
	return -EUCLEAN;
}

static uint32_t div_up(uint64_t a, uint32_t b)
{
	return (uint32_t)((a + b - 1) / b);
}

/* Revision-dependent fields: inode size, first inode, feature sets. */
static int parse_rev(const struct ext2_super *sb, struct ext2_geom *g, const char **why)
{
	g->rev = sb->s_rev_level;
	if (g->rev == EXT2_GOOD_OLD_REV) {
		g->inode_size = EXT2_GOOD_OLD_INODE_SIZE;
		g->first_ino = EXT2_GOOD_OLD_FIRST_INO;
		g->feature_compat = g->feature_incompat = g->feature_ro_compat = 0;
		return 0;
	}
	if (g->rev != EXT2_DYNAMIC_REV)
		return bad(why, "unknown revision level");
	g->inode_size = sb->s_inode_size;
	g->first_ino = sb->s_first_ino;
	if (g->inode_size < EXT2_GOOD_OLD_INODE_SIZE || g->inode_size > g->block_size ||
	    (g->inode_size & (g->inode_size - 1)))
		return bad(why, "bad inode size");
	if (g->first_ino < EXT2_GOOD_OLD_FIRST_INO || g->first_ino > g->inodes_count)
		return bad(why, "bad first inode");
	g->feature_compat = sb->s_feature_compat;
	g->feature_incompat = sb->s_feature_incompat;
	g->feature_ro_compat = sb->s_feature_ro_compat;
	return 0;
}

/* Block size, counts and the group arithmetic that ties them together. */
static int parse_counts(const struct ext2_super *sb, uint64_t dev_bytes, struct ext2_geom *g,
			const char **why)
{
	if (sb->s_log_block_size > EXT2_MAX_BLOCK_LOG - EXT2_MIN_BLOCK_LOG)
		return bad(why, "unsupported block size");
	g->block_log = EXT2_MIN_BLOCK_LOG + sb->s_log_block_size;
	g->block_size = 1u << g->block_log;
	if (sb->s_log_frag_size != sb->s_log_block_size)
		return bad(why, "fragment size differs from block size");
	g->blocks_count = sb->s_blocks_count;
	g->inodes_count = sb->s_inodes_count;
	g->first_data_block = sb->s_first_data_block;
	g->blocks_per_group = sb->s_blocks_per_group;
	g->inodes_per_group = sb->s_inodes_per_group;
	if (g->first_data_block != (g->block_size == 1024 ? 1u : 0u))
		return bad(why, "bad first data block");
	if (g->blocks_count <= g->first_data_block + 1)
		return bad(why, "too few blocks");
	if ((uint64_t)g->blocks_count << g->block_log > dev_bytes)
		return bad(why, "block count past the end of the device");
	if (g->blocks_per_group == 0 || g->blocks_per_group > 8 * g->block_size ||
	    g->blocks_per_group % 8)
		return bad(why, "bad blocks per group");
	if (g->inodes_per_group == 0 || g->inodes_per_group > 8 * g->block_size ||
	    g->inodes_per_group % 8)
		return bad(why, "bad inodes per group");
	g->groups = div_up(g->blocks_count - g->first_data_block, g->blocks_per_group);
	if ((uint64_t)g->groups * g->inodes_per_group != g->inodes_count)
		return bad(why, "inode count disagrees with groups");
	if (sb->s_free_blocks_count > g->blocks_count || sb->s_r_blocks_count > g->blocks_count ||
	    sb->s_free_inodes_count > g->inodes_count)
		return bad(why, "free counts exceed totals");
	return 0;
}

static int parse_features(struct ext2_geom *g, const struct ext2_super *sb, const char **why)
{
	if (g->feature_incompat & ~(uint32_t)EXT2_INCOMPAT_SUPP) {
		*why = "unsupported incompatible features";
		return -EINVAL;
	}
	g->force_ro = (g->feature_ro_compat & ~(uint32_t)EXT2_RO_COMPAT_SUPP) != 0;
	g->sparse_super = g->feature_ro_compat & EXT2_FEATURE_RO_COMPAT_SPARSE_SUPER;
	g->large_file = g->feature_ro_compat & EXT2_FEATURE_RO_COMPAT_LARGE_FILE;
	g->filetype = g->feature_incompat & EXT2_FEATURE_INCOMPAT_FILETYPE;
	g->reserved_gdt_blocks = 0;
	if (g->feature_compat & EXT2_FEATURE_COMPAT_RESIZE_INODE)
		g->reserved_gdt_blocks = sb->s_reserved_gdt_blocks;
	if (g->reserved_gdt_blocks > g->addr_per_block)
		return bad(why, "too many reserved descriptor blocks");
	return 0;
}

int ext2_parse_super(const struct ext2_super *sb, uint64_t dev_bytes, struct ext2_geom *g,
		     const char **why)
{
	int r;

	*why = NULL;
	if (sb->s_magic != EXT2_MAGIC)
		return bad(why, "bad magic");
	r = parse_counts(sb, dev_bytes, g, why);
	if (r)
		return r;
	r = parse_rev(sb, g, why);
	if (r)
		return r;
	g->addr_per_block = g->block_size / 4;
	r = parse_features(g, sb, why);
	if (r)
		return r;
	g->inodes_per_block = g->block_size / g->inode_size;
	g->inode_table_blocks = div_up((uint64_t)g->inodes_per_group * g->inode_size,
				       g->block_size);
	g->gdt_block = g->first_data_block + 1;
	g->gdt_blocks = div_up((uint64_t)g->groups * sizeof(struct ext2_group_desc),
			       g->block_size);
	/* Group 0 must hold its superblock, the table, two bitmaps and the inode table. */
	if ((uint64_t)ext2_group_overhead(g, 0) + 2 + g->inode_table_blocks >
	    ext2_group_nblocks(g, 0))
		return bad(why, "group 0 too small for its metadata");
	return 0;
}

static bool is_power_of(uint32_t n, uint32_t base)
{
	while (n > 1 && n % base == 0)
		n /= base;
	return n == 1;
}

bool ext2_group_has_super(const struct ext2_geom *g, uint32_t group)
{
	if (group <= 1 || !g->sparse_super)
		return true;
	if (!(group & 1))
		return false;
	return is_power_of(group, 3) || is_power_of(group, 5) || is_power_of(group, 7);
}

uint32_t ext2_group_first_block(const struct ext2_geom *g, uint32_t group)
{
	return g->first_data_block + group * g->blocks_per_group;
}

uint32_t ext2_group_nblocks(const struct ext2_geom *g, uint32_t group)
{
	uint32_t first = ext2_group_first_block(g, group);
	uint32_t left = g->blocks_count - first;
	return left < g->blocks_per_group ? left : g->blocks_per_group;
}

uint32_t ext2_group_overhead(const struct ext2_geom *g, uint32_t group)
{
	if (!ext2_group_has_super(g, group))
		return 0;
	return 1 + g->gdt_blocks + g->reserved_gdt_blocks;
}

/* [a, a + na) and [b, b + nb) share a block. */
static bool overlap(uint64_t a, uint64_t na, uint64_t b, uint64_t nb)
{
	return a < b + nb && b < a + na;
}

int ext2_check_group_desc(const struct ext2_geom *g, uint32_t group,
			  const struct ext2_group_desc *gd, const char **why)
{
	*why = NULL;
	if (group >= g->groups)
		return bad(why, "group out of range");
	uint64_t lo = (uint64_t)ext2_group_first_block(g, group) + ext2_group_overhead(g, group);
	uint64_t end = (uint64_t)ext2_group_first_block(g, group) + ext2_group_nblocks(g, group);
	uint64_t bb = gd->bg_block_bitmap, ib = gd->bg_inode_bitmap, it = gd->bg_inode_table;
	uint64_t itn = g->inode_table_blocks;

	if (bb < lo || bb >= end)
		return bad(why, "block bitmap outside its group");
	if (ib < lo || ib >= end || ib == bb)
		return bad(why, "inode bitmap outside its group");
	if (it < lo || it + itn > end || overlap(it, itn, bb, 1) || overlap(it, itn, ib, 1))
		return bad(why, "inode table outside its group");
	if (gd->bg_free_blocks_count > ext2_group_nblocks(g, group) ||
	    gd->bg_free_inodes_count > g->inodes_per_group ||
	    gd->bg_used_dirs_count > g->inodes_per_group)
		return bad(why, "group counts exceed the group");
	return 0;
}

int ext2_inode_locate(const struct ext2_geom *g, uint32_t ino, uint32_t *group,
		      uint64_t *table_off)
{
	if (!ext2_ino_ok(g, ino))
		return -EUCLEAN;
	*group = (ino - 1) / g->inodes_per_group;
	*table_off = (uint64_t)((ino - 1) % g->inodes_per_group) * g->inode_size;
	return 0;
}

uint64_t ext2_max_file_size(const struct ext2_geom *g)
{
	uint32_t shift = g->block_log - 2; /* log2(addr_per_block) */
	uint64_t apb = g->addr_per_block;
	uint64_t reach = EXT2_NDIR_BLOCKS + apb + (apb << shift) + (apb << (2 * shift));
	/* i_blocks counts 512-byte sectors in 32 bits, indirect blocks included. */
	uint64_t limit = (UINT64_C(0xffffffff) >> (g->block_log - 9));
	uint64_t meta = 1 + (1 + apb) + (1 + apb + (apb << shift));

	limit -= meta;
	if (reach > limit)
		reach = limit;
	return reach << g->block_log;
}

static void decode_dev(const struct ext2_inode *raw, struct ext2_inode_info *out)
{
	uint32_t v = raw->i_block[0];

	if (v) { /* old 16-bit form */
		out->rdev_major = (v >> 8) & 0xff;
		out->rdev_minor = v & 0xff;
		return;
	}
	v = raw->i_block[1];
	out->rdev_major = (v & 0xfff00) >> 8;
	out->rdev_minor = (v & 0xff) | ((v >> 12) & 0xfff00);
}

static int check_symlink(const struct ext2_geom *g, const struct ext2_inode *raw,
			 struct ext2_inode_info *out, const char **why)
{
	uint32_t acl_sectors = raw->i_file_acl ? g->block_size >> 9 : 0;

	out->fast_symlink = raw->i_blocks == acl_sectors;
	if (out->size == 0)
		return bad(why, "empty symlink");
	if (out->fast_symlink && out->size >= EXT2_FAST_SYMLINK_MAX)
		return bad(why, "fast symlink too long");
	if (!out->fast_symlink && out->size > g->block_size)
		return bad(why, "symlink longer than a block");
	return 0;
}

static int check_type(uint32_t mode, const char **why)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
	case S_IFDIR:
	case S_IFLNK:
	case S_IFCHR:
	case S_IFBLK:
	case S_IFIFO:
	case S_IFSOCK:
		return 0;
	}
	return bad(why, "unknown file type");
}

int ext2_inode_decode(const struct ext2_geom *g, const struct ext2_inode *raw,
		      struct ext2_inode_info *out, const char **why)
{
	*why = NULL;
	out->mode = raw->i_mode;
	if (check_type(out->mode, why))
		return -EUCLEAN;
	out->uid = raw->i_uid | (uint32_t)raw->i_uid_high << 16;
	out->gid = raw->i_gid | (uint32_t)raw->i_gid_high << 16;
	out->size = raw->i_size;
	if (S_ISREG(out->mode) && g->rev >= EXT2_DYNAMIC_REV)
		out->size |= (uint64_t)raw->i_size_high << 32;
	out->atime = raw->i_atime;
	out->ctime = raw->i_ctime;
	out->mtime = raw->i_mtime;
	out->dtime = raw->i_dtime;
	out->links = raw->i_links_count;
	out->blocks512 = raw->i_blocks;
	out->flags = raw->i_flags;
	out->generation = raw->i_generation;
	out->file_acl = raw->i_file_acl;
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		out->block[i] = raw->i_block[i];
	out->fast_symlink = false;
	out->rdev_major = out->rdev_minor = 0;
	if (out->size > ext2_max_file_size(g))
		return bad(why, "size beyond the block map");
	if (out->file_acl && !ext2_block_ok(g, out->file_acl))
		return bad(why, "extended attribute block out of range");
	if (S_ISLNK(out->mode))
		return check_symlink(g, raw, out, why);
	if (S_ISCHR(out->mode) || S_ISBLK(out->mode))
		decode_dev(raw, out);
	return 0;
}

static void encode_dev(const struct ext2_inode_info *info, struct ext2_inode *raw)
{
	uint32_t ma = info->rdev_major, mi = info->rdev_minor;

	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		raw->i_block[i] = 0;
	if (ma < 256 && mi < 256)
		raw->i_block[0] = ma << 8 | mi;
	else
		raw->i_block[1] = (mi & 0xff) | (ma << 8) | ((mi & ~0xffu) << 12);
}

void ext2_inode_encode(const struct ext2_geom *g, const struct ext2_inode_info *info,
		       struct ext2_inode *raw)
{
	raw->i_mode = (uint16_t)info->mode;
	raw->i_uid = (uint16_t)info->uid;
	raw->i_uid_high = (uint16_t)(info->uid >> 16);
	raw->i_gid = (uint16_t)info->gid;
	raw->i_gid_high = (uint16_t)(info->gid >> 16);
	raw->i_size = (uint32_t)info->size;
	if (S_ISREG(info->mode) && g->rev >= EXT2_DYNAMIC_REV)
		raw->i_size_high = (uint32_t)(info->size >> 32);
	raw->i_atime = info->atime;
	raw->i_ctime = info->ctime;
	raw->i_mtime = info->mtime;
	raw->i_dtime = info->dtime;
	raw->i_links_count = (uint16_t)info->links;
	raw->i_blocks = info->blocks512;
	raw->i_flags = info->flags;
	raw->i_generation = info->generation;
	raw->i_file_acl = info->file_acl;
	if (S_ISCHR(info->mode) || S_ISBLK(info->mode)) {
		encode_dev(info, raw);
		return;
	}
	for (int i = 0; i < EXT2_N_BLOCKS; i++)
		raw->i_block[i] = info->block[i];
}

int ext2_bmap_path(const struct ext2_geom *g, uint64_t lblk, uint32_t idx[4], int *depth)
{
	uint32_t shift = g->block_log - 2;
	uint64_t apb = g->addr_per_block, mask = apb - 1;

	if (lblk < EXT2_NDIR_BLOCKS) {
		idx[0] = (uint32_t)lblk;
		*depth = 1;
		return 0;
	}
	lblk -= EXT2_NDIR_BLOCKS;
	if (lblk < apb) {
		idx[0] = EXT2_IND_BLOCK;
		idx[1] = (uint32_t)lblk;
		*depth = 2;
		return 0;
	}
	lblk -= apb;
	if (lblk < apb << shift) {
		idx[0] = EXT2_DIND_BLOCK;
		idx[1] = (uint32_t)(lblk >> shift);
		idx[2] = (uint32_t)(lblk & mask);
		*depth = 3;
		return 0;
	}
	lblk -= apb << shift;
	if (lblk < apb << (2 * shift)) {
		idx[0] = EXT2_TIND_BLOCK;
		idx[1] = (uint32_t)(lblk >> (2 * shift));
		idx[2] = (uint32_t)((lblk >> shift) & mask);
		idx[3] = (uint32_t)(lblk & mask);
		*depth = 4;
		return 0;
	}
	return -EFBIG;
}

int ext2_bmap(const struct ext2_geom *g, const uint32_t block[EXT2_N_BLOCKS], uint64_t lblk,
	      ext2_read_ind_fn read_ind, void *ctx, uint32_t *pblk)
{
	uint32_t idx[4];
	int depth, r = ext2_bmap_path(g, lblk, idx, &depth);

	if (r)
		return r;
	uint32_t b = block[idx[0]];
	for (int level = 1; level < depth && b; level++) {
		if (!ext2_block_ok(g, b))
			return -EUCLEAN;
		r = read_ind(ctx, b, idx[level], &b);
		if (r)
			return r;
	}
	if (b && !ext2_block_ok(g, b))
		return -EUCLEAN;
	*pblk = b;
	return 0;
}

int ext2_dir_next(const struct ext2_geom *g, const uint8_t *block, uint32_t *off,
		  struct ext2_dir_rec *rec, const char **why)
{
	uint32_t o = *off, bs = g->block_size;

	*why = NULL;
	if (o == bs)
		return 0;
	if (o > bs || o % 4 || bs - o < EXT2_DIRENT_HEADER)
		return bad(why, "directory record misplaced");
	const struct ext2_dirent *de = (const struct ext2_dirent *)(block + o);
	rec->off = o;
	rec->ino = de->inode;
	rec->rec_len = de->rec_len;
	rec->name_len = de->name_len;
	rec->name = de->name;
	rec->file_type = g->filetype && de->file_type < EXT2_FT_MAX ? de->file_type : 0;
	if (rec->rec_len % 4 || rec->rec_len < ext2_dir_rec_size(rec->name_len))
		return bad(why, "directory record length too short or misaligned");
	if (rec->rec_len > bs - o)
		return bad(why, "directory record runs past its block");
	if (rec->ino && (!ext2_ino_ok(g, rec->ino) || rec->name_len == 0))
		return bad(why, "directory record names a bad inode");
	*off = o + rec->rec_len;
	return 1;
}

int ext2_dir_check_block(const struct ext2_geom *g, const uint8_t *block, const char **why)
{
	struct ext2_dir_rec rec;
	uint32_t off = 0;
	int r;

	while ((r = ext2_dir_next(g, block, &off, &rec, why)) == 1)
		;
	return r;
}

void ext2_dir_put(const struct ext2_geom *g, uint8_t *block, uint32_t off, uint32_t ino,
		  uint32_t rec_len, const char *name, uint32_t name_len, uint8_t file_type)
{
	struct ext2_dirent *de = (struct ext2_dirent *)(block + off);

	de->inode = ino;
	de->rec_len = (uint16_t)rec_len;
	de->name_len = (uint8_t)name_len;
	de->file_type = g->filetype ? file_type : 0;
	for (uint32_t i = 0; i < name_len; i++)
		de->name[i] = name[i];
}

uint8_t ext2_ftype_from_mode(uint32_t mode)
{
	switch (mode & S_IFMT) {
	case S_IFREG:
		return EXT2_FT_REG_FILE;
	case S_IFDIR:
		return EXT2_FT_DIR;
	case S_IFCHR:
		return EXT2_FT_CHRDEV;
	case S_IFBLK:
		return EXT2_FT_BLKDEV;
	case S_IFIFO:
		return EXT2_FT_FIFO;
	case S_IFSOCK:
		return EXT2_FT_SOCK;
	case S_IFLNK:
		return EXT2_FT_SYMLINK;
	}
	return EXT2_FT_UNKNOWN;
}

uint32_t ext2_mode_from_ftype(uint8_t ftype)
{
	static const uint32_t modes[EXT2_FT_MAX] = {
		[EXT2_FT_REG_FILE] = S_IFREG, [EXT2_FT_DIR] = S_IFDIR,
		[EXT2_FT_CHRDEV] = S_IFCHR,   [EXT2_FT_BLKDEV] = S_IFBLK,
		[EXT2_FT_FIFO] = S_IFIFO,     [EXT2_FT_SOCK] = S_IFSOCK,
		[EXT2_FT_SYMLINK] = S_IFLNK,
	};
	return ftype < EXT2_FT_MAX ? modes[ftype] : 0;
}

int64_t ext2_bitmap_find_zero(const uint8_t *map, uint32_t nbits, uint32_t start)
{
	if (nbits == 0)
		return -1;
	if (start >= nbits)
		start = 0;
	for (uint32_t n = 0, i = start; n < nbits; n++, i = i + 1 == nbits ? 0 : i + 1) {
		if (map[i / 8] == 0xff && i % 8 == 0 && nbits - i >= 8) {
			n += 7;
			i += 7;
			continue;
		}
		if (!(map[i / 8] & (1u << (i % 8))))
			return i;
	}
	return -1;
}
