/* A minimal read-only ext2 reader over an image in memory, built only from kernel/lib/ext2_disk.c's
 * checks: test_ext2_disk.c reads known files with it and fuzz_ext2.c walks mutated images. It
 * traps (__builtin_trap) if a block the parser accepted lies outside the image; a work budget
 * bounds the walk (directory loops, huge sparse files). */
#ifndef TESTS_HOST_EXT2_WALK_H
#define TESTS_HOST_EXT2_WALK_H

#include <lib/ext2_disk.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include <string.h>

struct ext2_img {
	const uint8_t *data;
	size_t size;
	struct ext2_geom g;
	long budget; /* block reads left; the walk stops with -ELOOP at 0 */
	const char *why;
};

static inline int ext2_img_open(struct ext2_img *m, const void *data, size_t size)
{
	m->data = data;
	m->size = size;
	m->budget = 1L << 20;
	m->why = NULL;
	if (size < EXT2_SUPER_OFFSET + EXT2_SUPER_SIZE) {
		m->why = "image too small";
		return -EUCLEAN;
	}
	struct ext2_super sb;
	memcpy(&sb, m->data + EXT2_SUPER_OFFSET, sizeof(sb));
	return ext2_parse_super(&sb, size, &m->g, &m->why);
}

/* The block's bytes: a block number the checks passed must lie inside the image. */
static inline int ext2_img_block(struct ext2_img *m, uint32_t blk, const uint8_t **out)
{
	if (!ext2_block_ok(&m->g, blk))
		return -EUCLEAN;
	if (((uint64_t)blk + 1) << m->g.block_log > m->size)
		__builtin_trap();
	if (m->budget-- <= 0)
		return -ELOOP;
	*out = m->data + ((uint64_t)blk << m->g.block_log);
	return 0;
}

static inline int ext2_img_read_ind(void *ctx, uint32_t blk, uint32_t idx, uint32_t *out)
{
	struct ext2_img *m = ctx;
	const uint8_t *b;
	int r = ext2_img_block(m, blk, &b);
	if (r)
		return r;
	if (idx >= m->g.addr_per_block)
		__builtin_trap();
	memcpy(out, b + 4 * (size_t)idx, 4);
	return 0;
}

static inline int ext2_img_group(struct ext2_img *m, uint32_t group, struct ext2_group_desc *gd)
{
	uint32_t per = m->g.block_size / sizeof(*gd);
	const uint8_t *b;
	int r = ext2_img_block(m, m->g.gdt_block + group / per, &b);
	if (r)
		return r;
	memcpy(gd, b + (group % per) * sizeof(*gd), sizeof(*gd));
	return ext2_check_group_desc(&m->g, group, gd, &m->why);
}

static inline int ext2_img_inode(struct ext2_img *m, uint32_t ino, struct ext2_inode_info *info)
{
	struct ext2_group_desc gd;
	struct ext2_inode raw;
	uint32_t group;
	uint64_t off;
	const uint8_t *b;
	int r = ext2_inode_locate(&m->g, ino, &group, &off);
	if (r)
		return r;
	r = ext2_img_group(m, group, &gd);
	if (r)
		return r;
	r = ext2_img_block(m, gd.bg_inode_table + (uint32_t)(off >> m->g.block_log), &b);
	if (r)
		return r;
	memcpy(&raw, b + (off & (m->g.block_size - 1)), sizeof(raw));
	return ext2_inode_decode(&m->g, &raw, info, &m->why);
}

/* Reads up to len bytes at off (holes as zeros); the count read or -errno. */
static inline long ext2_img_read(struct ext2_img *m, const struct ext2_inode_info *info,
				 uint64_t off, void *buf, size_t len)
{
	uint8_t *out = buf;
	size_t done = 0;

	if (off >= info->size)
		return 0;
	if (len > info->size - off)
		len = (size_t)(info->size - off);
	while (done < len) {
		uint64_t pos = off + done;
		uint32_t in = (uint32_t)(pos & (m->g.block_size - 1)), pblk;
		size_t n = m->g.block_size - in;
		const uint8_t *b;
		if (n > len - done)
			n = len - done;
		int r = ext2_bmap(&m->g, info->block, pos >> m->g.block_log, ext2_img_read_ind, m,
				  &pblk);
		if (!r && pblk)
			r = ext2_img_block(m, pblk, &b);
		if (r)
			return r;
		if (pblk)
			memcpy(out + done, b + in, n);
		else
			memset(out + done, 0, n);
		done += n;
	}
	return (long)done;
}

/* Calls fn for each in-use record of directory dir; stops at fn's nonzero result. */
typedef int (*ext2_img_dir_fn)(struct ext2_img *m, const struct ext2_dir_rec *rec, void *arg);
static inline int ext2_img_dir(struct ext2_img *m, const struct ext2_inode_info *dir,
			       ext2_img_dir_fn fn, void *arg)
{
	for (uint64_t lblk = 0; lblk << m->g.block_log < dir->size; lblk++) {
		struct ext2_dir_rec rec;
		uint32_t pblk, off = 0;
		const uint8_t *b;
		int r = ext2_bmap(&m->g, dir->block, lblk, ext2_img_read_ind, m, &pblk);
		if (r)
			return r;
		if (!pblk)
			return -EUCLEAN; /* ext2 directories have no holes */
		r = ext2_img_block(m, pblk, &b);
		if (r)
			return r;
		while ((r = ext2_dir_next(&m->g, b, &off, &rec, &m->why)) == 1) {
			int s = rec.ino ? fn(m, &rec, arg) : 0;
			if (s)
				return s;
		}
		if (r)
			return r;
	}
	return 0;
}

struct ext2_img_find {
	const char *name;
	uint32_t ino;
};

static inline int ext2_img_find_fn(struct ext2_img *m, const struct ext2_dir_rec *rec, void *arg)
{
	struct ext2_img_find *f = arg;
	(void)m;
	if (strlen(f->name) == rec->name_len && !memcmp(f->name, rec->name, rec->name_len)) {
		f->ino = rec->ino;
		return 1;
	}
	return 0;
}

/* The inode number of a '/'-separated path from the root (no symlinks), or -errno. */
static inline long ext2_img_lookup(struct ext2_img *m, const char *path)
{
	char part[EXT2_NAME_LEN + 1];
	uint32_t ino = EXT2_ROOT_INO;

	while (*path) {
		size_t n = strcspn(path, "/");
		struct ext2_inode_info dir;
		struct ext2_img_find f = { part, 0 };
		if (n > EXT2_NAME_LEN)
			return -ENAMETOOLONG;
		memcpy(part, path, n);
		part[n] = 0;
		path += n + (path[n] == '/');
		int r = ext2_img_inode(m, ino, &dir);
		if (!r && !S_ISDIR(dir.mode))
			r = -ENOTDIR;
		if (!r)
			r = ext2_img_dir(m, &dir, ext2_img_find_fn, &f);
		if (r < 0)
			return r;
		if (!f.ino)
			return -ENOENT;
		ino = f.ino;
	}
	return ino;
}

/* Walks everything reachable from the root: every inode decoded, every file's first blocks and
 * every directory read, depth-limited. 0 or the first error. */
static inline int ext2_img_walk_ino(struct ext2_img *m, uint32_t ino, int depth);

static inline int ext2_img_walk_fn(struct ext2_img *m, const struct ext2_dir_rec *rec, void *arg)
{
	int depth = *(int *)arg;
	if ((rec->name_len == 1 && rec->name[0] == '.') ||
	    (rec->name_len == 2 && rec->name[0] == '.' && rec->name[1] == '.'))
		return 0;
	return ext2_img_walk_ino(m, rec->ino, depth + 1);
}

static inline int ext2_img_walk_ino(struct ext2_img *m, uint32_t ino, int depth)
{
	struct ext2_inode_info info;
	uint8_t buf[8192];
	if (depth > 16)
		return -ELOOP;
	int r = ext2_img_inode(m, ino, &info);
	if (r)
		return r;
	if (S_ISDIR(info.mode))
		return ext2_img_dir(m, &info, ext2_img_walk_fn, &depth);
	if (S_ISREG(info.mode) || (S_ISLNK(info.mode) && !info.fast_symlink)) {
		long n = ext2_img_read(m, &info, 0, buf, sizeof(buf));
		if (n >= 0 && info.size > sizeof(buf))
			n = ext2_img_read(m, &info, info.size - 1, buf, 1);
		return n < 0 ? (int)n : 0;
	}
	return 0;
}

#endif
