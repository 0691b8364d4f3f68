/* Internals shared by the files that implement user address spaces (vm.c, vma.c, fault.c,
 * cow.c, shared_anon.c, brk.c, madvise.c). Other subsystems use mm/vm.h only. Every function
 * ending in _locked needs mm->lock held. */
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
/* Make the page at `page` (inside vma) present for `access` (VM_READ/WRITE/EXEC); with `force`
 * (vm_write) write access is granted on the frame but the PTE keeps the VMA's rights. Returns 0
 * and the frame, -EFAULT or -ENOMEM. */
int vm_fault_page_locked(struct mm *mm, struct vma *vma, uint64_t page, uint32_t access,
			 bool force, uint64_t *pa_out);
void vm_flush_tlb_all(struct mm *mm);

/* VMA structs needed by an operation, allocated before it starts changing anything. */
#define VMA_SPARES_MAX 5
struct vma_spares {
	struct vma *v[VMA_SPARES_MAX];
	int n;
};
int vma_spares_fill(struct vma_spares *s, int n); /* 0 or -ENOMEM */
struct vma *vma_spares_take(struct vma_spares *s);
void vma_spares_free(struct vma_spares *s);

struct vma *vma_find_locked(struct mm *mm, uint64_t addr); /* first VMA with end > addr */
bool vma_range_free_locked(struct mm *mm, uint64_t start, uint64_t end);
bool vma_range_mapped_locked(struct mm *mm, uint64_t start, uint64_t end); /* no holes */
/* Split vma at addr (strictly inside): vma keeps [start, addr), the returned one the rest. */
struct vma *vma_split_locked(struct mm *mm, struct vma *vma, uint64_t addr,
			     struct vma_spares *s);
/* Split the VMAs straddling start and end so that [start, end) is covered by whole VMAs. */
void vma_isolate_range_locked(struct mm *mm, uint64_t start, uint64_t end, struct vma_spares *s);
void vma_insert_locked(struct mm *mm, struct vma *vma);
struct vma *vma_merge_locked(struct mm *mm, struct vma *vma); /* returns the survivor */
/* Unmap [start, end): needs 2 spares. */
void vma_remove_range_locked(struct mm *mm, uint64_t start, uint64_t end, struct vma_spares *s);
void vma_free(struct vma *vma);
/* Highest free, page-aligned range of len bytes below mm->mmap_base (else anywhere); 0 if none. */
uint64_t vma_find_gap_locked(struct mm *mm, uint64_t len);
/* Change VM_* bits (clear, then set) on whole VMAs covering [start, end); needs 2 spares. */
void vma_change_flags_locked(struct mm *mm, uint64_t start, uint64_t end, uint32_t clear,
			     uint32_t set, struct vma_spares *s);

/* Shared anonymous memory: an array of frames owned by the object (not page_ref-counted), with
 * one reference per VMA. Its lock guards pages and npages; taken with interrupts off. */
struct shared_anon *shared_anon_create(uint64_t npages);
void shared_anon_get(struct shared_anon *sa);
void shared_anon_put(struct shared_anon *sa); /* the last put frees the frames */
int shared_anon_page(struct shared_anon *sa, uint64_t index, uint64_t *pa); /* allocates */
int shared_anon_grow(struct shared_anon *sa, uint64_t npages);

#endif
