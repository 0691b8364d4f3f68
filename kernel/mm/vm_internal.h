/* Internals shared by the files that implement user address spaces (vm.c, vma.c, fault.c,
 * cow.c, shared_anon.c, file_map.c, brk.c, madvise.c). Other subsystems use mm/vm.h only.
 * Every function ending in _locked needs mm->lock held. */
#ifndef MM_VM_INTERNAL_H
#define MM_VM_INTERNAL_H

#include <mm/vm.h>
#include <mm/paging.h>
#include <core/compiler.h>
#include <core/panic.h>

/* Software bit (ignored by the CPU) in a non-present leaf: the entry still owns its frame but
 * the page is PROT_NONE. x86 cannot express "present but no access" for user pages. */
#define PTE_PROTNONE (1ULL << 9)

static inline bool pte_has_frame(pte_t e)
{
	return e & (PTE_P | PTE_PROTNONE);
}

extern uint64_t vm_zero_page_pa; /* read-only page of zeros mapped by read faults */

/* Leaf flags for a page of a VMA with these VM_* flags; `writable` says whether this mapping
 * may get PTE_W (false for a COW-shared or zero page). Never W and X together. */
pte_t vm_pte_flags(uint32_t vm_flags, bool writable);
/* Clear the entries of [start, end) (inside vma) and drop what they held. */
void vm_release_pages_locked(struct mm *mm, struct vma *vma, uint64_t start, uint64_t end);
/* A page of a file mapping, got before mm->lock is taken (a file system may sleep): after
 * vm_file_fill_prepare, file (referenced) is the file whose page `index` the frame pa holds
 * (with one page_ref reference, which a page-table entry may take over): a private copy, or with
 * `shared` the file's own page; or err says why not (-ENXIO: the page lies beyond the end of
 * the file). file NULL: the page needs nothing (not a file page, or already present). */
struct file_fill {
	struct file *file;
	uint64_t index;
	bool shared;
	uint64_t pa;
	int err;
};
/* Without mm->lock: read the file page the fault of `page` in mm may need. */
void vm_file_fill_prepare(struct mm *mm, uint64_t page, struct file_fill *fill);
/* Without mm->lock: drop what vm_fault_page_locked did not take (the frame, the file). */
void vm_file_fill_finish(struct file_fill *fill);

/* Make the page at `page` (inside vma) present for `access` (VM_READ/WRITE/EXEC); with `force`
 * (vm_write) write access is granted on the frame but the PTE keeps the VMA's rights (never to
 * a VM_RDONLY_FILE area). A page of a file mapping not yet present is taken from fill (which
 * vm_file_fill_prepare made for this page); -EAGAIN when fill does not match (the caller drops
 * the lock, prepares, retries), -ENXIO when the page lies beyond the end of the file. Returns 0
 * and the frame, -EFAULT or -ENOMEM. */
int vm_fault_page_locked(struct mm *mm, struct vma *vma, uint64_t page, uint32_t access,
			 bool force, struct file_fill *fill, uint64_t *pa_out);
void vm_flush_tlb_all(struct mm *mm);
/* Run op on the page of addr with mm->lock held; when op returns -EAGAIN (a file page to read
 * first), drop the lock, read it into a file_fill and run op again with it (-EFAULT instead if
 * interrupts are off: the caller cannot sleep). op's result. */
typedef int (*vm_page_op_t)(struct mm *mm, uint64_t addr, struct file_fill *fill, void *arg);
int vm_page_op(struct mm *mm, uint64_t addr, vm_page_op_t op, void *arg);

/* VMA structs needed by an operation, allocated before it starts changing anything; and the
 * VMAs it removed, freed by vma_spares_free once mm->lock is dropped (the last reference to a
 * mapped file may go with them, and releasing a file may sleep). */
#define VMA_SPARES_MAX 5
struct vma_spares {
	struct vma *v[VMA_SPARES_MAX];
	int n;
	struct list_node dead;
};
int vma_spares_fill(struct vma_spares *s, int n); /* 0 or -ENOMEM */
struct vma *vma_spares_take(struct vma_spares *s);
void vma_spares_free(struct vma_spares *s); /* without mm->lock */

struct vma *vma_find_locked(struct mm *mm, uint64_t addr); /* first VMA with end > addr */
bool vma_range_free_locked(struct mm *mm, uint64_t start, uint64_t end);
bool vma_range_mapped_locked(struct mm *mm, uint64_t start, uint64_t end); /* no holes */
/* Split vma at addr (strictly inside): vma keeps [start, addr), the returned one the rest. */
struct vma *vma_split_locked(struct mm *mm, struct vma *vma, uint64_t addr,
			     struct vma_spares *s);
/* Split the VMAs straddling start and end so that [start, end) is covered by whole VMAs. */
void vma_isolate_range_locked(struct mm *mm, uint64_t start, uint64_t end, struct vma_spares *s);
void vma_insert_locked(struct mm *mm, struct vma *vma);
/* vm.max_map_count, checked as Linux does before an operation: a change of [start, end) whose
 * splits would take the count to the limit, or an unmap that punches a hole in one VMA at the
 * limit, is -ENOMEM (else 0); a new mapping is refused once the count is above it. */
int vma_may_split_locked(struct mm *mm, uint64_t start, uint64_t end);
int vma_may_unmap_locked(struct mm *mm, uint64_t start, uint64_t end);
bool vma_may_map_locked(struct mm *mm);
struct vma *vma_merge_locked(struct mm *mm, struct vma *vma); /* returns the survivor */
/* Unmap [start, end): needs 2 spares. */
void vma_remove_range_locked(struct mm *mm, uint64_t start, uint64_t end, struct vma_spares *s);
void vma_free(struct vma *vma); /* drops its references: without mm->lock if it has a file */
/* Highest free, page-aligned range of len bytes below mm->mmap_base (else anywhere); 0 if none. */
uint64_t vma_find_gap_locked(struct mm *mm, uint64_t len);
/* Change VM_* bits (clear, then set) on whole VMAs covering [start, end); needs 2 spares. */
void vma_change_flags_locked(struct mm *mm, uint64_t start, uint64_t end, uint32_t clear,
			     uint32_t set, struct vma_spares *s);

/* Shared anonymous memory: an array of frames owned by the object (not page_ref-counted), with
 * one reference per VMA. Its lock guards pages and npages; taken with interrupts off. */
struct shared_anon *shared_anon_create(uint64_t npages);
int shared_anon_page(struct shared_anon *sa, uint64_t index, uint64_t *pa); /* allocates */
int shared_anon_grow(struct shared_anon *sa, uint64_t npages);
uint64_t shared_anon_pages(struct shared_anon *sa); /* its size in pages */

#endif
