/* Reading files from the EFI system partition the loader was started from. */
#include "loader.h"

EFI_STATUS read_file(EFI_FILE_HANDLE root, const CHAR16 *path, struct boot_file *out)
{
	EFI_FILE_HANDLE fh;
	EFI_STATUS st;
	EFI_PHYSICAL_ADDRESS pages = 0;
	UINTN size, got;

	out->base = 0;
	out->size = 0;
	st = uefi_call_wrapper(root->Open, 5, root, &fh, (CHAR16 *)path, EFI_FILE_MODE_READ, 0);
	if (EFI_ERROR(st))
		return st;

	EFI_FILE_INFO *info = LibFileInfo(fh);
	if (!info) {
		st = EFI_DEVICE_ERROR;
		goto out_close;
	}
	size = info->FileSize;
	FreePool(info);

	/* One spare page so that a zero-length file still gets a valid, distinct buffer. */
	st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
			       LOADER_PAGES(size) + 1, &pages);
	if (EFI_ERROR(st))
		goto out_close;

	got = size;
	st = uefi_call_wrapper(fh->Read, 3, fh, &got, (void *)pages);
	if (!EFI_ERROR(st) && got != size)
		st = EFI_END_OF_FILE;
	if (EFI_ERROR(st)) {
		uefi_call_wrapper(BS->FreePages, 2, pages, LOADER_PAGES(size) + 1);
		goto out_close;
	}
	out->base = pages;
	out->size = size;
out_close:
	uefi_call_wrapper(fh->Close, 1, fh);
	return st;
}
