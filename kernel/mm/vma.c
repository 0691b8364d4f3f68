/* The VMA list of an address space: lookup, splitting, merging, insertion, removal of a range
 * and the search for free room. The list is sorted by address and VMAs never overlap. */
#include <mm/vm_internal.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <core/panic.h>
#include <fs/vfs.h>
#include <uapi/errno.h>

int sysctl_max_map_count = MAX_MAP_COUNT_DEF;

static struct vma *vma_of(struct list_node *n)
{
	return list_entry(n, struct vma, node);
}

int vma_spares_fill(struct vma_spares *s, int n)
{
	ASSERT(n <= VMA_SPARES_MAX);
	s->n = 0;
	list_init(&s->dead);
	while (s->n < n) {
		struct vma *v = kmalloc(sizeof(*v));
		if (!v) {
			vma_spares_free(s);
			return -ENOMEM;
		}
		list_init(&v->node);
		s->v[s->n++] = v;
	}
	return 0;
}

struct vma *vma_spares_take(struct vma_spares *s)
{
	ASSERT(s->n > 0); /* the caller counted wrong: a kernel bug */
	return s->v[--s->n];
}

void vma_spares_free(struct vma_spares *s)
{
	while (s->n > 0)
		kfree(s->v[--s->n]);
	while (!list_empty(&s->dead)) {
		struct vma *v = vma_of(s->dead.next);
		list_remove(&v->node);
		vma_free(v);
	}
}

void vma_free(struct vma *vma)
{
	if (vma->shared)
		shared_anon_put(vma->shared);
	if (vma->file)
		file_put(vma->file);
	kfree(vma);
}

struct vma *vma_find_locked(struct mm *mm, uint64_t addr)
{
	spin_assert_held(&mm->lock);
	struct list_node *n;
	list_for_each(n, &mm->vmas) {
		if (vma_of(n)->end > addr)
			return vma_of(n);
	}
	return NULL;
}

bool vma_range_free_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	spin_assert_held(&mm->lock);
	struct vma *v = vma_find_locked(mm, start);
	return !v || v->start >= end;
}

bool vma_range_mapped_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	spin_assert_held(&mm->lock);
	struct vma *v = vma_find_locked(mm, start);
	uint64_t covered = start;
	while (v && v->start <= covered && covered < end) {
		covered = v->end;
		v = v->node.next == &mm->vmas ? NULL : vma_of(v->node.next);
	}
	return covered >= end;
}

struct vma *vma_split_locked(struct mm *mm, struct vma *vma, uint64_t addr,
			     struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	ASSERT(vma->start < addr && addr < vma->end && IS_ALIGNED(addr, PAGE_SIZE));
	struct vma *hi = vma_spares_take(s);
	*hi = *vma;
	hi->start = addr;
	if (hi->shared)
		shared_anon_get(hi->shared);
	if (hi->file)
		file_get(hi->file);
	hi->pgoff += (addr - vma->start) / PAGE_SIZE;
	vma->end = addr;
	list_insert_between(&hi->node, &vma->node, vma->node.next);
	mm->map_count++;
	return hi;
}

void vma_isolate_range_locked(struct mm *mm, uint64_t start, uint64_t end, struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	struct vma *v = vma_find_locked(mm, start);
	if (v && v->start < start && v->end > start)
		v = vma_split_locked(mm, v, start, s);
	v = vma_find_locked(mm, end);
	if (v && v->start < end && v->end > end)
		vma_split_locked(mm, v, end, s);
}

static int max_map_count(void)
{
	return __atomic_load_n(&sysctl_max_map_count, __ATOMIC_RELAXED);
}

/* The VMAs isolating [start, end) would split: one at each end that falls inside a VMA. */
static int splits_needed_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	int n = 0;
	struct vma *v = vma_find_locked(mm, start);
	if (v && v->start < start && v->end > start)
		n++;
	v = vma_find_locked(mm, end);
	if (v && v->start < end && v->end > end)
		n++;
	return n;
}

int vma_may_split_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	spin_assert_held(&mm->lock);
	int n = splits_needed_locked(mm, start, end);
	return n && mm->map_count + n - 1 >= max_map_count() ? -ENOMEM : 0;
}

int vma_may_unmap_locked(struct mm *mm, uint64_t start, uint64_t end)
{
	spin_assert_held(&mm->lock);
	struct vma *v = vma_find_locked(mm, start);
	bool inside = v && v->start < start && v->end > end; /* a hole in one VMA: one more */
	return inside && mm->map_count >= max_map_count() ? -ENOMEM : 0;
}

bool vma_may_map_locked(struct mm *mm)
{
	spin_assert_held(&mm->lock);
	return mm->map_count <= max_map_count();
}

void vma_insert_locked(struct mm *mm, struct vma *vma)
{
	spin_assert_held(&mm->lock);
	struct vma *next = vma_find_locked(mm, vma->start);
	ASSERT(!next || next->start >= vma->end);
	struct list_node *before = next ? &next->node : &mm->vmas;
	list_insert_between(&vma->node, before->prev, before);
	mm->map_count++;
}

static bool vma_mergeable(const struct vma *lo, const struct vma *hi)
{
	if (lo->end != hi->start || lo->flags != hi->flags || lo->shared != hi->shared ||
	    lo->file != hi->file)
		return false;
	return (!lo->shared && !lo->file) ||
	       lo->pgoff + (lo->end - lo->start) / PAGE_SIZE == hi->pgoff;
}

/* Absorb the VMA after lo into lo when they fit together. */
static void merge_next(struct mm *mm, struct vma *lo)
{
	if (lo->node.next == &mm->vmas)
		return;
	struct vma *hi = vma_of(lo->node.next);
	if (!vma_mergeable(lo, hi))
		return;
	lo->end = hi->end;
	list_remove(&hi->node);
	mm->map_count--;
	vma_free(hi); /* lo still references hi's file: never its last reference */
}

struct vma *vma_merge_locked(struct mm *mm, struct vma *vma)
{
	spin_assert_held(&mm->lock);
	merge_next(mm, vma);
	if (vma->node.prev != &mm->vmas) {
		struct vma *prev = vma_of(vma->node.prev);
		if (vma_mergeable(prev, vma)) {
			merge_next(mm, prev);
			return prev;
		}
	}
	return vma;
}

void vma_remove_range_locked(struct mm *mm, uint64_t start, uint64_t end, struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	vma_isolate_range_locked(mm, start, end, s);
	struct vma *v = vma_find_locked(mm, start);
	while (v && v->start < end) {
		struct list_node *next = v->node.next;
		vm_release_pages_locked(mm, v, v->start, v->end);
		list_remove(&v->node);
		mm->map_count--;
		list_add_tail(&s->dead, &v->node);
		v = next == &mm->vmas ? NULL : vma_of(next);
	}
}

void vma_change_flags_locked(struct mm *mm, uint64_t start, uint64_t end, uint32_t clear,
			     uint32_t set, struct vma_spares *s)
{
	spin_assert_held(&mm->lock);
	vma_isolate_range_locked(mm, start, end, s);
	struct vma *v = vma_find_locked(mm, start);
	while (v && v->start < end) {
		v->flags = (v->flags & ~clear) | set;
		v = vma_merge_locked(mm, v);
		v = v->node.next == &mm->vmas ? NULL : vma_of(v->node.next);
	}
}

/* Lowest address a new mapping may start at above `below` (a stack keeps its guard gap). */
static uint64_t gap_top(const struct vma *above)
{
	if (!(above->flags & VM_GROWSDOWN))
		return above->start;
	return above->start > USER_STACK_GUARD_GAP ? above->start - USER_STACK_GUARD_GAP : 0;
}

static uint64_t find_gap_below(struct mm *mm, uint64_t len, uint64_t top)
{
	uint64_t hi = top;
	for (struct list_node *n = mm->vmas.prev;; n = n->prev) {
		uint64_t lo = n == &mm->vmas ? USER_MIN_ADDR : vma_of(n)->end;
		if (lo < hi && hi - lo >= len)
			return hi - len;
		if (n == &mm->vmas)
			return 0;
		hi = MIN(hi, gap_top(vma_of(n)));
	}
}

uint64_t vma_find_gap_locked(struct mm *mm, uint64_t len)
{
	spin_assert_held(&mm->lock);
	uint64_t addr = find_gap_below(mm, len, mm->mmap_base);
	return addr ? addr : find_gap_below(mm, len, USER_MAX_ADDR);
}

bool vm_range_mapped(struct mm *mm, uint64_t start, uint64_t end)
{
	uint64_t f = spin_lock_irqsave(&mm->lock);
	bool mapped = vma_range_mapped_locked(mm, start, end);
	spin_unlock_irqrestore(&mm->lock, f);
	return mapped;
}

#define SYNC_FILES_MAX 8 /* files synced per pass over the areas */

/* Up to SYNC_FILES_MAX referenced files of shared areas meeting [*from, end), distinct from
 * each other; *from moves past the areas taken. mm->lock held. */
static int sync_files_locked(struct mm *mm, uint64_t *from, uint64_t end, struct file **files)
{
	spin_assert_held(&mm->lock);
	int n = 0;
	struct vma *v = vma_find_locked(mm, *from);
	for (; v && v->start < end && n < SYNC_FILES_MAX;
	     v = v->node.next == &mm->vmas ? NULL : vma_of(v->node.next)) {
		*from = v->end;
		if (!v->file || !(v->flags & VM_SHARED))
			continue;
		bool seen = false;
		for (int i = 0; i < n; i++)
			seen |= files[i] == v->file;
		if (!seen) {
			file_get(v->file);
			files[n++] = v->file;
		}
	}
	if (!v || v->start >= end)
		*from = end;
	return n;
}

int vm_sync_range(struct mm *mm, uint64_t start, uint64_t end)
{
	struct file *files[SYNC_FILES_MAX];
	int r = 0;
	while (start < end) {
		uint64_t f = spin_lock_irqsave(&mm->lock);
		int n = sync_files_locked(mm, &start, end, files);
		spin_unlock_irqrestore(&mm->lock, f);
		for (int i = 0; i < n; i++) { /* fsync may sleep: no spinlock held */
			const struct file_ops *ops = files[i]->ops;
			int e = ops && ops->fsync ? ops->fsync(files[i]) : 0;
			r = r ? r : e;
			file_put(files[i]);
		}
	}
	return r;
}

bool vm_is_shared(struct mm *mm, uint64_t addr)
{
	uint64_t f = spin_lock_irqsave(&mm->lock);
	struct vma *v = vma_find_locked(mm, addr);
	bool shared = v && v->start <= addr && (v->flags & VM_SHARED);
	spin_unlock_irqrestore(&mm->lock, f);
	return shared;
}
