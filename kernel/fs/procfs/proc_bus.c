/* /proc/bus/pci/devices: one line per PCI function in Linux's format (drivers/pci/proc.c, as
 * lspci and pciutils read it): bus and devfn, vendor and device, IRQ, seven regions (six BARs and
 * the expansion ROM, which is not sized here) as start|flags, their sizes, and the driver. */
#include <fs/procfs/proc_internal.h>
#include <core/compiler.h>
#include <drivers/pci/pci.h>
#include <uapi/errno.h>

#define BUS_INO 0x3100 /* /proc/bus/pci */
#define PCI_INO 0x3110 /* /proc/bus/pci/devices */
#define PCI_REGIONS 7 /* Linux prints seven whatever the device has */
#define PCI_INTERRUPT_PIN 0x3d
#define PCI_BAR0 0x10

static void device_line(const struct pci_dev *d, void *arg)
{
	struct proc_text *t = arg;
	unsigned irq = d->cfg[PCI_INTERRUPT_PIN] ? d->irq_line : 0;
	proc_printf(t, "%02x%02x\t%04x%04x\t%x", d->bus, (unsigned)(d->dev << 3 | d->fn), d->vendor,
		    d->device, irq);
	for (int i = 0; i < PCI_REGIONS; i++) {
		const struct pci_bar_info *b = &d->bars[i < PCI_NUM_BARS ? i : 0];
		uint64_t flags = b->io ? d->cfg[PCI_BAR0 + 4 * i] & 0x3 : d->cfg[PCI_BAR0 + 4 * i] & 0xf;
		proc_printf(t, "\t%16lx", i < PCI_NUM_BARS && b->size ? b->base | flags : 0);
	}
	for (int i = 0; i < PCI_REGIONS; i++)
		proc_printf(t, "\t%16lx", i < PCI_NUM_BARS ? d->bars[i].size : 0);
	proc_printf(t, "\t%s\n", d->driver ? d->driver : "");
}

static int show_pci_devices(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	pci_for_each(device_line, t);
	return 0;
}

static const struct proc_entry pci_entries[] = {
	{ .name = "devices", .mode = S_IFREG | 0444, .show = show_pci_devices },
};

/* A directory listing a fixed table whose entry i has inode number ino_base + i. */
static int table_lookup(struct inode *dir, struct dentry *d, const struct proc_entry *tab,
			size_t n, uint64_t ino_base)
{
	const struct proc_entry *e = proc_entry_find(tab, n, d->name, d->name_len);
	if (!e)
		return 0;
	struct inode *inode = proc_inode_new(dir->sb, e, 0, -1, ino_base + (uint64_t)(e - tab), 0, 0);
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

static uint64_t ino_plus_index(const struct dir_context *ctx, size_t i, void *arg)
{
	(void)ctx;
	return *(const uint64_t *)arg + i;
}

static int pci_lookup(struct inode *dir, struct dentry *d)
{
	return table_lookup(dir, d, pci_entries, ARRAY_SIZE(pci_entries), PCI_INO);
}

static int pci_iterate(struct file *f, struct dir_context *ctx)
{
	uint64_t base = PCI_INO;
	proc_emit_table(ctx, f->inode->ino, BUS_INO, pci_entries, ARRAY_SIZE(pci_entries),
			ino_plus_index, &base);
	return 0;
}

static const struct inode_ops pci_dir_iops = { .lookup = pci_lookup };
static const struct file_ops pci_dir_fops = { .iterate = pci_iterate };

static const struct proc_entry bus_entries[] = {
	{ .name = "pci", .mode = S_IFDIR | 0555, .iops = &pci_dir_iops, .fops = &pci_dir_fops },
};

static int bus_lookup(struct inode *dir, struct dentry *d)
{
	return table_lookup(dir, d, bus_entries, ARRAY_SIZE(bus_entries), BUS_INO);
}

static int bus_iterate(struct file *f, struct dir_context *ctx)
{
	uint64_t base = BUS_INO;
	proc_emit_table(ctx, f->inode->ino, PROC_ROOT_INO, bus_entries, ARRAY_SIZE(bus_entries),
			ino_plus_index, &base);
	return 0;
}

const struct inode_ops proc_bus_iops = { .lookup = bus_lookup };
const struct file_ops proc_bus_fops = { .iterate = bus_iterate };
