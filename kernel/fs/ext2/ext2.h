/* The ext2 driver's internal interface (kernel/fs/ext2/): the mounted file system, its block
 * cache and its in-memory inodes. The on-disk format and its checks are kernel/lib/ext2_disk.h.
 *
 * This version mounts read-only (mount(2) without MS_RDONLY is EROFS): the image is never
 * written, so inodes and blocks read from it do not change while mounted.
 *
 * Locks (order: namespace_mutex > icache_lock > bcache_lock):
 *  - ext2_sb.icache_lock (mutex) guards the in-memory inode list (icache).
 *  - ext2_sb.bcache_lock (mutex) guards the block cache's entries; block reads from the
 *    device happen under it (one reader at a time: simple, and the device is synchronous).
 *  - Everything else in ext2_sb, and an inode's ext2_inode_mem, is immutable after mount /
 *    after the inode is read. */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

#include <fs/vfs.h>
#include <lib/ext2_disk.h>
#include <lib/list.h>
#include <sched/mutex.h>

struct block_device;

#define EXT2_SUPER_MAGIC 0xEF53 /* statfs f_type */
#define EXT2_BCACHE_SLOTS 64

struct ext2_bcache_slot {
	uint32_t blk; /* 0: empty */
	uint64_t last_use; /* for replacement: the least recently used empty or oldest slot */
	uint8_t *data; /* block_size bytes */
};

struct ext2_sb {
	struct block_device *bd; /* referenced while mounted */
	struct ext2_geom g;
	struct ext2_super raw; /* the superblock as read */
	struct ext2_group_desc *gdt; /* groups entries, each checked at mount */
	char name[32]; /* the device's, for log lines */
	struct mutex icache_lock;
	struct list_node icache; /* struct ext2_inode_mem.link; icache_lock */
	struct mutex bcache_lock;
	struct ext2_bcache_slot bcache[EXT2_BCACHE_SLOTS]; /* bcache_lock */
	uint64_t bcache_clock; /* bcache_lock */
};

/* An inode's ext2 part (inode->priv). */
struct ext2_inode_mem {
	struct ext2_inode_info info; /* as decoded */
	struct inode *inode; /* back pointer */
	struct list_node link; /* in ext2_sb.icache; icache_lock */
};

static inline struct ext2_sb *EXT2_SB(const struct super_block *sb)
{
	return sb->priv;
}

/* super.c */
/* Boot: register the file system type "ext2" (vfs_init). */
void ext2_register(void);
/* Read block blk of the file system (checked with ext2_block_ok) into buf (block_size bytes),
 * through the block cache. 0, -EUCLEAN (bad number, logged) or -EIO. */
int ext2_read_block(struct ext2_sb *es, uint32_t blk, void *buf);
/* Read bytes [off, off + len) of block blk (len <= block_size). */
int ext2_read_block_part(struct ext2_sb *es, uint32_t blk, uint32_t off, void *buf, size_t len);
/* Log a corruption found in inode ino (0: none) and return -EUCLEAN. */
int ext2_corrupt(struct ext2_sb *es, uint32_t ino, const char *why);

/* inode.c */
/* The inode numbered ino of sb (referenced), read and checked if not in memory. 0 or -errno. */
int ext2_iget(struct super_block *sb, uint32_t ino, struct inode **out);
void ext2_evict(struct inode *inode);
/* Map logical block lblk of inode to a device block (0: a hole). */
int ext2_bmap_inode(struct inode *inode, uint64_t lblk, uint32_t *pblk);

/* dir.c */
extern const struct inode_ops ext2_dir_iops;
extern const struct file_ops ext2_dir_fops;

/* file.c */
extern const struct inode_ops ext2_file_iops;
extern const struct file_ops ext2_file_fops;
extern const struct inode_ops ext2_symlink_iops;

#endif
