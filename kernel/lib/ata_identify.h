/* Pure decoding of an ATA IDENTIFY DEVICE block (ACS-3, 7.12.7): what a disk says about its
 * size and sectors, checked before a driver believes it. tests/host/test_ata_identify.c. */
#ifndef LIB_ATA_IDENTIFY_H
#define LIB_ATA_IDENTIFY_H

#include <stdbool.h>
#include <stdint.h>

#define ATA_IDENTIFY_BYTES 512
#define ATA_MAX_LBA48 (1ull << 48)

struct ata_disk_info {
	uint64_t sectors; /* logical sectors, addressable with LBA48 */
	uint32_t sector_size; /* logical sector size: 512 or 4096 */
	bool flush_ext; /* FLUSH CACHE EXT is supported */
	char model[41]; /* trimmed, NUL-terminated */
};

/* Decode the 256 little-endian words at id: 0 and *out, or -EINVAL (no LBA48, a zero or
 * out-of-range size, a logical sector size other than 512 or 4096, the integrity word's
 * checksum wrong when it is present). */
int ata_identify_parse(const uint8_t *id, struct ata_disk_info *out);

#endif
