/* /proc/bus/pci/devices: one line per PCI function in Linux's format (drivers/pci/proc.c, as
 * lspci and pciutils read it): bus and devfn, vendor and device, IRQ, seven regions (six BARs and
 * the expansion ROM, which is not sized here) as start|flags, their sizes, and the driver. */
#include <fs/procfs/proc_internal.h>
#include <core/compiler.h>
#include <drivers/pci/pci.h>
#include <uapi/errno.h>

#define BUS_INO 0x3100 /* /proc/bus/pci */
#define PCI_INO 0x3110 /* /proc/bus/pci/devices */
#define ROOT_INO_BASE 2 /* the root's entry i has inode number 2 + i (procfs.c) */
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
		uint8_t low = d->cfg[PCI_BAR0 + 4 * i]; /* the BAR's flag bits */
		uint64_t flags = b->io ? low & 0x3 : low & 0xf;
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

/* Both directories list a fixed table whose entry i has inode number ino_base + i. */
struct table_dir {
	const struct proc_entry *tab;
	size_t n;
	uint64_t ino_base, parent_ino;
};

extern const struct inode_ops proc_bus_iops;
extern const struct file_ops proc_bus_fops;

static const struct proc_entry bus_entries[] = {
	{ .name = "pci", .mode = S_IFDIR | 0555, .iops = &proc_bus_iops, .fops = &proc_bus_fops },
};

/* /proc/bus/pci is the entry of bus_entries; anything else with these operations is /proc/bus. */
static struct table_dir dir_of(const struct inode *dir)
{
	if (proc_i(dir)->ent == &bus_entries[0]) {
		const struct proc_entry *bus = proc_entry_find(proc_root_entries,
							       proc_root_nentries, "bus", 3);
		return (struct table_dir){ pci_entries, ARRAY_SIZE(pci_entries), PCI_INO,
					   ROOT_INO_BASE + (uint64_t)(bus - proc_root_entries) };
	}
	return (struct table_dir){ bus_entries, ARRAY_SIZE(bus_entries), BUS_INO, PROC_ROOT_INO };
}

static int bus_lookup(struct inode *dir, struct dentry *d)
{
	struct table_dir td = dir_of(dir);
	const struct proc_entry *e = proc_entry_find(td.tab, td.n, d->name, d->name_len);
	if (!e)
		return 0;
	uint64_t ino = td.ino_base + (uint64_t)(e - td.tab);
	struct inode *inode = proc_inode_new(dir->sb, e, 0, -1, ino, 0, 0);
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

static int bus_iterate(struct file *f, struct dir_context *ctx)
{
	struct table_dir td = dir_of(f->inode);
	proc_emit_table(ctx, f->inode->ino, td.parent_ino, td.tab, td.n, ino_plus_index,
			&td.ino_base);
	return 0;
}

/* /proc/bus and /proc/bus/pci alike. */
const struct inode_ops proc_bus_iops = { .lookup = bus_lookup };
const struct file_ops proc_bus_fops = { .iterate = bus_iterate };
