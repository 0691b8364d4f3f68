/* Physical page allocator: the buddy allocator (mm/buddy.c) fed from the UEFI memory map, under
 * one IRQ-safe lock. Every page handed out is zeroed first, so no page carries a previous
 * owner's data (phys_alloc_page_unzeroed leaves that to a caller that overwrites the page
 * whole). Physical address 0 is never handed out and means "no memory". */
#ifndef MM_PHYS_H
#define MM_PHYS_H

#include <stdint.h>

/* Take usable RAM from boot_info's memory map (the first MiB stays reserved for the SMP
 * trampoline and firmware leftovers). */
void phys_init(void);
/* Hand the firmware's boot-services memory to the allocator; only once nothing in it is used
 * any more (our own GDT, IDT, stacks and page tables are live). */
void phys_reclaim_boot_services(void);

/* 2^order contiguous zeroed pages; returns their physical address, or 0 when out of memory. */
uint64_t phys_alloc_pages(unsigned order);
/* One page that still holds its previous owner's bytes: only for a caller that overwrites all
 * 4096 of them before the page is mapped or read by anyone (a copy-on-write copy). 0 when out
 * of memory. */
uint64_t phys_alloc_page_unzeroed(void);
/* Free pages from phys_alloc_pages; a double or mismatched free is a kernel bug (panic). */
void phys_free_pages(uint64_t pa, unsigned order);

uint64_t phys_free_count(void); /* free pages now */
uint64_t phys_total_count(void); /* pages ever given to the allocator */
/* One past the highest frame number of RAM (for per-frame tables such as page_ref). */
uint64_t phys_pfn_limit(void);

#endif
