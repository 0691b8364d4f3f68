/* Host tests for kernel/lib/ata_identify.c: a QEMU-like IDENTIFY block decodes (size, model,
 * FLUSH CACHE EXT); no LBA48, a zero or oversized count, an odd logical sector size and a bad
 * integrity checksum are refused. */
#include "test.h"
#include <lib/ata_identify.h>
#include <string.h>
#include <uapi/errno.h>

static uint8_t id[ATA_IDENTIFY_BYTES];

static void put(unsigned w, uint16_t v)
{
	id[2 * w] = (uint8_t)v;
	id[2 * w + 1] = (uint8_t)(v >> 8);
}

static void seal(void)
{
	id[510] = 0xa5;
	uint8_t sum = 0;
	for (int i = 0; i < 511; i++)
		sum = (uint8_t)(sum + id[i]);
	id[511] = (uint8_t)-sum;
}

static void build(void)
{
	memset(id, 0, sizeof(id));
	const char *m = "QEMU HARDDISK";
	for (unsigned i = 0; i < 40; i++) {
		char c = i < strlen(m) ? m[i] : ' ';
		id[2 * (27 + i / 2) + (i % 2 ? 0 : 1)] = (uint8_t)c;
	}
	put(83, 1u << 10 | 1u << 13);
	put(100, 0x4000); /* 0x24000 sectors */
	put(101, 0x2);
	seal();
}

static void decodes(void)
{
	struct ata_disk_info d;
	build();
	CHECK_EQ(ata_identify_parse(id, &d), 0);
	CHECK(d.sectors == 0x24000 && d.sector_size == 512 && d.flush_ext);
	CHECK_STREQ(d.model, "QEMU HARDDISK");
	put(106, 0x4000 | 0x1000); /* 4096-byte logical sectors: 2048 words */
	put(117, 2048);
	seal();
	CHECK_EQ(ata_identify_parse(id, &d), 0);
	CHECK(d.sector_size == 4096);
}

static void refused(void)
{
	struct ata_disk_info d;
	build();
	id[200] ^= 1; /* checksum no longer matches */
	CHECK_EQ(ata_identify_parse(id, &d), -EINVAL);
	build();
	put(83, 0); /* no LBA48 */
	seal();
	CHECK_EQ(ata_identify_parse(id, &d), -EINVAL);
	build();
	put(100, 0);
	put(101, 0);
	seal();
	CHECK_EQ(ata_identify_parse(id, &d), -EINVAL); /* no sectors */
	build();
	put(103, 0x1); /* 2^48 + ... */
	seal();
	CHECK_EQ(ata_identify_parse(id, &d), -EINVAL);
	build();
	put(106, 0x4000 | 0x1000);
	put(117, 300); /* 600 bytes */
	seal();
	CHECK_EQ(ata_identify_parse(id, &d), -EINVAL);
}

TEST_MAIN(TEST(decodes), TEST(refused))
