/* Pure parsers of partition tables, every field from the disk checked: the MBR (primary
 * entries; a protective 0xEE entry says "GPT") and GPT (header CRC, its sizes and LBAs against
 * the disk, the entry array's CRC, each entry inside the usable area). No hardware, no
 * globals: tests/host/test_partition_parse.c runs them on good and corrupt tables. */
#ifndef LIB_PARTITION_PARSE_H
#define LIB_PARTITION_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define MBR_SIZE 512
#define MBR_PRIMARY 4
#define MBR_TYPE_GPT_PROTECTIVE 0xee
#define GPT_HEADER_MIN 92
#define GPT_ENTRY_MIN 128
#define GPT_ENTRIES_MAX_BYTES (1u << 20) /* a larger entry array is refused */

struct part_entry {
	uint32_t partno; /* 1-based: MBR slot or GPT entry index + 1 */
	uint64_t start, count; /* in the disk's logical sectors */
};

/* What an MBR says beyond its primaries: a GPT behind it (a protective 0xEE entry), and the
 * first extended container that lies inside the disk (count 0: none). */
struct mbr_extra {
	bool protective;
	uint32_t ext_partno; /* its slot, 1-4 */
	uint64_t ext_start, ext_count;
};
/* The primary partitions of the MBR in `sector0` (MBR_SIZE bytes) on a disk of nr_sectors:
 * their count in out (max entries at most), or -EINVAL without the 0x55AA signature. Empty
 * slots, extended containers (reported in *extra) and entries that leave the disk are
 * skipped. */
int mbr_parse(const uint8_t *sector0, uint64_t nr_sectors, struct part_entry *out, int max,
	      struct mbr_extra *extra);
#define MBR_FIRST_LOGICAL 5
/* One extended boot record (MBR_SIZE bytes read from LBA ebr_lba) of the chain in the extended
 * container [ext_start, ext_start + ext_count): its logical partition in *logical (numbered
 * partno) and the next record's LBA in *next (0: the chain ends). Returns 1 with a logical
 * partition, 0 without (an empty or invalid entry, or one leaving the container), -EINVAL
 * without the signature. The next record must lie inside the container after this one, so a
 * chain always ends (a backward link ends it). */
int mbr_ebr_parse(const uint8_t *ebr, uint64_t ext_start, uint64_t ext_count, uint64_t ebr_lba,
		  uint32_t partno, struct part_entry *logical, uint64_t *next);

/* What a checked GPT header says about its entry array. */
struct gpt_info {
	uint64_t first_usable, last_usable;
	uint64_t entries_lba;
	uint32_t num_entries, entry_size;
	uint32_t entries_crc;
};
/* Check the GPT header at `hdr` (one sector of sector_size bytes, read from LBA my_lba: 1 for
 * the primary, the last sector for the backup) for a disk of nr_sectors: signature, header
 * size, header CRC, my LBA, usable range and entry array inside the disk, entry size and count
 * sane. 0 and *out, or -EINVAL. */
int gpt_header_parse(const uint8_t *hdr, uint32_t sector_size, uint64_t nr_sectors,
		     uint64_t my_lba, struct gpt_info *out);
/* The bytes of the entry array gi describes (what the caller reads). */
static inline size_t gpt_entries_bytes(const struct gpt_info *gi)
{
	return (size_t)gi->num_entries * gi->entry_size;
}
/* Decode the entry array (gpt_entries_bytes(gi) bytes at ents): -EINVAL when its CRC is wrong,
 * else the count of used entries written to out (max at most; entries whose range is reversed
 * or outside the usable area are skipped). */
int gpt_entries_parse(const uint8_t *ents, const struct gpt_info *gi, struct part_entry *out,
		      int max);

#endif
