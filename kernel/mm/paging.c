/* Page-table walking: the index arithmetic, table allocation, map/unmap/translate and the leaf
 * visitor used by the W^X audit. */
#include <stddef.h>
#include <mm/paging.h>
#include <core/compiler.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <arch/x86_64/cpu.h>
#include <uapi/errno.h>

static pte_t *table_of(pte_t entry)
{
	return phys_to_virt(entry & PTE_ADDR_MASK);
}

/* Canonical form: bits 63..48 copy bit 47. */
static uint64_t canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << 16) >> 16);
}

pte_t *pt_entry(uint64_t pml4_pa, uint64_t va, unsigned level, bool alloc)
{
	pte_t *table = phys_to_virt(pml4_pa);
	for (unsigned l = PT_LEVEL_PML4; l > level; l--) {
		pte_t *e = &table[pt_index(va, l)];
		if (!(*e & PTE_P)) {
			if (!alloc)
				return NULL;
			uint64_t pa = phys_alloc_pages(0);
			if (!pa)
				return NULL;
			/* Intermediate levels allow everything; the leaf decides. User bits only
			 * below the user/kernel split so the kernel half never becomes reachable. */
			*e = pa | PTE_P | PTE_W | (va < USER_SPACE_END ? PTE_U : 0);
		} else if (*e & PTE_PS) {
			return NULL;
		}
		table = table_of(*e);
	}
	return &table[pt_index(va, level)];
}

int pt_map(uint64_t pml4_pa, uint64_t va, uint64_t pa, uint64_t flags, unsigned level)
{
	pte_t *e = pt_entry(pml4_pa, va, level, true);
	if (!e)
		return -ENOMEM;
	if (*e & PTE_P)
		return -EEXIST;
	*e = (pa & PTE_ADDR_MASK) | flags | PTE_P | (level > 0 ? PTE_PS : 0);
	return 0;
}

pte_t pt_unmap(uint64_t pml4_pa, uint64_t va)
{
	pte_t *e = pt_entry(pml4_pa, va, PT_LEVEL_PT, false);
	if (!e || !(*e & PTE_P))
		return 0;
	pte_t old = *e;
	*e = 0;
	invlpg(va);
	return old;
}

bool pt_translate(uint64_t pml4_pa, uint64_t va, uint64_t *pa, uint64_t *flags)
{
	pte_t *table = phys_to_virt(pml4_pa);
	for (int l = PT_LEVEL_PML4; l >= 0; l--) {
		pte_t e = table[pt_index(va, l)];
		if (!(e & PTE_P))
			return false;
		if (l == 0 || (e & PTE_PS)) {
			uint64_t size = pt_level_size(l);
			*pa = (e & PTE_ADDR_MASK & ~(size - 1)) + (va & (size - 1));
			*flags = e & PTE_FLAGS_MASK;
			return true;
		}
		table = table_of(e);
	}
	return false;
}

struct walk {
	uint64_t start, end;
	pt_leaf_fn fn;
	void *ctx;
};

static void walk_table(const struct walk *w, pte_t *table, unsigned level, uint64_t base,
		       uint64_t inherited)
{
	uint64_t size = pt_level_size(level);
	for (unsigned i = 0; i < PT_ENTRIES; i++) {
		uint64_t va = canonical(base + i * size);
		if (va + (size - 1) < w->start || va >= w->end)
			continue;
		pte_t e = table[i];
		if (!(e & PTE_P))
			continue;
		/* W and U must be allowed at every level; NX at any level forbids execution. */
		uint64_t eff = (e & PTE_FLAGS_MASK & ~(PTE_W | PTE_U | PTE_NX)) |
			       (e & inherited & (PTE_W | PTE_U)) | ((e | inherited) & PTE_NX);
		if (level == 0 || (e & PTE_PS))
			w->fn(va, e & PTE_ADDR_MASK & ~(size - 1), size, eff, w->ctx);
		else
			walk_table(w, table_of(e), level - 1, va, eff);
	}
}

void pt_walk_leaves(uint64_t pml4_pa, uint64_t start, uint64_t end, pt_leaf_fn fn, void *ctx)
{
	struct walk w = { start, end, fn, ctx };
	walk_table(&w, phys_to_virt(pml4_pa), PT_LEVEL_PML4, 0, PTE_W | PTE_U);
}

struct pte_walk {
	uint64_t start, end;
	pt_pte_fn fn;
	void *ctx;
};

static void walk_ptes(const struct pte_walk *w, pte_t *table, unsigned level, uint64_t base)
{
	/* Only the slots that overlap [start, end): the caller made sure some do. */
	uint64_t size = pt_level_size(level);
	uint64_t lo = MAX(w->start, base), hi = MIN(w->end, base + PT_ENTRIES * size);
	unsigned last = (unsigned)((hi - 1 - base) / size);
	for (unsigned i = (unsigned)((lo - base) / size); i <= last; i++) {
		uint64_t va = base + i * size;
		pte_t *e = &table[i];
		if (level == PT_LEVEL_PT) {
			if (*e)
				w->fn(va, e, w->ctx);
		} else if ((*e & PTE_P) && !(*e & PTE_PS)) {
			walk_ptes(w, table_of(*e), level - 1, va);
		}
	}
}

void pt_walk_ptes(uint64_t pml4_pa, uint64_t start, uint64_t end, pt_pte_fn fn, void *ctx)
{
	if (end > USER_SPACE_END)
		end = USER_SPACE_END;
	if (start >= end)
		return;
	struct pte_walk w = { start, end, fn, ctx };
	walk_ptes(&w, phys_to_virt(pml4_pa), PT_LEVEL_PML4, 0);
}

/* Free the tables below a user-half entry at `level` (level > 0 means it points to a table). */
static void free_table(pte_t entry, unsigned level)
{
	pte_t *table = table_of(entry);
	if (level > PT_LEVEL_PD) {
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if ((table[i] & PTE_P) && !(table[i] & PTE_PS))
				free_table(table[i], level - 1);
	} else {
		for (unsigned i = 0; i < PT_ENTRIES; i++)
			if ((table[i] & PTE_P) && !(table[i] & PTE_PS))
				phys_free_pages(table[i] & PTE_ADDR_MASK, 0);
	}
	phys_free_pages(entry & PTE_ADDR_MASK, 0);
}

void pt_free_user_tables(uint64_t pml4_pa)
{
	pte_t *pml4 = phys_to_virt(pml4_pa);
	for (unsigned i = 0; i < PT_ENTRIES / 2; i++) {
		if (pml4[i] & PTE_P)
			free_table(pml4[i], PT_LEVEL_PDPT);
		pml4[i] = 0;
	}
}
