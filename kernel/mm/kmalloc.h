/* kmalloc/kfree: size-class slab caches (16 B .. 2 KiB) for small objects, whole buddy blocks for
 * larger ones. Memory is always returned zeroed, and zeroed again when freed. A double free or a
 * pointer that kmalloc never returned is detected and is a kernel bug (panic). IRQ-safe. */
#ifndef MM_KMALLOC_H
#define MM_KMALLOC_H

#include <stddef.h>

void *kmalloc(size_t size); /* zeroed, 16-byte aligned; NULL when out of memory */
void kfree(void *p); /* NULL is ignored */

#endif
