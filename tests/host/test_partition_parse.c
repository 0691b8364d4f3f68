/* Host tests for kernel/lib/partition_parse.c and crc32.c: an MBR's primaries (empty, extended
 * and out-of-disk entries skipped, the protective entry noticed), a GPT built here decoded,
 * every kind of header corruption (signature, CRC, sizes, LBAs) and a bad entry-array CRC
 * refused, and random corruption of both never read outside the buffers (ASan). */
#include "test.h"
#include <lib/crc32.h>
#include <lib/partition_parse.h>
#include <string.h>
#include <uapi/errno.h>

#define SS 512
#define DISK (32768ull)
#define NENT 128
#define ESZ 128

static uint8_t mbr[SS], hdr[SS], ents[NENT * ESZ];

static void put32(uint8_t *p, uint32_t v)
{
	for (int i = 0; i < 4; i++)
		p[i] = (uint8_t)(v >> (8 * i));
}

static void put64(uint8_t *p, uint64_t v)
{
	put32(p, (uint32_t)v);
	put32(p + 4, (uint32_t)(v >> 32));
}

static void mbr_entry(int slot, uint8_t type, uint32_t start, uint32_t count)
{
	uint8_t *e = mbr + 446 + slot * 16;
	e[4] = type;
	put32(e + 8, start);
	put32(e + 12, count);
}

static void seal_header(void)
{
	put32(hdr + 16, 0);
	put32(hdr + 16, crc32_ieee(0, hdr, 92));
}

static void seal_entries(void)
{
	put32(hdr + 88, crc32_ieee(0, ents, sizeof(ents)));
	seal_header();
}

static void gpt_entry(int i, uint64_t first, uint64_t last)
{
	uint8_t *e = ents + i * ESZ;
	memset(e, 0, ESZ);
	e[0] = 0xaf; /* any non-zero type GUID */
	put64(e + 32, first);
	put64(e + 40, last);
}

/* The layout tools/mkscratch.sh makes: two partitions, array at LBA 2. */
static void build_gpt(void)
{
	memset(hdr, 0, sizeof(hdr));
	memcpy(hdr, "EFI PART", 8);
	put32(hdr + 8, 0x00010000);
	put32(hdr + 12, 92);
	put64(hdr + 24, 1);
	put64(hdr + 32, DISK - 1);
	put64(hdr + 40, 34);
	put64(hdr + 48, DISK - 34);
	put64(hdr + 72, 2);
	put32(hdr + 80, NENT);
	put32(hdr + 84, ESZ);
	memset(ents, 0, sizeof(ents));
	gpt_entry(0, 2048, 10239);
	gpt_entry(1, 10240, DISK - 34);
	seal_entries();
}

static void crc32_known_value(void)
{
	CHECK_EQ(crc32_ieee(0, "123456789", 9), 0xcbf43926);
	CHECK_EQ(crc32_ieee(crc32_ieee(0, "1234", 4), "56789", 5), 0xcbf43926);
}

static void mbr_primaries(void)
{
	struct part_entry p[4];
	struct mbr_extra x;
	memset(mbr, 0, sizeof(mbr));
	CHECK_EQ(mbr_parse(mbr, DISK, p, 4, &x), -EINVAL); /* no signature */
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	mbr_entry(0, 0x83, 2048, 4096);
	mbr_entry(1, 0x05, 8192, 1000); /* extended: reported, not a partition */
	mbr_entry(2, 0x83, 30000, 5000); /* leaves the disk */
	mbr_entry(3, 0x07, 10000, 100);
	CHECK_EQ(mbr_parse(mbr, DISK, p, 4, &x), 2);
	CHECK(!x.protective && p[0].partno == 1 && p[0].start == 2048 && p[0].count == 4096);
	CHECK(p[1].partno == 4 && p[1].start == 10000 && p[1].count == 100);
	CHECK(x.ext_partno == 2 && x.ext_start == 8192 && x.ext_count == 1000);
	mbr_entry(0, MBR_TYPE_GPT_PROTECTIVE, 1, 0xffffffff);
	CHECK_EQ(mbr_parse(mbr, DISK, p, 4, &x), 1);
	CHECK(x.protective);
}

/* An EBR at LBA ebr: a logical partition at rel/count, a link to the next EBR at next_rel
 * (relative to the container). */
static void build_ebr(uint32_t rel, uint32_t count, uint32_t next_rel)
{
	memset(mbr, 0, sizeof(mbr));
	mbr[510] = 0x55;
	mbr[511] = 0xaa;
	mbr_entry(0, 0x83, rel, count);
	if (next_rel)
		mbr_entry(1, 0x05, next_rel, 100);
}

static void ebr_chain_links(void)
{
	struct part_entry p;
	uint64_t next;
	build_ebr(63, 500, 1000); /* container 8192+2000; this EBR at 8192 */
	CHECK_EQ(mbr_ebr_parse(mbr, 8192, 2000, 8192, 5, &p, &next), 1);
	CHECK(p.partno == 5 && p.start == 8255 && p.count == 500 && next == 9192);
	build_ebr(63, 500, 0); /* the last one */
	CHECK_EQ(mbr_ebr_parse(mbr, 8192, 2000, 9192, 6, &p, &next), 1);
	CHECK(p.start == 9255 && next == 0);
	build_ebr(63, 5000, 500); /* the logical leaves the container; the link still counts */
	CHECK_EQ(mbr_ebr_parse(mbr, 8192, 2000, 8192, 5, &p, &next), 0);
	CHECK(next == 8692);
	build_ebr(63, 10, 0);
	mbr_entry(1, 0x05, 0, 100); /* a link back to the first EBR: ends the chain */
	CHECK_EQ(mbr_ebr_parse(mbr, 8192, 2000, 8692, 6, &p, &next), 1);
	CHECK(next == 0);
	mbr_entry(1, 0x05, 5000, 100); /* a link out of the container */
	CHECK_EQ(mbr_ebr_parse(mbr, 8192, 2000, 8192, 5, &p, &next), 1);
	CHECK(next == 0);
	mbr[510] = 0;
	CHECK_EQ(mbr_ebr_parse(mbr, 8192, 2000, 8192, 5, &p, &next), -EINVAL);
}

static void gpt_decoded(void)
{
	struct gpt_info gi;
	struct part_entry p[15];
	build_gpt();
	CHECK_EQ(gpt_header_parse(hdr, SS, DISK, 1, &gi), 0);
	CHECK(gi.entries_lba == 2 && gi.num_entries == NENT && gi.entry_size == ESZ);
	CHECK_EQ(gpt_entries_bytes(&gi), sizeof(ents));
	CHECK_EQ(gpt_entries_parse(ents, &gi, p, 15), 2);
	CHECK(p[0].partno == 1 && p[0].start == 2048 && p[0].count == 8192);
	CHECK(p[1].partno == 2 && p[1].start == 10240 && p[1].count == DISK - 34 - 10240 + 1);
}

/* Change one field, reseal the header CRC, expect a refusal. */
static bool refused_with(unsigned off, uint64_t v, int width)
{
	struct gpt_info gi;
	build_gpt();
	if (width == 8)
		put64(hdr + off, v);
	else
		put32(hdr + off, (uint32_t)v);
	seal_header();
	return gpt_header_parse(hdr, SS, DISK, 1, &gi) == -EINVAL;
}

static void gpt_header_corruption_refused(void)
{
	struct gpt_info gi;
	build_gpt();
	hdr[0] = 'X';
	CHECK_EQ(gpt_header_parse(hdr, SS, DISK, 1, &gi), -EINVAL); /* signature */
	build_gpt();
	hdr[60] ^= 1;
	CHECK_EQ(gpt_header_parse(hdr, SS, DISK, 1, &gi), -EINVAL); /* CRC */
	build_gpt();
	CHECK_EQ(gpt_header_parse(hdr, SS, DISK, DISK - 1, &gi), -EINVAL); /* not the backup */
	CHECK(refused_with(12, 91, 4)); /* header size below 92 */
	CHECK(refused_with(12, SS + 4, 4)); /* header size beyond the sector */
	CHECK(refused_with(24, 2, 8)); /* my LBA */
	CHECK(refused_with(48, DISK, 8)); /* last usable past the disk */
	CHECK(refused_with(40, DISK - 10, 8)); /* first usable after last usable */
	CHECK(refused_with(72, 1, 8)); /* entries over the header */
	CHECK(refused_with(72, DISK - 2, 8)); /* entries run off the disk */
	CHECK(refused_with(84, 100, 4)); /* entry size not 128 << n */
	CHECK(refused_with(84, 64, 4)); /* entry size too small */
	CHECK(refused_with(80, 0, 4)); /* no entries */
	CHECK(refused_with(80, 0x80000000u, 4)); /* an enormous array */
}

static void gpt_entries_checked(void)
{
	struct gpt_info gi;
	struct part_entry p[15];
	build_gpt();
	ents[5] ^= 1; /* the array no longer matches its CRC */
	CHECK_EQ(gpt_header_parse(hdr, SS, DISK, 1, &gi), 0);
	CHECK_EQ(gpt_entries_parse(ents, &gi, p, 15), -EINVAL);
	build_gpt();
	gpt_entry(2, 20, 30); /* before the first usable LBA */
	gpt_entry(3, 5000, 4000); /* reversed */
	gpt_entry(4, 100, DISK); /* past the last usable LBA */
	seal_entries();
	CHECK_EQ(gpt_header_parse(hdr, SS, DISK, 1, &gi), 0);
	CHECK_EQ(gpt_entries_parse(ents, &gi, p, 15), 2);
	CHECK_EQ(gpt_entries_parse(ents, &gi, p, 1), 1); /* the caller's limit holds */
}

static void random_corruption_stays_in_bounds(void)
{
	test_srand(15);
	for (int i = 0; i < 20000; i++) {
		struct gpt_info gi;
		struct part_entry p[15];
		struct mbr_extra x;
		build_gpt();
		for (int n = 1 + (int)test_rand_below(4); n; n--)
			hdr[test_rand_below(96)] = (uint8_t)test_rand();
		if (test_rand_below(2))
			seal_header();
		if (gpt_header_parse(hdr, SS, DISK, 1, &gi) == 0) {
			uint8_t *copy = malloc(gpt_entries_bytes(&gi));
			memset(copy, 0, gpt_entries_bytes(&gi));
			int n = gpt_entries_parse(copy, &gi, p, 15);
			EXPECT(n <= 15);
			for (int k = 0; k < n; k++)
				EXPECT(p[k].start + p[k].count <= DISK);
			free(copy);
		}
		for (int n = 1 + (int)test_rand_below(8); n; n--)
			mbr[test_rand_below(SS)] = (uint8_t)test_rand();
		int n = mbr_parse(mbr, DISK, p, 4, &x);
		for (int k = 0; k < n; k++)
			EXPECT(p[k].start + p[k].count <= DISK);
		EXPECT(x.ext_start + x.ext_count <= DISK);
		uint64_t next;
		if (mbr_ebr_parse(mbr, 100, 1000, 200, 5, p, &next) == 1)
			EXPECT(p[0].start >= 100 && p[0].start + p[0].count <= 1100);
		EXPECT(next == 0 || (next > 200 && next < 1100));
	}
}

TEST_MAIN(TEST(crc32_known_value), TEST(mbr_primaries), TEST(ebr_chain_links), TEST(gpt_decoded),
	  TEST(gpt_header_corruption_refused), TEST(gpt_entries_checked),
	  TEST(random_corruption_stays_in_bounds))
