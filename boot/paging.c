/* The hand-over page tables: physical memory mapped twice with 2 MiB pages (identity, for the
 * jump only, and the higher-half direct map, non-executable), and the kernel image mapped at
 * KERNEL_VIRT_BASE with 4 KiB pages carrying each segment's own permissions (W^X from the
 * first instruction). The kernel replaces these tables early. */
#include "loader.h"
#include <lib/elf.h>

#define PTE_P (1ULL << 0)
#define PTE_W (1ULL << 1)
#define PTE_PS (1ULL << 7)
#define PTE_NX (1ULL << 63)
#define PTE_ADDR 0x000ffffffffff000ULL
#define ENTRIES 512
#define SIZE_2M (2ULL << 20)
#define SIZE_1G (1ULL << 30)

static unsigned idx(UINT64 va, unsigned level) /* level 3 = PML4 ... 0 = PT */
{
	return (va >> (12 + 9 * level)) & (ENTRIES - 1);
}

static EFI_STATUS new_table(UINT64 **out)
{
	EFI_PHYSICAL_ADDRESS p = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData, 1, &p);
	if (EFI_ERROR(st))
		return st;
	ZeroMem((void *)p, LOADER_PAGE_SIZE);
	*out = (UINT64 *)p;
	return EFI_SUCCESS;
}

/* Return the next-level table under entry `i` of `table`, creating it when absent. */
static EFI_STATUS next_table(UINT64 *table, unsigned i, UINT64 **out)
{
	if (table[i] & PTE_P) {
		*out = (UINT64 *)(table[i] & PTE_ADDR);
		return EFI_SUCCESS;
	}
	EFI_STATUS st = new_table(out);
	if (!EFI_ERROR(st))
		table[i] = (UINT64)*out | PTE_P | PTE_W;
	return st;
}

static EFI_STATUS map_physical(UINT64 *pml4, UINT64 phys_limit, bool nx)
{
	UINT64 *pdpt;
	EFI_STATUS st = new_table(&pdpt);
	if (EFI_ERROR(st))
		return st;
	for (UINT64 gib = 0; gib * SIZE_1G < phys_limit; gib++) {
		UINT64 *pd;
		if (gib >= ENTRIES)
			return EFI_UNSUPPORTED; /* more than 512 GiB: one PML4 slot is enough for now */
		st = new_table(&pd);
		if (EFI_ERROR(st))
			return st;
		for (unsigned i = 0; i < ENTRIES; i++)
			pd[i] = (gib * SIZE_1G + i * SIZE_2M) | PTE_P | PTE_W | PTE_PS;
		pdpt[gib] = (UINT64)pd | PTE_P | PTE_W;
	}
	/* The two views share the lower levels; NX at the top makes the direct map non-executable. */
	pml4[idx(0, 3)] = (UINT64)pdpt | PTE_P | PTE_W;
	pml4[idx(DIRECT_MAP_BASE, 3)] = (UINT64)pdpt | PTE_P | PTE_W | (nx ? PTE_NX : 0);
	return EFI_SUCCESS;
}

static EFI_STATUS map_kernel_page(UINT64 *pml4, UINT64 va, UINT64 pa, UINT64 flags)
{
	UINT64 *t = pml4;
	for (unsigned level = 3; level > 0; level--) {
		EFI_STATUS st = next_table(t, idx(va, level), &t);
		if (EFI_ERROR(st))
			return st;
	}
	t[idx(va, 0)] = pa | flags;
	return EFI_SUCCESS;
}

static EFI_STATUS map_kernel(UINT64 *pml4, const struct boot_file *kf, const struct boot_info *bi,
			     bool nx)
{
	const Elf64_Ehdr *eh = (const Elf64_Ehdr *)kf->base;
	for (unsigned i = 0; i < eh->e_phnum; i++) {
		const Elf64_Phdr *ph = elf_phdr((const void *)kf->base, i);
		if (ph->p_type != PT_LOAD)
			continue;
		UINT64 flags = PTE_P;
		if (ph->p_flags & PF_W)
			flags |= PTE_W;
		if (!(ph->p_flags & PF_X) && nx)
			flags |= PTE_NX;
		UINT64 start = ph->p_vaddr & ~(LOADER_PAGE_SIZE - 1);
		UINT64 end = ph->p_vaddr + ph->p_memsz; /* checked not to wrap by elf_check */
		for (UINT64 va = start; va < end; va += LOADER_PAGE_SIZE) {
			EFI_STATUS st = map_kernel_page(pml4, va,
							bi->kernel_phys + (va - KERNEL_VIRT_BASE), flags);
			if (EFI_ERROR(st))
				return st;
		}
	}
	return EFI_SUCCESS;
}

EFI_STATUS build_page_tables(const struct boot_file *kernel_file, const struct boot_info *bi,
			     UINT64 phys_limit, bool nx, UINT64 *cr3)
{
	UINT64 *pml4;
	EFI_STATUS st = new_table(&pml4);
	if (EFI_ERROR(st))
		return st;
	st = map_physical(pml4, phys_limit, nx);
	if (!EFI_ERROR(st))
		st = map_kernel(pml4, kernel_file, bi, nx);
	if (EFI_ERROR(st))
		return st;
	*cr3 = (UINT64)pml4;
	return EFI_SUCCESS;
}
