/* The kernel virtual area (KVA_BASE..): kernel stacks with unmapped guard pages, and MMIO
 * mappings of device memory. */
#ifndef MM_VMAP_H
#define MM_VMAP_H

#include <stddef.h>
#include <stdint.h>

/* Map device memory [pa, pa+size) uncached, RW, NX. NULL when out of address space/memory. */
void *ioremap(uint64_t pa, size_t size);
/* A kernel stack of `pages` pages with an unmapped guard page below it; returns the stack's
 * top (initial rsp), or 0. */
uint64_t kstack_alloc(size_t pages);
void kstack_free(uint64_t top, size_t pages);

/* Virtually contiguous, zeroed kernel memory of `pages` pages (with a guard page below), for
 * large temporary buffers such as a program being exec'd. NULL when out of memory. */
void *vmalloc_pages(size_t pages);
void vfree_pages(void *p, size_t pages);

#define KSTACK_PAGES 4

#endif
