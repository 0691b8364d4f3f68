/* Builds the kernel's own page tables to replace the loader's: the direct map of physical
 * memory with the largest pages the CPU offers, and the kernel image with per-section
 * permissions. The loader's identity map is simply not carried over. */
#include <mm/kvm.h>
#include <mm/paging.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <core/boot.h>
#include <core/panic.h>
#include <core/printk.h>
#include <arch/x86_64/cpu.h>
#include <core/spinlock.h>

#define MIN_DIRECT_MAP (4ULL << 30) /* the 32-bit MMIO hole is always covered */
#define CPUID_EXT_PDPE1GB (1u << 26)

uint64_t kernel_pml4_pa;
/* Guards changes to the kernel half of the page tables after boot. */
static struct spinlock kernel_pt_lock = SPINLOCK_INIT("kernel_pt");

static uint64_t direct_map_limit(void)
{
	uint64_t top = MIN_DIRECT_MAP;
	for (uint32_t i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];
		top = MAX(top, r->base + r->pages * PAGE_SIZE);
	}
	if (boot_info.fb.base)
		top = MAX(top, boot_info.fb.base + boot_info.fb.size);
	return top;
}

static void map_or_panic(uint64_t va, uint64_t pa, uint64_t flags, unsigned level)
{
	int err = pt_map(kernel_pml4_pa, va, pa, flags, level);
	if (err)
		panic("kvm: cannot map %#lx (%d)", va, err);
}

static void map_direct(void)
{
	uint64_t limit = direct_map_limit();
	bool gib = cpuid(0x80000001, 0).edx & CPUID_EXT_PDPE1GB;
	unsigned level = gib ? PT_LEVEL_PDPT : PT_LEVEL_PD;
	uint64_t step = pt_level_size(level);
	for (uint64_t pa = 0; pa < limit; pa += step)
		map_or_panic(DIRECT_MAP_BASE + pa, pa, PTE_W | PTE_NX | PTE_G, level);
	pr_info("memory: direct map of %lu MiB with %s pages\n", limit >> 20, gib ? "1 GiB" : "2 MiB");
}

static void map_section(const char *start, const char *end, uint64_t flags)
{
	for (uint64_t va = (uint64_t)start; va < (uint64_t)end; va += PAGE_SIZE)
		map_or_panic(va, virt_to_phys((void *)va), flags | PTE_G, PT_LEVEL_PT);
}

void kvm_init(void)
{
	kernel_pml4_pa = phys_alloc_pages(0);
	if (!kernel_pml4_pa)
		panic("kvm: no memory for the kernel page tables");
	/* Populate every kernel-half PML4 slot now, so address spaces created later can share
	 * these slots and still see every future kernel mapping. */
	pte_t *pml4 = phys_to_virt(kernel_pml4_pa);
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++) {
		uint64_t pdpt = phys_alloc_pages(0);
		if (!pdpt)
			panic("kvm: no memory for kernel PDPTs");
		pml4[i] = pdpt | PTE_P | PTE_W;
	}
	map_direct();
	map_section(__text_start, __text_end, 0);
	map_section(__rodata_start, __rodata_end, PTE_NX);
	map_section(__data_start, __data_end, PTE_W | PTE_NX);
	write_cr3(kernel_pml4_pa);
	pr_info("memory: kernel page tables active (text RX, rodata R, data RW+NX, no identity map)\n");
}

int kvm_map_page(uint64_t va, uint64_t pa, uint64_t flags)
{
	uint64_t f = spin_lock_irqsave(&kernel_pt_lock);
	int err = pt_map(kernel_pml4_pa, va, pa, flags | PTE_G, PT_LEVEL_PT);
	spin_unlock_irqrestore(&kernel_pt_lock, f);
	return err;
}

uint64_t kvm_unmap_page(uint64_t va)
{
	uint64_t f = spin_lock_irqsave(&kernel_pt_lock);
	pte_t old = pt_unmap(kernel_pml4_pa, va);
	spin_unlock_irqrestore(&kernel_pt_lock, f);
	return old;
}
