/* ext2 block and inode allocation: the groups' bitmaps, with the group descriptors' and the
 * superblock's free counts kept in step (what e2fsck checks). All with the file system lock
 * held. */
#include <fs/ext2/ext2.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

/* Write group descriptor group back into its table block. */
static int gdt_write(struct ext2_sb *es, uint32_t group)
{
	uint32_t per = es->g.block_size / sizeof(struct ext2_group_desc);
	return ext2_write_block_part(es, es->g.gdt_block + group / per,
				     (group % per) * sizeof(struct ext2_group_desc),
				     &es->gdt[group], sizeof(struct ext2_group_desc));
}

/* Set (or clear) bit of the bitmap in block map_blk: -EUCLEAN if it already was. */
static int bitmap_change(struct ext2_sb *es, uint32_t map_blk, uint32_t bit, bool set)
{
	uint8_t byte;
	int r = ext2_read_block_part(es, map_blk, bit / 8, &byte, 1);
	if (r)
		return r;
	bool was = byte & (1u << (bit % 8));
	if (was == set)
		return ext2_corrupt(es, 0, set ? "allocating a block or inode in use"
					       : "freeing a free block or inode");
	byte ^= (uint8_t)(1u << (bit % 8));
	return ext2_write_block_part(es, map_blk, bit / 8, &byte, 1);
}

/* The first clear bit of group's bitmap in map_blk at or after start (nbits bits), or -1. */
static int64_t find_free(struct ext2_sb *es, uint32_t map_blk, uint32_t nbits, uint32_t start,
			 int *err)
{
	uint8_t *buf = kmalloc(es->g.block_size);
	int64_t bit = -1;
	*err = buf ? ext2_read_block(es, map_blk, buf) : -ENOMEM;
	if (!*err)
		bit = ext2_bitmap_find_zero(buf, nbits, start);
	kfree(buf);
	return bit;
}

/* Blocks only root may take (s_r_blocks_count), as Linux's ext2_has_free_blocks. */
static bool may_take_block(struct ext2_sb *es)
{
	uint32_t free = es->raw.s_free_blocks_count;
	return free > es->raw.s_r_blocks_count || (free > 0 && capable(CAP_SYS_RESOURCE));
}

static int take_block_in(struct ext2_sb *es, uint32_t grp, uint32_t start, uint32_t *out)
{
	const struct ext2_geom *g = &es->g;
	int err;
	int64_t bit = find_free(es, es->gdt[grp].bg_block_bitmap, ext2_group_nblocks(g, grp),
				start, &err);
	if (err)
		return err;
	if (bit < 0)
		return ext2_corrupt(es, 0, "group free block count disagrees with its bitmap");
	int r = bitmap_change(es, es->gdt[grp].bg_block_bitmap, (uint32_t)bit, true);
	if (r)
		return r;
	es->gdt[grp].bg_free_blocks_count--;
	es->raw.s_free_blocks_count--;
	*out = ext2_group_first_block(g, grp) + (uint32_t)bit;
	r = gdt_write(es, grp);
	return r ? r : ext2_zero_block(es, *out);
}

int ext2_alloc_block(struct ext2_sb *es, uint32_t goal, uint32_t *out)
{
	const struct ext2_geom *g = &es->g;
	mutex_assert_held(&es->lock);
	if (!may_take_block(es))
		return -ENOSPC;
	bool near = ext2_block_ok(g, goal);
	uint32_t first = near ? (goal - g->first_data_block) / g->blocks_per_group : 0;
	for (uint32_t i = 0; i < g->groups; i++) {
		uint32_t grp = (first + i) % g->groups;
		if (!es->gdt[grp].bg_free_blocks_count)
			continue;
		uint32_t start = near && i == 0 ? goal - ext2_group_first_block(g, grp) : 0;
		return take_block_in(es, grp, start, out);
	}
	return -ENOSPC;
}

int ext2_free_block(struct ext2_sb *es, uint32_t blk)
{
	const struct ext2_geom *g = &es->g;
	mutex_assert_held(&es->lock);
	if (!ext2_block_ok(g, blk))
		return ext2_corrupt(es, 0, "freeing a block out of range");
	uint32_t grp = (blk - g->first_data_block) / g->blocks_per_group;
	uint32_t bit = (blk - g->first_data_block) % g->blocks_per_group;
	int r = bitmap_change(es, es->gdt[grp].bg_block_bitmap, bit, false);
	if (r)
		return r;
	ext2_forget_block(es, blk);
	es->gdt[grp].bg_free_blocks_count++;
	es->raw.s_free_blocks_count++;
	return gdt_write(es, grp);
}

static int take_ino_in(struct ext2_sb *es, uint32_t grp, bool is_dir, uint32_t *out)
{
	const struct ext2_geom *g = &es->g;
	uint32_t start = grp == 0 ? g->first_ino - 1 : 0; /* the reserved inodes stay */
	int err;
	int64_t bit = find_free(es, es->gdt[grp].bg_inode_bitmap, g->inodes_per_group, start,
				&err);
	if (err)
		return err;
	if (bit < 0 || (grp == 0 && bit < start))
		return ext2_corrupt(es, 0, "group free inode count disagrees with its bitmap");
	int r = bitmap_change(es, es->gdt[grp].bg_inode_bitmap, (uint32_t)bit, true);
	if (r)
		return r;
	es->gdt[grp].bg_free_inodes_count--;
	es->gdt[grp].bg_used_dirs_count += is_dir;
	es->raw.s_free_inodes_count--;
	*out = grp * g->inodes_per_group + (uint32_t)bit + 1;
	return gdt_write(es, grp);
}

int ext2_alloc_ino(struct ext2_sb *es, uint32_t dir_ino, bool is_dir, uint32_t *out)
{
	const struct ext2_geom *g = &es->g;
	mutex_assert_held(&es->lock);
	uint32_t first = (dir_ino - 1) / g->inodes_per_group;
	for (uint32_t i = 0; i < g->groups; i++) {
		uint32_t grp = (first + i) % g->groups;
		if (es->gdt[grp].bg_free_inodes_count)
			return take_ino_in(es, grp, is_dir, out);
	}
	return -ENOSPC;
}

int ext2_free_ino(struct ext2_sb *es, uint32_t ino, bool is_dir)
{
	const struct ext2_geom *g = &es->g;
	mutex_assert_held(&es->lock);
	if (ino < g->first_ino || !ext2_ino_ok(g, ino))
		return ext2_corrupt(es, ino, "freeing a reserved or out-of-range inode");
	uint32_t grp = (ino - 1) / g->inodes_per_group, bit = (ino - 1) % g->inodes_per_group;
	int r = bitmap_change(es, es->gdt[grp].bg_inode_bitmap, bit, false);
	if (r)
		return r;
	es->gdt[grp].bg_free_inodes_count++;
	if (is_dir && es->gdt[grp].bg_used_dirs_count)
		es->gdt[grp].bg_used_dirs_count--;
	es->raw.s_free_inodes_count++;
	return gdt_write(es, grp);
}
