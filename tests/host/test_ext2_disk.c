/* Host tests for kernel/lib/ext2_disk.c: images made by mke2fs -d from tools/mkext2tree.sh's tree
 * (1 KiB and 4 KiB blocks) read back exactly through the parser's checks; corrupt superblocks,
 * group descriptors, inodes and directory records are refused with -EUCLEAN (-EINVAL for unknown
 * incompatible features); random mutations never read outside the image (ASan). */
#include "test.h"
#include "ext2_walk.h"
#include <stdio.h>

#ifndef EXT2_IMAGE_DIR
#error "EXT2_IMAGE_DIR: the directory host.mk writes the mke2fs images to"
#endif

static uint8_t *load(const char *name, size_t *size)
{
	char path[512];
	snprintf(path, sizeof(path), "%s/%s", EXT2_IMAGE_DIR, name);
	FILE *f = fopen(path, "rb");
	if (!f)
		return NULL;
	fseek(f, 0, SEEK_END);
	*size = (size_t)ftell(f);
	fseek(f, 0, SEEK_SET);
	uint8_t *buf = malloc(*size);
	if (buf && fread(buf, 1, *size, f) != *size) {
		free(buf);
		buf = NULL;
	}
	fclose(f);
	return buf;
}

static uint8_t *img_data[2];
static size_t img_size[2];
static uint8_t *copies[2];
static const char *const img_names[2] = { "img1k", "img4k" };

/* Opens image i (0: 1 KiB blocks, 1: 4 KiB) over a private copy the caller may mutate. */
static uint8_t *open_copy(int i, struct ext2_img *m)
{
	if (!img_data[i])
		img_data[i] = load(img_names[i], &img_size[i]);
	if (!img_data[i])
		return NULL;
	free(copies[i]); /* the previous case's (CHECK may have returned before its free) */
	copies[i] = malloc(img_size[i]);
	memcpy(copies[i], img_data[i], img_size[i]);
	if (ext2_img_open(m, copies[i], img_size[i]))
		return NULL;
	return copies[i];
}

static struct ext2_super *super_of(uint8_t *img)
{
	return (struct ext2_super *)(img + EXT2_SUPER_OFFSET);
}

static void geometry_of_both_images(void)
{
	for (int i = 0; i < 2; i++) {
		struct ext2_img m;
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		CHECK_EQ(m.g.block_size, i ? 4096 : 1024);
		CHECK_EQ(m.g.first_data_block, i ? 0 : 1);
		CHECK_EQ(m.g.rev, EXT2_DYNAMIC_REV);
		CHECK(m.g.filetype && m.g.sparse_super && m.g.large_file && !m.g.force_ro);
		CHECK_EQ((uint64_t)m.g.blocks_count << m.g.block_log, 16 << 20);
		for (uint32_t grp = 0; grp < m.g.groups; grp++) {
			struct ext2_group_desc gd;
			CHECK_EQ(ext2_img_group(&m, grp, &gd), 0);
		}
	}
}

static void check_file(struct ext2_img *m, const char *path, const char *want, uint32_t mode)
{
	struct ext2_inode_info info;
	char buf[64];
	long ino = ext2_img_lookup(m, path);
	CHECK(ino > 0);
	CHECK_EQ(ext2_img_inode(m, (uint32_t)ino, &info), 0);
	CHECK_EQ(info.mode, mode);
	CHECK_EQ(info.size, strlen(want));
	CHECK_EQ(ext2_img_read(m, &info, 0, buf, sizeof(buf)), strlen(want));
	CHECK_MEMEQ(buf, want, strlen(want));
}

static void reads_small_files_and_links(void)
{
	for (int i = 0; i < 2; i++) {
		struct ext2_img m;
		struct ext2_inode_info info;
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		check_file(&m, "hello.txt", "hello, ext2\n", S_IFREG | 0640);
		check_file(&m, "dir/sub/deep.txt", "deep\n", S_IFREG | 0644);
		CHECK_EQ(ext2_img_lookup(&m, "link.txt"), ext2_img_lookup(&m, "hello.txt"));
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "hello.txt"), &info), 0);
		CHECK_EQ(info.links, 2);
		CHECK_EQ(ext2_img_lookup(&m, "nope"), -ENOENT);
		CHECK_EQ(ext2_img_lookup(&m, "hello.txt/x"), -ENOTDIR);
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "fifo"), &info), 0);
		CHECK_EQ(info.mode & S_IFMT, S_IFIFO);
	}
}

static void reads_symlinks(void)
{
	for (int i = 0; i < 2; i++) {
		struct ext2_img m;
		struct ext2_inode_info info;
		char buf[256];
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "fast"), &info), 0);
		CHECK(S_ISLNK(info.mode) && info.fast_symlink);
		CHECK_EQ(info.size, 9);
		CHECK_MEMEQ((const char *)info.block, "hello.txt", 9);
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "slow"), &info), 0);
		CHECK(S_ISLNK(info.mode) && !info.fast_symlink);
		CHECK_EQ(info.size, 96);
		CHECK_EQ(ext2_img_read(&m, &info, 0, buf, sizeof(buf)), 96);
		CHECK_MEMEQ(buf + 80, "dir/sub/deep.txt", 16);
	}
}

static uint8_t pattern(uint64_t i)
{
	return (uint8_t)((i * 131 + (i >> 10)) & 0xff);
}

static void reads_big_file_through_indirect_blocks(void)
{
	for (int i = 0; i < 2; i++) {
		struct ext2_img m;
		struct ext2_inode_info info;
		static uint8_t buf[300 * 1024];
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "big"), &info), 0);
		CHECK_EQ(info.size, sizeof(buf));
		CHECK_EQ(ext2_img_read(&m, &info, 0, buf, sizeof(buf)), sizeof(buf));
		for (size_t k = 0; k < sizeof(buf); k++)
			if (buf[k] != pattern(k))
				CHECK_EQ(k, ~0ul);
	}
}

static void sparse_file_holes_and_triple_indirect(void)
{
	for (int i = 0; i < 2; i++) {
		struct ext2_img m;
		struct ext2_inode_info info;
		uint8_t buf[4096], zero[4096] = { 0 };
		uint64_t tail = 70u << 20;
		uint32_t idx[4], pblk;
		int depth;
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "sparse"), &info), 0);
		CHECK_EQ(info.size, tail + 5);
		CHECK(info.blocks512 < 64); /* the hole took no blocks */
		CHECK_EQ(ext2_img_read(&m, &info, 1 << 20, buf, sizeof(buf)), sizeof(buf));
		CHECK_MEMEQ(buf, zero, sizeof(buf));
		CHECK_EQ(ext2_bmap(&m.g, info.block, 5, ext2_img_read_ind, &m, &pblk), 0);
		CHECK_EQ(pblk, 0);
		CHECK_EQ(ext2_img_read(&m, &info, tail - 2, buf, sizeof(buf)), 7);
		CHECK_MEMEQ(buf, "\0\0tail\n", 7);
		CHECK_EQ(ext2_bmap_path(&m.g, tail >> m.g.block_log, idx, &depth), 0);
		CHECK_EQ(depth, i ? 3 : 4);
	}
}

static int count_fn(struct ext2_img *m, const struct ext2_dir_rec *rec, void *arg)
{
	(void)m;
	if (rec->file_type == EXT2_FT_REG_FILE && rec->name_len == 4 && rec->name[0] == 'f')
		++*(int *)arg;
	return 0;
}

static void multi_block_directory(void)
{
	for (int i = 0; i < 2; i++) {
		struct ext2_img m;
		struct ext2_inode_info info;
		int n = 0;
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		CHECK_EQ(ext2_img_inode(&m, (uint32_t)ext2_img_lookup(&m, "dir/many"), &info), 0);
		CHECK(info.size > m.g.block_size || i);
		CHECK_EQ(ext2_img_dir(&m, &info, count_fn, &n), 0);
		CHECK_EQ(n, 200);
		check_file(&m, "dir/many/f123", "123\n", S_IFREG | 0644);
		CHECK_EQ(ext2_img_walk_ino(&m, EXT2_ROOT_INO, 0), 0);
	}
}

/* Applies change to a fresh copy of the 1 KiB superblock and parses it. */
static int parse_changed(void (*change)(struct ext2_super *), uint64_t dev, struct ext2_geom *g)
{
	struct ext2_img m;
	const char *why;
	uint8_t *img = open_copy(0, &m);
	if (!img)
		return 1;
	struct ext2_super sb = *super_of(img);
	change(&sb);
	int r = ext2_parse_super(&sb, dev ? dev : img_size[0], g, &why);
	if (r && !why)
		return 2;
	return r;
}

static void sb_magic(struct ext2_super *s) { s->s_magic ^= 1; }
static void sb_bsize(struct ext2_super *s) { s->s_log_block_size = s->s_log_frag_size = 3; }
static void sb_inodes(struct ext2_super *s) { s->s_inodes_count += 8; }
static void sb_bpg(struct ext2_super *s) { s->s_blocks_per_group = 0; }
static void sb_ipg(struct ext2_super *s) { s->s_inodes_per_group = 1u << 20; }
static void sb_isize(struct ext2_super *s) { s->s_inode_size = 100; }
static void sb_first(struct ext2_super *s) { s->s_first_data_block = 0; }
static void sb_rev(struct ext2_super *s) { s->s_rev_level = 2; }
static void sb_free(struct ext2_super *s) { s->s_free_blocks_count = s->s_blocks_count + 1; }
static void sb_incompat(struct ext2_super *s) { s->s_feature_incompat |= 0x0040; }
static void sb_meta_bg(struct ext2_super *s) { s->s_feature_incompat |= 0x0010; }
static void sb_ro_compat(struct ext2_super *s) { s->s_feature_ro_compat |= 0x0400; }
static void sb_none(struct ext2_super *s) { (void)s; }

static void refuses_bad_superblocks(void)
{
	struct ext2_geom g;
	CHECK_EQ(parse_changed(sb_none, 0, &g), 0);
	CHECK_EQ(parse_changed(sb_magic, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_bsize, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_inodes, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_bpg, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_ipg, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_isize, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_first, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_rev, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_free, 0, &g), -EUCLEAN);
	CHECK_EQ(parse_changed(sb_none, 8 << 20, &g), -EUCLEAN); /* device shorter than fs */
	CHECK_EQ(parse_changed(sb_incompat, 0, &g), -EINVAL);
	CHECK_EQ(parse_changed(sb_meta_bg, 0, &g), -EINVAL);
	CHECK_EQ(parse_changed(sb_ro_compat, 0, &g), 0);
	CHECK(g.force_ro);
}

static void refuses_bad_group_descriptors(void)
{
	struct ext2_img m;
	struct ext2_group_desc gd, bad;
	const char *why;
	uint8_t *img = open_copy(0, &m);
	CHECK(img);
	CHECK_EQ(ext2_img_group(&m, 1, &gd), 0);
	bad = gd;
	bad.bg_inode_table = m.g.blocks_count - 1;
	CHECK_EQ(ext2_check_group_desc(&m.g, 1, &bad, &why), -EUCLEAN);
	bad = gd;
	bad.bg_block_bitmap = ext2_group_first_block(&m.g, 1); /* the superblock copy */
	CHECK_EQ(ext2_check_group_desc(&m.g, 1, &bad, &why), -EUCLEAN);
	bad = gd;
	bad.bg_inode_bitmap = bad.bg_block_bitmap;
	CHECK_EQ(ext2_check_group_desc(&m.g, 1, &bad, &why), -EUCLEAN);
	bad = gd;
	bad.bg_free_inodes_count = (uint16_t)(m.g.inodes_per_group + 1);
	CHECK_EQ(ext2_check_group_desc(&m.g, 1, &bad, &why), -EUCLEAN);
	CHECK_EQ(ext2_check_group_desc(&m.g, m.g.groups, &gd, &why), -EUCLEAN);
}

static void refuses_bad_inodes(void)
{
	struct ext2_img m;
	struct ext2_inode raw = { 0 };
	struct ext2_inode_info info;
	const char *why;
	uint32_t group;
	uint64_t off;
	uint8_t *img = open_copy(0, &m);
	CHECK(img);
	raw.i_mode = S_IFREG | 0644;
	raw.i_links_count = 1;
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &info, &why), 0);
	raw.i_size_high = 0x7fffffff; /* a huge size */
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &info, &why), -EUCLEAN);
	raw.i_size_high = 0;
	raw.i_mode = 0xf000 | 0644;
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &info, &why), -EUCLEAN);
	raw.i_mode = S_IFLNK | 0777;
	raw.i_size = 60; /* fast symlinks hold at most 59 bytes */
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &info, &why), -EUCLEAN);
	raw.i_size = 0;
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &info, &why), -EUCLEAN);
	raw.i_mode = S_IFREG | 0644;
	raw.i_file_acl = m.g.blocks_count;
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &info, &why), -EUCLEAN);
	CHECK_EQ(ext2_inode_locate(&m.g, 0, &group, &off), -EUCLEAN);
	CHECK_EQ(ext2_inode_locate(&m.g, m.g.inodes_count + 1, &group, &off), -EUCLEAN);
	CHECK_EQ(ext2_inode_locate(&m.g, m.g.inodes_per_group + 2, &group, &off), 0);
	CHECK_EQ(group, 1);
	CHECK_EQ(off, m.g.inode_size);
}

static void inode_encode_round_trip(void)
{
	struct ext2_img m;
	struct ext2_inode raw = { 0 };
	struct ext2_inode_info in = { 0 }, out;
	const char *why;
	uint8_t *img = open_copy(0, &m);
	CHECK(img);
	in.mode = S_IFCHR | 0600;
	in.uid = 70000;
	in.gid = 65537;
	in.links = 1;
	in.rdev_major = 300;
	in.rdev_minor = 70000;
	ext2_inode_encode(&m.g, &in, &raw);
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &out, &why), 0);
	CHECK_EQ(out.uid, 70000);
	CHECK_EQ(out.gid, 65537);
	CHECK_EQ(out.rdev_major, 300);
	CHECK_EQ(out.rdev_minor, 70000);
	in.rdev_major = 4;
	in.rdev_minor = 64;
	ext2_inode_encode(&m.g, &in, &raw);
	CHECK_EQ(raw.i_block[0], 0x440);
	in.mode = S_IFREG | 0644;
	in.size = (3ull << 32) + 7; /* 1 KiB blocks reach 16 GiB */
	ext2_inode_encode(&m.g, &in, &raw);
	CHECK_EQ(ext2_inode_decode(&m.g, &raw, &out, &why), 0);
	CHECK_EQ(out.size, in.size);
}

static void bmap_paths_and_bad_block_numbers(void)
{
	struct ext2_img m;
	uint32_t idx[4], block[EXT2_N_BLOCKS] = { 0 }, pblk;
	int depth;
	uint8_t *img = open_copy(0, &m);
	CHECK(img);
	uint64_t apb = m.g.addr_per_block;
	CHECK_EQ(ext2_bmap_path(&m.g, 11, idx, &depth), 0);
	CHECK(depth == 1 && idx[0] == 11);
	CHECK_EQ(ext2_bmap_path(&m.g, 12, idx, &depth), 0);
	CHECK(depth == 2 && idx[0] == EXT2_IND_BLOCK && idx[1] == 0);
	CHECK_EQ(ext2_bmap_path(&m.g, 12 + apb, idx, &depth), 0);
	CHECK(depth == 3 && idx[0] == EXT2_DIND_BLOCK && idx[1] == 0 && idx[2] == 0);
	CHECK_EQ(ext2_bmap_path(&m.g, 12 + apb + apb * apb - 1, idx, &depth), 0);
	CHECK(depth == 3 && idx[1] == apb - 1 && idx[2] == apb - 1);
	CHECK_EQ(ext2_bmap_path(&m.g, 12 + apb + apb * apb, idx, &depth), 0);
	CHECK(depth == 4 && idx[0] == EXT2_TIND_BLOCK);
	CHECK_EQ(ext2_bmap_path(&m.g, 12 + apb + apb * apb + apb * apb * apb, idx, &depth),
		 -EFBIG);
	block[3] = m.g.blocks_count; /* past the device */
	CHECK_EQ(ext2_bmap(&m.g, block, 3, ext2_img_read_ind, &m, &pblk), -EUCLEAN);
	block[EXT2_IND_BLOCK] = m.g.blocks_count + 100;
	CHECK_EQ(ext2_bmap(&m.g, block, 12, ext2_img_read_ind, &m, &pblk), -EUCLEAN);
	CHECK_EQ(ext2_bmap(&m.g, block, 2, ext2_img_read_ind, &m, &pblk), 0);
	CHECK_EQ(pblk, 0);
}

/* One 1 KiB directory block: ".", "..", "a" at 24 spanning the rest. */
static void make_dir_block(const struct ext2_geom *g, uint8_t *b)
{
	memset(b, 0, g->block_size);
	ext2_dir_put(g, b, 0, 2, 12, ".", 1, EXT2_FT_DIR);
	ext2_dir_put(g, b, 12, 2, 12, "..", 2, EXT2_FT_DIR);
	ext2_dir_put(g, b, 24, 12, g->block_size - 24, "a", 1, EXT2_FT_REG_FILE);
}

static void refuses_bad_directory_records(void)
{
	struct ext2_img m;
	uint8_t b[1024];
	struct ext2_dirent *a = (struct ext2_dirent *)(b + 24);
	const char *why;
	uint8_t *img = open_copy(0, &m);
	CHECK(img);
	make_dir_block(&m.g, b);
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), 0);
	a->rec_len = 0;
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), -EUCLEAN);
	make_dir_block(&m.g, b);
	a->rec_len = 1024 - 24 + 4; /* past the block */
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), -EUCLEAN);
	make_dir_block(&m.g, b);
	a->rec_len = 1024 - 26; /* misaligned */
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), -EUCLEAN);
	make_dir_block(&m.g, b);
	((struct ext2_dirent *)(b + 12))->rec_len = 8; /* shorter than its name */
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), -EUCLEAN);
	make_dir_block(&m.g, b);
	a->inode = m.g.inodes_count + 1;
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), -EUCLEAN);
	make_dir_block(&m.g, b);
	a->rec_len = 1000 - 24; /* the last record stops short of the block's end */
	CHECK_EQ(ext2_dir_check_block(&m.g, b, &why), -EUCLEAN);
}

static void bitmap_find_zero(void)
{
	uint8_t map[8];
	memset(map, 0xff, sizeof(map));
	CHECK_EQ(ext2_bitmap_find_zero(map, 64, 0), -1);
	map[5] = 0xef;
	CHECK_EQ(ext2_bitmap_find_zero(map, 64, 0), 44);
	CHECK_EQ(ext2_bitmap_find_zero(map, 64, 45), 44); /* wraps */
	CHECK_EQ(ext2_bitmap_find_zero(map, 44, 3), -1); /* bit 44 is past nbits */
	map[0] = 0xfe;
	CHECK_EQ(ext2_bitmap_find_zero(map, 64, 1), 44);
	CHECK_EQ(ext2_bitmap_find_zero(map, 3, 1), 0);
}

/* Random byte flips in the metadata area of both images: every walk ends with 0 or an error,
 * never a read outside the image (ext2_img_block traps, ASan watches the copies). */
static void random_mutations_stay_inside(void)
{
	test_srand(15);
	for (int round = 0; round < 400; round++) {
		struct ext2_img m;
		int i = round & 1;
		uint8_t *img = open_copy(i, &m);
		CHECK(img);
		size_t span = i ? 64 << 10 : 300 << 10; /* superblock, tables, directories */
		for (int k = 0; k < 1 + (int)test_rand_below(16); k++)
			img[test_rand_below(span)] ^= (uint8_t)(1u << test_rand_below(8));
		if (ext2_img_open(&m, img, img_size[i]) == 0)
			(void)ext2_img_walk_ino(&m, EXT2_ROOT_INO, 0);
	}
}

static void release_images(void)
{
	for (int i = 0; i < 2; i++) {
		free(copies[i]);
		free(img_data[i]);
		copies[i] = img_data[i] = NULL;
	}
}

TEST_MAIN(TEST(geometry_of_both_images), TEST(reads_small_files_and_links), TEST(reads_symlinks),
	  TEST(reads_big_file_through_indirect_blocks), TEST(sparse_file_holes_and_triple_indirect),
	  TEST(multi_block_directory), TEST(refuses_bad_superblocks),
	  TEST(refuses_bad_group_descriptors), TEST(refuses_bad_inodes),
	  TEST(inode_encode_round_trip), TEST(bmap_paths_and_bad_block_numbers),
	  TEST(refuses_bad_directory_records), TEST(bitmap_find_zero),
	  TEST(random_mutations_stay_inside), TEST(release_images))
