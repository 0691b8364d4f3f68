/* Shared declarations of the UEFI loader: reading files from the ESP, loading and checking the
 * kernel ELF, building the hand-over page tables, and collecting the memory map. */
#ifndef BOOT_LOADER_H
#define BOOT_LOADER_H

#include <stdbool.h>
#include <efi.h>
#include <efilib.h>
#include <boot/boot_info.h>

#define LOADER_PAGE_SIZE 4096ULL
#define LOADER_PAGES(bytes) (((bytes) + LOADER_PAGE_SIZE - 1) / LOADER_PAGE_SIZE)

/* Print a message on the firmware console (screen and serial), prefixed by "loader: ". */
void loader_log(const CHAR16 *fmt, ...);

/* Read a whole file from the boot volume into fresh LoaderData pages. EFI_NOT_FOUND if absent. */
EFI_STATUS read_file(EFI_FILE_HANDLE root, const CHAR16 *path, struct boot_file *out);

/* Check the kernel ELF and copy its PT_LOAD segments into freshly allocated pages. */
EFI_STATUS load_kernel(const struct boot_file *file, struct boot_info *bi, UINT64 *entry);

/* Build page tables: identity + direct map of [0, phys_limit), kernel at KERNEL_VIRT_BASE. */
EFI_STATUS build_page_tables(const struct boot_file *kernel_file, const struct boot_info *bi,
			     UINT64 phys_limit, bool nx, UINT64 *cr3);

/* Highest physical address the firmware memory map mentions. */
EFI_STATUS memmap_phys_limit(UINT64 *limit);

/* Translate the firmware memory map into bi->memmap and exit boot services (retrying when
 * the map key went stale). No firmware call may be made after this succeeds. */
EFI_STATUS exit_boot_services(EFI_HANDLE image, struct boot_info *bi);

#endif
