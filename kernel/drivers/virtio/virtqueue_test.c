/* Self-tests of the virtqueue against a pretend device that writes the used ring by hand: a
 * good completion reaches its request with its length; an index that runs ahead, an id that is
 * not in flight and a length beyond the chain's writable bytes each mark the device broken (a
 * log line, a reset written to its status) without touching anything else. */
#include <drivers/virtio/virtqueue.h>
#include <core/ktest.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <lib/string.h>

#define TEST_QSIZE 8
#define USED_RING 4 /* used ring: flags, idx, then {id, len} entries */

struct fake {
	struct virtio_dev vd;
	struct virtq vq;
	uint8_t common[64]; /* the "common configuration" a reset is written to */
	uint16_t notify;
	uint8_t *buf; /* what the chain lets the device write */
	int completions;
	uint32_t last_len;
};

static void fake_done(struct virtq *vq, void *cookie, uint32_t len)
{
	(void)vq;
	struct fake *f = cookie;
	f->completions++;
	f->last_len = len;
}

static struct fake *fake_new(void)
{
	struct fake *f = kmalloc(sizeof(*f));
	if (!f)
		return NULL;
	f->vd.common = f->common;
	memcpy(f->vd.name, "ktest-virtq", 12);
	f->buf = kmalloc(512);
	if (!f->buf || virtq_init(&f->vq, &f->vd, 0, TEST_QSIZE, fake_done)) {
		kfree(f->buf);
		kfree(f);
		return NULL;
	}
	f->vq.notify = &f->notify;
	return f;
}

static void fake_free(struct fake *f)
{
	virtq_free_rings(&f->vq);
	kfree(f->buf);
	kfree(f);
}

/* Queue one 512-byte device-writable buffer: the chain's head. */
static int submit(struct fake *f)
{
	struct virtq_seg seg;
	if (virtq_map_buffer(f->buf, 512, true, &seg, 1) != 1)
		return -1;
	uint16_t head = f->vq.free_head;
	uint64_t flags = spin_lock_irqsave(&f->vq.lock);
	int r = virtq_add_locked(&f->vq, &seg, 1, f);
	spin_unlock_irqrestore(&f->vq.lock, flags);
	return r ? -1 : head;
}

/* What the device would write: entry `slot` of the used ring, then the index. */
static void device_uses(struct fake *f, uint16_t slot, uint32_t id, uint32_t len, uint16_t idx)
{
	volatile uint8_t *used = (volatile uint8_t *)f->vq.used;
	*(volatile uint32_t *)(used + USED_RING + 8 * (slot % TEST_QSIZE)) = id;
	*(volatile uint32_t *)(used + USED_RING + 8 * (slot % TEST_QSIZE) + 4) = len;
	*(volatile uint16_t *)(used + 2) = idx;
}

static void harvest(struct fake *f)
{
	uint64_t flags = spin_lock_irqsave(&f->vq.lock);
	virtq_harvest_locked(&f->vq);
	spin_unlock_irqrestore(&f->vq.lock, flags);
}

KTEST(virtq_completion_reaches_request)
{
	struct fake *f = fake_new();
	if (!KEXPECT(f != NULL))
		return;
	int head = submit(f);
	KEXPECT(head >= 0 && f->vq.num_free == TEST_QSIZE - 1);
	harvest(f); /* nothing used yet */
	KEXPECT(f->completions == 0);
	device_uses(f, 0, (uint32_t)head, 300, 1);
	harvest(f);
	KEXPECT(f->completions == 1 && f->last_len == 300 && !f->vd.broken);
	KEXPECT(f->vq.num_free == TEST_QSIZE && f->vq.in_flight == 0);
	fake_free(f);
}

KTEST(virtq_hostile_used_ring)
{
	/* index ahead of the requests, an id not in flight, a length past the buffer */
	const uint32_t bad_id[3] = { 0, 5, 0 }, bad_len[3] = { 0, 0, 513 };
	const uint16_t bad_idx[3] = { 2, 1, 1 };
	for (int k = 0; k < 3; k++) {
		struct fake *f = fake_new();
		if (!KEXPECT(f != NULL))
			return;
		int head = submit(f);
		f->common[20] = 0xf; /* the status a reset must clear */
		device_uses(f, 0, k == 1 ? bad_id[k] : (uint32_t)head, bad_len[k], bad_idx[k]);
		harvest(f);
		KEXPECT(f->vd.broken && f->completions == 0 && f->common[20] == 0);
		KEXPECT(submit(f) < 0); /* a broken device takes no more */
		fake_free(f);
	}
}
