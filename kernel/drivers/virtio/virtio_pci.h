/* The virtio 1.x modern PCI transport (virtio spec 4.1): the vendor capabilities located and
 * checked against their BARs, the status handshake, feature negotiation (VIRTIO_F_VERSION_1
 * required), queue set-up with one MSI-X vector per queue, notification, and the device's own
 * configuration. Device drivers (virtio_blk.c; virtio-net later) build on it and on
 * virtqueue.h, and know nothing of PCI beyond this.
 *
 * Locks: a struct virtio_dev is set up by its driver's probe (one thread) and immutable after
 * it, except what virtqueue.h's queue locks guard; `broken` is atomic. */
#ifndef DRIVERS_VIRTIO_PCI_H
#define DRIVERS_VIRTIO_PCI_H

#include <stdbool.h>
#include <stdint.h>
#include <drivers/pci/pci.h>

#define VIRTIO_VENDOR 0x1af4
#define VIRTIO_F_VERSION_1 32

#define VIRTIO_STATUS_ACKNOWLEDGE 1
#define VIRTIO_STATUS_DRIVER 2
#define VIRTIO_STATUS_DRIVER_OK 4
#define VIRTIO_STATUS_FEATURES_OK 8
#define VIRTIO_STATUS_NEEDS_RESET 64
#define VIRTIO_STATUS_FAILED 128

struct virtio_dev {
	struct pci_dev *pci;
	volatile uint8_t *common; /* struct virtio_pci_common_cfg */
	volatile uint8_t *notify_base;
	uint32_t notify_mult; /* notify_off_multiplier */
	uint64_t notify_len; /* bytes of the notify region */
	volatile uint8_t *isr;
	volatile uint8_t *device_cfg; /* the device-specific configuration */
	uint32_t device_cfg_len;
	uint64_t features; /* negotiated */
	bool broken; /* atomic: the device misbehaved; every request fails */
	char name[16]; /* for log lines: "virtio-blk0" */
};

/* Find and map the capabilities, reset the device and acknowledge it: 0 or -errno (-ENODEV
 * when a required capability is missing or lies outside its BAR). */
int virtio_pci_init(struct virtio_dev *vd, struct pci_dev *pci, const char *name);
/* Offer `wanted` (VERSION_1 is added) intersected with the device's; -ENODEV when the device
 * refuses FEATURES_OK or lacks VERSION_1. The result in vd->features. */
int virtio_negotiate(struct virtio_dev *vd, uint64_t wanted);
static inline bool virtio_has(const struct virtio_dev *vd, unsigned bit)
{
	return vd->features >> bit & 1;
}
/* The device's size of queue `index` (0: the queue does not exist). */
uint16_t virtio_queue_max(struct virtio_dev *vd, uint16_t index);
/* Give queue `index` of `size` entries its rings (physical addresses) and MSI-X table entry
 * `msix` (checked: the device must accept it), and enable it. The notify address in *notify.
 * 0 or -errno. */
int virtio_queue_enable(struct virtio_dev *vd, uint16_t index, uint16_t size, uint64_t desc,
			uint64_t avail, uint64_t used, uint16_t msix, volatile uint16_t **notify);
void virtio_driver_ok(struct virtio_dev *vd);
/* Device-configuration reads, bounds-checked against its length, retried until the
 * configuration generation is stable: len bytes at off into buf (0, -EINVAL outside the
 * configuration, -EIO when it never settles; a MAC address, say), or one little-endian field
 * (0 when it cannot be read). */
int virtio_cfg_read(struct virtio_dev *vd, uint32_t off, void *buf, uint32_t len);
uint64_t virtio_cfg_read64(struct virtio_dev *vd, uint32_t off);
uint32_t virtio_cfg_read32(struct virtio_dev *vd, uint32_t off);
/* A misbehaving device: log why, mark it broken and reset it so that it stops using memory. */
void virtio_mark_broken(struct virtio_dev *vd, const char *why);

#endif
