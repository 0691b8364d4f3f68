/* Shared anonymous memory (MAP_SHARED|MAP_ANONYMOUS): the frames live in an object that every
 * VMA mapping it references (across fork too), so a write through one mapping is seen by all.
 * Frames are allocated on first touch and freed with the object. */
#include <mm/vm_internal.h>
#include <mm/phys.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <lib/string.h>
#include <core/panic.h>
#include <uapi/errno.h>

struct shared_anon {
	struct spinlock lock; /* guards npages and pages; taken with interrupts off */
	int refcount; /* atomic: VMAs that map it */
	uint64_t npages;
	uint64_t *pages; /* frame of each page, 0 until first touched */
	shared_anon_release_fn release; /* immutable: an owner's put (System V shm), or NULL */
	void *owner; /* immutable: release's argument */
};

struct shared_anon *shared_anon_create(uint64_t npages)
{
	struct shared_anon *sa = kmalloc(sizeof(*sa));
	if (!sa)
		return NULL;
	sa->pages = npages <= SIZE_MAX / sizeof(uint64_t) ? kmalloc(npages * sizeof(uint64_t))
							   : NULL;
	if (!sa->pages) {
		kfree(sa);
		return NULL;
	}
	sa->lock = (struct spinlock)SPINLOCK_INIT("shared_anon");
	sa->refcount = 1;
	sa->npages = npages;
	return sa;
}

void shared_anon_get(struct shared_anon *sa)
{
	__atomic_fetch_add(&sa->refcount, 1, __ATOMIC_RELAXED);
}

struct shared_anon *shared_anon_create_owned(uint64_t npages, shared_anon_release_fn release,
					     void *owner)
{
	struct shared_anon *sa = shared_anon_create(npages);
	if (sa) {
		sa->release = release;
		sa->owner = owner;
	}
	return sa;
}

bool shared_anon_owned_by(const struct shared_anon *sa, shared_anon_release_fn release)
{
	return sa->release == release;
}

void *shared_anon_owner(const struct shared_anon *sa)
{
	return sa->owner;
}

uint64_t shared_anon_pages(struct shared_anon *sa)
{
	uint64_t f = spin_lock_irqsave(&sa->lock);
	uint64_t n = sa->npages;
	spin_unlock_irqrestore(&sa->lock, f);
	return n;
}

int shared_anon_refs(const struct shared_anon *sa)
{
	return __atomic_load_n(&sa->refcount, __ATOMIC_RELAXED);
}

uint64_t shared_anon_resident(struct shared_anon *sa)
{
	uint64_t n = 0, f = spin_lock_irqsave(&sa->lock);
	for (uint64_t i = 0; i < sa->npages; i++)
		n += sa->pages[i] != 0;
	spin_unlock_irqrestore(&sa->lock, f);
	return n;
}

void shared_anon_put(struct shared_anon *sa)
{
	if (sa->release)
		sa->release(sa->owner, sa);
	else
		shared_anon_unref(sa);
}

int shared_anon_unref(struct shared_anon *sa)
{
	int left = __atomic_sub_fetch(&sa->refcount, 1, __ATOMIC_ACQ_REL);
	if (left)
		return left;
	for (uint64_t i = 0; i < sa->npages; i++)
		if (sa->pages[i])
			phys_free_pages(sa->pages[i], 0);
	kfree(sa->pages);
	kfree(sa);
	return 0;
}

int shared_anon_page(struct shared_anon *sa, uint64_t index, uint64_t *pa)
{
	int err = 0;
	uint64_t f = spin_lock_irqsave(&sa->lock);
	if (index >= sa->npages) {
		err = -EFAULT;
		goto out_unlock;
	}
	if (!sa->pages[index] && !(sa->pages[index] = phys_alloc_pages(0)))
		err = -ENOMEM;
	*pa = sa->pages[index];
out_unlock:
	spin_unlock_irqrestore(&sa->lock, f);
	return err;
}

int shared_anon_grow(struct shared_anon *sa, uint64_t npages)
{
	if (npages > SIZE_MAX / sizeof(uint64_t))
		return -ENOMEM;
	uint64_t *pages = kmalloc(npages * sizeof(uint64_t));
	if (!pages)
		return -ENOMEM;
	uint64_t *old = NULL;
	uint64_t f = spin_lock_irqsave(&sa->lock);
	if (npages > sa->npages) {
		memcpy(pages, sa->pages, sa->npages * sizeof(uint64_t));
		old = sa->pages;
		sa->pages = pages;
		sa->npages = npages;
		pages = NULL;
	}
	spin_unlock_irqrestore(&sa->lock, f);
	kfree(old);
	kfree(pages);
	return 0;
}
