/* Per-frame reference counts for private user pages: how many page-table entries (across all
 * address spaces) map a frame, so that copy-on-write knows when a frame is shared and when the
 * last mapping is gone; and for tmpfs data pages, one reference the file's plus one per entry
 * of a shared mapping. Frames owned by something else (page tables, shared-anonymous objects,
 * the zero page) are not counted here. Counts are updated atomically; no lock. */
#ifndef MM_PAGE_REF_H
#define MM_PAGE_REF_H

#include <stdint.h>

/* Allocate the count table, sized from the memory map (after kvm_init). Panics without memory. */
void page_ref_init(void);

void page_ref_set_one(uint64_t pa); /* a freshly allocated frame gets its first mapping */
void page_ref_inc(uint64_t pa);
uint32_t page_ref_dec(uint64_t pa); /* returns the new count; 0 means free the frame */
uint32_t page_ref_count(uint64_t pa);

#endif
