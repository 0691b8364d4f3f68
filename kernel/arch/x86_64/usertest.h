/* Self-test helpers: map a page into the user half of the current address space without the
 * memory manager's VMAs, so that usercopy and the entry path can be tested on their own. The
 * kernel sees the page through its direct-map alias (kva): with SMAP it may not touch the user
 * address itself. */
#ifndef ARCH_USERTEST_H
#define ARCH_USERTEST_H

#include <stdint.h>

struct usertest_page {
	uint64_t va; /* user address */
	uint64_t pa;
	char *kva; /* kernel alias of the same frame */
};

/* flags: PTE_* beyond PTE_U (e.g. PTE_W | PTE_NX). 0 or -errno (-EEXIST if va is taken). */
int usertest_map(struct usertest_page *p, uint64_t va, uint64_t flags);
void usertest_unmap(struct usertest_page *p);

#endif
