/* The ext2 driver's internal interface (kernel/fs/ext2/): the mounted file system, its block
 * cache and its in-memory inodes. The on-disk format and its checks are kernel/lib/ext2_disk.h.
 *
 * Locks (order: namespace_mutex > inode->lock > ext2_sb.lock > icache_lock > bcache_lock):
 *  - ext2_sb.lock (mutex, "the file system lock") serialises every operation that reads or
 *    changes the file system's structure: the bitmaps, group descriptors and superblock
 *    counts, every inode's ext2_inode_mem (block map, on-disk fields), directory contents and
 *    file data. Reads take it per block and copy out to user memory after dropping it.
 *    inode_put (which may evict and so take it) is never called with it held.
 *  - ext2_sb.icache_lock (mutex) guards the in-memory inode list (icache).
 *  - ext2_sb.bcache_lock (mutex) guards the block cache's slots; device I/O for a slot happens
 *    under it.
 *  - The geometry (g), name, bd and rw are immutable after mount. */
#ifndef FS_EXT2_EXT2_H
#define FS_EXT2_EXT2_H

#include <fs/vfs.h>
#include <lib/ext2_disk.h>
#include <lib/list.h>
#include <sched/mutex.h>

struct block_device;

#define EXT2_SUPER_MAGIC 0xEF53 /* statfs f_type */
#define EXT2_BCACHE_SLOTS 512 /* blocks cached per mount (below 65535: chain links) */
#define EXT2_BCACHE_BUCKETS 256

struct ext2_bcache_slot {
	uint32_t blk; /* 0: empty */
	uint64_t last_use; /* for replacement: the least recently used empty or oldest slot */
	uint8_t *data; /* block_size bytes */
	bool dirty; /* changed since read: written back before reuse and at sync */
	uint16_t hnext; /* 1 + index of the next slot in its hash chain, 0: the end */
};

struct ext2_sb {
	struct block_device *bd; /* referenced while mounted */
	struct ext2_geom g;
	struct mutex lock; /* the file system lock (see the top) */
	struct super_block *sb; /* back pointer, set before any operation */
	/* Mounted read-write (the superblock says "not clean" while so). Set at mount; cleared
	 * once (WRITE_ONCE) when an error makes an errors=remount-ro mount read-only. */
	bool rw;
	bool error_seen; /* a corruption or I/O error met while read-write (WRITE_ONCE) */
	uint16_t state_at_mount; /* s_state to restore at a clean unmount */
	struct list_node mount_link; /* in super.c's list of mounts (sync(2), one per device) */
	bool listed; /* in that list */
	struct ext2_super raw; /* the superblock (free counts kept current); lock */
	struct ext2_group_desc *gdt; /* groups entries, each checked at mount; lock */
	char name[32]; /* the device's, for log lines */
	struct mutex icache_lock;
	struct list_node icache; /* struct ext2_inode_mem.link; icache_lock */
	struct mutex bcache_lock;
	struct ext2_bcache_slot bcache[EXT2_BCACHE_SLOTS]; /* bcache_lock */
	uint64_t bcache_clock; /* bcache_lock */
	uint16_t bcache_hash[EXT2_BCACHE_BUCKETS]; /* bcache_lock: 1 + first slot's index, 0 none */
};

/* An inode's ext2 part (inode->priv). */
struct ext2_inode_mem {
	struct ext2_inode_info info; /* as decoded */
	struct inode *inode; /* back pointer */
	uint32_t goal; /* the block last allocated for it: the next one goes near */
	struct list_node pages; /* mmap.c's pages of shared mappings; the file system lock */
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
/* Write len bytes into block blk at off through the cache (dirty until written back). */
int ext2_write_block_part(struct ext2_sb *es, uint32_t blk, uint32_t off, const void *buf,
			  size_t len);
/* A new block: all zeros in the cache, no read. */
int ext2_zero_block(struct ext2_sb *es, uint32_t blk);
void ext2_forget_block(struct ext2_sb *es, uint32_t blk);
/* Write every dirty block and the superblock, then flush the device. 0 or -EIO. */
int ext2_sync_locked(struct ext2_sb *es);
int ext2_sync(struct ext2_sb *es);
/* Sync every ext2 file system mounted read-write (sync(2)). */
void ext2_sync_all(void);
/* Log a corruption found in inode ino (0: none) and return -EUCLEAN. On a read-write mount the
 * superblock gets marked as having errors (and errors=remount-ro makes the mount read-only). */
int ext2_corrupt(struct ext2_sb *es, uint32_t ino, const char *why);
/* The same for a failed device read or write of block blk: -EIO. */
int ext2_io_error(struct ext2_sb *es, uint32_t blk);

/* alloc.c: all with lock held. A new block (zeroed in the cache) near goal, or -ENOSPC. */
int ext2_alloc_block(struct ext2_sb *es, uint32_t goal, uint32_t *out);
int ext2_free_block(struct ext2_sb *es, uint32_t blk);
/* A new inode number, in dir's group if it has room; -ENOSPC. */
int ext2_alloc_ino(struct ext2_sb *es, uint32_t dir_ino, bool is_dir, uint32_t *out);
int ext2_free_ino(struct ext2_sb *es, uint32_t ino, bool is_dir);

/* inode.c */
/* The inode numbered ino of sb (referenced), read and checked if not in memory. 0 or -errno. */
int ext2_iget(struct super_block *sb, uint32_t ino, struct inode **out);
void ext2_evict(struct inode *inode);
/* Map logical block lblk of inode to a device block (0: a hole). lock held. */
int ext2_bmap_inode(struct inode *inode, uint64_t lblk, uint32_t *pblk);
/* The same, allocating the block (zeroed) and the indirect blocks on its way when missing;
 * *fresh says the data block is new. lock held. */
int ext2_bmap_alloc(struct inode *inode, uint64_t lblk, uint32_t *pblk, bool *fresh);
/* Free the blocks of inode from logical block from on (truncate). lock held. */
int ext2_free_blocks_from(struct inode *inode, uint64_t from);
/* Write the inode's fields (VFS and ext2) into its inode-table record. lock held. */
int ext2_write_inode(struct inode *inode);
/* A new in-memory and on-disk inode of mode in dir (owner, group, times set), referenced and
 * in the cache, nlink 1. On failure *out may still hold an inode for the caller to put once the
 * lock is dropped (set its nlink to 0 first: it is then freed at eviction). lock held. */
int ext2_new_inode(struct inode *dir, uint32_t mode, struct inode **out);

/* dir.c */
/* Read directory block lblk of dir into buf (block_size bytes) and check its records. lock. */
int ext2_read_dir_block(struct inode *dir, uint64_t lblk, uint8_t *buf);
int ext2_dir_is_empty_locked(struct inode *dir, bool *empty);
extern const struct inode_ops ext2_dir_iops;
extern const struct file_ops ext2_dir_fops;

/* namei.c: the inode_ops that change directories (namespace_mutex held by the VFS). */
int ext2_create(struct inode *dir, struct dentry *d, uint32_t mode, uint64_t rdev);
int ext2_symlink(struct inode *dir, struct dentry *d, const char *target);
int ext2_tmpfile(struct inode *dir, uint32_t mode, struct inode **out);
int ext2_link(struct dentry *old, struct inode *dir, struct dentry *d);
int ext2_unlink(struct inode *dir, struct dentry *d);
int ext2_rmdir(struct inode *dir, struct dentry *d);
int ext2_rename(struct inode *odir, struct dentry *od, struct inode *ndir, struct dentry *nd,
		unsigned flags);
/* mmap.c: pages of shared mappings (the file system lock held, but map_page). */
uint8_t *ext2_page_find(struct inode *inode, uint64_t index);
int ext2_map_page(struct file *f, uint64_t index, uint64_t *pa);
int ext2_pages_writeback_locked(struct inode *inode);
/* Drop the pages wholly past the size, zero the rest of the last one. */
void ext2_pages_truncate_locked(struct inode *inode);
void ext2_pages_free(struct inode *inode);

/* file.c: bytes [pos, pos + n), inside one block, from the blocks. lock held. */
int ext2_read_blocks_locked(struct inode *inode, uint64_t pos, void *buf, size_t n);
/* Page index of the file (zeros past the end; -ENXIO wholly past it). lock held. */
int ext2_fill_page_locked(struct inode *inode, uint64_t index, void *page);
/* file.c: attribute changes and truncation (inode->lock held). */
int ext2_setattr(struct dentry *d, const struct iattr *a);

/* file.c */
extern const struct inode_ops ext2_file_iops;
extern const struct file_ops ext2_file_fops;
extern const struct inode_ops ext2_symlink_iops;

#endif
