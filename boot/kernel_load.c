/* Checks the kernel ELF file against its size and the kernel's address window, then copies its
 * PT_LOAD segments into one physically contiguous block that will be mapped at KERNEL_VIRT_BASE.
 * The checks are the same code the kernel uses for exec (kernel/lib/elf.c). */
#include "loader.h"
#include <lib/elf.h>

EFI_STATUS load_kernel(const struct boot_file *file, struct boot_info *bi, UINT64 *entry)
{
	const struct elf_limits lim = {
		.vaddr_min = KERNEL_VIRT_BASE,
		.vaddr_max = KERNEL_VIRT_LIMIT,
		.type = ET_EXEC,
		.max_phnum = 16,
		.allow_wx = false,
	};
	struct elf_info info;
	const char *why = "unknown";
	EFI_PHYSICAL_ADDRESS phys = 0;
	EFI_STATUS st;

	if (elf_check((const void *)file->base, file->size, &lim, &info, &why) != 0) {
		loader_log(L"kernel.elf is not a valid kernel image: %a\n", why);
		return EFI_LOAD_ERROR;
	}
	if (info.vaddr_lo != KERNEL_VIRT_BASE) {
		loader_log(L"kernel.elf must start at %lx, starts at %lx\n", KERNEL_VIRT_BASE,
			   info.vaddr_lo);
		return EFI_LOAD_ERROR;
	}

	UINT64 span = info.vaddr_hi - info.vaddr_lo;
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
			       LOADER_PAGES(span), &phys);
	if (EFI_ERROR(st)) {
		loader_log(L"no memory for the kernel image (%ld KiB): %r\n", span / 1024, st);
		return st;
	}
	ZeroMem((void *)phys, span); /* .bss and gaps */

	for (unsigned i = 0; i < info.phnum; i++) {
		const Elf64_Phdr *ph = elf_phdr((const void *)file->base, i);
		if (ph->p_type != PT_LOAD)
			continue;
		CopyMem((void *)(phys + (ph->p_vaddr - KERNEL_VIRT_BASE)),
			(const void *)(file->base + ph->p_offset), ph->p_filesz);
	}
	bi->kernel_phys = phys;
	bi->kernel_size = span;
	*entry = info.entry;
	return EFI_SUCCESS;
}
