/* The one page-table walker (4-level x86_64 paging). Mapping, unmapping, translation, the
 * kernel's own tables, the W^X audit and (later) fork all go through it, so the index
 * arithmetic exists exactly once. Callers serialise changes to a given address space. */
#ifndef MM_PAGING_H
#define MM_PAGING_H

#include <stdbool.h>
#include <stdint.h>

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_U (1ULL << 2)
#define PTE_PWT (1ULL << 3)
#define PTE_PCD (1ULL << 4)
#define PTE_A (1ULL << 5)
#define PTE_D (1ULL << 6)
#define PTE_PS (1ULL << 7) /* large page at PD (2 MiB) or PDPT (1 GiB) level */
#define PTE_G (1ULL << 8)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR_MASK 0x000ffffffffff000ULL
#define PTE_FLAGS_MASK (~PTE_ADDR_MASK)

#define PT_ENTRIES 512
#define PT_LEVELS 4 /* level 3 = PML4, 2 = PDPT, 1 = PD, 0 = PT */
#define PT_LEVEL_PML4 3
#define PT_LEVEL_PDPT 2
#define PT_LEVEL_PD 1
#define PT_LEVEL_PT 0

typedef uint64_t pte_t;

static inline unsigned pt_index(uint64_t va, unsigned level)
{
	return (va >> (12 + 9 * level)) & (PT_ENTRIES - 1);
}

static inline uint64_t pt_level_size(unsigned level)
{
	return 1ULL << (12 + 9 * level);
}

/* Entry for `va` at `level` (0 = 4 KiB leaf) in the tables rooted at pml4_pa. With alloc,
 * missing intermediate tables are created (zeroed); without, NULL when absent. NULL too when a
 * large page above `level` is in the way, or when memory runs out. */
pte_t *pt_entry(uint64_t pml4_pa, uint64_t va, unsigned level, bool alloc);

/* Map one page of size pt_level_size(level) (level 0, 1 or 2). -ENOMEM, or -EEXIST when
 * something is already mapped there. */
int pt_map(uint64_t pml4_pa, uint64_t va, uint64_t pa, uint64_t flags, unsigned level);
/* Remove a 4 KiB mapping and flush it from this CPU's TLB; returns the old entry (0 if none). */
pte_t pt_unmap(uint64_t pml4_pa, uint64_t va);
/* Physical address and leaf flags for va, whatever the page size; false when unmapped. */
bool pt_translate(uint64_t pml4_pa, uint64_t va, uint64_t *pa, uint64_t *flags);

/* Call fn for every present leaf (4 KiB, 2 MiB or 1 GiB) in [start, end) of the address
 * space, with the leaf's flags combined down the walk (W and U only if every level allows,
 * NX if any level sets it): the effective permissions the CPU applies. */
typedef void (*pt_leaf_fn)(uint64_t va, uint64_t pa, uint64_t size, uint64_t eff_flags, void *ctx);
void pt_walk_leaves(uint64_t pml4_pa, uint64_t start, uint64_t end, pt_leaf_fn fn, void *ctx);

/* Call fn with a pointer to every non-zero 4 KiB leaf entry, present or not, in [start, end) of
 * the user half; absent tables are skipped whole, large pages are not visited. fn may rewrite
 * or clear the entry (the caller flushes the TLB). Used by user address spaces (mm/vm*.c),
 * which keep the frame of a PROT_NONE page in a non-present entry. */
typedef void (*pt_pte_fn)(uint64_t va, pte_t *pte, void *ctx);
void pt_walk_ptes(uint64_t pml4_pa, uint64_t start, uint64_t end, pt_pte_fn fn, void *ctx);
/* Free every page-table page below the user/kernel split (PML4 slots 0-255) and clear those
 * slots. The frames the leaves pointed to must have been released by the caller. */
void pt_free_user_tables(uint64_t pml4_pa);

#endif
