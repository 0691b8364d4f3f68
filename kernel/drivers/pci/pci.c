/* PCI enumeration and config-space access (pci.h): ECAM through ACPI's MCFG when present, the
 * legacy 0xCF8/0xCFC port pair otherwise; every bus behind bus 0 is walked once (bridges'
 * secondary buses, depth bounded), each function's config space snapshotted and its BARs sized
 * and checked. */
#include <drivers/pci/pci.h>
#include <drivers/acpi.h>
#include <arch/x86_64/io.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <lib/cmdline.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/vmap.h>
#include <uapi/errno.h>

#define PCI_CONFIG_ADDRESS 0xcf8
#define PCI_CONFIG_DATA 0xcfc
#define PCI_BUSES 256
#define PCI_DEVICES 32
#define PCI_FUNCTIONS 8
#define PCI_MAX_DEPTH 16 /* bridges nested deeper are not followed */
#define ECAM_BUS_SIZE (1u << 20)

#define PCI_VENDOR 0x00
#define PCI_COMMAND 0x04
#define PCI_CMD_IO 0x1
#define PCI_CMD_MEMORY 0x2
#define PCI_CMD_MASTER 0x4
#define PCI_CMD_INTX_DISABLE 0x400
#define PCI_REVISION 0x08
#define PCI_HEADER_TYPE 0x0e
#define PCI_BAR0 0x10
#define PCI_SECONDARY_BUS 0x19
#define PCI_IRQ_LINE 0x3c
#define HEADER_TYPE_MASK 0x7f
#define HEADER_MULTI 0x80
#define HEADER_BRIDGE 1

static struct list_node pci_devices = LIST_HEAD_INIT(pci_devices); /* immutable after init */
static struct spinlock pci_cfg_lock = SPINLOCK_INIT("pci_cfg"); /* the legacy port pair */
static struct spinlock pci_claim_lock = SPINLOCK_INIT("pci_claim"); /* pci_dev.driver */
static struct pci_ecam ecam; /* base 0: legacy ports; immutable after init */
/* ECAM window of each bus, mapped as enumeration reaches it; immutable after init. */
static volatile uint8_t *ecam_bus[PCI_BUSES];

static volatile uint8_t *ecam_addr(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	if (!ecam_bus[bus])
		return NULL;
	return ecam_bus[bus] + ((unsigned)dev << 15 | (unsigned)fn << 12 | off);
}

static uint32_t cfg_read(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off)
{
	volatile uint8_t *p = ecam.base ? ecam_addr(bus, dev, fn, off & 0xfc) : NULL;
	if (ecam.base)
		return p ? *(volatile uint32_t *)p : 0xffffffffu;
	uint64_t flags = spin_lock_irqsave(&pci_cfg_lock);
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
					 (uint32_t)fn << 8 | (off & 0xfc));
	uint32_t v = inl(PCI_CONFIG_DATA);
	spin_unlock_irqrestore(&pci_cfg_lock, flags);
	return v;
}

static void cfg_write(uint8_t bus, uint8_t dev, uint8_t fn, unsigned off, uint32_t v)
{
	volatile uint8_t *p = ecam.base ? ecam_addr(bus, dev, fn, off & 0xfc) : NULL;
	if (ecam.base) {
		if (p)
			*(volatile uint32_t *)p = v;
		return;
	}
	uint64_t flags = spin_lock_irqsave(&pci_cfg_lock);
	outl(PCI_CONFIG_ADDRESS, 0x80000000u | (uint32_t)bus << 16 | (uint32_t)dev << 11 |
					 (uint32_t)fn << 8 | (off & 0xfc));
	outl(PCI_CONFIG_DATA, v);
	spin_unlock_irqrestore(&pci_cfg_lock, flags);
}

uint32_t pci_read32(const struct pci_dev *d, unsigned off)
{
	return cfg_read(d->bus, d->dev, d->fn, off);
}

uint16_t pci_read16(const struct pci_dev *d, unsigned off)
{
	return (uint16_t)(pci_read32(d, off) >> ((off & 2) * 8));
}

uint8_t pci_read8(const struct pci_dev *d, unsigned off)
{
	return (uint8_t)(pci_read32(d, off) >> ((off & 3) * 8));
}

void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v)
{
	cfg_write(d->bus, d->dev, d->fn, off, v);
}

/* A 16-bit write as a read-modify-write of its dword: the other half is written back as read
 * (no write-one-to-clear bits share a dword with the fields we write: command/status aside,
 * where status is written as 0 to leave it). */
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v)
{
	uint32_t old = pci_read32(d, off & ~3u);
	unsigned shift = (off & 2) * 8;
	if ((off & ~3u) == PCI_COMMAND)
		old &= 0xffff; /* status bits are write-one-to-clear: write zeros there */
	old &= ~(0xffffu << shift);
	pci_write32(d, off & ~3u, old | (uint32_t)v << shift);
}

/* Size BAR i (and i+1 for a 64-bit one) by the write-ones probe, decoding off meanwhile. Returns
 * the number of slots it used. */
static int probe_bar(struct pci_dev *d, int i, int nbars)
{
	unsigned off = PCI_BAR0 + 4u * (unsigned)i;
	uint32_t lo = pci_read32(d, off), hi = 0, plo, phi = 0;
	bool is64 = pci_bar_is64(lo);
	if (is64 && i + 1 >= nbars) {
		pr_warn("pci %02x:%02x.%u: 64-bit BAR%d in the last slot; ignored\n", d->bus,
			d->dev, d->fn, i);
		return 1;
	}
	pci_write32(d, off, 0xffffffffu);
	plo = pci_read32(d, off);
	pci_write32(d, off, lo);
	if (is64) {
		hi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, 0xffffffffu);
		phi = pci_read32(d, off + 4);
		pci_write32(d, off + 4, hi);
	}
	if (pci_bar_decode(lo, hi, plo, phi, &d->bars[i])) {
		pr_warn("pci %02x:%02x.%u: BAR%d reports an impossible size (%#x); ignored\n",
			d->bus, d->dev, d->fn, i, plo);
		d->bars[i] = (struct pci_bar_info){ 0 };
	}
	return is64 ? 2 : 1;
}

static void probe_bars(struct pci_dev *d, int nbars)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd & ~(PCI_CMD_IO | PCI_CMD_MEMORY));
	for (int i = 0; i < nbars;)
		i += probe_bar(d, i, nbars);
	pci_write16(d, PCI_COMMAND, cmd);
}

static void log_device(const struct pci_dev *d)
{
	pr_info("pci 0000:%02x:%02x.%u %04x:%04x class %06x irq %u\n", d->bus, d->dev, d->fn,
		d->vendor, d->device, d->class_code, d->irq_line);
	for (int i = 0; i < PCI_NUM_BARS; i++) {
		const struct pci_bar_info *b = &d->bars[i];
		if (b->size)
			pr_info("pci 0000:%02x:%02x.%u   BAR%d %s %#lx size %#lx\n", d->bus, d->dev,
				d->fn, i, b->io ? "io" : b->is64 ? "mem64" : "mem", b->base,
				b->size);
	}
}

static void scan_bus(uint8_t bus, int depth, bool *seen);

static void add_function(uint8_t bus, uint8_t dev, uint8_t fn, int depth, bool *seen)
{
	struct pci_dev *d = kmalloc(sizeof(*d));
	if (!d) {
		pr_err("pci: out of memory at %02x:%02x.%u\n", bus, dev, fn);
		return;
	}
	*d = (struct pci_dev){ .bus = bus, .dev = dev, .fn = fn };
	for (unsigned off = 0; off < PCI_CFG_SIZE; off += 4) {
		uint32_t v = pci_read32(d, off);
		for (unsigned b = 0; b < 4; b++)
			d->cfg[off + b] = (uint8_t)(v >> (8 * b));
	}
	d->vendor = (uint16_t)(d->cfg[0] | d->cfg[1] << 8);
	d->device = (uint16_t)(d->cfg[2] | d->cfg[3] << 8);
	d->revision = d->cfg[PCI_REVISION];
	d->class_code = (uint32_t)d->cfg[9] | (uint32_t)d->cfg[10] << 8 |
			(uint32_t)d->cfg[11] << 16;
	d->header_type = d->cfg[PCI_HEADER_TYPE] & HEADER_TYPE_MASK;
	d->irq_line = d->cfg[PCI_IRQ_LINE];
	bool bad = false;
	d->ncaps = pci_caps_list(d->cfg, d->caps, PCI_MAX_CAPS, &bad);
	if (bad)
		pr_warn("pci %02x:%02x.%u: capability list loops or leaves config space; cut\n",
			bus, dev, fn);
	probe_bars(d, d->header_type == 0 ? 6 : d->header_type == HEADER_BRIDGE ? 2 : 0);
	list_add_tail(&pci_devices, &d->link);
	log_device(d);
	if (d->header_type == HEADER_BRIDGE) {
		uint8_t sec = d->cfg[PCI_SECONDARY_BUS];
		if (sec > bus && depth < PCI_MAX_DEPTH)
			scan_bus(sec, depth + 1, seen);
		else
			pr_warn("pci %02x:%02x.%u: bridge to bus %u not followed\n", bus, dev, fn,
				sec);
	}
}

static bool map_bus(uint8_t bus)
{
	if (!ecam.base || ecam_bus[bus])
		return true;
	if (bus < ecam.bus_start || bus > ecam.bus_end)
		return false;
	ecam_bus[bus] = ioremap(ecam.base + (uint64_t)(bus - ecam.bus_start) * ECAM_BUS_SIZE,
				ECAM_BUS_SIZE);
	return ecam_bus[bus] != NULL;
}

static void scan_bus(uint8_t bus, int depth, bool *seen)
{
	if (seen[bus] || !map_bus(bus))
		return;
	seen[bus] = true;
	for (uint8_t dev = 0; dev < PCI_DEVICES; dev++) {
		if ((cfg_read(bus, dev, 0, PCI_VENDOR) & 0xffff) == 0xffff)
			continue;
		bool multi = (cfg_read(bus, dev, 0, PCI_HEADER_TYPE) >> 16) & HEADER_MULTI;
		for (uint8_t fn = 0; fn < (multi ? PCI_FUNCTIONS : 1); fn++)
			if ((cfg_read(bus, dev, fn, PCI_VENDOR) & 0xffff) != 0xffff)
				add_function(bus, dev, fn, depth, seen);
	}
}

void pci_init(const char *cmdline)
{
	char opt[16];
	bool nommconf = cmdline_get(cmdline, "pci", opt, sizeof(opt)) >= 0 &&
			!strcmp(opt, "nommconf");
	const struct acpi_sdt_header *mcfg = nommconf ? NULL : acpi_find_table("MCFG");
	if (mcfg && pci_mcfg_parse(mcfg, mcfg->length, &ecam) == 0 && ecam.bus_start == 0)
		pr_info("pci: ECAM at %#lx, buses %u-%u\n", ecam.base, ecam.bus_start,
			ecam.bus_end);
	else {
		ecam = (struct pci_ecam){ 0 };
		pr_info("pci: no usable MCFG; legacy configuration ports\n");
	}
	static bool seen[PCI_BUSES];
	scan_bus(0, 0, seen);
}

struct pci_dev *pci_find(uint16_t vendor, uint16_t device, struct pci_dev *from)
{
	struct list_node *n = from ? from->link.next : pci_devices.next;
	for (; n != &pci_devices; n = n->next) {
		struct pci_dev *d = list_entry(n, struct pci_dev, link);
		if (d->vendor == vendor && d->device == device)
			return d;
	}
	return NULL;
}

int pci_claim(struct pci_dev *d, const char *name)
{
	spin_lock(&pci_claim_lock);
	int r = d->driver ? -EBUSY : 0;
	if (!r)
		d->driver = name;
	spin_unlock(&pci_claim_lock);
	return r;
}

volatile void *pci_map_bar(struct pci_dev *d, int bar)
{
	if (bar < 0 || bar >= PCI_NUM_BARS)
		return NULL;
	const struct pci_bar_info *b = &d->bars[bar];
	if (!b->size || b->io || !b->base)
		return NULL; /* absent, I/O, or left unassigned by the firmware */
	if (!d->bar_map[bar])
		d->bar_map[bar] = ioremap(b->base, (size_t)b->size);
	return d->bar_map[bar];
}

void pci_enable(struct pci_dev *d)
{
	uint16_t cmd = pci_read16(d, PCI_COMMAND);
	pci_write16(d, PCI_COMMAND, cmd | PCI_CMD_MEMORY | PCI_CMD_MASTER | PCI_CMD_INTX_DISABLE);
}

void pci_for_each(void (*fn)(const struct pci_dev *d, void *arg), void *arg)
{
	struct list_node *n;
	list_for_each(n, &pci_devices)
		fn(list_entry(n, struct pci_dev, link), arg);
}
