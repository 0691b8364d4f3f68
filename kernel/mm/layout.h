/* The kernel's virtual address layout and conversions between physical and virtual addresses.
 *
 *   0x0000000000000000 - 0x00007fffffffffff  user space (per process)
 *   0xffff800000000000 - ...                 direct map of all physical memory, RW+NX
 *   0xffffc00000000000 - 0xffffc07fffffffff  kernel virtual area (stacks with guard pages, MMIO)
 *   0xffffffff80000000 - 0xffffffffbfffffff  kernel image (text RX, rodata R, data RW+NX)
 */
#ifndef MM_LAYOUT_H
#define MM_LAYOUT_H

#include <stdint.h>
#include <boot/boot_info.h>

#define PAGE_SHIFT 12
#define PAGE_SIZE (UINT64_C(1) << PAGE_SHIFT)
#define PAGE_MASK (~(PAGE_SIZE - 1))

#define USER_SPACE_END 0x0000800000000000ULL
#define KVA_BASE 0xffffc00000000000ULL
#define KVA_SIZE (512ULL << 30)

extern uint64_t kernel_phys_base; /* physical address of KERNEL_VIRT_BASE */

static inline void *phys_to_virt(uint64_t pa)
{
	return (void *)(pa + DIRECT_MAP_BASE);
}

/* For addresses in the direct map or the kernel image only. */
static inline uint64_t virt_to_phys(const void *va)
{
	uint64_t v = (uint64_t)va;
	if (v >= KERNEL_VIRT_BASE)
		return v - KERNEL_VIRT_BASE + kernel_phys_base;
	return v - DIRECT_MAP_BASE;
}

extern char __kernel_start[], __kernel_end[], __text_start[], __text_end[];
extern char __rodata_start[], __rodata_end[], __data_start[], __data_end[];
extern char __bss_start[], __bss_end[];

#endif
