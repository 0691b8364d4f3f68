/* The one contract between the UEFI loader (boot/) and the kernel: what the loader found and
 * where it put things. Every address in here is physical unless its name says _virt; the kernel
 * reads it through the direct map. Bump BOOT_INFO_VERSION on any layout change. */
#ifndef BOOT_BOOT_INFO_H
#define BOOT_BOOT_INFO_H

#include <stdint.h>

#define BOOT_INFO_MAGIC 0x544f4f424f52455aULL /* "ZEROBOOT" little-endian */
#define BOOT_INFO_VERSION 1

/* Virtual layout the loader establishes and the kernel keeps. */
#define KERNEL_VIRT_BASE 0xffffffff80000000ULL /* the kernel image is linked here */
#define KERNEL_VIRT_LIMIT 0xffffffffc0000000ULL /* the image must end below this (1 GiB) */
#define DIRECT_MAP_BASE 0xffff800000000000ULL /* all physical memory, RW+NX */

#define BOOT_MEMMAP_MAX 512
#define BOOT_CMDLINE_MAX 1024

/* Memory region kinds, our own (not UEFI's numbering). */
enum boot_mem_type {
	BOOT_MEM_USABLE = 1, /* free RAM (EfiConventionalMemory) */
	BOOT_MEM_BOOT_SERVICES = 2, /* firmware boot-services RAM: free once boot services exited */
	BOOT_MEM_LOADER = 3, /* loader data: kernel image, boot_info, files, page tables */
	BOOT_MEM_ACPI_RECLAIM = 4, /* ACPI tables: free once parsed */
	BOOT_MEM_ACPI_NVS = 5,
	BOOT_MEM_RUNTIME = 6, /* UEFI runtime services code/data */
	BOOT_MEM_MMIO = 7,
	BOOT_MEM_RESERVED = 8, /* anything else, including unusable/persistent */
};

struct boot_mem_region {
	uint64_t base; /* page aligned */
	uint64_t pages; /* number of 4 KiB pages */
	uint32_t type; /* enum boot_mem_type */
	uint32_t reserved;
};
_Static_assert(sizeof(struct boot_mem_region) == 24, "boot_mem_region layout");

enum boot_fb_format {
	BOOT_FB_NONE = 0,
	BOOT_FB_RGBX = 1, /* byte 0 red, 1 green, 2 blue */
	BOOT_FB_BGRX = 2, /* byte 0 blue, 1 green, 2 red */
};

struct boot_framebuffer {
	uint64_t base; /* physical */
	uint64_t size; /* bytes */
	uint32_t width, height; /* pixels */
	uint32_t pitch; /* pixels per scan line (not bytes); 4 bytes per pixel */
	uint32_t format; /* enum boot_fb_format */
};

struct boot_file {
	uint64_t base; /* physical, page aligned; 0 when absent */
	uint64_t size; /* bytes */
};

struct boot_info {
	uint64_t magic; /* BOOT_INFO_MAGIC */
	uint32_t version; /* BOOT_INFO_VERSION */
	uint32_t size; /* sizeof(struct boot_info) as the loader built it */

	uint64_t kernel_phys; /* where the image starting at KERNEL_VIRT_BASE lives */
	uint64_t kernel_size; /* bytes, page aligned, from KERNEL_VIRT_BASE */
	struct boot_file kernel_file; /* the kernel ELF file as read (symbols for backtraces) */
	struct boot_file initramfs; /* cpio newc archive, or base 0 */
	uint64_t acpi_rsdp; /* physical address of the RSDP, or 0 */
	uint64_t loader_cr3; /* page tables the loader built (LOADER memory) */
	uint64_t tsc_at_handover; /* TSC read just before jumping to the kernel */
	struct boot_framebuffer fb;

	uint32_t memmap_count;
	uint32_t reserved0;
	struct boot_mem_region memmap[BOOT_MEMMAP_MAX];

	char cmdline[BOOT_CMDLINE_MAX]; /* NUL terminated */
};

/* The kernel entry point is called with the System V ABI: rdi = physical address of
 * struct boot_info. Interrupts are off, paging on with the loader's tables, which identity-map
 * low memory for the hand-over only; the kernel must not rely on that identity map. */

#endif
