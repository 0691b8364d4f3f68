/* Split virtqueues (virtqueue.h): ring memory, chain submission and checked harvesting. */
#include <drivers/virtio/virtqueue.h>
#include <arch/x86_64/cpu.h>
#include <core/printk.h>
#include <lib/virtq_check.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <uapi/errno.h>

#define VIRTQ_DESC_F_NEXT 1
#define VIRTQ_DESC_F_WRITE 2
#define VIRTQ_AVAIL_F_NO_INTERRUPT 1
#define POLL_SPINS (1ull << 32) /* a polled request the device never finishes: broken */

struct virtq_desc {
	uint64_t addr;
	uint32_t len;
	uint16_t flags;
	uint16_t next;
};
_Static_assert(sizeof(struct virtq_desc) == 16, "virtq_desc layout");

struct virtq_avail {
	uint16_t flags;
	uint16_t idx;
	uint16_t ring[];
};

struct virtq_used_elem {
	uint32_t id;
	uint32_t len;
};
_Static_assert(sizeof(struct virtq_used_elem) == 8, "virtq_used_elem layout");

struct virtq_used {
	uint16_t flags;
	uint16_t idx;
	struct virtq_used_elem ring[];
};

static void virtq_irq(void *arg)
{
	struct virtq *vq = arg;
	uint64_t flags = spin_lock_irqsave(&vq->lock);
	virtq_harvest_locked(vq);
	spin_unlock_irqrestore(&vq->lock, flags);
}

static uint64_t ring_layout(uint16_t size, uint64_t *avail_off, uint64_t *used_off)
{
	*avail_off = 16ull * size;
	*used_off = (*avail_off + 6 + 2ull * size + PAGE_SIZE - 1) & PAGE_MASK;
	return *used_off + 6 + 8ull * size;
}

int virtq_init(struct virtq *vq, struct virtio_dev *vd, uint16_t index, uint16_t size,
	       virtq_done_fn done)
{
	if (!size || size > VIRTQ_MAX_SIZE)
		return -EINVAL;
	*vq = (struct virtq){ .vd = vd, .index = index, .size = size, .done = done,
			      .lock = SPINLOCK_INIT("virtq") };
	wait_queue_init(&vq->wq);
	uint64_t avail_off, used_off, bytes = ring_layout(size, &avail_off, &used_off);
	while ((PAGE_SIZE << vq->ring_order) < bytes)
		vq->ring_order++;
	if (!(vq->ring_pa = phys_alloc_pages(vq->ring_order)))
		return -ENOMEM;
	uint8_t *ring = phys_to_virt(vq->ring_pa);
	vq->desc = (volatile struct virtq_desc *)ring;
	vq->avail = (volatile struct virtq_avail *)(ring + avail_off);
	vq->used = (volatile struct virtq_used *)(ring + used_off);
	for (uint16_t i = 0; i < size; i++)
		vq->next[i] = (uint16_t)(i + 1);
	vq->num_free = size;
	return 0;
}

void virtq_free_rings(struct virtq *vq)
{
	if (vq->ring_pa)
		phys_free_pages(vq->ring_pa, vq->ring_order);
	vq->ring_pa = 0;
}

int virtq_create(struct virtq *vq, struct virtio_dev *vd, uint16_t index, uint16_t msix,
		 virtq_done_fn done)
{
	uint16_t size = virtio_queue_max(vd, index);
	if (!size)
		return -ENODEV;
	int r = virtq_init(vq, vd, index, size < VIRTQ_MAX_SIZE ? size : VIRTQ_MAX_SIZE, done);
	if (r)
		return r;
	uint64_t avail = virt_to_phys((const void *)vq->avail);
	uint64_t used = virt_to_phys((const void *)vq->used);
	r = pci_irq_set(vd->pci, msix, virtq_irq, vq);
	if (!r)
		r = virtio_queue_enable(vd, index, vq->size, vq->ring_pa, avail, used, msix,
					&vq->notify);
	if (r)
		virtq_free_rings(vq); /* the device never saw them */
	return r;
}

int virtq_map_buffer(const void *va, size_t len, bool device_writes, struct virtq_seg *segs,
		     int max)
{
	uint64_t v = (uint64_t)va, end = v + len;
	int n = 0;
	while (v < end) {
		uint64_t page_end = (v & PAGE_MASK) + PAGE_SIZE, pa, flags;
		uint32_t chunk = (uint32_t)((page_end < end ? page_end : end) - v);
		if (n >= max || !pt_translate(kernel_pml4_pa, v, &pa, &flags))
			return -EINVAL;
		segs[n++] = (struct virtq_seg){ pa, chunk, device_writes };
		v += chunk;
	}
	return n;
}

/* Write the chain into free descriptors: its head. */
static uint16_t fill_chain_locked(struct virtq *vq, const struct virtq_seg *segs, int n)
{
	uint16_t head = vq->free_head, d = head;
	uint32_t writable = 0;
	for (int i = 0; i < n; i++) {
		bool last = i == n - 1;
		vq->desc[d].addr = segs[i].pa;
		vq->desc[d].len = segs[i].len;
		vq->desc[d].flags = (uint16_t)((last ? 0 : VIRTQ_DESC_F_NEXT) |
					       (segs[i].device_writes ? VIRTQ_DESC_F_WRITE : 0));
		vq->desc[d].next = last ? 0 : vq->next[d];
		if (segs[i].device_writes)
			writable += segs[i].len;
		if (!last)
			d = vq->next[d];
	}
	vq->free_head = vq->next[d];
	vq->num_free = (uint16_t)(vq->num_free - n);
	vq->writable[head] = writable;
	vq->chain_len[head] = (uint16_t)n;
	return head;
}

int virtq_add_locked(struct virtq *vq, const struct virtq_seg *segs, int n, void *cookie)
{
	spin_assert_held(&vq->lock);
	if (n <= 0 || n > vq->size)
		return -EINVAL;
	if (__atomic_load_n(&vq->vd->broken, __ATOMIC_ACQUIRE))
		return -EIO;
	if (vq->num_free < n)
		return -ENOSPC;
	uint16_t head = fill_chain_locked(vq, segs, n);
	vq->cookie[head] = cookie;
	vq->head_in_flight[head] = true;
	vq->in_flight++;
	vq->avail->ring[vq->avail_idx % vq->size] = head;
	__atomic_thread_fence(__ATOMIC_RELEASE); /* the entry before the index moves */
	vq->avail->idx = ++vq->avail_idx;
	__atomic_thread_fence(__ATOMIC_SEQ_CST); /* the index before the notification */
	*vq->notify = vq->index;
	return 0;
}

int virtq_submit_locked(struct virtq *vq, const struct virtq_seg *segs, int n, void *cookie,
			uint64_t *irqflags)
{
	int r;
	/* Uninterruptible: descriptors come back as the device completes requests, which it
	 * does in bounded time (a device that stops is marked broken by a polled wait). */
	while ((r = virtq_add_locked(vq, segs, n, cookie)) == -ENOSPC)
		wait_queue_sleep_locked(&vq->wq, &vq->lock, irqflags, 0, SLEEP_UNINTERRUPTIBLE);
	return r;
}

static void free_chain_locked(struct virtq *vq, uint16_t head)
{
	uint16_t d = head, n = vq->chain_len[head];
	for (uint16_t i = 1; i < n; i++)
		d = vq->next[d]; /* our own links, not the device-visible ones */
	vq->next[d] = vq->free_head;
	vq->free_head = head;
	vq->num_free = (uint16_t)(vq->num_free + n);
	vq->head_in_flight[head] = false;
	vq->in_flight--;
}

void virtq_harvest_locked(struct virtq *vq)
{
	spin_assert_held(&vq->lock);
	if (__atomic_load_n(&vq->vd->broken, __ATOMIC_ACQUIRE) || !vq->ring_pa)
		return;
	int n = virtq_used_new(vq->last_used, vq->used->idx, vq->in_flight);
	if (n < 0) {
		virtio_mark_broken(vq->vd, "used index ran ahead of the requests given");
		wait_queue_wake_locked(&vq->wq, 0);
		return;
	}
	__atomic_thread_fence(__ATOMIC_ACQUIRE); /* the index before the entries */
	for (int i = 0; i < n; i++) {
		struct virtq_used_elem e = { vq->used->ring[vq->last_used % vq->size].id,
					     vq->used->ring[vq->last_used % vq->size].len };
		if (virtq_used_check(e.id, e.len, vq->size, vq->head_in_flight, vq->writable)) {
			virtio_mark_broken(vq->vd, "used ring entry with a bad id or length");
			break;
		}
		vq->last_used++;
		void *cookie = vq->cookie[e.id];
		free_chain_locked(vq, (uint16_t)e.id);
		vq->done(vq, cookie, e.len);
	}
	wait_queue_wake_locked(&vq->wq, 0);
}

int virtq_wait_locked(struct virtq *vq, const bool *done, bool poll, uint64_t *irqflags)
{
	spin_assert_held(&vq->lock);
	uint64_t spins = 0;
	while (!*done && !__atomic_load_n(&vq->vd->broken, __ATOMIC_ACQUIRE)) {
		if (!poll) {
			/* Uninterruptible: the device bounds a disk request (docs/sleeps.md). */
			wait_queue_sleep_locked(&vq->wq, &vq->lock, irqflags, 0,
						SLEEP_UNINTERRUPTIBLE);
			continue;
		}
		virtq_harvest_locked(vq);
		if (!*done && ++spins == POLL_SPINS)
			virtio_mark_broken(vq->vd, "a request never finished");
		cpu_relax();
	}
	return *done ? 0 : -EIO;
}
