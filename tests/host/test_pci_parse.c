/* Host tests for kernel/lib/pci_parse.c: capability lists (a loop, a pointer into the header,
 * one past config space all end the walk), BAR sizes from probes (32/64-bit memory, I/O,
 * impossible masks refused), MSI-X tables and virtio capabilities checked against their BARs,
 * MCFG entries, and random config spaces that never make the parsers read out of bounds. */
#include "test.h"
#include <lib/pci_parse.h>
#include <uapi/errno.h>
#include <string.h>

static uint8_t cfg[PCI_CFG_SIZE];

static void put16(unsigned off, uint16_t v)
{
	cfg[off] = (uint8_t)v;
	cfg[off + 1] = (uint8_t)(v >> 8);
}

static void put32(unsigned off, uint32_t v)
{
	put16(off, (uint16_t)v);
	put16(off + 2, (uint16_t)(v >> 16));
}

/* Capabilities at 0x40 (MSI-X) -> 0x50 (vendor) -> 0x70 (vendor) -> end. */
static void build_caps(void)
{
	memset(cfg, 0, sizeof(cfg));
	put16(PCI_CFG_STATUS, PCI_STATUS_CAP_LIST);
	cfg[PCI_CFG_CAP_PTR] = 0x40;
	cfg[0x40] = PCI_CAP_ID_MSIX;
	cfg[0x41] = 0x50;
	cfg[0x50] = PCI_CAP_ID_VENDOR;
	cfg[0x51] = 0x70;
	cfg[0x70] = PCI_CAP_ID_VENDOR;
	cfg[0x71] = 0;
}

static void caps_walk_in_order(void)
{
	uint8_t offs[PCI_MAX_CAPS];
	bool bad;
	build_caps();
	CHECK_EQ(pci_caps_list(cfg, offs, PCI_MAX_CAPS, &bad), 3);
	CHECK(!bad && offs[0] == 0x40 && offs[1] == 0x50 && offs[2] == 0x70);
	put16(PCI_CFG_STATUS, 0); /* no list advertised: none walked */
	CHECK_EQ(pci_caps_list(cfg, offs, PCI_MAX_CAPS, &bad), 0);
}

static void caps_loop_and_bad_pointers_end_walk(void)
{
	uint8_t offs[PCI_MAX_CAPS];
	bool bad;
	build_caps();
	cfg[0x71] = 0x40; /* back to the first: a loop */
	CHECK_EQ(pci_caps_list(cfg, offs, PCI_MAX_CAPS, &bad), 3);
	CHECK(bad);
	cfg[0x71] = 0x3c; /* into the standard header */
	CHECK_EQ(pci_caps_list(cfg, offs, PCI_MAX_CAPS, &bad), 3);
	CHECK(bad);
	cfg[0x71] = 0xff; /* masked to 0xfc, the last dword: allowed */
	cfg[0xfc] = 1;
	cfg[0xfd] = 0xfc; /* itself: a loop */
	CHECK_EQ(pci_caps_list(cfg, offs, PCI_MAX_CAPS, &bad), 4);
	CHECK(bad && offs[3] == 0xfc);
	/* A chain through every dword: cut at PCI_MAX_CAPS, no hang. */
	for (unsigned off = 0x40; off < 0x100; off += 4)
		cfg[off + 1] = (uint8_t)(off + 4 < 0x100 ? off + 4 : 0x40);
	CHECK_EQ(pci_caps_list(cfg, offs, PCI_MAX_CAPS, &bad), PCI_MAX_CAPS);
	CHECK(bad);
}

static void bars_decoded(void)
{
	struct pci_bar_info b;
	CHECK_EQ(pci_bar_decode(0xc1011000, 0, 0xfffff000, 0, &b), 0); /* 32-bit 4 KiB */
	CHECK(!b.io && !b.is64 && b.base == 0xc1011000 && b.size == 0x1000);
	CHECK_EQ(pci_bar_decode(0x0000000c, 0xe0, 0xffffc00c, 0xffffffff, &b), 0); /* 64-bit */
	CHECK(b.is64 && b.prefetch && b.base == 0xe000000000ull && b.size == 0x4000);
	CHECK_EQ(pci_bar_decode(0x6001, 0, 0xffffff81, 0, &b), 0); /* I/O, 128 ports */
	CHECK(b.io && b.base == 0x6000 && b.size == 0x80);
	CHECK_EQ(pci_bar_decode(0x6001, 0, 0x0000ffe1, 0, &b), 0); /* 16-bit I/O decoder */
	CHECK(b.size == 0x20);
	CHECK_EQ(pci_bar_decode(0, 0, 0, 0, &b), 0); /* not implemented */
	CHECK(b.size == 0);
}

static void impossible_bars_refused(void)
{
	struct pci_bar_info b;
	CHECK_EQ(pci_bar_decode(0xc0000000, 0, 0xfff0f000, 0, &b), -EINVAL); /* holes in mask */
	CHECK_EQ(pci_bar_decode(0xc0000800, 0, 0xfffff000, 0, &b), -EINVAL); /* misaligned */
	CHECK_EQ(pci_bar_decode(0x2, 0, 0xfffff002, 0, &b), -EINVAL); /* reserved type 1 */
	CHECK_EQ(pci_bar_decode(0x6, 0, 0xfffff006, 0, &b), -EINVAL); /* reserved type 3 */
	CHECK_EQ(pci_bar_decode(0xfffff004, 0xffffffff, 0xffffe004, 0xffffffff, &b), -EINVAL);
}

static void msix_table_checked_against_bar(void)
{
	uint64_t sizes[PCI_NUM_BARS] = { 0, 0x1000, 0, 0, 0x4000, 0 };
	struct pci_msix_info m;
	build_caps();
	put16(0x42, 2); /* 3 vectors */
	put32(0x44, 0x0000 | 1); /* table in BAR1 at 0 */
	put32(0x48, 0x0800 | 1); /* PBA in BAR1 at 0x800 */
	CHECK_EQ(pci_msix_parse(cfg, 0x40, sizes, &m), 0);
	CHECK(m.nvec == 3 && m.table_bar == 1 && m.table_off == 0 && m.pba_off == 0x800);
	put32(0x44, 0x0ff8 | 1); /* the table runs past the BAR */
	CHECK_EQ(pci_msix_parse(cfg, 0x40, sizes, &m), -EINVAL);
	put32(0x44, 0 | 6); /* BIR 6 does not exist */
	CHECK_EQ(pci_msix_parse(cfg, 0x40, sizes, &m), -EINVAL);
	put32(0x44, 0 | 2); /* an absent BAR */
	CHECK_EQ(pci_msix_parse(cfg, 0x40, sizes, &m), -EINVAL);
	CHECK_EQ(pci_msix_parse(cfg, 0xf8, sizes, &m), -EINVAL); /* capability runs past cfg */
}

static void virtio_caps_checked(void)
{
	uint64_t sizes[PCI_NUM_BARS] = { 0, 0, 0, 0, 0x4000, 0 };
	struct pci_virtio_cap c;
	build_caps();
	cfg[0x52] = 20;
	cfg[0x53] = VIRTIO_PCI_CAP_NOTIFY;
	cfg[0x54] = 4;
	put32(0x58, 0x3000);
	put32(0x5c, 0x1000);
	put32(0x60, 4);
	CHECK_EQ(pci_virtio_cap_parse(cfg, 0x50, sizes, &c), 0);
	CHECK(c.type == VIRTIO_PCI_CAP_NOTIFY && c.bar == 4 && c.offset == 0x3000 &&
	      c.length == 0x1000 && c.notify_mult == 4);
	put32(0x5c, 0x1001); /* one byte past the BAR */
	CHECK_EQ(pci_virtio_cap_parse(cfg, 0x50, sizes, &c), -EINVAL);
	put32(0x5c, 0x1000);
	cfg[0x52] = 16; /* too short for a notify capability */
	CHECK_EQ(pci_virtio_cap_parse(cfg, 0x50, sizes, &c), -EINVAL);
	cfg[0x52] = 20;
	cfg[0x54] = 0; /* BAR0 absent */
	CHECK_EQ(pci_virtio_cap_parse(cfg, 0x50, sizes, &c), -EINVAL);
	cfg[0xf2] = 200; /* length past config space */
	CHECK_EQ(pci_virtio_cap_parse(cfg, 0xf0, sizes, &c), -EINVAL);
}

static void mcfg_entries(void)
{
	uint8_t t[44 + 32] = { 0 };
	struct pci_ecam e;
	CHECK_EQ(pci_mcfg_parse(t, sizeof(t), &e), -ENOENT);
	t[44 + 3] = 0xb0; /* base 0xb0000000, segment 0, buses 0-255 */
	t[44 + 11] = 0xff;
	CHECK_EQ(pci_mcfg_parse(t, sizeof(t), &e), 0);
	CHECK(e.base == 0xb0000000 && e.bus_start == 0 && e.bus_end == 255);
	t[44 + 10] = 5; /* start 5 > end 4 */
	t[44 + 11] = 4;
	CHECK_EQ(pci_mcfg_parse(t, sizeof(t), &e), -ENOENT);
	t[44 + 10] = 0;
	t[44 + 2] = 1; /* not 1 MiB aligned */
	CHECK_EQ(pci_mcfg_parse(t, sizeof(t), &e), -ENOENT);
	CHECK_EQ(pci_mcfg_parse(t, 50, &e), -ENOENT); /* entry cut short */
}

/* Random config spaces: every parser stays inside the 256 bytes (ASan). */
static void random_config_spaces(void)
{
	uint64_t sizes[PCI_NUM_BARS] = { 0x1000, 0, 0x4000, 0, 0x100000, 0 };
	test_srand(7);
	for (int i = 0; i < 100000; i++) {
		uint8_t *c = malloc(PCI_CFG_SIZE), offs[PCI_MAX_CAPS];
		for (int b = 0; b < PCI_CFG_SIZE; b++)
			c[b] = (uint8_t)test_rand();
		int n = pci_caps_list(c, offs, PCI_MAX_CAPS, NULL);
		EXPECT(n >= 0 && n <= PCI_MAX_CAPS);
		for (int k = 0; k < n; k++) {
			struct pci_msix_info m;
			struct pci_virtio_cap v;
			EXPECT(offs[k] >= PCI_CAP_FIRST);
			if (!pci_msix_parse(c, offs[k], sizes, &m))
				EXPECT(pci_range_inside(m.table_off, m.nvec * 16ull,
							sizes[m.table_bar]));
			if (!pci_virtio_cap_parse(c, offs[k], sizes, &v))
				EXPECT(pci_range_inside(v.offset, v.length, sizes[v.bar]));
		}
		free(c);
	}
}

TEST_MAIN(TEST(caps_walk_in_order), TEST(caps_loop_and_bad_pointers_end_walk), TEST(bars_decoded),
	  TEST(impossible_bars_refused), TEST(msix_table_checked_against_bar),
	  TEST(virtio_caps_checked), TEST(mcfg_entries), TEST(random_config_spaces))
