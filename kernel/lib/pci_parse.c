/* Pure decoding of PCI config-space values and ACPI's MCFG (pci_parse.h): every pointer,
 * size and offset a device or the firmware reports is checked here before the driver uses it. */
#include <lib/pci_parse.h>
#include <uapi/errno.h>

static uint8_t cfg8(const uint8_t *cfg, unsigned off)
{
	return cfg[off];
}

static uint16_t cfg16(const uint8_t *cfg, unsigned off)
{
	return (uint16_t)(cfg[off] | cfg[off + 1] << 8);
}

static uint32_t cfg32(const uint8_t *cfg, unsigned off)
{
	return (uint32_t)cfg16(cfg, off) | (uint32_t)cfg16(cfg, off + 2) << 16;
}

int pci_caps_list(const uint8_t *cfg, uint8_t *offs, int max, bool *bad)
{
	bool seen[PCI_CFG_SIZE / 4] = { false };
	int n = 0;
	if (bad)
		*bad = false;
	if (!(cfg16(cfg, PCI_CFG_STATUS) & PCI_STATUS_CAP_LIST))
		return 0;
	/* The low two bits of every pointer are reserved (PCI 3.0, 6.7): masked, as Linux. */
	uint8_t off = cfg8(cfg, PCI_CFG_CAP_PTR) & 0xfc;
	while (off) {
		if (off < PCI_CAP_FIRST || seen[off / 4] || n >= PCI_MAX_CAPS) {
			if (bad)
				*bad = true;
			break;
		}
		seen[off / 4] = true;
		if (n < max)
			offs[n] = off;
		n++;
		off = cfg8(cfg, off + 1) & 0xfc; /* off <= 0xfc: off + 1 is inside */
	}
	return n < max ? n : max;
}

/* The size a probe mask (flag bits cleared; `all`: every address bit) gives: its lowest set
 * bit, 0 for no bit, or -1 if the mask is not ones down to that bit. */
static int mask_size(uint64_t mask, uint64_t all, uint64_t *size)
{
	uint64_t s = mask & (~mask + 1);
	if (mask && (mask | (s - 1)) != all)
		return -1;
	*size = s;
	return 0;
}

int pci_bar_decode(uint32_t lo, uint32_t hi, uint32_t probe_lo, uint32_t probe_hi,
		   struct pci_bar_info *out)
{
	*out = (struct pci_bar_info){ 0 };
	uint64_t mask, all, base;
	if (lo & 1) {
		out->io = true;
		mask = probe_lo & 0xfffffffcu;
		if (mask && !(mask & 0xffff0000u))
			mask |= 0xffff0000u; /* a 16-bit I/O decoder reads the top half as 0 */
		all = 0xffffffffu;
		base = lo & 0xfffffffcu;
	} else {
		unsigned type = (lo >> 1) & 3;
		if (type == 1 || type == 3)
			return -EINVAL;
		out->is64 = type == 2;
		out->prefetch = lo & 8;
		mask = probe_lo & 0xfffffff0u;
		base = lo & 0xfffffff0u;
		all = 0xffffffffu;
		if (out->is64) {
			mask |= (uint64_t)probe_hi << 32;
			base |= (uint64_t)hi << 32;
			all = UINT64_MAX;
		}
	}
	if (mask_size(mask, all, &out->size))
		return -EINVAL;
	if (out->size && (base & (out->size - 1) || base + out->size - 1 < base))
		return -EINVAL;
	out->base = base;
	return 0;
}

#define MSIX_CTRL 2
#define MSIX_TABLE 4
#define MSIX_PBA 8
#define MSIX_CAP_LEN 12
#define MSIX_ENTRY_SIZE 16

int pci_msix_parse(const uint8_t *cfg, uint8_t cap, const uint64_t *bar_size,
		   struct pci_msix_info *out)
{
	if (cap < PCI_CAP_FIRST || cap > PCI_CFG_SIZE - MSIX_CAP_LEN)
		return -EINVAL;
	uint32_t table = cfg32(cfg, cap + MSIX_TABLE), pba = cfg32(cfg, cap + MSIX_PBA);
	out->nvec = (cfg16(cfg, cap + MSIX_CTRL) & 0x7ff) + 1u;
	out->table_bar = table & 7;
	out->table_off = table & ~7u;
	out->pba_bar = pba & 7;
	out->pba_off = pba & ~7u;
	if (out->table_bar >= PCI_NUM_BARS || out->pba_bar >= PCI_NUM_BARS)
		return -EINVAL;
	if (!pci_range_inside(out->table_off, (uint64_t)out->nvec * MSIX_ENTRY_SIZE,
			      bar_size[out->table_bar]))
		return -EINVAL;
	if (!pci_range_inside(out->pba_off, ((out->nvec + 63) / 64) * 8ull, bar_size[out->pba_bar]))
		return -EINVAL;
	return 0;
}

#define VIRTIO_CAP_LEN 16
#define VIRTIO_NOTIFY_CAP_LEN 20

int pci_virtio_cap_parse(const uint8_t *cfg, uint8_t cap, const uint64_t *bar_size,
			 struct pci_virtio_cap *out)
{
	if (cap < PCI_CAP_FIRST || cap > PCI_CFG_SIZE - VIRTIO_CAP_LEN)
		return -EINVAL;
	uint8_t len = cfg8(cfg, cap + 2);
	*out = (struct pci_virtio_cap){ .type = cfg8(cfg, cap + 3), .bar = cfg8(cfg, cap + 4),
					.offset = cfg32(cfg, cap + 8),
					.length = cfg32(cfg, cap + 12) };
	if (len < VIRTIO_CAP_LEN || (unsigned)cap + len > PCI_CFG_SIZE)
		return -EINVAL;
	if (out->type == VIRTIO_PCI_CAP_NOTIFY) {
		if (len < VIRTIO_NOTIFY_CAP_LEN)
			return -EINVAL;
		out->notify_mult = cfg32(cfg, cap + 16);
	}
	if (out->bar >= PCI_NUM_BARS || !bar_size[out->bar])
		return -EINVAL;
	return pci_range_inside(out->offset, out->length, bar_size[out->bar]) ? 0 : -EINVAL;
}

#define MCFG_ENTRIES 44 /* header (36) + 8 reserved bytes */
#define MCFG_ENTRY_SIZE 16
#define ECAM_ALIGN (1ull << 20)

int pci_mcfg_parse(const void *table, size_t len, struct pci_ecam *out)
{
	const uint8_t *t = table;
	for (size_t off = MCFG_ENTRIES; off + MCFG_ENTRY_SIZE <= len; off += MCFG_ENTRY_SIZE) {
		uint64_t base = (uint64_t)cfg32(t, (unsigned)off) |
				(uint64_t)cfg32(t, (unsigned)off + 4) << 32;
		uint16_t seg = cfg16(t, (unsigned)off + 8);
		uint8_t start = t[off + 10], end = t[off + 11];
		if (seg || start > end || !base || base % ECAM_ALIGN)
			continue;
		out->base = base;
		out->bus_start = start;
		out->bus_end = end;
		return 0;
	}
	return -ENOENT;
}
