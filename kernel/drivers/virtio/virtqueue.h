/* Split virtqueues (virtio 1.x, 2.7): the descriptor table and the two rings in one block of
 * zeroed pages from the page allocator, chains of physical segments added by drivers, and the
 * used ring harvested under checks (lib/virtq_check.h): an index that runs ahead, an id that
 * is not a chain in flight or a length beyond what the chain lets the device write marks the
 * device broken (a log line; every request then fails with EIO) and touches nothing else.
 * Descriptors are freed from the driver's own copy of each chain, never from memory the device
 * could have written.
 *
 * Locks: vq->lock (spin_lock_irqsave: the MSI-X handler harvests) guards every field below it
 * and the rings; `done` runs under it and must not sleep. Waiters sleep on vq->wq under it. */
#ifndef DRIVERS_VIRTQUEUE_H
#define DRIVERS_VIRTQUEUE_H

#include <stdbool.h>
#include <stdint.h>
#include <core/spinlock.h>
#include <sched/wait.h>
#include <drivers/virtio/virtio_pci.h>

#define VIRTQ_MAX_SIZE 256 /* entries we use, whatever more the device offers */

struct virtq_seg {
	uint64_t pa;
	uint32_t len;
	bool device_writes;
};

struct virtq;
/* A chain finished: its cookie and the bytes the device says it wrote (checked). */
typedef void (*virtq_done_fn)(struct virtq *vq, void *cookie, uint32_t len);

struct virtq {
	struct virtio_dev *vd;
	uint16_t index, size;
	virtq_done_fn done;
	volatile uint16_t *notify;
	uint64_t ring_pa;
	unsigned ring_order;
	struct spinlock lock;
	struct wait_queue wq; /* threads waiting for a completion or for free descriptors */
	volatile struct virtq_desc *desc;
	volatile struct virtq_avail *avail;
	volatile struct virtq_used *used;
	uint16_t free_head, num_free; /* free descriptors, linked through next[] */
	uint16_t avail_idx, last_used, in_flight;
	uint16_t next[VIRTQ_MAX_SIZE]; /* our copy of each chain's links */
	bool head_in_flight[VIRTQ_MAX_SIZE];
	uint32_t writable[VIRTQ_MAX_SIZE]; /* device-writable bytes of the chain at this head */
	uint16_t chain_len[VIRTQ_MAX_SIZE]; /* descriptors of the chain at this head */
	void *cookie[VIRTQ_MAX_SIZE];
};

/* Allocate the rings of queue `index` (at most VIRTQ_MAX_SIZE entries), route its interrupt to
 * MSI-X entry `msix` (which gets virtq_irq as handler) and enable it. 0 or -errno. */
int virtq_create(struct virtq *vq, struct virtio_dev *vd, uint16_t index, uint16_t msix,
		 virtq_done_fn done);
/* The rings alone (size entries, at most VIRTQ_MAX_SIZE), not given to any device: what
 * virtq_create starts from, and what the self-tests play a device against. 0 or -errno. */
int virtq_init(struct virtq *vq, struct virtio_dev *vd, uint16_t index, uint16_t size,
	       virtq_done_fn done);
/* Free the rings of a queue no device uses (never reset, or a self-test's). */
void virtq_free_rings(struct virtq *vq);
/* Split the kernel buffer [va, va + len) into physical segments (one per page it touches) at
 * segs[0..max): their count, or -EINVAL when more than max are needed or an address has no
 * mapping. */
int virtq_map_buffer(const void *va, size_t len, bool device_writes, struct virtq_seg *segs,
		     int max);
/* Queue a chain of n segments (readable ones first) with cookie and notify the device, without
 * sleeping (interrupt context may call it: virtio-net refilling its receive queue): 0,
 * -ENOSPC when descriptors are short, -EIO when the device is broken, -EINVAL when n exceeds
 * the queue. vq->lock held. */
int virtq_add_locked(struct virtq *vq, const struct virtq_seg *segs, int n, void *cookie);
/* The same, but sleeps (uninterruptibly: the device's completions bound the wait) while
 * descriptors are short; irqflags as spin_lock_irqsave gave them. */
int virtq_submit_locked(struct virtq *vq, const struct virtq_seg *segs, int n, void *cookie,
			uint64_t *irqflags);
/* Harvest finished chains (calls done for each). vq->lock held. */
void virtq_harvest_locked(struct virtq *vq);
/* Wait until *done is set (by the driver's done callback) or the device is broken: -EIO
 * then. With `poll` (boot, before interrupts are wanted) the used ring is polled instead of
 * sleeping. vq->lock held. */
int virtq_wait_locked(struct virtq *vq, const bool *done, bool poll, uint64_t *irqflags);

#endif
