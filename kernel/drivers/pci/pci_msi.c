/* Message-signalled interrupts (pci.h): MSI-X tables (checked to lie inside their BAR) or a
 * single MSI message, each entry given an IDT vector taken from the free ones and routed, edge
 * triggered and fixed, to the boot CPU's LAPIC, which gets the EOI from the dispatcher. */
#include <drivers/pci/pci.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/trap.h>
#include <core/printk.h>
#include <uapi/errno.h>

#define VECTOR_FIRST 0x40 /* after the IOAPIC's GSIs (0x20-0x37) */
#define VECTOR_LAST 0xef /* before the timer and the IPIs */
#define MSI_ADDRESS_BASE 0xfee00000u
#define MSI_DEST_SHIFT 12

#define MSIX_CTRL 2
#define MSIX_ENABLE 0x8000u
#define MSIX_FUNCTION_MASK 0x4000u
#define MSIX_ENTRY_WORDS 4 /* address low, address high, data, vector control */
#define MSIX_VECTOR_MASKED 1u

#define MSI_CTRL 2
#define MSI_ENABLE 0x1u
#define MSI_MME_MASK 0x70u
#define MSI_64BIT 0x80u
#define MSI_ADDR_LO 4
#define MSI_CAP_LEN 14 /* through the data word of the 64-bit layout */

/* Who an allocated vector belongs to. Written before irq_register publishes the vector, never
 * changed after: immutable after publication. */
static struct {
	void (*fn)(void *arg);
	void *arg;
} vector_owner[VECTOR_LAST + 1];

static void msi_dispatch(struct trap_frame *f)
{
	uint8_t v = (uint8_t)f->vector;
	vector_owner[v].fn(vector_owner[v].arg);
}

static int alloc_vector(void (*fn)(void *arg), void *arg)
{
	for (unsigned v = VECTOR_FIRST; v <= VECTOR_LAST; v++) {
		if (__atomic_load_n(&vector_owner[v].fn, __ATOMIC_ACQUIRE))
			continue;
		vector_owner[v].fn = fn;
		vector_owner[v].arg = arg;
		if (irq_register((uint8_t)v, msi_dispatch) == 0)
			return (int)v;
		vector_owner[v].fn = NULL; /* taken by someone else: keep looking */
	}
	return -ENOSPC;
}

static uint8_t find_cap(const struct pci_dev *d, uint8_t id)
{
	for (int i = 0; i < d->ncaps; i++)
		if (d->cfg[d->caps[i]] == id)
			return d->caps[i];
	return 0;
}

static int msix_init(struct pci_dev *d, uint8_t cap)
{
	uint64_t sizes[PCI_NUM_BARS];
	for (int i = 0; i < PCI_NUM_BARS; i++)
		sizes[i] = d->bars[i].io ? 0 : d->bars[i].size;
	if (pci_msix_parse(d->cfg, cap, sizes, &d->msix)) {
		pr_warn("pci %02x:%02x.%u: MSI-X table outside its BAR; not used\n", d->bus, d->dev,
			d->fn);
		return -EINVAL;
	}
	volatile uint8_t *bar = pci_map_bar(d, d->msix.table_bar);
	if (!bar)
		return -ENOMEM;
	d->msix_table = (volatile uint32_t *)(bar + d->msix.table_off);
	d->nvectors = d->msix.nvec < PCI_MAX_VECTORS ? d->msix.nvec : PCI_MAX_VECTORS;
	for (unsigned i = 0; i < d->msix.nvec; i++)
		d->msix_table[i * MSIX_ENTRY_WORDS + 3] = MSIX_VECTOR_MASKED;
	uint16_t ctrl = pci_read16(d, cap + MSIX_CTRL);
	pci_write16(d, cap + MSIX_CTRL, (ctrl | MSIX_ENABLE) & ~MSIX_FUNCTION_MASK);
	return 0;
}

int pci_irq_init(struct pci_dev *d)
{
	uint8_t cap = find_cap(d, PCI_CAP_ID_MSIX);
	if (cap)
		return msix_init(d, cap);
	cap = find_cap(d, PCI_CAP_ID_MSI);
	if (!cap || cap > PCI_CFG_SIZE - MSI_CAP_LEN)
		return -ENODEV;
	d->msi_cap = cap;
	d->nvectors = 1;
	return 0;
}

static void msi_program(struct pci_dev *d, uint32_t addr, uint32_t data)
{
	uint8_t cap = d->msi_cap;
	uint16_t ctrl = pci_read16(d, cap + MSI_CTRL);
	unsigned data_off = ctrl & MSI_64BIT ? 12 : 8;
	pci_write32(d, cap + MSI_ADDR_LO, addr);
	if (ctrl & MSI_64BIT)
		pci_write32(d, cap + MSI_ADDR_LO + 4, 0);
	pci_write16(d, cap + data_off, (uint16_t)data);
	pci_write16(d, cap + MSI_CTRL, (uint16_t)((ctrl & ~MSI_MME_MASK) | MSI_ENABLE));
}

int pci_irq_set(struct pci_dev *d, unsigned entry, void (*fn)(void *arg), void *arg)
{
	if (entry >= d->nvectors || d->vectors[entry])
		return -EINVAL;
	int v = alloc_vector(fn, arg);
	if (v < 0)
		return v;
	d->vectors[entry] = (uint8_t)v;
	/* Fixed delivery, physical destination: the boot CPU, which runs this. */
	uint32_t addr = MSI_ADDRESS_BASE | (lapic_id() & 0xff) << MSI_DEST_SHIFT;
	if (d->msix_table) {
		volatile uint32_t *e = d->msix_table + entry * MSIX_ENTRY_WORDS;
		e[0] = addr;
		e[1] = 0;
		e[2] = (uint32_t)v;
		e[3] = 0; /* unmasked */
	} else {
		msi_program(d, addr, (uint32_t)v);
	}
	return 0;
}
