/* tmpfs: a file system in memory whose directories are the dentry cache itself
 * (SB_DCACHE_IS_DIRECTORY) and whose file contents are pages (tmpfs_data.c). It is the root
 * file system (unpacked from the initramfs) and, as "devtmpfs", /dev. */
#ifndef FS_TMPFS_H
#define FS_TMPFS_H

#include <fs/vfs.h>

struct tmpfs_sb {
	uint64_t max_pages; /* size= limit, in pages (data and tree nodes) */
	uint64_t used_pages; /* atomic: data and tree nodes, held against max_pages */
	uint64_t data_pages; /* atomic: file contents only (what statfs reports, as Linux) */
	uint64_t max_inodes; /* nr_inodes= */
	uint64_t inodes; /* atomic */
};

struct tmpfs_inode {
	uint64_t root; /* physical address of the tree's root (0: empty) */
	int height; /* tree levels above the data pages */
	uint64_t data_pages;
	char *link; /* a symlink's target (NUL-terminated) */
	uint32_t seals; /* F_SEAL_* (fs/memfd.h); inode->lock. F_SEAL_SEAL unless a memfd allows */
};

extern const struct file_ops tmpfs_file_ops;

/* Register "tmpfs" and "devtmpfs" (boot). */
void tmpfs_register(void);
/* Drop every page of the file from new_size on (zeroing the tail of the last one) and set
 * the size. inode->lock held. */
void tmpfs_truncate_pages(struct inode *inode, int64_t new_size);

#endif
