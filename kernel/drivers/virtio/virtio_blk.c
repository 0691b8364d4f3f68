/* virtio-blk (virtio 1.x, 5.2) on the modern PCI transport: each disk becomes block device
 * vda, vdb, ... of major 254 (Linux's usual dynamic virtblk major), 16 minors each (the disk and
 * 15 partitions). Read-only when the device says VIRTIO_BLK_F_RO; flushes when it offers
 * VIRTIO_BLK_F_FLUSH; as many requests in flight as the queue's descriptors allow (each caller
 * waits for its own). The device's capacity, block size and segment limit are checked. */
#include <drivers/virtio/virtio_blk.h>
#include <drivers/virtio/virtqueue.h>
#include <block/blkdev.h>
#include <core/printk.h>
#include <lib/printf.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <uapi/errno.h>
#include <uapi/stat.h>

#define VIRTIO_BLK_MAJOR 254
#define VBLK_MAX_DISKS (256 / BLKDEV_MINORS)
#define VIRTIO_ID_BLOCK 2
#define VIRTIO_DEV_MODERN_BASE 0x1040
#define VIRTIO_DEV_TRANSITIONAL_BLK 0x1001

#define VIRTIO_BLK_F_SEG_MAX 2
#define VIRTIO_BLK_F_RO 5
#define VIRTIO_BLK_F_BLK_SIZE 6
#define VIRTIO_BLK_F_FLUSH 9

#define VBLK_FEATURES                                                                            \
	(1ull << VIRTIO_BLK_F_SEG_MAX | 1ull << VIRTIO_BLK_F_RO | 1ull << VIRTIO_BLK_F_BLK_SIZE | \
	 1ull << VIRTIO_BLK_F_FLUSH)

#define CFG_CAPACITY 0 /* in 512-byte sectors, whatever blk_size says */
#define CFG_SEG_MAX 12
#define CFG_BLK_SIZE 20

#define VIRTIO_BLK_T_IN 0
#define VIRTIO_BLK_T_OUT 1
#define VIRTIO_BLK_T_FLUSH 4
#define VIRTIO_BLK_S_OK 0

#define VBLK_MAX_PIECE (128u * 1024u) /* bytes per request */
#define VBLK_MAX_SEGS (VBLK_MAX_PIECE / PAGE_SIZE + 3) /* header, data pages (+1), status */
#define VBLK_BATCH 8 /* requests of one transfer in flight together */

struct vblk {
	struct block_device bd;
	struct virtio_dev vd;
	struct virtq vq;
	uint32_t piece; /* bytes per request: the device's segment limit allows it */
	bool poll; /* during the probe: completions are polled for */
};

/* The parts of a request the device reads and writes, in DMA-able (direct-map) memory. */
struct vblk_req {
	struct {
		uint32_t type;
		uint32_t reserved;
		uint64_t sector;
	} hdr;
	uint8_t status;
	bool done; /* vq->lock */
};

static void vblk_done(struct virtq *vq, void *cookie, uint32_t len)
{
	(void)vq;
	(void)len;
	struct vblk_req *req = cookie;
	req->done = true;
}

/* Build and queue one request: header, the data (if any) and the status byte. 0 with *out
 * (the caller waits for it with vblk_finish), or -errno. */
static int vblk_submit(struct vblk *vb, uint32_t type, uint64_t sector, void *buf, uint32_t len,
		       struct vblk_req **out)
{
	struct vblk_req *req = kmalloc(sizeof(*req));
	struct virtq_seg segs[VBLK_MAX_SEGS];
	if (!req)
		return -ENOMEM;
	req->hdr.type = type;
	req->hdr.sector = sector;
	req->status = 0xff;
	int n = virtq_map_buffer(&req->hdr, sizeof(req->hdr), false, segs, VBLK_MAX_SEGS);
	int r = n;
	if (r > 0 && len) {
		r = virtq_map_buffer(buf, len, type == VIRTIO_BLK_T_IN, segs + n,
				     VBLK_MAX_SEGS - n);
		n += r;
	}
	if (r > 0) {
		r = virtq_map_buffer(&req->status, 1, true, segs + n, VBLK_MAX_SEGS - n);
		n += r;
	}
	if (r > 0) {
		uint64_t flags = spin_lock_irqsave(&vb->vq.lock);
		r = virtq_submit_locked(&vb->vq, segs, n, req, &flags);
		spin_unlock_irqrestore(&vb->vq.lock, flags);
	}
	if (r < 0) {
		kfree(req);
		return r;
	}
	*out = req;
	return 0;
}

/* Wait for a submitted request and free it: 0 or -EIO. */
static int vblk_finish(struct vblk *vb, struct vblk_req *req)
{
	uint64_t flags = spin_lock_irqsave(&vb->vq.lock);
	int r = virtq_wait_locked(&vb->vq, &req->done, vb->poll, &flags);
	spin_unlock_irqrestore(&vb->vq.lock, flags);
	if (!r && req->status != VIRTIO_BLK_S_OK)
		r = -EIO;
	/* A broken device was reset before its requests failed: it no longer writes here. */
	kfree(req);
	return r;
}

static int vblk_request(struct vblk *vb, uint32_t type, uint64_t sector, void *buf,
			uint32_t len)
{
	struct vblk_req *req;
	int r = vblk_submit(vb, type, sector, buf, len, &req);
	return r ? -EIO : vblk_finish(vb, req);
}

/* The pieces of a transfer go to the device together, VBLK_BATCH at a time (one at a time
 * while polling at boot, where the boot thread must not sleep for descriptors). */
static int vblk_transfer(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
			 bool write)
{
	struct vblk *vb = bd->driver_data;
	uint64_t vsector = sector * (bd->sector_size / 512);
	uint64_t left = (uint64_t)count * bd->sector_size;
	unsigned batch = vb->poll ? 1 : VBLK_BATCH;
	char *p = buf;
	int r = 0;
	while (!r && left) {
		struct vblk_req *reqs[VBLK_BATCH];
		unsigned n = 0;
		while (!r && left && n < batch) {
			uint32_t len = left < vb->piece ? (uint32_t)left : vb->piece;
			r = vblk_submit(vb, write ? VIRTIO_BLK_T_OUT : VIRTIO_BLK_T_IN, vsector, p,
					len, &reqs[n]);
			n += !r;
			vsector += len / 512;
			left -= len;
			p += len;
		}
		for (unsigned i = 0; i < n; i++) {
			int f = vblk_finish(vb, reqs[i]);
			r = r ? r : f;
		}
	}
	return r ? -EIO : 0;
}

static int vblk_flush(struct block_device *bd)
{
	struct vblk *vb = bd->driver_data;
	if (!virtio_has(&vb->vd, VIRTIO_BLK_F_FLUSH))
		return 0; /* no FLUSH feature: the device has no volatile write cache */
	return vblk_request(vb, VIRTIO_BLK_T_FLUSH, 0, NULL, 0);
}

static const struct block_device_ops vblk_ops = { .transfer = vblk_transfer,
						  .flush = vblk_flush };

/* Capacity, block size and segment limit from the device, checked. */
static int vblk_geometry(struct vblk *vb)
{
	uint64_t capacity = virtio_cfg_read64(&vb->vd, CFG_CAPACITY);
	uint32_t bs = 512, seg_max = VBLK_MAX_SEGS;
	if (virtio_has(&vb->vd, VIRTIO_BLK_F_BLK_SIZE))
		bs = virtio_cfg_read32(&vb->vd, CFG_BLK_SIZE);
	if (virtio_has(&vb->vd, VIRTIO_BLK_F_SEG_MAX))
		seg_max = virtio_cfg_read32(&vb->vd, CFG_SEG_MAX);
	if (bs != 512 && bs != 4096) {
		pr_warn("%s: block size %u unsupported; using 512\n", vb->vd.name, bs);
		bs = 512;
	}
	if (seg_max < 2 || capacity > UINT64_MAX / 512) {
		pr_err("%s: impossible geometry (seg_max %u, capacity %#lx)\n", vb->vd.name,
		       seg_max, capacity);
		return -EIO;
	}
	/* n data bytes touch at most n / PAGE_SIZE + 1 pages (an unaligned buffer). */
	uint64_t piece = (uint64_t)(seg_max - 1) * PAGE_SIZE;
	vb->piece = piece < VBLK_MAX_PIECE ? (uint32_t)piece : VBLK_MAX_PIECE;
	vb->bd.sector_size = bs;
	vb->bd.nr_sectors = capacity * 512 / bs;
	vb->bd.read_only = virtio_has(&vb->vd, VIRTIO_BLK_F_RO);
	return 0;
}

static int vblk_setup(struct vblk *vb, struct pci_dev *pci, unsigned index)
{
	ksnprintf(vb->bd.name, sizeof(vb->bd.name), "vd%c", 'a' + index);
	int r = virtio_pci_init(&vb->vd, pci, vb->bd.name);
	if (!r && (r = pci_irq_init(pci)))
		pr_err("%s: no MSI-X or MSI (%d)\n", vb->bd.name, r);
	if (!r)
		r = virtio_negotiate(&vb->vd, VBLK_FEATURES);
	if (!r)
		r = vblk_geometry(vb);
	if (!r && (r = virtq_create(&vb->vq, &vb->vd, 0, 0, vblk_done)))
		pr_err("%s: cannot set up the request queue (%d)\n", vb->bd.name, r);
	if (r)
		return r;
	virtio_driver_ok(&vb->vd);
	vb->bd.rdev = MKDEV(VIRTIO_BLK_MAJOR, index * BLKDEV_MINORS);
	vb->bd.ops = &vblk_ops;
	vb->bd.driver_data = vb;
	return blkdev_register(&vb->bd);
}

static bool is_virtio_blk(const struct pci_dev *d)
{
	return d->vendor == VIRTIO_VENDOR &&
	       (d->device == VIRTIO_DEV_MODERN_BASE + VIRTIO_ID_BLOCK ||
		d->device == VIRTIO_DEV_TRANSITIONAL_BLK);
}

static void probe_one(const struct pci_dev *cd, void *arg)
{
	unsigned *count = arg;
	struct pci_dev *d = (struct pci_dev *)cd; /* the list is ours to claim from */
	if (!is_virtio_blk(d) || *count >= VBLK_MAX_DISKS || pci_claim(d, "virtio-pci"))
		return;
	struct vblk *vb = kmalloc(sizeof(*vb));
	if (!vb)
		return;
	vb->poll = true;
	if (vblk_setup(vb, d, *count)) {
		pr_err("virtio-blk: %02x:%02x.%u not used\n", d->bus, d->dev, d->fn);
		return; /* vb stays: the device may hold its rings (no teardown path) */
	}
	(*count)++;
	int r = blkdev_scan_partitions(&vb->bd);
	if (r)
		pr_warn("%s: partition table unreadable (%d)\n", vb->bd.name, r);
	vb->poll = false;
}

void virtio_blk_init(void)
{
	unsigned count = 0;
	pci_for_each(probe_one, &count);
}
