/* PCI: enumeration at boot (ECAM from ACPI's MCFG, the 0xCF8/0xCFC ports as fallback) of every
 * function behind bus 0 and its bridges, BARs sized and mapped uncached on request, bus
 * mastering, and MSI-X (or MSI) vectors from the IDT routed to the boot CPU. A device's config
 * space is snapshotted at enumeration (cfg) and every value in it is checked (lib/pci_parse.h)
 * before use.
 *
 * Locks: the device list is built once at boot by pci_init and read-only afterwards
 * (immutable after publication). pci_cfg_lock (pci.c) serializes the legacy port pair. A
 * struct pci_dev belongs to the driver that claimed it (pci_claim) for everything else. */
#ifndef DRIVERS_PCI_H
#define DRIVERS_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/list.h>
#include <lib/pci_parse.h>

#define PCI_MAX_VECTORS 8 /* MSI-X vectors one device may use here */

struct pci_dev {
	struct list_node link; /* in the device list (immutable after pci_init) */
	uint8_t bus, dev, fn;
	uint16_t vendor, device;
	uint32_t class_code; /* class << 16 | subclass << 8 | prog-if */
	uint8_t revision, header_type, irq_line;
	uint8_t cfg[PCI_CFG_SIZE]; /* snapshot at enumeration */
	struct pci_bar_info bars[PCI_NUM_BARS]; /* checked; size 0 when absent or bad */
	uint8_t caps[PCI_MAX_CAPS]; /* capability offsets, in list order */
	int ncaps;
	const char *driver; /* the claiming driver's name, or NULL */
	/* The claiming driver's: */
	volatile void *bar_map[PCI_NUM_BARS];
	volatile uint32_t *msix_table; /* mapped MSI-X table, or NULL */
	struct pci_msix_info msix;
	uint8_t msi_cap; /* MSI capability offset when MSI-X is absent, else 0 */
	uint8_t vectors[PCI_MAX_VECTORS]; /* the IDT vector of each table entry, 0 = none */
	unsigned nvectors; /* entries usable: min(table size, PCI_MAX_VECTORS); 1 for MSI */
};

/* Config space access (off < 256, aligned to the width). */
uint32_t pci_read32(const struct pci_dev *d, unsigned off);
uint16_t pci_read16(const struct pci_dev *d, unsigned off);
uint8_t pci_read8(const struct pci_dev *d, unsigned off);
void pci_write32(const struct pci_dev *d, unsigned off, uint32_t v);
void pci_write16(const struct pci_dev *d, unsigned off, uint16_t v);

/* Enumerate every bus reachable from bus 0 (boot, after acpi_init). "pci=nommconf" on the
 * command line (Linux's spelling) uses the legacy ports even when the MCFG offers ECAM. */
void pci_init(const char *cmdline);
/* The next device after `from` (NULL: the first) with this vendor and device id, or NULL. */
struct pci_dev *pci_find(uint16_t vendor, uint16_t device, struct pci_dev *from);
/* Take a device for driver `name`: -EBUSY if another has it. */
int pci_claim(struct pci_dev *d, const char *name);
/* Map memory BAR `bar` uncached (once; later calls return the same mapping). NULL for an
 * absent, I/O or unmappable BAR. */
volatile void *pci_map_bar(struct pci_dev *d, int bar);
/* Enable memory decoding and bus mastering (DMA), legacy INTx off. */
void pci_enable(struct pci_dev *d);
/* Message interrupts: MSI-X when the device has it (entries 0..nvectors-1), else MSI (entry 0
 * only). Set up with pci_irq_init, then give each entry a handler with pci_irq_set (a vector
 * is taken from the IDT, the message is routed to the boot CPU). fn runs in interrupt
 * context. 0 or -errno (-ENODEV: neither capability; -ENOSPC: no free vector). */
int pci_irq_init(struct pci_dev *d);
int pci_irq_set(struct pci_dev *d, unsigned entry, void (*fn)(void *arg), void *arg);
/* Call fn for each device in bus order (procfs: /proc/bus/pci/devices). */
void pci_for_each(void (*fn)(const struct pci_dev *d, void *arg), void *arg);

#endif
