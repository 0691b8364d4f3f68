/* fork of an address space: VMAs are duplicated, private pages (anonymous or copies of file
 * pages) become copy-on-write in parent and child alike (their frames' reference counts go up,
 * nothing is copied), shared anonymous
 * areas keep their object and are faulted into the child on demand. */
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <fs/vfs.h>
#include <uapi/errno.h>

#define PT_SPAN (PT_ENTRIES * PAGE_SIZE) /* what one last-level table maps */

struct cow_ctx {
	uint64_t child_pml4;
	pte_t *child_pt; /* the child's last-level table for [child_pt_va, + PT_SPAN), or NULL */
	uint64_t child_pt_va;
	int err;
};

/* The child's entry for va; its table is looked up (or made) once per PT_SPAN, since the walk
 * visits the parent's entries in address order. */
static pte_t *child_entry(struct cow_ctx *c, uint64_t va)
{
	uint64_t span_va = ALIGN_DOWN(va, PT_SPAN);
	if (!c->child_pt || c->child_pt_va != span_va) {
		pte_t *e = pt_entry(c->child_pml4, span_va, PT_LEVEL_PT, true);
		if (!e)
			return NULL;
		c->child_pt = e;
		c->child_pt_va = span_va;
	}
	return &c->child_pt[pt_index(va, PT_LEVEL_PT)];
}

static void share_pte(uint64_t va, pte_t *e, void *ctx)
{
	struct cow_ctx *c = ctx;
	if (c->err || !pte_has_frame(*e))
		return;
	pte_t *ce = child_entry(c, va);
	if (!ce) {
		c->err = -ENOMEM;
		return;
	}
	*e &= ~PTE_W; /* the next write in either space takes the COW fault */
	uint64_t pa = *e & PTE_ADDR_MASK;
	if (pa != vm_zero_page_pa)
		page_ref_inc(pa);
	*ce = *e;
}

/* Copy one VMA into child (the caller frees child on failure). */
static int fork_vma_locked(struct mm *parent, struct mm *child, const struct vma *v)
{
	spin_assert_held(&parent->lock);
	if (v->flags & VM_DONTCOPY)
		return 0;
	struct vma *cv = kmalloc(sizeof(*cv));
	if (!cv)
		return -ENOMEM;
	*cv = *v;
	cv->flags &= ~VM_LOCK_MASK; /* memory locks are not inherited (mlock(2)) */
	list_init(&cv->node);
	list_add_tail(&child->vmas, &cv->node);
	child->map_count++;
	if (cv->file)
		file_get(cv->file); /* its private pages are COW-shared like anonymous ones */
	if (cv->shared)
		shared_anon_get(cv->shared);
	if (cv->flags & VM_SHARED)
		return 0; /* the child faults the object's or file's pages in when it touches them */
	if (v->flags & VM_WIPEONFORK)
		return 0;
	struct cow_ctx c = { .child_pml4 = child->pml4_pa };
	pt_walk_ptes(parent->pml4_pa, v->start, v->end, share_pte, &c);
	return c.err;
}

struct mm *mm_fork(struct mm *parent)
{
	struct mm *child = mm_create();
	if (!child)
		return NULL;
	int err = 0;
	uint64_t f = spin_lock_irqsave(&parent->lock);
	child->brk_start = parent->brk_start;
	child->brk = parent->brk;
	child->mmap_base = parent->mmap_base;
	child->stack_top = parent->stack_top;
	struct list_node *n;
	list_for_each(n, &parent->vmas) {
		err = fork_vma_locked(parent, child, list_entry(n, struct vma, node));
		if (err)
			break;
	}
	vm_flush_tlb_all(parent); /* parent's writable entries became read-only */
	spin_unlock_irqrestore(&parent->lock, f);
	if (err) {
		mm_put(child); /* drops exactly the references taken so far */
		return NULL;
	}
	return child;
}
