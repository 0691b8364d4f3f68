/* The kernel half of every address space: built once at boot, shared by reference afterwards
 * (all 256 kernel PML4 slots are populated up front so that later kernel mappings appear in
 * every process without copying). */
#ifndef MM_KVM_H
#define MM_KVM_H

#include <stdint.h>

extern uint64_t kernel_pml4_pa; /* the kernel's own top-level table */

/* Build the kernel's page tables and switch to them: direct map RW+NX, text RX, rodata R+NX,
 * data/bss RW+NX, everything global, no identity map. Panics when memory runs out (boot). */
void kvm_init(void);

/* Map/unmap one 4 KiB page in the kernel half (KVA area), under the kernel page-table lock.
 * Lock order: kernel_pt_lock, then phys_lock (page-table pages are allocated inside). */
int kvm_map_page(uint64_t va, uint64_t pa, uint64_t flags);
uint64_t kvm_unmap_page(uint64_t va); /* returns the old entry */

#endif
