/* The virtio 1.x modern PCI transport (virtio_pci.h): capabilities, status, features, queues.
 * The common configuration's layout is the spec's struct virtio_pci_common_cfg (4.1.4.3). */
#include <drivers/virtio/virtio_pci.h>
#include <core/printk.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define CC_DEVICE_FEATURE_SELECT 0
#define CC_DEVICE_FEATURE 4
#define CC_DRIVER_FEATURE_SELECT 8
#define CC_DRIVER_FEATURE 12
#define CC_MSIX_CONFIG 16
#define CC_NUM_QUEUES 18
#define CC_DEVICE_STATUS 20
#define CC_CONFIG_GENERATION 21
#define CC_QUEUE_SELECT 22
#define CC_QUEUE_SIZE 24
#define CC_QUEUE_MSIX_VECTOR 26
#define CC_QUEUE_ENABLE 28
#define CC_QUEUE_NOTIFY_OFF 30
#define CC_QUEUE_DESC 32
#define CC_QUEUE_DRIVER 40
#define CC_QUEUE_DEVICE 48
#define CC_LEN 56
#define VIRTIO_MSI_NO_VECTOR 0xffff
#define RESET_POLLS 1000000 /* reading the status back until the reset is done */
#define CFG_GENERATION_TRIES 16

static void w8(struct virtio_dev *vd, unsigned off, uint8_t v)
{
	*(volatile uint8_t *)(vd->common + off) = v;
}

static uint8_t r8(struct virtio_dev *vd, unsigned off)
{
	return *(volatile uint8_t *)(vd->common + off);
}

static void w16(struct virtio_dev *vd, unsigned off, uint16_t v)
{
	*(volatile uint16_t *)(vd->common + off) = v;
}

static uint16_t r16(struct virtio_dev *vd, unsigned off)
{
	return *(volatile uint16_t *)(vd->common + off);
}

static void w32(struct virtio_dev *vd, unsigned off, uint32_t v)
{
	*(volatile uint32_t *)(vd->common + off) = v;
}

static uint32_t r32(struct virtio_dev *vd, unsigned off)
{
	return *(volatile uint32_t *)(vd->common + off);
}

/* A 64-bit field as two 32-bit writes, low half first (4.1.3.1 allows it). */
static void w64(struct virtio_dev *vd, unsigned off, uint64_t v)
{
	w32(vd, off, (uint32_t)v);
	w32(vd, off + 4, (uint32_t)(v >> 32));
}

static volatile uint8_t *map_region(struct pci_dev *pci, const struct pci_virtio_cap *c)
{
	volatile uint8_t *bar = pci_map_bar(pci, c->bar);
	return bar ? bar + c->offset : NULL;
}

/* The first valid capability of each type, mapped. */
static int find_caps(struct virtio_dev *vd)
{
	struct pci_dev *pci = vd->pci;
	uint64_t sizes[PCI_NUM_BARS];
	for (int i = 0; i < PCI_NUM_BARS; i++)
		sizes[i] = pci->bars[i].io || !pci->bars[i].base ? 0 : pci->bars[i].size;
	for (int i = 0; i < pci->ncaps; i++) {
		struct pci_virtio_cap c;
		uint8_t type = pci->caps[i] < PCI_CFG_SIZE - 4 ? pci->cfg[pci->caps[i] + 3] : 0;
		if (pci->cfg[pci->caps[i]] != PCI_CAP_ID_VENDOR || type < VIRTIO_PCI_CAP_COMMON ||
		    type > VIRTIO_PCI_CAP_DEVICE)
			continue; /* not ours, or the PCI configuration access window */
		if (pci_virtio_cap_parse(pci->cfg, pci->caps[i], sizes, &c)) {
			pr_warn("%s: virtio capability at %#x is malformed; skipped\n", vd->name,
				pci->caps[i]);
			continue;
		}
		if (c.type == VIRTIO_PCI_CAP_COMMON && !vd->common && c.length >= CC_LEN)
			vd->common = map_region(pci, &c);
		else if (c.type == VIRTIO_PCI_CAP_NOTIFY && !vd->notify_base && c.length >= 2) {
			vd->notify_base = map_region(pci, &c);
			vd->notify_mult = c.notify_mult;
			vd->notify_len = c.length;
		} else if (c.type == VIRTIO_PCI_CAP_ISR && !vd->isr && c.length >= 1)
			vd->isr = map_region(pci, &c);
		else if (c.type == VIRTIO_PCI_CAP_DEVICE && !vd->device_cfg) {
			vd->device_cfg = map_region(pci, &c);
			vd->device_cfg_len = c.length;
		}
	}
	return vd->common && vd->notify_base && vd->isr ? 0 : -ENODEV;
}

static int reset(struct virtio_dev *vd)
{
	w8(vd, CC_DEVICE_STATUS, 0);
	for (int i = 0; i < RESET_POLLS; i++)
		if (r8(vd, CC_DEVICE_STATUS) == 0)
			return 0;
	return -EIO;
}

int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *pci, const char *name)
{
	*vd = (struct virtio_dev){ .pci = pci };
	ksnprintf(vd->name, sizeof(vd->name), "%s", name);
	pci_enable(pci);
	int r = find_caps(vd);
	if (r) {
		pr_err("%s: required virtio capabilities missing\n", vd->name);
		return r;
	}
	if ((r = reset(vd))) {
		pr_err("%s: the device does not reset\n", vd->name);
		return r;
	}
	w8(vd, CC_DEVICE_STATUS, VIRTIO_STATUS_ACKNOWLEDGE);
	w8(vd, CC_DEVICE_STATUS, VIRTIO_STATUS_ACKNOWLEDGE | VIRTIO_STATUS_DRIVER);
	return 0;
}

int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted)
{
	uint64_t offered = 0;
	for (uint32_t sel = 0; sel < 2; sel++) {
		w32(vd, CC_DEVICE_FEATURE_SELECT, sel);
		offered |= (uint64_t)r32(vd, CC_DEVICE_FEATURE) << (32 * sel);
	}
	vd->features = offered & (wanted | 1ull << VIRTIO_F_VERSION_1);
	if (!virtio_has(vd, VIRTIO_F_VERSION_1)) {
		pr_err("%s: not a virtio 1.x device\n", vd->name);
		w8(vd, CC_DEVICE_STATUS, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	for (uint32_t sel = 0; sel < 2; sel++) {
		w32(vd, CC_DRIVER_FEATURE_SELECT, sel);
		w32(vd, CC_DRIVER_FEATURE, (uint32_t)(vd->features >> (32 * sel)));
	}
	uint8_t st = r8(vd, CC_DEVICE_STATUS) | VIRTIO_STATUS_FEATURES_OK;
	w8(vd, CC_DEVICE_STATUS, st);
	if (!(r8(vd, CC_DEVICE_STATUS) & VIRTIO_STATUS_FEATURES_OK)) {
		pr_err("%s: the device refused our features\n", vd->name);
		w8(vd, CC_DEVICE_STATUS, VIRTIO_STATUS_FAILED);
		return -ENODEV;
	}
	return 0;
}

uint16_t virtio_queue_max(struct virtio_dev *vd, uint16_t index)
{
	if (index >= r16(vd, CC_NUM_QUEUES))
		return 0;
	w16(vd, CC_QUEUE_SELECT, index);
	return r16(vd, CC_QUEUE_SIZE);
}

int virtio_queue_enable(struct virtio_dev *vd, uint16_t index, uint16_t size, uint64_t desc,
			uint64_t avail, uint64_t used, uint16_t msix, volatile uint16_t **notify)
{
	w16(vd, CC_QUEUE_SELECT, index);
	w16(vd, CC_QUEUE_SIZE, size);
	w64(vd, CC_QUEUE_DESC, desc);
	w64(vd, CC_QUEUE_DRIVER, avail);
	w64(vd, CC_QUEUE_DEVICE, used);
	w16(vd, CC_QUEUE_MSIX_VECTOR, msix);
	if (r16(vd, CC_QUEUE_MSIX_VECTOR) != msix) {
		pr_err("%s: queue %u refused MSI-X entry %u\n", vd->name, index, msix);
		return -EIO;
	}
	uint64_t off = (uint64_t)r16(vd, CC_QUEUE_NOTIFY_OFF) * vd->notify_mult;
	if (!pci_range_inside(off, 2, vd->notify_len)) {
		pr_err("%s: queue %u notify offset %#lx outside the notify region\n", vd->name,
		       index, off);
		return -EIO;
	}
	*notify = (volatile uint16_t *)(vd->notify_base + off);
	w16(vd, CC_QUEUE_ENABLE, 1);
	return 0;
}

void virtio_driver_ok(struct virtio_dev *vd)
{
	w16(vd, CC_MSIX_CONFIG, VIRTIO_MSI_NO_VECTOR); /* configuration changes: not watched */
	w8(vd, CC_DEVICE_STATUS, r8(vd, CC_DEVICE_STATUS) | VIRTIO_STATUS_DRIVER_OK);
}

/* One field: 32-bit accesses where it is aligned to them, bytes otherwise (4.1.3.1). */
static void cfg_copy(volatile uint8_t *p, uint8_t *out, uint32_t len)
{
	uint32_t i = 0;
	for (; len - i >= 4 && !(((uint64_t)p + i) & 3); i += 4) {
		uint32_t w = *(volatile uint32_t *)(p + i);
		for (int b = 0; b < 4; b++)
			out[i + b] = (uint8_t)(w >> (8 * b));
	}
	for (; i < len; i++)
		out[i] = p[i];
}

int virtio_cfg_read(struct virtio_dev *vd, uint32_t off, void *buf, uint32_t len)
{
	if (!vd->device_cfg || !pci_range_inside(off, len, vd->device_cfg_len))
		return -EINVAL;
	for (int tries = 0; tries < CFG_GENERATION_TRIES; tries++) {
		uint8_t gen = r8(vd, CC_CONFIG_GENERATION);
		cfg_copy(vd->device_cfg + off, buf, len);
		if (r8(vd, CC_CONFIG_GENERATION) == gen)
			return 0;
	}
	return -EIO; /* the device keeps changing it */
}

/* A little-endian field of width bytes; 0 when it cannot be read. */
static uint64_t cfg_field(struct virtio_dev *vd, uint32_t off, uint32_t width)
{
	uint8_t b[8];
	uint64_t v = 0;
	if (!virtio_cfg_read(vd, off, b, width))
		for (int i = (int)width - 1; i >= 0; i--)
			v = v << 8 | b[i];
	return v;
}

uint64_t virtio_cfg_read64(struct virtio_dev *vd, uint32_t off)
{
	return cfg_field(vd, off, 8);
}

uint32_t virtio_cfg_read32(struct virtio_dev *vd, uint32_t off)
{
	return (uint32_t)cfg_field(vd, off, 4);
}

void virtio_mark_broken(struct virtio_dev *vd, const char *why)
{
	if (__atomic_exchange_n(&vd->broken, true, __ATOMIC_ACQ_REL))
		return;
	pr_err("%s: %s; device disabled\n", vd->name, why);
	w8(vd, CC_DEVICE_STATUS, 0); /* a reset: the device lets go of our rings */
}
