/* The firmware memory map: its extent (to size the direct map) and its translation into the
 * kernel's boot_mem_region list at ExitBootServices time. */
#include "loader.h"

#define EXIT_RETRIES 8

static UINT32 region_type(UINT32 efi_type)
{
	switch (efi_type) {
	case EfiConventionalMemory:
		return BOOT_MEM_USABLE;
	case EfiBootServicesCode:
	case EfiBootServicesData:
		return BOOT_MEM_BOOT_SERVICES;
	case EfiLoaderCode:
	case EfiLoaderData:
		return BOOT_MEM_LOADER;
	case EfiACPIReclaimMemory:
		return BOOT_MEM_ACPI_RECLAIM;
	case EfiACPIMemoryNVS:
		return BOOT_MEM_ACPI_NVS;
	case EfiRuntimeServicesCode:
	case EfiRuntimeServicesData:
		return BOOT_MEM_RUNTIME;
	case EfiMemoryMappedIO:
	case EfiMemoryMappedIOPortSpace:
		return BOOT_MEM_MMIO;
	default:
		return BOOT_MEM_RESERVED;
	}
}

EFI_STATUS memmap_phys_limit(UINT64 *limit)
{
	UINTN entries, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = LibMemoryMap(&entries, &key, &desc_size, &desc_version);
	if (!map)
		return EFI_OUT_OF_RESOURCES;
	UINT64 top = 0;
	for (UINTN i = 0; i < entries; i++) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + i * desc_size);
		UINT64 end = d->PhysicalStart + d->NumberOfPages * LOADER_PAGE_SIZE;
		if (end > top)
			top = end;
	}
	FreePool(map);
	*limit = top;
	return EFI_SUCCESS;
}

/* Append a region, merging it with the previous one when they touch and share a type. */
static bool add_region(struct boot_info *bi, UINT64 base, UINT64 pages, UINT32 type)
{
	if (bi->memmap_count > 0) {
		struct boot_mem_region *prev = &bi->memmap[bi->memmap_count - 1];
		if (prev->type == type && prev->base + prev->pages * LOADER_PAGE_SIZE == base) {
			prev->pages += pages;
			return true;
		}
	}
	if (bi->memmap_count >= BOOT_MEMMAP_MAX)
		return false;
	bi->memmap[bi->memmap_count++] = (struct boot_mem_region){ base, pages, type, 0 };
	return true;
}

/* Firmware maps are sorted in practice but the spec does not promise it: sort by base. */
static void sort_regions(struct boot_info *bi)
{
	for (UINT32 i = 1; i < bi->memmap_count; i++) {
		struct boot_mem_region r = bi->memmap[i];
		UINT32 j = i;
		while (j > 0 && bi->memmap[j - 1].base > r.base) {
			bi->memmap[j] = bi->memmap[j - 1];
			j--;
		}
		bi->memmap[j] = r;
	}
}

static EFI_STATUS translate(struct boot_info *bi, EFI_MEMORY_DESCRIPTOR *map, UINTN map_size,
			    UINTN desc_size)
{
	bi->memmap_count = 0;
	for (UINTN off = 0; off + desc_size <= map_size; off += desc_size) {
		EFI_MEMORY_DESCRIPTOR *d = (EFI_MEMORY_DESCRIPTOR *)((UINT8 *)map + off);
		if (!add_region(bi, d->PhysicalStart, d->NumberOfPages, region_type(d->Type)))
			return EFI_BUFFER_TOO_SMALL;
	}
	sort_regions(bi);
	return EFI_SUCCESS;
}

EFI_STATUS exit_boot_services(EFI_HANDLE image, struct boot_info *bi)
{
	/* The buffer is allocated once, with slack, because allocating changes the map. */
	UINTN cap = 0, key, desc_size;
	UINT32 desc_version;
	EFI_MEMORY_DESCRIPTOR *map = NULL;
	EFI_STATUS st = uefi_call_wrapper(BS->GetMemoryMap, 5, &cap, map, &key, &desc_size,
					  &desc_version);
	if (st != EFI_BUFFER_TOO_SMALL)
		return st;
	cap += 16 * desc_size;
	st = uefi_call_wrapper(BS->AllocatePool, 3, EfiLoaderData, cap, (void **)&map);
	if (EFI_ERROR(st))
		return st;

	for (int attempt = 0; attempt < EXIT_RETRIES; attempt++) {
		UINTN size = cap;
		st = uefi_call_wrapper(BS->GetMemoryMap, 5, &size, map, &key, &desc_size, &desc_version);
		if (EFI_ERROR(st))
			return st;
		st = translate(bi, map, size, desc_size);
		if (EFI_ERROR(st))
			return st;
		st = uefi_call_wrapper(BS->ExitBootServices, 2, image, key);
		if (st != EFI_INVALID_PARAMETER) /* anything but a stale key is final */
			return st;
	}
	return st;
}
