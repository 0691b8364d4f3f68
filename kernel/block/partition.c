/* Partition scanning: read a disk's MBR and, behind a protective MBR, its GPT, check them
 * (lib/partition_parse.h) and register each partition as a block device of its own. */
#include <block/blkdev.h>
#include <core/printk.h>
#include <lib/partition_parse.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

#define MAX_PARTS (BLKDEV_MINORS - 1)

/* The GPT whose header is at LBA lba: its partitions in out, or -errno (-EINVAL: corrupt). */
static int read_gpt_at(struct block_device *disk, uint64_t lba, uint8_t *sector,
		       struct part_entry *out)
{
	uint32_t ss = disk->sector_size;
	struct gpt_info gi;
	int r = blkdev_read(disk, lba * ss, sector, ss);
	if (r)
		return r;
	if (gpt_header_parse(sector, ss, disk->nr_sectors, lba, &gi))
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

/* The primary GPT, or the backup in the last sector when the primary is corrupt (as Linux). */
static int read_gpt(struct block_device *disk, uint8_t *sector, struct part_entry *out)
{
	int r = read_gpt_at(disk, 1, sector, out);
	if (r != -EINVAL || disk->nr_sectors < 3)
		return r;
	r = read_gpt_at(disk, disk->nr_sectors - 1, sector, out);
	if (r >= 0)
		pr_warn("%s: primary GPT corrupt; using the backup\n", disk->name);
	return r;
}

/* The logical partitions in the chain of extended boot records, after the n primaries in out:
 * the new count. A record that cannot be read or has no signature ends the chain. */
static int read_logical(struct block_device *disk, uint8_t *sector, const struct mbr_extra *x,
			struct part_entry *out, int n)
{
	uint64_t ebr = x->ext_start;
	uint32_t partno = MBR_FIRST_LOGICAL;
	/* The container itself, as Linux shows it: its first 1 KiB (at least a sector), so that
	 * nobody makes a file system over the records. */
	uint64_t head = disk->sector_size == 512 ? 2 : 1;
	if (n < MAX_PARTS)
		out[n++] = (struct part_entry){ x->ext_partno, x->ext_start,
						x->ext_count < head ? x->ext_count : head };
	while (ebr && n < MAX_PARTS && partno < BLKDEV_MINORS) {
		uint64_t next;
		if (blkdev_read(disk, ebr * disk->sector_size, sector, disk->sector_size))
			break;
		int r = mbr_ebr_parse(sector, x->ext_start, x->ext_count, ebr, partno, &out[n],
				      &next);
		if (r < 0)
			break;
		n += r;
		partno += (uint32_t)r;
		ebr = next; /* always further on: the chain ends */
	}
	return n;
}

static int read_table(struct block_device *disk, uint8_t *sector, struct part_entry *out)
{
	struct mbr_extra x;
	int r = blkdev_read(disk, 0, sector, disk->sector_size);
	if (r)
		return r;
	int n = mbr_parse(sector, disk->nr_sectors, out, MAX_PARTS, &x);
	if (n < 0)
		return 0; /* no partition table: the disk is used whole */
	if (!x.protective)
		return x.ext_count ? read_logical(disk, sector, &x, out, n) : n;
	n = read_gpt(disk, sector, out);
	if (n == -EINVAL)
		pr_warn("%s: both GPT headers or their entries corrupt (checksum or sizes); no "
			"partitions\n", disk->name);
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
