/* AHCI (Serial ATA AHCI 1.3.1) for the q35's SATA controller and any other AHCI HBA: each port
 * with an ATA disk becomes block device sda, sdb, ... (major 8, Linux's SCSI disk major, 16
 * minors each). One command at a time per port (slot 0, under the port's mutex): READ/WRITE
 * DMA EXT of up to 128 KiB, FLUSH CACHE EXT; completion by MSI, polled during the boot probe.
 * What the disk reports (IDENTIFY, byte counts, task-file errors) is checked. */
#include <drivers/ahci/ahci.h>
#include <drivers/pci/pci.h>
#include <block/blkdev.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <arch/x86_64/cpu.h>
#include <lib/ata_identify.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <sched/mutex.h>
#include <sched/wait.h>
#include <uapi/errno.h>
#include <uapi/stat.h>

#define AHCI_MAJOR 8
#define AHCI_MAX_DISKS (256 / BLKDEV_MINORS)
#define AHCI_CLASS 0x010601 /* mass storage, SATA, AHCI 1.0 */
#define AHCI_BAR 5
#define AHCI_PORTS 32

#define HBA_GHC 0x04
#define GHC_AE (1u << 31)
#define GHC_IE (1u << 1)
#define HBA_IS 0x08
#define HBA_PI 0x0c
#define PORT_BASE 0x100
#define PORT_SIZE 0x80

#define PX_CLB 0x00
#define PX_FB 0x08
#define PX_IS 0x10
#define PX_IE 0x14
#define PX_CMD 0x18
#define PX_TFD 0x20
#define PX_SIG 0x24
#define PX_SSTS 0x28
#define PX_SERR 0x30
#define PX_CI 0x38
#define CMD_ST (1u << 0)
#define CMD_FRE (1u << 4)
#define CMD_FR (1u << 14)
#define CMD_CR (1u << 15)
#define TFD_ERR 0x01
#define TFD_DRQ 0x08
#define TFD_BSY 0x80
#define IS_TFES (1u << 30)
#define IE_WANTED (1u << 0 | 1u << 30) /* D2H register FIS, task-file error */
#define SSTS_DET_PRESENT 3
#define SIG_ATA 0x00000101

#define ATA_READ_DMA_EXT 0x25
#define ATA_WRITE_DMA_EXT 0x35
#define ATA_FLUSH_CACHE_EXT 0xea
#define ATA_IDENTIFY 0xec
#define FIS_H2D 0x27
#define FIS_H2D_COMMAND 0x80
#define ATA_DEVICE_LBA 0x40

/* One page per port: command list (32 headers) at 0, received FISes at 1 KiB, the one command
 * table at 2 KiB (command FIS, then the PRD table). */
#define CLB_OFF 0
#define FB_OFF 1024
#define CT_OFF 2048
#define CT_PRDT 0x80
#define PRDT_MAX ((PAGE_SIZE - CT_OFF - CT_PRDT) / 16)
#define PIECE (128u * 1024u) /* bytes per command: PRDT_MAX covers its pages */
#define STOP_TIMEOUT_NS 500000000ull
#define POLL_TIMEOUT_NS 10000000000ull /* a polled command (boot) that takes longer: EIO */

struct ahci_port {
	struct block_device bd;
	volatile uint8_t *regs;
	uint64_t dma_pa; /* the port's page */
	uint8_t *dma;
	struct mutex cmd_lock; /* one command at a time; held over the wait */
	struct spinlock lock; /* issued, done, irq_status; taken in the interrupt handler */
	struct wait_queue wq;
	bool issued; /* slot 0 holds a command: only then does an interrupt complete it */
	bool done;
	uint32_t irq_status; /* PxIS bits seen by the handler for this command */
	bool poll; /* during the probe */
	bool flush_ext;
};

struct ahci_hba {
	volatile uint8_t *abar;
	unsigned nports; /* ports whose registers lie inside the ABAR */
	struct ahci_port *ports[AHCI_PORTS];
};

static uint32_t rd(volatile uint8_t *base, unsigned off)
{
	return *(volatile uint32_t *)(base + off);
}

static void wr(volatile uint8_t *base, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(base + off) = v;
}

/* Wait (spinning: boot, or a port being stopped) until (reg & mask) == want. */
static bool wait_reg(volatile uint8_t *base, unsigned off, uint32_t mask, uint32_t want,
		     uint64_t timeout_ns)
{
	uint64_t end = time_monotonic_ns() + timeout_ns;
	while ((rd(base, off) & mask) != want) {
		if (time_monotonic_ns() > end)
			return false;
		cpu_relax();
	}
	return true;
}

static int port_stop(volatile uint8_t *p)
{
	wr(p, PX_CMD, rd(p, PX_CMD) & ~CMD_ST);
	if (!wait_reg(p, PX_CMD, CMD_CR, 0, STOP_TIMEOUT_NS))
		return -EIO;
	wr(p, PX_CMD, rd(p, PX_CMD) & ~CMD_FRE);
	return wait_reg(p, PX_CMD, CMD_FR, 0, STOP_TIMEOUT_NS) ? 0 : -EIO;
}

/* Fill the PRD table with the pages of buf: the entry count, or -EINVAL. */
static int build_prdt(struct ahci_port *pt, void *buf, uint32_t len)
{
	volatile uint32_t *prdt = (volatile uint32_t *)(pt->dma + CT_OFF + CT_PRDT);
	uint64_t v = (uint64_t)buf, end = v + len;
	unsigned n = 0;
	while (v < end) {
		uint64_t page_end = (v & PAGE_MASK) + PAGE_SIZE, pa, flags;
		uint32_t chunk = (uint32_t)((page_end < end ? page_end : end) - v);
		if (n >= PRDT_MAX || !pt_translate(kernel_pml4_pa, v, &pa, &flags) || chunk & 1)
			return -EINVAL; /* byte counts must be even (AHCI 4.2.3.3) */
		prdt[4 * n] = (uint32_t)pa;
		prdt[4 * n + 1] = (uint32_t)(pa >> 32);
		prdt[4 * n + 2] = 0;
		prdt[4 * n + 3] = chunk - 1;
		n++;
		v += chunk;
	}
	return (int)n;
}

static void build_fis(struct ahci_port *pt, uint8_t cmd, uint64_t lba, uint16_t count)
{
	volatile uint8_t *fis = pt->dma + CT_OFF;
	for (int i = 0; i < 20; i++)
		fis[i] = 0;
	fis[0] = FIS_H2D;
	fis[1] = FIS_H2D_COMMAND;
	fis[2] = cmd;
	fis[7] = ATA_DEVICE_LBA;
	for (int i = 0; i < 3; i++) {
		fis[4 + i] = (uint8_t)(lba >> (8 * i));
		fis[8 + i] = (uint8_t)(lba >> (8 * (i + 3)));
	}
	fis[12] = (uint8_t)count;
	fis[13] = (uint8_t)(count >> 8);
}

/* Wait for slot 0 to finish: by interrupt, or by polling during the probe. */
static int wait_command(struct ahci_port *pt)
{
	volatile uint8_t *p = pt->regs;
	if (pt->poll) {
		uint64_t end = time_monotonic_ns() + POLL_TIMEOUT_NS;
		while ((rd(p, PX_CI) & 1) && !(rd(p, PX_IS) & IS_TFES)) {
			if (time_monotonic_ns() > end)
				return -EIO;
			cpu_relax();
		}
		pt->irq_status = rd(p, PX_IS);
		wr(p, PX_IS, pt->irq_status);
		return 0;
	}
	uint64_t flags = spin_lock_irqsave(&pt->lock);
	/* Uninterruptible: the disk bounds a command (docs/sleeps.md). */
	while (!pt->done)
		wait_queue_sleep_locked(&pt->wq, &pt->lock, &flags, 0, SLEEP_UNINTERRUPTIBLE);
	spin_unlock_irqrestore(&pt->lock, flags);
	return 0;
}

/* One ATA command through slot 0: 0, or -EIO (a task-file error, a device that does not
 * answer, or fewer bytes moved than asked). cmd_lock held. */
static int issue(struct ahci_port *pt, uint8_t cmd, uint64_t lba, uint16_t count, void *buf,
		 uint32_t len, bool write)
{
	volatile uint8_t *p = pt->regs;
	int prds = len ? build_prdt(pt, buf, len) : 0;
	if (prds < 0)
		return -EIO;
	build_fis(pt, cmd, lba, count);
	volatile uint32_t *hdr = (volatile uint32_t *)(pt->dma + CLB_OFF);
	hdr[0] = 5u | (write ? 1u << 6 : 0) | (uint32_t)prds << 16; /* 5-dword FIS */
	hdr[1] = 0; /* bytes transferred, written by the HBA */
	hdr[2] = (uint32_t)(pt->dma_pa + CT_OFF);
	hdr[3] = (uint32_t)((pt->dma_pa + CT_OFF) >> 32);
	if (!wait_reg(p, PX_TFD, TFD_BSY | TFD_DRQ, 0, STOP_TIMEOUT_NS))
		return -EIO;
	/* Issued under the lock, so that a late interrupt of the previous command cannot complete
	 * this one. */
	uint64_t flags = spin_lock_irqsave(&pt->lock);
	pt->done = false;
	pt->irq_status = 0;
	pt->issued = true;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the tables before the doorbell */
	wr(p, PX_CI, 1);
	spin_unlock_irqrestore(&pt->lock, flags);
	int r = wait_command(pt);
	flags = spin_lock_irqsave(&pt->lock);
	pt->issued = false;
	spin_unlock_irqrestore(&pt->lock, flags);
	if (!r && ((pt->irq_status & IS_TFES) || (rd(p, PX_TFD) & TFD_ERR) || (rd(p, PX_CI) & 1)))
		r = -EIO;
	if (!r && hdr[1] != len) {
		pr_warn("%s: command %#x moved %u bytes of %u\n", pt->bd.name, cmd, hdr[1], len);
		r = -EIO;
	}
	if (r) {
		/* Clear the error: restart the port (AHCI 6.2.2.1). */
		port_stop(p);
		wr(p, PX_SERR, 0xffffffffu);
		wr(p, PX_IS, 0xffffffffu);
		wr(p, PX_CMD, rd(p, PX_CMD) | CMD_FRE | CMD_ST);
	}
	return r;
}

static int ahci_transfer(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
			 bool write)
{
	struct ahci_port *pt = bd->driver_data;
	uint32_t per = PIECE / bd->sector_size;
	char *p = buf;
	int r = 0;
	mutex_lock(&pt->cmd_lock);
	while (!r && count) {
		uint32_t n = count < per ? count : per;
		r = issue(pt, write ? ATA_WRITE_DMA_EXT : ATA_READ_DMA_EXT, sector, (uint16_t)n, p,
			  n * bd->sector_size, write);
		sector += n;
		count -= n;
		p += (size_t)n * bd->sector_size;
	}
	mutex_unlock(&pt->cmd_lock);
	return r;
}

static int ahci_flush(struct block_device *bd)
{
	struct ahci_port *pt = bd->driver_data;
	if (!pt->flush_ext)
		return 0;
	mutex_lock(&pt->cmd_lock);
	int r = issue(pt, ATA_FLUSH_CACHE_EXT, 0, 0, NULL, 0, false);
	mutex_unlock(&pt->cmd_lock);
	return r;
}

static const struct block_device_ops ahci_ops = { .transfer = ahci_transfer,
						  .flush = ahci_flush };

static void ahci_irq(void *arg)
{
	struct ahci_hba *hba = arg;
	uint32_t is = rd(hba->abar, HBA_IS);
	for (unsigned i = 0; i < AHCI_PORTS; i++) {
		struct ahci_port *pt = hba->ports[i];
		if (!(is & (1u << i)))
			continue;
		if (!pt) { /* not ours (its interrupts are off): acknowledge it and go on */
			volatile uint8_t *p = hba->abar + PORT_BASE + i * PORT_SIZE;
			if (i < hba->nports)
				wr(p, PX_IS, rd(p, PX_IS));
			continue;
		}
		uint64_t flags = spin_lock_irqsave(&pt->lock);
		uint32_t pis = rd(pt->regs, PX_IS);
		wr(pt->regs, PX_IS, pis);
		pt->irq_status |= pis;
		if (pt->issued && (!(rd(pt->regs, PX_CI) & 1) || (pis & IS_TFES))) {
			pt->done = true;
			wait_queue_wake_locked(&pt->wq, 0);
		}
		spin_unlock_irqrestore(&pt->lock, flags);
	}
	wr(hba->abar, HBA_IS, is);
}

/* Stop the port (the firmware may have left it running on its own memory), give it our page,
 * and start it. */
static int port_start(struct ahci_port *pt)
{
	volatile uint8_t *p = pt->regs;
	if (port_stop(p))
		return -EIO;
	if (!(pt->dma_pa = phys_alloc_pages(0)))
		return -ENOMEM;
	pt->dma = phys_to_virt(pt->dma_pa);
	wr(p, PX_CLB, (uint32_t)(pt->dma_pa + CLB_OFF));
	wr(p, PX_CLB + 4, (uint32_t)((pt->dma_pa + CLB_OFF) >> 32));
	wr(p, PX_FB, (uint32_t)(pt->dma_pa + FB_OFF));
	wr(p, PX_FB + 4, (uint32_t)((pt->dma_pa + FB_OFF) >> 32));
	wr(p, PX_SERR, 0xffffffffu);
	wr(p, PX_IS, 0xffffffffu);
	wr(p, PX_IE, IE_WANTED);
	wr(p, PX_CMD, rd(p, PX_CMD) | CMD_FRE);
	wr(p, PX_CMD, rd(p, PX_CMD) | CMD_ST);
	return 0;
}

static int port_identify(struct ahci_port *pt)
{
	uint8_t *id = kmalloc(ATA_IDENTIFY_BYTES);
	struct ata_disk_info info;
	if (!id)
		return -ENOMEM;
	int r = issue(pt, ATA_IDENTIFY, 0, 0, id, ATA_IDENTIFY_BYTES, false);
	if (!r && ata_identify_parse(id, &info)) {
		pr_warn("%s: IDENTIFY data unusable (no LBA48, or impossible sizes)\n",
			pt->bd.name);
		r = -EIO;
	}
	kfree(id);
	if (r)
		return r;
	pt->bd.sector_size = info.sector_size;
	pt->bd.nr_sectors = info.sectors;
	pt->flush_ext = info.flush_ext;
	pr_info("%s: %s\n", pt->bd.name, info.model);
	return 0;
}

static void probe_port(struct ahci_hba *hba, unsigned i, unsigned *count)
{
	volatile uint8_t *p = hba->abar + PORT_BASE + i * PORT_SIZE;
	if ((rd(p, PX_SSTS) & 0xf) != SSTS_DET_PRESENT || rd(p, PX_SIG) != SIG_ATA)
		return; /* nothing attached, or not a disk (ATAPI, port multiplier) */
	struct ahci_port *pt = kmalloc(sizeof(*pt));
	if (!pt)
		return;
	pt->regs = p;
	pt->poll = true;
	pt->lock = (struct spinlock)SPINLOCK_INIT("ahci_port");
	mutex_init(&pt->cmd_lock, "ahci_cmd");
	wait_queue_init(&pt->wq);
	ksnprintf(pt->bd.name, sizeof(pt->bd.name), "sd%c", 'a' + *count);
	pt->bd.rdev = MKDEV(AHCI_MAJOR, *count * BLKDEV_MINORS);
	pt->bd.ops = &ahci_ops;
	pt->bd.driver_data = pt;
	int r = port_start(pt);
	if (!r)
		r = port_identify(pt);
	if (!r) {
		hba->ports[i] = pt;
		r = blkdev_register(&pt->bd);
	}
	if (r) {
		pr_err("ahci: port %u not used (%d)\n", i, r);
		hba->ports[i] = NULL;
		port_stop(p); /* its page stays: the port may still have pointed at it */
		return;
	}
	(*count)++;
	if ((r = blkdev_scan_partitions(&pt->bd)))
		pr_warn("%s: partition table unreadable (%d)\n", pt->bd.name, r);
	pt->poll = false;
}

static void probe_hba(const struct pci_dev *cd, void *arg)
{
	unsigned *count = arg;
	struct pci_dev *d = (struct pci_dev *)cd;
	if (d->class_code != AHCI_CLASS || pci_claim(d, "ahci"))
		return;
	struct ahci_hba *hba = kmalloc(sizeof(*hba));
	if (!hba || d->bars[AHCI_BAR].size < PORT_BASE || !(hba->abar = pci_map_bar(d, AHCI_BAR))) {
		pr_err("ahci %02x:%02x.%u: no usable ABAR\n", d->bus, d->dev, d->fn);
		kfree(hba);
		return;
	}
	pci_enable(d);
	wr(hba->abar, HBA_GHC, rd(hba->abar, HBA_GHC) | GHC_AE);
	if (pci_irq_init(d) || pci_irq_set(d, 0, ahci_irq, hba)) {
		pr_err("ahci %02x:%02x.%u: no MSI; not used\n", d->bus, d->dev, d->fn);
		return; /* hba stays: a vector may point at it */
	}
	/* Ports the HBA says it implements, and whose registers lie inside the ABAR. */
	uint32_t pi = rd(hba->abar, HBA_PI);
	uint64_t nports = (d->bars[AHCI_BAR].size - PORT_BASE) / PORT_SIZE;
	hba->nports = nports < AHCI_PORTS ? (unsigned)nports : AHCI_PORTS;
	for (unsigned i = 0; i < hba->nports && *count < AHCI_MAX_DISKS; i++)
		if (pi & (1u << i))
			probe_port(hba, i, count);
	wr(hba->abar, HBA_GHC, rd(hba->abar, HBA_GHC) | GHC_IE);
}

void ahci_init(void)
{
	unsigned count = 0;
	pci_for_each(probe_hba, &count);
}
