/* Partition scanning: read a disk's MBR and, behind a protective MBR, its GPT, check them
 * (lib/partition_parse.h) and register each partition as a block device of its own. */
#include <block/blkdev.h>
#include <core/printk.h>
#include <lib/partition_parse.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

#define MAX_PARTS (BLKDEV_MINORS - 1)

/* The GPT behind a protective MBR: its partitions in out, or -errno (-EINVAL: corrupt). */
static int read_gpt(struct block_device *disk, uint8_t *sector, struct part_entry *out)
{
	uint32_t ss = disk->sector_size;
	struct gpt_info gi;
	int r = blkdev_read(disk, ss, sector, ss);
	if (r)
		return r;
	if (gpt_header_parse(sector, ss, disk->nr_sectors, &gi))
		return -EINVAL;
	size_t bytes = (gpt_entries_bytes(&gi) + ss - 1) / ss * ss;
	uint8_t *ents = kmalloc(bytes);
	if (!ents)
		return -ENOMEM;
	r = blkdev_read(disk, gi.entries_lba * ss, ents, bytes);
	if (!r)
		r = gpt_entries_parse(ents, &gi, out, MAX_PARTS);
	kfree(ents);
	return r;
}

static int read_table(struct block_device *disk, uint8_t *sector, struct part_entry *out)
{
	bool protective;
	int r = blkdev_read(disk, 0, sector, disk->sector_size);
	if (r)
		return r;
	int n = mbr_parse(sector, disk->nr_sectors, out, MAX_PARTS, &protective);
	if (n < 0)
		return 0; /* no partition table: the disk is used whole */
	if (!protective)
		return n;
	n = read_gpt(disk, sector, out);
	if (n == -EINVAL)
		pr_warn("%s: GPT header or entries corrupt (checksum or sizes); no partitions\n",
			disk->name);
	return n;
}

int blkdev_scan_partitions(struct block_device *disk)
{
	if (disk->parent)
		return -EINVAL;
	if (disk->no_partscan || !disk->nr_sectors)
		return 0;
	struct part_entry parts[MAX_PARTS];
	uint8_t *sector = kmalloc(disk->sector_size);
	if (!sector)
		return -ENOMEM;
	int n = read_table(disk, sector, parts);
	kfree(sector);
	for (int i = 0; i < n; i++) {
		int r = blkdev_add_partition(disk, parts[i].partno, parts[i].start, parts[i].count);
		if (r)
			pr_warn("%s: partition %u not added (%d)\n", disk->name, parts[i].partno,
				r);
	}
	return n < 0 ? n : 0;
}
