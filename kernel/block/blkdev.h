/* The block-device layer's interface: drivers (virtio-blk, loop) register block devices, which
 * get a /dev node, a place in /proc/partitions and synchronous sector I/O; file systems find
 * them by path (mount's source) or number and read and write through blkdev_read/blkdev_write.
 *
 * Locks: blkdev_lock (a spinlock, blkdev.c) guards the registry list and every device's
 * refcount and registered flag. blkdev_reg_mutex serializes register/unregister (which make and
 * remove /dev nodes, and so sleep); it is taken before blkdev_lock, never inside it. A
 * disk's rmw_lock serializes the read-modify-write of partial sectors by the block-device
 * file (blkdev_file.c); it is taken with no spinlock held. */
#ifndef BLOCK_BLKDEV_H
#define BLOCK_BLKDEV_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <lib/list.h>
#include <sched/mutex.h>

struct block_device;

struct block_device_ops {
	/* Move `count` sectors (bd->sector_size bytes each) at `sector` (relative to this device)
	 * to/from buf, a kernel buffer. May sleep (the device bounds the wait). 0 or -EIO. */
	int (*transfer)(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
			bool write);
	int (*flush)(struct block_device *bd); /* write cache to media; NULL: nothing to do */
	/* Re-read the partition table (BLKRRPART) of a whole disk: NULL means the generic scan
	 * (partition.c) is used. */
	int (*rescan)(struct block_device *bd);
};

struct block_device {
	char name[32];		/* "vda", "vda1", "loop0": the /dev node's name */
	uint64_t rdev;		/* MKDEV(major, minor) */
	uint32_t sector_size;	/* logical block size, 512 or 4096 */
	uint64_t nr_sectors;
	bool read_only;
	const struct block_device_ops *ops;
	void *driver_data;

	/* ---- the block layer's own fields (zero them before blkdev_register) ---- */
	struct list_node link; /* in the registry; blkdev_lock */
	int refcount; /* blkdev_lock: the registry's one, plus blkdev_get's */
	bool registered; /* blkdev_lock */
	bool node_made; /* /dev/<name> exists; blkdev_reg_mutex */
	/* A partition: its whole disk (referenced while the partition is registered) and its first
	 * sector on it, in the disk's sectors; NULL/0 for a whole disk. Immutable once
	 * registered. */
	struct block_device *parent;
	uint64_t start_sector;
	uint32_t partno; /* 1.. for a partition, 0 for a whole disk */
	/* Called after the last reference went away (the registry's included): the driver frees
	 * the device. NULL: the device is static. */
	void (*release)(struct block_device *bd);
	/* Partial-sector writes through the disk's and its partitions' files (whole disks only). */
	struct mutex rmw_lock;
	bool no_partscan; /* never scan for partitions (loop devices, as Linux's max_part=0) */
	/* Read-ahead in pages (BLKRASET/BLKRAGET; blkdev_register sets BLKDEV_DEFAULT_RA_PAGES).
	 * Kept for the page cache to use; nothing reads ahead yet. Atomic. */
	uint32_t ra_pages;
};

/* Add bd to the registry and create /dev/<name> (S_IFBLK, 0660, root:disk gid 6): -EBUSY
 * if the number or the name is taken. Drivers call it at boot; loop devices at run time. */
int blkdev_register(struct block_device *bd);
/* Remove it (the node goes); -EBUSY while references other than the registry's are held. */
int blkdev_unregister(struct block_device *bd);
/* A counted reference to device rdev, or NULL. */
struct block_device *blkdev_get(uint64_t rdev);
void blkdev_put(struct block_device *bd);
/* mount(2)'s source: resolve a kernel-space path, which must name a block device node
 * (-ENOTBLK otherwise, -ENXIO if no driver has that number, the usual lookup errors);
 * a counted reference in *out. */
int blkdev_lookup_path(const char *path, struct block_device **out);
uint64_t blkdev_size_bytes(const struct block_device *bd);
/* Synchronous I/O at byte offset `off` of length `len`, both multiples of bd->sector_size
 * (-EINVAL otherwise; -EINVAL past the end; -EROFS writing a read-only device; -EIO). */
int blkdev_read(struct block_device *bd, uint64_t off, void *buf, size_t len);
int blkdev_write(struct block_device *bd, uint64_t off, const void *buf, size_t len);
int blkdev_flush(struct block_device *bd);

/* ---- additions ------------------------------------------------------------------------------ */

#define DISK_GID 6 /* group "disk" owns the device nodes, as on Debian */
#define BLKDEV_DEFAULT_RA_PAGES 32 /* Linux's VM_READAHEAD_PAGES: 128 KiB */
#define BLKDEV_MAX_TRANSFER (1024u * 1024u) /* the most bytes in one driver transfer call */

/* Call fn for each registered device under blkdev_lock (fn must not sleep or take
 * blkdev_lock): whole disks in registration order, each followed by its partitions in number
 * order (/proc/partitions). */
void blkdev_for_each(void (*fn)(const struct block_device *bd, void *arg), void *arg);
/* Boot: /dev is mounted; make the nodes of devices registered before (vfs_init). */
void blkdev_dev_ready(void);
/* A whole disk owns BLKDEV_MINORS device numbers from its own: partition p is minor + p. */
#define BLKDEV_MINORS 16
/* Register partition number partno (1..BLKDEV_MINORS-1) of disk (start and count in the
 * disk's sectors, checked to lie inside it) as <disk><partno> ("vda1"; "loop0p1" when the
 * name ends in a digit), number disk->rdev + partno. 0 or -errno. */
int blkdev_add_partition(struct block_device *disk, uint32_t partno, uint64_t start,
			 uint64_t count);
/* Unregister and free every partition of disk: 0, or -EBUSY (none removed) when one is in
 * use. */
int blkdev_remove_partitions(struct block_device *disk);
/* BLKRRPART: drop the partitions of a whole disk and scan its table again. -EINVAL for a
 * partition, -EBUSY when one is in use. */
int blkdev_rescan(struct block_device *disk);

/* Read disk's MBR, or the GPT behind a protective MBR, and register its partitions
 * (partition.c). 0 (also for a disk with no table), -EINVAL for a partition, or the read's
 * error. A corrupt GPT registers nothing and is logged. */
int blkdev_scan_partitions(struct block_device *disk);

struct file_ops;
/* Open of an S_IFBLK node (blkdev_file.c): read/write/lseek/fsync/BLK* ioctls. */
extern const struct file_ops blkdev_file_ops;

#endif
