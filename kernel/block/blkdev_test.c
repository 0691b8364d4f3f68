/* Self-tests of the block layer on a small RAM disk (never registered at boot): registry rules,
 * references, request checks, partitions shifting and bounding their I/O, the partition scans,
 * the /dev nodes and mount's lookup by path. */
#include <block/blkdev.h>
#include <core/ktest.h>
#include <mm/kmalloc.h>
#include <lib/string.h>
#include <lib/printf.h>
#include <uapi/errno.h>
#include <uapi/stat.h>
#include <uapi/fcntl.h>
#include <fs/namei.h>
#include <fs/vfs_ops.h>
#include <core/time.h>
#include <sched/sched.h>

#define RAM_SECTORS 64
#define RAM_MAJOR 240 /* Linux's "local/experimental use" range: nothing else uses it */

struct ramdisk {
	struct block_device bd;
	uint8_t data[RAM_SECTORS * 512];
	int flushes;
};

static int ram_transfer(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
			bool write)
{
	struct ramdisk *rd = bd->driver_data;
	if (sector > RAM_SECTORS || count > RAM_SECTORS - sector)
		return -EIO;
	uint8_t *p = rd->data + sector * 512;
	if (write)
		memcpy(p, buf, (size_t)count * 512);
	else
		memcpy(buf, p, (size_t)count * 512);
	return 0;
}

static int ram_flush(struct block_device *bd)
{
	((struct ramdisk *)bd->driver_data)->flushes++;
	return 0;
}

static const struct block_device_ops ram_ops = { .transfer = ram_transfer, .flush = ram_flush };

static struct ramdisk *ram_new(const char *name, uint32_t minor)
{
	struct ramdisk *rd = kmalloc(sizeof(*rd));
	if (!rd)
		return NULL;
	ksnprintf(rd->bd.name, sizeof(rd->bd.name), "%s", name);
	rd->bd.rdev = MKDEV(RAM_MAJOR, minor);
	rd->bd.sector_size = 512;
	rd->bd.nr_sectors = RAM_SECTORS;
	rd->bd.ops = &ram_ops;
	rd->bd.driver_data = rd;
	return rd;
}

KTEST(blkdev_registry)
{
	struct ramdisk *a = ram_new("ktram0", 0), *b = ram_new("ktram0", 16);
	struct ramdisk *c = ram_new("ktram1", 0);
	if (!KEXPECT(a && b && c))
		goto out;
	KEXPECT(blkdev_register(&a->bd) == 0);
	KEXPECT(blkdev_register(&b->bd) == -EBUSY); /* the name is taken */
	KEXPECT(blkdev_register(&c->bd) == -EBUSY); /* the number is taken */
	struct block_device *ref = blkdev_get(MKDEV(RAM_MAJOR, 0));
	KEXPECT(ref == &a->bd);
	KEXPECT(blkdev_get(MKDEV(RAM_MAJOR, 1)) == NULL);
	KEXPECT(blkdev_unregister(&a->bd) == -EBUSY); /* a reference is held */
	blkdev_put(ref);
	KEXPECT(blkdev_unregister(&a->bd) == 0);
	KEXPECT(blkdev_get(MKDEV(RAM_MAJOR, 0)) == NULL);
out:
	kfree(a);
	kfree(b);
	kfree(c);
}

KTEST(blkdev_requests)
{
	struct ramdisk *rd = ram_new("ktram2", 32);
	uint8_t *buf = kmalloc(1024);
	if (!KEXPECT(rd && buf) || !KEXPECT(blkdev_register(&rd->bd) == 0))
		goto out;
	struct block_device *bd = &rd->bd;
	KEXPECT(blkdev_size_bytes(bd) == RAM_SECTORS * 512);
	memset(buf, 0xa5, 1024);
	KEXPECT(blkdev_write(bd, 512, buf, 1024) == 0);
	KEXPECT(rd->data[511] == 0 && rd->data[512] == 0xa5 && rd->data[1535] == 0xa5);
	KEXPECT(blkdev_read(bd, 100, buf, 512) == -EINVAL); /* unaligned offset */
	KEXPECT(blkdev_read(bd, 0, buf, 100) == -EINVAL); /* unaligned length */
	KEXPECT(blkdev_read(bd, (RAM_SECTORS - 1) * 512, buf, 1024) == -EINVAL); /* past the end */
	KEXPECT(blkdev_read(bd, UINT64_MAX - 511, buf, 512) == -EINVAL); /* overflow */
	KEXPECT(blkdev_read(bd, RAM_SECTORS * 512, buf, 0) == 0);
	bd->read_only = true;
	KEXPECT(blkdev_write(bd, 0, buf, 512) == -EROFS);
	KEXPECT(blkdev_flush(bd) == 0 && rd->flushes == 1);
	KEXPECT(blkdev_unregister(bd) == 0);
out:
	kfree(buf);
	kfree(rd);
}

KTEST(blkdev_partitions)
{
	struct ramdisk *rd = ram_new("ktram3", 48);
	uint8_t *buf = kmalloc(512);
	if (!KEXPECT(rd && buf) || !KEXPECT(blkdev_register(&rd->bd) == 0))
		goto out;
	struct block_device *disk = &rd->bd;
	KEXPECT(blkdev_add_partition(disk, 1, 8, RAM_SECTORS - 8 + 1) == -EINVAL); /* too long */
	KEXPECT(blkdev_add_partition(disk, BLKDEV_MINORS, 8, 8) == -EINVAL);
	KEXPECT(blkdev_add_partition(disk, 1, 8, 8) == 0);
	struct block_device *part = blkdev_get(MKDEV(RAM_MAJOR, 49));
	if (!KEXPECT(part != NULL))
		goto out_unreg;
	KEXPECT(!strcmp(part->name, "ktram3p1") && part->nr_sectors == 8);
	memset(buf, 0x3c, 512);
	KEXPECT(blkdev_write(part, 512, buf, 512) == 0);
	KEXPECT(rd->data[9 * 512] == 0x3c && rd->data[9 * 512 - 1] == 0);
	KEXPECT(blkdev_read(part, 8 * 512, buf, 512) == -EINVAL); /* past the partition */
	KEXPECT(blkdev_rescan(part) == -EINVAL);
	KEXPECT(blkdev_unregister(disk) == -EBUSY); /* the partition holds the disk */
	KEXPECT(blkdev_remove_partitions(disk) == -EBUSY); /* and we hold the partition */
	blkdev_put(part);
	KEXPECT(blkdev_remove_partitions(disk) == 0);
	KEXPECT(blkdev_get(MKDEV(RAM_MAJOR, 49)) == NULL);
out_unreg:
	KEXPECT(blkdev_unregister(disk) == 0);
out:
	kfree(buf);
	kfree(rd);
}

/* The scan on a RAM disk: an MBR primary becomes a partition; a protective MBR in front of a
 * GPT header with a bad checksum gives none (and a log line), not a guess. */
KTEST(blkdev_partition_scan)
{
	struct ramdisk *rd = ram_new("ktram4", 64);
	if (!KEXPECT(rd != NULL))
		return;
	uint8_t *mbr = rd->data, *entry = mbr + 446;
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	entry[4] = 0x83;
	entry[8] = 4; /* sectors 4..19 */
	entry[12] = 16;
	if (!KEXPECT(blkdev_register(&rd->bd) == 0))
		goto out;
	KEXPECT(blkdev_scan_partitions(&rd->bd) == 0);
	struct block_device *part = blkdev_get(MKDEV(RAM_MAJOR, 65));
	KEXPECT(part && part->start_sector == 4 && part->nr_sectors == 16);
	blkdev_put(part);
	entry[4] = 0xee; /* now a protective MBR, and LBA 1 is no GPT header */
	memcpy(rd->data + 512, "EFI PART", 8);
	KEXPECT(blkdev_rescan(&rd->bd) == -EINVAL);
	KEXPECT(blkdev_get(MKDEV(RAM_MAJOR, 65)) == NULL);
	KEXPECT(blkdev_unregister(&rd->bd) == 0);
out:
	kfree(rd);
}

static void mbr_slot(uint8_t *sector, int slot, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = sector + 446 + slot * 16;
	e[4] = type;
	memcpy(e + 8, &start, 4);
	memcpy(e + 12, &count, 4);
	sector[510] = 0x55;
	sector[511] = 0xaa;
}

/* An extended container at 8..63 with two logical partitions: vda5-style numbers, the
 * container itself shown as its first 1 KiB. */
KTEST(blkdev_partition_scan_logical)
{
	struct ramdisk *rd = ram_new("ktram5", 80);
	if (!KEXPECT(rd != NULL))
		return;
	mbr_slot(rd->data, 0, 0x83, 4, 4);
	mbr_slot(rd->data, 1, 0x05, 8, 56);
	mbr_slot(rd->data + 8 * 512, 0, 0x83, 2, 4); /* logical at 10..13 */
	mbr_slot(rd->data + 8 * 512, 1, 0x05, 20, 30); /* next record at 28 */
	mbr_slot(rd->data + 28 * 512, 0, 0x83, 2, 8); /* logical at 30..37 */
	if (!KEXPECT(blkdev_register(&rd->bd) == 0))
		goto out;
	KEXPECT(blkdev_scan_partitions(&rd->bd) == 0);
	struct block_device *ext = blkdev_get(MKDEV(RAM_MAJOR, 82));
	struct block_device *l5 = blkdev_get(MKDEV(RAM_MAJOR, 85));
	struct block_device *l6 = blkdev_get(MKDEV(RAM_MAJOR, 86));
	KEXPECT(ext && ext->start_sector == 8 && ext->nr_sectors == 2);
	KEXPECT(l5 && l5->start_sector == 10 && l5->nr_sectors == 4);
	KEXPECT(l6 && l6->start_sector == 30 && l6->nr_sectors == 8);
	blkdev_put(ext);
	blkdev_put(l5);
	blkdev_put(l6);
	KEXPECT(blkdev_remove_partitions(&rd->bd) == 0);
	KEXPECT(blkdev_unregister(&rd->bd) == 0);
out:
	kfree(rd);
}

/* Wait (at most 5 s) for vfs_init, which runs beside the self-tests, to have made /dev. */
static bool wait_for_dev(void)
{
	struct path p;
	for (int i = 0; i < 5000; i++) {
		if (!path_lookup_at(AT_FDCWD, "/dev/null", 0, &p)) {
			path_put(&p);
			return true;
		}
		sched_sleep_until(time_monotonic_ns() + 1000000, SLEEP_UNINTERRUPTIBLE);
	}
	return false;
}

/* The node a registration makes (block special, 0660, group disk) and mount(2)'s lookup:
 * the device, ENOTBLK for a character device, ENXIO for a number no driver has, ENOENT. */
KTEST(blkdev_nodes_and_lookup)
{
	struct ramdisk *rd = ram_new("ktram6", 96);
	struct block_device *bd = NULL;
	struct path p;
	if (!KEXPECT(rd && wait_for_dev()) || !KEXPECT(blkdev_register(&rd->bd) == 0))
		goto out;
	if (KEXPECT(path_lookup_at(AT_FDCWD, "/dev/ktram6", 0, &p) == 0)) {
		const struct inode *inode = p.dentry->inode;
		KEXPECT(inode->mode == (S_IFBLK | 0660) && inode->gid == DISK_GID &&
			inode->rdev == MKDEV(RAM_MAJOR, 96));
		path_put(&p);
	}
	KEXPECT(blkdev_lookup_path("/dev/ktram6", &bd) == 0 && bd == &rd->bd);
	blkdev_put(bd);
	KEXPECT(blkdev_lookup_path("/dev/null", &bd) == -ENOTBLK);
	KEXPECT(blkdev_lookup_path("/dev/no-such-disk", &bd) == -ENOENT);
	KEXPECT(vfs_mknodat(AT_FDCWD, "/dev/ktram-nodrv", S_IFBLK | 0600, MKDEV(RAM_MAJOR, 250)) ==
		0);
	KEXPECT(blkdev_lookup_path("/dev/ktram-nodrv", &bd) == -ENXIO);
	vfs_unlinkat(AT_FDCWD, "/dev/ktram-nodrv", false);
	KEXPECT(blkdev_unregister(&rd->bd) == 0);
	KEXPECT(path_lookup_at(AT_FDCWD, "/dev/ktram6", 0, &p) == -ENOENT);
out:
	kfree(rd);
}
