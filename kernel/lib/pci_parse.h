/* Pure decoding of what PCI devices and firmware report, every value checked before use: the
 * capability list of a config-space snapshot (walked bounded, so a looping list ends), BAR
 * sizes from the write-ones probe, the MSI-X table's place, and ACPI's MCFG. No hardware, no
 * globals: tests/host/test_pci_parse.c runs it with sanitizers. */
#ifndef LIB_PCI_PARSE_H
#define LIB_PCI_PARSE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PCI_CFG_SIZE 256 /* the conventional config space we snapshot */
#define PCI_CFG_STATUS 0x06
#define PCI_STATUS_CAP_LIST 0x10
#define PCI_CFG_CAP_PTR 0x34
#define PCI_CAP_FIRST 0x40 /* capabilities live after the standard header */
#define PCI_MAX_CAPS 48 /* (256 - 64) / 4: more means a loop */
#define PCI_NUM_BARS 6

#define PCI_CAP_ID_MSI 0x05
#define PCI_CAP_ID_VENDOR 0x09
#define PCI_CAP_ID_MSIX 0x11

/* The offsets of the capabilities of cfg (PCI_CFG_SIZE bytes), in list order, into offs (at
 * most max): their count. The walk stops at a pointer outside [0x40, 0xfc], at one already
 * seen (a loop), or after PCI_MAX_CAPS; *bad (if not NULL) tells whether it stopped early on
 * such a pointer. */
int pci_caps_list(const uint8_t *cfg, uint8_t *offs, int max, bool *bad);

struct pci_bar_info {
	uint64_t base; /* bus address (I/O port for io) */
	uint64_t size; /* 0: not implemented */
	bool io, is64, prefetch;
};

/* Decode a BAR from its value (lo, and hi for the upper half of a 64-bit one) and the value
 * read back after writing all ones (probe_lo, probe_hi): 0 and *out, or -EINVAL (a reserved
 * type, a size that is not a power of two, a base not aligned to it, a range that wraps). */
int pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t probe_lo, uint32_t probe_hi,
		   struct pci_bar_info *out);
/* Is the BAR of type 64-bit memory (it then uses the next slot too)? */
static inline bool pci_bar_is64(uint32_t lo)
{
	return !(lo & 1) && ((lo >> 1) & 3) == 2;
}

/* [off, off + len) lies inside a region of size bytes (no wrap). */
static inline bool pci_range_inside(uint64_t off, uint64_t len, uint64_t size)
{
	return off <= size && len <= size - off;
}

/* An MSI-X capability at cap: the table's BAR and offset, the vector count, checked against
 * the BAR sizes (bar_size[PCI_NUM_BARS], 0 for absent or I/O BARs). 0 or -EINVAL. */
struct pci_msix_info {
	uint32_t nvec;
	uint8_t table_bar;
	uint32_t table_off;
	uint8_t pba_bar;
	uint32_t pba_off;
};
int pci_msix_parse(const uint8_t *cfg, uint8_t cap, const uint64_t *bar_size,
		   struct pci_msix_info *out);

/* A virtio vendor capability (virtio 1.x, 4.1.4): which configuration structure (cfg_type),
 * where (BAR, offset, length: checked to lie inside the BAR), and for the notify structure its
 * multiplier. 0 or -EINVAL (too short, past config space, BAR absent, region outside it). */
#define VIRTIO_PCI_CAP_COMMON 1
#define VIRTIO_PCI_CAP_NOTIFY 2
#define VIRTIO_PCI_CAP_ISR 3
#define VIRTIO_PCI_CAP_DEVICE 4
struct pci_virtio_cap {
	uint8_t type, bar;
	uint32_t offset, length;
	uint32_t notify_mult;
};
int pci_virtio_cap_parse(const uint8_t *cfg, uint8_t cap, const uint64_t *bar_size,
			 struct pci_virtio_cap *out);

/* ACPI MCFG: the ECAM window of segment 0 (the only one we use). */
struct pci_ecam {
	uint64_t base; /* physical address of bus 0's config space */
	uint8_t bus_start, bus_end;
};
/* table: the whole MCFG (already checksum-checked), len bytes. 0 and *out for the first
 * segment-0 entry that is valid (1 MiB aligned base, start <= end), -ENOENT if none. */
int pci_mcfg_parse(const void *table, size_t len, struct pci_ecam *out);

#endif
