/* Zero-OS UEFI loader: reads \ZERO\KERNEL.ELF (and optional INITRD.CPIO and CMDLINE.TXT) from the
 * ESP, checks and loads the kernel, gathers what the kernel needs into struct boot_info, builds
 * the hand-over page tables, exits boot services and jumps to the kernel. Any failure before
 * ExitBootServices is reported and returns to the firmware. */
#include "loader.h"

#define KERNEL_PATH L"\\ZERO\\KERNEL.ELF"
#define INITRD_PATH L"\\ZERO\\INITRD.CPIO"
#define CMDLINE_PATH L"\\ZERO\\CMDLINE.TXT"
#define MIN_DIRECT_MAP (4ULL << 30) /* always cover the 32-bit MMIO hole (LAPIC, IOAPIC, HPET) */
#define MSR_EFER 0xc0000080
#define EFER_NXE (1ULL << 11)
#define CR4_LA57 (1ULL << 12)

void loader_log(const CHAR16 *fmt, ...)
{
	va_list ap;
	Print(L"loader: ");
	va_start(ap, fmt);
	VPrint((CHAR16 *)fmt, ap);
	va_end(ap);
}

static UINT64 rdmsr(UINT32 msr)
{
	UINT32 lo, hi;
	__asm__ volatile("rdmsr" : "=a"(lo), "=d"(hi) : "c"(msr));
	return ((UINT64)hi << 32) | lo;
}

static void wrmsr(UINT32 msr, UINT64 v)
{
	__asm__ volatile("wrmsr" ::"c"(msr), "a"((UINT32)v), "d"((UINT32)(v >> 32)));
}

static bool cpu_has_nx(void)
{
	UINT32 a, b, c, d;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000000));
	if (a < 0x80000001)
		return false;
	__asm__ volatile("cpuid" : "=a"(a), "=b"(b), "=c"(c), "=d"(d) : "a"(0x80000001));
	return d & (1u << 20);
}

static void find_framebuffer(struct boot_info *bi)
{
	EFI_GUID gop_guid = EFI_GRAPHICS_OUTPUT_PROTOCOL_GUID;
	EFI_GRAPHICS_OUTPUT_PROTOCOL *gop = NULL;
	if (EFI_ERROR(LibLocateProtocol(&gop_guid, (void **)&gop)) || !gop || !gop->Mode)
		return;
	EFI_GRAPHICS_OUTPUT_MODE_INFORMATION *mi = gop->Mode->Info;
	if (mi->PixelFormat == PixelRedGreenBlueReserved8BitPerColor)
		bi->fb.format = BOOT_FB_RGBX;
	else if (mi->PixelFormat == PixelBlueGreenRedReserved8BitPerColor)
		bi->fb.format = BOOT_FB_BGRX;
	else
		return; /* bit-mask and blt-only modes: no linear framebuffer we can use */
	bi->fb.base = gop->Mode->FrameBufferBase;
	bi->fb.size = gop->Mode->FrameBufferSize;
	bi->fb.width = mi->HorizontalResolution;
	bi->fb.height = mi->VerticalResolution;
	bi->fb.pitch = mi->PixelsPerScanLine;
}

static void find_rsdp(struct boot_info *bi)
{
	EFI_GUID acpi2 = ACPI_20_TABLE_GUID, acpi1 = ACPI_TABLE_GUID;
	void *table = NULL;
	if (!EFI_ERROR(LibGetSystemConfigurationTable(&acpi2, &table)) && table)
		bi->acpi_rsdp = (UINT64)table;
	else if (!EFI_ERROR(LibGetSystemConfigurationTable(&acpi1, &table)) && table)
		bi->acpi_rsdp = (UINT64)table;
}

static void read_cmdline(EFI_FILE_HANDLE root, struct boot_info *bi)
{
	struct boot_file f;
	if (EFI_ERROR(read_file(root, CMDLINE_PATH, &f)))
		return;
	UINTN n = f.size < BOOT_CMDLINE_MAX - 1 ? f.size : BOOT_CMDLINE_MAX - 1;
	CopyMem(bi->cmdline, (void *)f.base, n);
	while (n > 0 && (bi->cmdline[n - 1] == '\n' || bi->cmdline[n - 1] == '\r'))
		n--;
	bi->cmdline[n] = 0;
	uefi_call_wrapper(BS->FreePages, 2, f.base, LOADER_PAGES(f.size) + 1);
}

static EFI_STATUS open_boot_volume(EFI_HANDLE image, EFI_FILE_HANDLE *root)
{
	EFI_LOADED_IMAGE *li = NULL;
	EFI_GUID lip = LOADED_IMAGE_PROTOCOL;
	EFI_STATUS st = uefi_call_wrapper(BS->HandleProtocol, 3, image, &lip, (void **)&li);
	if (EFI_ERROR(st))
		return st;
	*root = LibOpenRoot(li->DeviceHandle);
	return *root ? EFI_SUCCESS : EFI_NOT_FOUND;
}

static EFI_STATUS alloc_boot_info(struct boot_info **out)
{
	EFI_PHYSICAL_ADDRESS p = 0;
	EFI_STATUS st = uefi_call_wrapper(BS->AllocatePages, 4, AllocateAnyPages, EfiLoaderData,
					  LOADER_PAGES(sizeof(struct boot_info)), &p);
	if (EFI_ERROR(st))
		return st;
	ZeroMem((void *)p, sizeof(struct boot_info));
	*out = (struct boot_info *)p;
	(*out)->magic = BOOT_INFO_MAGIC;
	(*out)->version = BOOT_INFO_VERSION;
	(*out)->size = sizeof(struct boot_info);
	return EFI_SUCCESS;
}

static void __attribute__((noreturn)) jump_to_kernel(UINT64 cr3, UINT64 entry, struct boot_info *bi)
{
	UINT32 lo, hi;
	__asm__ volatile("rdtsc" : "=a"(lo), "=d"(hi));
	bi->tsc_at_handover = ((UINT64)hi << 32) | lo;
	__asm__ volatile("cli\n\t"
			 "mov %0, %%cr3\n\t"
			 "jmp *%1"
			 :
			 : "r"(cr3), "r"(entry), "D"((UINT64)bi)
			 : "memory");
	__builtin_unreachable();
}

EFI_STATUS efi_main(EFI_HANDLE image, EFI_SYSTEM_TABLE *systab)
{
	EFI_FILE_HANDLE root;
	struct boot_info *bi;
	UINT64 entry, cr3, phys_limit;
	EFI_STATUS st;

	InitializeLib(image, systab);
	loader_log(L"Zero-OS loader\n");

	UINT64 cr4;
	__asm__ volatile("mov %%cr4, %0" : "=r"(cr4));
	if (cr4 & CR4_LA57) {
		loader_log(L"5-level paging is active; Zero-OS needs 4-level paging\n");
		return EFI_UNSUPPORTED;
	}
	st = alloc_boot_info(&bi);
	if (!EFI_ERROR(st))
		st = open_boot_volume(image, &root);
	if (EFI_ERROR(st)) {
		loader_log(L"cannot open the boot volume: %r\n", st);
		return st;
	}
	st = read_file(root, KERNEL_PATH, &bi->kernel_file);
	if (EFI_ERROR(st)) {
		loader_log(L"cannot read %s: %r\n", KERNEL_PATH, st);
		return st;
	}
	st = load_kernel(&bi->kernel_file, bi, &entry);
	if (EFI_ERROR(st)) {
		loader_log(L"refusing to boot %s; returning to the firmware\n", KERNEL_PATH);
		return st;
	}
	st = read_file(root, INITRD_PATH, &bi->initramfs);
	if (EFI_ERROR(st) && st != EFI_NOT_FOUND) {
		loader_log(L"cannot read %s: %r\n", INITRD_PATH, st);
		return st;
	}
	read_cmdline(root, bi);
	find_framebuffer(bi);
	find_rsdp(bi);

	bool nx = cpu_has_nx();
	if (nx)
		wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	st = memmap_phys_limit(&phys_limit);
	if (!EFI_ERROR(st)) {
		if (phys_limit < MIN_DIRECT_MAP)
			phys_limit = MIN_DIRECT_MAP;
		if (bi->fb.base + bi->fb.size > phys_limit)
			phys_limit = bi->fb.base + bi->fb.size;
		st = build_page_tables(&bi->kernel_file, bi, phys_limit, nx, &cr3);
	}
	if (EFI_ERROR(st)) {
		loader_log(L"cannot build page tables: %r\n", st);
		return st;
	}
	bi->loader_cr3 = cr3;
	loader_log(L"kernel %ld KiB, initramfs %ld KiB, entering kernel\n", bi->kernel_size / 1024,
		   bi->initramfs.size / 1024);

	st = exit_boot_services(image, bi);
	if (EFI_ERROR(st)) {
		/* Boot services may be half gone: the console may not work, but try. */
		loader_log(L"ExitBootServices failed: %r\n", st);
		return st;
	}
	jump_to_kernel(cr3, entry, bi);
}
