/* Slab allocator behind kmalloc. Every allocation lives in a naturally aligned block of at least
 * SLAB_BYTES whose first bytes hold a header, so kfree finds the header by masking the pointer.
 * A slab's free objects are tracked both in a free list (O(1) allocation) and a bitmap (exact
 * double-free detection: the bitmap, not the object's contents, says whether it is free). */
#include <mm/kmalloc.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <core/spinlock.h>
#include <core/panic.h>
#include <lib/string.h>

#define SLAB_ORDER 2
#define SLAB_BYTES (PAGE_SIZE << SLAB_ORDER)
#define SLAB_HEADER 192 /* struct slab rounded up; objects start here */
#define MIN_CLASS_SHIFT 4 /* 16 bytes */
#define NUM_CLASSES 8 /* 16 .. 2048 */
#define MAX_OBJECTS ((SLAB_BYTES - SLAB_HEADER) >> MIN_CLASS_SHIFT)
#define SLAB_MAGIC 0x5a534c4142ULL /* "ZSLAB" */
#define LARGE_MAGIC 0x5a4c41524745ULL /* "ZLARGE" */

struct cache;

struct slab {
	uint64_t magic; /* SLAB_MAGIC or LARGE_MAGIC */
	struct cache *cache; /* NULL for large blocks */
	unsigned order; /* large blocks: buddy order */
	uint32_t nfree;
	void *free_list; /* first word of each free object links to the next */
	struct slab *next, *prev; /* in cache->partial */
	uint64_t free_map[MAX_OBJECTS / 64 + 1];
};
_Static_assert(sizeof(struct slab) <= SLAB_HEADER, "slab header too large");

struct cache {
	struct spinlock lock; /* guards partial, and every slab's fields of this cache */
	size_t obj_size;
	uint32_t per_slab;
	struct slab *partial; /* slabs with at least one free object */
	uint32_t empty_slabs; /* fully free slabs kept (at most one) */
};

#define CACHE(shift)                                                                             \
	{ .lock = SPINLOCK_INIT("kmalloc"), .obj_size = 1u << (shift),                           \
	  .per_slab = (SLAB_BYTES - SLAB_HEADER) >> (shift) }
static struct cache caches[NUM_CLASSES] = { CACHE(4), CACHE(5), CACHE(6), CACHE(7),
					    CACHE(8), CACHE(9), CACHE(10), CACHE(11) };

static void *obj_at(struct slab *s, uint32_t i)
{
	return (char *)s + SLAB_HEADER + (size_t)i * s->cache->obj_size;
}

static void map_set(struct slab *s, uint32_t i, bool free)
{
	if (free)
		s->free_map[i / 64] |= 1ULL << (i % 64);
	else
		s->free_map[i / 64] &= ~(1ULL << (i % 64));
}

static bool map_free(const struct slab *s, uint32_t i)
{
	return s->free_map[i / 64] & (1ULL << (i % 64));
}

static void partial_add_locked(struct cache *c, struct slab *s)
{
	spin_assert_held(&c->lock);
	s->prev = NULL;
	s->next = c->partial;
	if (c->partial)
		c->partial->prev = s;
	c->partial = s;
}

static void partial_remove_locked(struct cache *c, struct slab *s)
{
	spin_assert_held(&c->lock);
	if (s->prev)
		s->prev->next = s->next;
	else
		c->partial = s->next;
	if (s->next)
		s->next->prev = s->prev;
	s->next = s->prev = NULL;
}

static struct slab *slab_new(struct cache *c)
{
	uint64_t pa = phys_alloc_pages(SLAB_ORDER);
	if (!pa)
		return NULL;
	struct slab *s = phys_to_virt(pa); /* zeroed by the page allocator */
	s->magic = SLAB_MAGIC;
	s->cache = c;
	s->nfree = c->per_slab;
	for (uint32_t i = c->per_slab; i-- > 0;) {
		*(void **)obj_at(s, i) = s->free_list;
		s->free_list = obj_at(s, i);
		map_set(s, i, true);
	}
	return s;
}

static void *cache_alloc(struct cache *c)
{
	uint64_t f = spin_lock_irqsave(&c->lock);
	struct slab *s = c->partial;
	if (!s) {
		spin_unlock_irqrestore(&c->lock, f);
		struct slab *fresh = slab_new(c); /* outside the lock: it zeroes 16 KiB */
		if (!fresh)
			return NULL;
		f = spin_lock_irqsave(&c->lock);
		partial_add_locked(c, fresh);
		s = fresh;
	} else if (s->nfree == c->per_slab) {
		c->empty_slabs--;
	}
	void *obj = s->free_list;
	s->free_list = *(void **)obj;
	*(void **)obj = NULL; /* the rest of the object was zeroed when it was freed */
	map_set(s, (uint32_t)(((char *)obj - (char *)s - SLAB_HEADER) / c->obj_size), false);
	if (--s->nfree == 0)
		partial_remove_locked(c, s);
	spin_unlock_irqrestore(&c->lock, f);
	return obj;
}

static void cache_free(struct slab *s, void *p)
{
	struct cache *c = s->cache;
	size_t off = (size_t)((char *)p - (char *)s);
	if (off < SLAB_HEADER || (off - SLAB_HEADER) % c->obj_size != 0 ||
	    (off - SLAB_HEADER) / c->obj_size >= c->per_slab)
		panic("kfree(%p): not the start of a kmalloc object", p);
	uint32_t i = (uint32_t)((off - SLAB_HEADER) / c->obj_size);
	bool release = false;

	memset(p, 0, c->obj_size);
	uint64_t f = spin_lock_irqsave(&c->lock);
	if (map_free(s, i))
		panic("kfree(%p): double free", p);
	map_set(s, i, true);
	*(void **)p = s->free_list;
	s->free_list = p;
	if (s->nfree++ == 0)
		partial_add_locked(c, s);
	if (s->nfree == c->per_slab) {
		/* Keep one empty slab for the next burst; give further ones back. */
		if (c->empty_slabs >= 1) {
			partial_remove_locked(c, s);
			release = true;
		} else {
			c->empty_slabs++;
		}
	}
	spin_unlock_irqrestore(&c->lock, f);
	if (release) {
		s->magic = 0;
		phys_free_pages(virt_to_phys(s), SLAB_ORDER);
	}
}

static void *large_alloc(size_t size)
{
	unsigned order = SLAB_ORDER;
	while ((PAGE_SIZE << order) - SLAB_HEADER < size) {
		if (++order > 10)
			return NULL;
	}
	uint64_t pa = phys_alloc_pages(order);
	if (!pa)
		return NULL;
	struct slab *s = phys_to_virt(pa);
	s->magic = LARGE_MAGIC;
	s->order = order;
	return (char *)s + SLAB_HEADER;
}

void *kmalloc(size_t size)
{
	if (size > caches[NUM_CLASSES - 1].obj_size)
		return large_alloc(size);
	unsigned i = 0;
	while (caches[i].obj_size < size)
		i++;
	return cache_alloc(&caches[i]);
}

void kfree(void *p)
{
	if (!p)
		return;
	struct slab *s = (struct slab *)ALIGN_DOWN((uint64_t)p, SLAB_BYTES);
	if ((uint64_t)p < DIRECT_MAP_BASE || (uint64_t)p >= KVA_BASE)
		panic("kfree(%p): not a kmalloc address", p);
	if (s->magic == SLAB_MAGIC) {
		cache_free(s, p);
	} else if (s->magic == LARGE_MAGIC && p == (char *)s + SLAB_HEADER) {
		unsigned order = s->order;
		memset(s, 0, PAGE_SIZE << order);
		phys_free_pages(virt_to_phys(s), order);
	} else {
		panic("kfree(%p): not a kmalloc pointer or already freed", p);
	}
}
