/* NVMe (NVM Express 1.4) over PCI: each controller's active namespaces (up to NVME_MAX_NS)
 * become block devices nvme0n1, nvme0n2, ... (major 259, Linux's block-extended major, 16 minors
 * each). One admin queue (polled, used at probe only) and one I/O queue pair whose completions
 * come by MSI-X (polled during the boot probe); up to NVME_SLOTS commands in flight, each
 * caller waiting for its own. What the controller reports (capabilities, identify data,
 * completion ids and status) is checked. */
#include <drivers/nvme/nvme.h>
#include <drivers/pci/pci.h>
#include <block/blkdev.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <arch/x86_64/cpu.h>
#include <lib/nvme_parse.h>
#include <lib/printf.h>
#include <mm/kmalloc.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <sched/wait.h>
#include <uapi/errno.h>
#include <uapi/stat.h>

#define NVME_MAJOR 259
#define NVME_CLASS 0x010802 /* mass storage, non-volatile memory, NVMe */
#define NVME_MAX_NS 4
#define NVME_MAX_CTRLS (256 / BLKDEV_MINORS / NVME_MAX_NS)
#define NVME_ADMIN_DEPTH 8
#define NVME_IO_DEPTH 32
#define NVME_SLOTS (NVME_IO_DEPTH - 1) /* a queue of N entries holds N - 1 commands */
#define NVME_MAX_BYTES (128u * 1024u) /* per command */
#define NVME_PRP_LIST_MAX (PAGE_SIZE / 8)

#define REG_CAP 0x00
#define REG_CC 0x14
#define REG_CSTS 0x1c
#define REG_AQA 0x24
#define REG_ASQ 0x28
#define REG_ACQ 0x30
#define REG_DOORBELLS 0x1000
#define CC_EN 1u
#define CC_IOSQES (6u << 16) /* 64-byte submission entries */
#define CC_IOCQES (4u << 20) /* 16-byte completion entries */
#define CSTS_RDY 1u
#define CSTS_CFS 2u
#define SQE_SIZE 64
#define CQE_SIZE 16

#define OP_ADMIN_CREATE_SQ 0x01
#define OP_ADMIN_CREATE_CQ 0x05
#define OP_ADMIN_IDENTIFY 0x06
#define OP_FLUSH 0x00
#define OP_WRITE 0x01
#define OP_READ 0x02
#define CNS_NAMESPACE 0
#define CNS_CONTROLLER 1
#define ID_MDTS 77
#define ID_NN 516
#define ID_VWC 525
#define ADMIN_TIMEOUT_NS 5000000000ull
#define POLL_TIMEOUT_NS 10000000000ull
#define READY_TIMEOUT_MAX_NS 10000000000ull

struct nvme_queue {
	volatile uint8_t *sq, *cq;
	uint64_t sq_pa, cq_pa;
	volatile uint32_t *sq_db, *cq_db;
	uint16_t depth, sq_tail, cq_head;
	uint8_t phase;
};

struct nvme_slot {
	bool in_flight, done;
	uint16_t status;
	uint64_t prp_list_pa; /* a page for commands over two pages */
};

struct nvme_ctrl {
	volatile uint8_t *regs;
	uint32_t stride; /* doorbell stride in bytes */
	uint32_t max_bytes; /* per command: ours and the controller's MDTS */
	bool vwc; /* a volatile write cache: flushes mean something */
	bool poll; /* during the probe */
	bool broken; /* atomic; a bad completion: every command fails */
	char name[12];
	struct nvme_queue admin; /* probe only, one command at a time */
	struct spinlock lock; /* io, slots, in_flight; taken in the interrupt handler */
	struct wait_queue wq; /* completions and free slots */
	struct nvme_queue io;
	struct nvme_slot slots[NVME_SLOTS];
	bool in_flight[NVME_SLOTS]; /* for nvme_cqe_check */
};

struct nvme_ns {
	struct block_device bd;
	struct nvme_ctrl *ctrl;
	uint32_t nsid;
};

static uint32_t rd32(struct nvme_ctrl *c, unsigned off)
{
	return *(volatile uint32_t *)(c->regs + off);
}

static void wr32(struct nvme_ctrl *c, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(c->regs + off) = v;
}

static void wr64(struct nvme_ctrl *c, unsigned off, uint64_t v)
{
	wr32(c, off, (uint32_t)v);
	wr32(c, off + 4, (uint32_t)(v >> 32));
}

static int queue_alloc(struct nvme_ctrl *c, struct nvme_queue *q, uint16_t qid, uint16_t depth)
{
	q->sq_pa = phys_alloc_pages(0);
	q->cq_pa = phys_alloc_pages(0);
	if (!q->sq_pa || !q->cq_pa)
		return -ENOMEM;
	q->sq = phys_to_virt(q->sq_pa);
	q->cq = phys_to_virt(q->cq_pa);
	q->depth = depth;
	q->phase = 1;
	q->sq_db = (volatile uint32_t *)(c->regs + REG_DOORBELLS + (2u * qid) * c->stride);
	q->cq_db = (volatile uint32_t *)(c->regs + REG_DOORBELLS + (2u * qid + 1) * c->stride);
	return 0;
}

/* Copy a command into the next submission entry and ring the doorbell. */
static void sq_push(struct nvme_queue *q, const uint32_t *cmd)
{
	volatile uint32_t *e = (volatile uint32_t *)(q->sq + (size_t)q->sq_tail * SQE_SIZE);
	for (int i = 0; i < SQE_SIZE / 4; i++)
		e[i] = cmd[i];
	q->sq_tail = (uint16_t)((q->sq_tail + 1) % q->depth);
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	*q->sq_db = q->sq_tail;
}

/* The next completion entry if the controller has posted it (its phase bit is ours): its
 * dword 3 (cid and status), and the queue advanced. */
static bool cq_pop(struct nvme_queue *q, uint32_t *dw3)
{
	volatile uint32_t *e = (volatile uint32_t *)(q->cq + (size_t)q->cq_head * CQE_SIZE);
	uint32_t v = e[3];
	if (((v >> 16) & 1) != q->phase)
		return false;
	__atomic_thread_fence(__ATOMIC_ACQUIRE);
	*dw3 = v;
	if (++q->cq_head == q->depth) {
		q->cq_head = 0;
		q->phase ^= 1;
	}
	return true;
}

/* Fill PRP1/PRP2 of cmd (dwords 6-9) for buf; a list in list_pa's page when needed. */
static int build_prps(uint32_t *cmd, const void *buf, uint32_t len, uint64_t list_pa)
{
	uint64_t v = (uint64_t)buf, end = v + len, pa, flags, prp2 = 0;
	if (!len)
		return 0;
	if (v & 3 || !pt_translate(kernel_pml4_pa, v, &pa, &flags))
		return -EINVAL;
	cmd[6] = (uint32_t)pa;
	cmd[7] = (uint32_t)(pa >> 32);
	uint64_t next = (v & PAGE_MASK) + PAGE_SIZE;
	unsigned n = 0;
	uint64_t *list = list_pa ? phys_to_virt(list_pa) : NULL;
	for (; next < end; next += PAGE_SIZE, n++) {
		if (!pt_translate(kernel_pml4_pa, next, &pa, &flags) || n >= NVME_PRP_LIST_MAX ||
		    (n && !list))
			return -EINVAL;
		if (list)
			list[n] = pa;
		if (!n)
			prp2 = pa;
	}
	if (n > 1)
		prp2 = list_pa;
	cmd[8] = (uint32_t)prp2;
	cmd[9] = (uint32_t)(prp2 >> 32);
	return 0;
}

/* An admin command, polled (probe only): 0 or -EIO. */
static int admin(struct nvme_ctrl *c, uint32_t *cmd, void *buf, uint32_t len)
{
	/* Command id 0 (cmd[0] bits 31:16): one admin command at a time. */
	if (build_prps(cmd, buf, len, 0))
		return -EIO;
	sq_push(&c->admin, cmd);
	uint64_t end = time_monotonic_ns() + ADMIN_TIMEOUT_NS;
	uint32_t dw3;
	while (!cq_pop(&c->admin, &dw3)) {
		if (time_monotonic_ns() > end) {
			pr_err("%s: admin command %#x timed out\n", c->name, cmd[0] & 0xff);
			return -EIO;
		}
		cpu_relax();
	}
	*c->admin.cq_db = c->admin.cq_head;
	if ((dw3 & 0xffff) != 0 || dw3 >> 17) {
		pr_err("%s: admin command %#x failed (status %#x)\n", c->name, cmd[0] & 0xff,
		       dw3 >> 17);
		return -EIO;
	}
	return 0;
}

static void mark_broken(struct nvme_ctrl *c, const char *why)
{
	if (!__atomic_exchange_n(&c->broken, true, __ATOMIC_ACQ_REL)) {
		pr_err("%s: %s; controller disabled\n", c->name, why);
		wr32(c, REG_CC, 0); /* a reset: it stops using our memory */
	}
}

/* Take the posted I/O completions: each marks its slot done. c->lock held. */
static void harvest_locked(struct nvme_ctrl *c)
{
	spin_assert_held(&c->lock);
	uint32_t dw3;
	bool any = false;
	while (!__atomic_load_n(&c->broken, __ATOMIC_ACQUIRE) && cq_pop(&c->io, &dw3)) {
		uint16_t cid = (uint16_t)dw3;
		if (nvme_cqe_check(cid, NVME_SLOTS, c->in_flight)) {
			mark_broken(c, "completion for a command not in flight");
			break;
		}
		c->slots[cid].status = (uint16_t)(dw3 >> 17);
		c->slots[cid].done = true;
		c->in_flight[cid] = false;
		any = true;
	}
	if (any)
		*c->io.cq_db = c->io.cq_head;
	wait_queue_wake_locked(&c->wq, 0);
}

static void nvme_irq(void *arg)
{
	struct nvme_ctrl *c = arg;
	uint64_t flags = spin_lock_irqsave(&c->lock);
	harvest_locked(c);
	spin_unlock_irqrestore(&c->lock, flags);
}

/* Wait until cond(c, arg) or the controller is broken: by interrupt, or polling at boot. */
static void wait_locked(struct nvme_ctrl *c, bool (*cond)(struct nvme_ctrl *, int), int arg,
			uint64_t *flags)
{
	uint64_t end = c->poll ? time_monotonic_ns() + POLL_TIMEOUT_NS : 0;
	while (!cond(c, arg) && !__atomic_load_n(&c->broken, __ATOMIC_ACQUIRE)) {
		if (!c->poll) {
			/* Uninterruptible: the controller bounds a command (docs/sleeps.md). */
			wait_queue_sleep_locked(&c->wq, &c->lock, flags, 0, SLEEP_UNINTERRUPTIBLE);
			continue;
		}
		harvest_locked(c);
		if (time_monotonic_ns() > end)
			mark_broken(c, "a polled command never finished");
		cpu_relax();
	}
}

static bool slot_free(struct nvme_ctrl *c, int unused)
{
	(void)unused;
	for (int i = 0; i < NVME_SLOTS; i++)
		if (!c->slots[i].in_flight)
			return true;
	return false;
}

static bool slot_done(struct nvme_ctrl *c, int slot)
{
	return c->slots[slot].done;
}

/* One I/O command: 0 or -EIO. */
static int io_command(struct nvme_ns *ns, uint8_t op, uint64_t lba, uint32_t nblocks, void *buf,
		      uint32_t len)
{
	struct nvme_ctrl *c = ns->ctrl;
	uint32_t cmd[SQE_SIZE / 4] = { 0 };
	uint64_t flags = spin_lock_irqsave(&c->lock);
	wait_locked(c, slot_free, 0, &flags);
	int slot = 0;
	while (slot < NVME_SLOTS && c->slots[slot].in_flight)
		slot++;
	int r = __atomic_load_n(&c->broken, __ATOMIC_ACQUIRE) || slot == NVME_SLOTS ? -EIO : 0;
	if (!r) {
		cmd[0] = op | (uint32_t)slot << 16;
		cmd[1] = ns->nsid;
		cmd[10] = (uint32_t)lba;
		cmd[11] = (uint32_t)(lba >> 32);
		cmd[12] = nblocks ? nblocks - 1 : 0;
		r = build_prps(cmd, buf, len, c->slots[slot].prp_list_pa) ? -EIO : 0;
	}
	if (!r) {
		c->slots[slot].in_flight = c->in_flight[slot] = true;
		c->slots[slot].done = false;
		sq_push(&c->io, cmd);
		wait_locked(c, slot_done, slot, &flags);
		r = c->slots[slot].done && !c->slots[slot].status ? 0 : -EIO;
		c->slots[slot].in_flight = false;
		wait_queue_wake_locked(&c->wq, 0); /* a slot is free */
	}
	spin_unlock_irqrestore(&c->lock, flags);
	return r;
}

static int nvme_transfer(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
			 bool write)
{
	struct nvme_ns *ns = bd->driver_data;
	uint32_t per = ns->ctrl->max_bytes / bd->sector_size;
	char *p = buf;
	int r = 0;
	while (!r && count) {
		uint32_t n = count < per ? count : per;
		r = io_command(ns, write ? OP_WRITE : OP_READ, sector, n, p, n * bd->sector_size);
		sector += n;
		count -= n;
		p += (size_t)n * bd->sector_size;
	}
	return r;
}

static int nvme_flush(struct block_device *bd)
{
	struct nvme_ns *ns = bd->driver_data;
	return ns->ctrl->vwc ? io_command(ns, OP_FLUSH, 0, 0, NULL, 0) : 0;
}

static const struct block_device_ops nvme_ops = { .transfer = nvme_transfer,
						  .flush = nvme_flush };

static bool wait_ready(struct nvme_ctrl *c, bool ready, uint64_t timeout_ns)
{
	uint64_t end = time_monotonic_ns() + timeout_ns;
	while ((rd32(c, REG_CSTS) & CSTS_RDY) != (ready ? CSTS_RDY : 0)) {
		if (time_monotonic_ns() > end || (rd32(c, REG_CSTS) & CSTS_CFS))
			return false;
		cpu_relax();
	}
	return true;
}

/* Reset, give the admin queue, enable (NVMe 1.4, 7.6.1). */
static int ctrl_enable(struct nvme_ctrl *c, uint64_t bar_size)
{
	uint64_t cap = rd32(c, REG_CAP) | (uint64_t)rd32(c, REG_CAP + 4) << 32;
	uint64_t timeout = ((cap >> 24) & 0xff) * 500000000ull;
	c->stride = 4u << ((cap >> 32) & 0xf);
	if ((cap & 0xffff) + 1 < NVME_IO_DEPTH || !((cap >> 37) & 1) || (cap >> 48) & 0xf ||
	    REG_DOORBELLS + 4ull * c->stride > bar_size) {
		pr_err("%s: capabilities unusable (CAP %#lx)\n", c->name, cap);
		return -ENODEV; /* queues too short, no NVM command set, 4 KiB pages refused */
	}
	if (timeout > READY_TIMEOUT_MAX_NS || !timeout)
		timeout = READY_TIMEOUT_MAX_NS;
	wr32(c, REG_CC, 0);
	if (!wait_ready(c, false, timeout) || queue_alloc(c, &c->admin, 0, NVME_ADMIN_DEPTH))
		return -EIO;
	wr32(c, REG_AQA, (NVME_ADMIN_DEPTH - 1u) << 16 | (NVME_ADMIN_DEPTH - 1u));
	wr64(c, REG_ASQ, c->admin.sq_pa);
	wr64(c, REG_ACQ, c->admin.cq_pa);
	wr32(c, REG_CC, CC_EN | CC_IOSQES | CC_IOCQES);
	return wait_ready(c, true, timeout) ? 0 : -EIO;
}

/* Identify the controller, then the I/O queue pair (interrupts on MSI-X entry 0). */
static int ctrl_setup(struct nvme_ctrl *c, uint8_t *page, uint32_t *nn)
{
	uint32_t cmd[SQE_SIZE / 4] = { OP_ADMIN_IDENTIFY, 0, [10] = CNS_CONTROLLER };
	int r = admin(c, cmd, page, NVME_IDENTIFY_BYTES);
	if (r)
		return r;
	uint8_t mdts = page[ID_MDTS];
	*nn = page[ID_NN] | page[ID_NN + 1] << 8 | page[ID_NN + 2] << 16 |
	      (uint32_t)page[ID_NN + 3] << 24;
	c->vwc = page[ID_VWC] & 1;
	c->max_bytes = NVME_MAX_BYTES;
	if (mdts && mdts < 16 && (PAGE_SIZE << mdts) < c->max_bytes)
		c->max_bytes = (uint32_t)(PAGE_SIZE << mdts);
	if ((r = queue_alloc(c, &c->io, 1, NVME_IO_DEPTH)))
		return r;
	uint32_t cq[SQE_SIZE / 4] = { OP_ADMIN_CREATE_CQ, [6] = (uint32_t)c->io.cq_pa,
				      [7] = (uint32_t)(c->io.cq_pa >> 32),
				      [10] = (NVME_IO_DEPTH - 1u) << 16 | 1, [11] = 0u << 16 | 3 };
	uint32_t sq[SQE_SIZE / 4] = { OP_ADMIN_CREATE_SQ, [6] = (uint32_t)c->io.sq_pa,
				      [7] = (uint32_t)(c->io.sq_pa >> 32),
				      [10] = (NVME_IO_DEPTH - 1u) << 16 | 1, [11] = 1u << 16 | 1 };
	r = admin(c, cq, NULL, 0);
	return r ? r : admin(c, sq, NULL, 0);
}

static void add_namespace(struct nvme_ctrl *c, unsigned ctrl_index, uint32_t nsid, uint8_t *page)
{
	uint32_t cmd[SQE_SIZE / 4] = { OP_ADMIN_IDENTIFY, nsid, [10] = CNS_NAMESPACE };
	struct nvme_ns_info info;
	if (admin(c, cmd, page, NVME_IDENTIFY_BYTES) || nvme_ns_parse(page, &info))
		return; /* inactive, or in a format we do not take (logged by admin on failure) */
	struct nvme_ns *ns = kmalloc(sizeof(*ns));
	if (!ns)
		return;
	ns->ctrl = c;
	ns->nsid = nsid;
	ksnprintf(ns->bd.name, sizeof(ns->bd.name), "%sn%u", c->name, nsid);
	ns->bd.rdev = MKDEV(NVME_MAJOR, (ctrl_index * NVME_MAX_NS + nsid - 1) * BLKDEV_MINORS);
	ns->bd.sector_size = info.sector_size;
	ns->bd.nr_sectors = info.sectors;
	ns->bd.ops = &nvme_ops;
	ns->bd.driver_data = ns;
	int r = blkdev_register(&ns->bd);
	if (!r && (r = blkdev_scan_partitions(&ns->bd)))
		pr_warn("%s: partition table unreadable (%d)\n", ns->bd.name, r);
	else if (r)
		kfree(ns);
}

static int probe_ctrl(struct pci_dev *d, struct nvme_ctrl *c, unsigned index)
{
	ksnprintf(c->name, sizeof(c->name), "nvme%u", index);
	c->lock = (struct spinlock)SPINLOCK_INIT("nvme");
	wait_queue_init(&c->wq);
	c->poll = true;
	pci_enable(d);
	if (!(c->regs = pci_map_bar(d, 0)) || d->bars[0].size < REG_DOORBELLS + 8)
		return -ENODEV;
	for (int i = 0; i < NVME_SLOTS; i++)
		if (!(c->slots[i].prp_list_pa = phys_alloc_pages(0)))
			return -ENOMEM;
	int r = ctrl_enable(c, d->bars[0].size);
	if (!r && !(r = pci_irq_init(d)))
		r = pci_irq_set(d, 0, nvme_irq, c);
	uint8_t *page = kmalloc(NVME_IDENTIFY_BYTES);
	uint32_t nn = 0;
	if (!r)
		r = page ? ctrl_setup(c, page, &nn) : -ENOMEM;
	for (uint32_t nsid = 1; !r && nsid <= nn && nsid <= NVME_MAX_NS; nsid++)
		add_namespace(c, index, nsid, page);
	kfree(page);
	c->poll = false;
	return r;
}

static void probe_one(const struct pci_dev *cd, void *arg)
{
	unsigned *count = arg;
	struct pci_dev *d = (struct pci_dev *)cd;
	if (d->class_code != NVME_CLASS || *count >= NVME_MAX_CTRLS || pci_claim(d, "nvme"))
		return;
	struct nvme_ctrl *c = kmalloc(sizeof(*c));
	if (!c)
		return;
	int r = probe_ctrl(d, c, *count);
	if (r)
		pr_err("nvme %02x:%02x.%u: not used (%d)\n", d->bus, d->dev, d->fn, r);
	(*count)++; /* c stays even on failure: the controller or a vector may point at it */
}

void nvme_init(void)
{
	unsigned count = 0;
	pci_for_each(probe_one, &count);
}
