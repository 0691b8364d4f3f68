/* Starting the other CPUs (INIT-SIPI-SIPI through the real-mode trampoline of
 * smp_trampoline.S) and the inter-processor interrupts that are not the TLB's (mm/tlb.c). */
#include <arch/x86_64/smp.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_features.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/syscall.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/trap.h>
#include <boot/boot_info.h>
#include <core/boot.h>
#include <core/panic.h>
#include <core/printk.h>
#include <drivers/acpi.h>
#include <lib/string.h>
#include <mm/kvm.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <mm/vmap.h>
#include <sched/sched.h>

extern char smp_trampoline_start[], smp_trampoline_end[];
extern char tr_gdt_ptr[], tr_far[], tr_cr3[], tr_stack[], tr_cpu[], tr_kernel_cr3[], tr_entry[];
extern char tr_gdt[], tr_long[];
void smp_ap_entry(void);

/* The trampoline's pages below 1 MiB (the allocator never hands out the first MiB): its code,
 * then the temporary PML4, PDPT, PD and PT that map it. */
enum { TP_CODE, TP_PML4, TP_PDPT, TP_PD, TP_PT, TP_PAGES };
#define TRAMPOLINE_MIN 0x1000ULL /* page 0 holds the real-mode IVT */
#define TRAMPOLINE_LIMIT 0x100000ULL /* a STARTUP vector names a page below 1 MiB */
#define INIT_DEASSERT_WAIT_US 10000 /* SDM: wait 10 ms after INIT */
#define SIPI_WAIT_US 200
#define AP_START_TIMEOUT_US 5000000 /* generous: an emulator may be slow to start a vCPU */

static uint64_t online_mask = 1; /* atomic; the boot CPU is CPU 0 */
static uint32_t ap_apic_ids[MAX_CPUS]; /* written before the CPU is started */
static uint64_t ap_stack_tops[MAX_CPUS];

uint64_t smp_online_mask(void)
{
	return __atomic_load_n(&online_mask, __ATOMIC_ACQUIRE);
}

void smp_send_ipi(uint32_t cpu, uint8_t vector)
{
	lapic_send_ipi(percpu_array[cpu].apic_id, vector);
}

void smp_send_resched(uint32_t cpu)
{
	if (cpu != this_cpu_id() && (smp_online_mask() & (1ULL << cpu)))
		smp_send_ipi(cpu, VECTOR_IPI_RESCHED);
}

void smp_stop_others(void)
{
	uint64_t others = smp_online_mask() & ~(1ULL << this_cpu_id());
	for (; others; others &= others - 1)
		smp_send_ipi((uint32_t)__builtin_ctzll(others), VECTOR_IPI_STOP);
}

/* Nothing to do: the interrupt exit path switches threads or delivers signals. */
static void resched_ipi(struct trap_frame *f)
{
	(void)f;
}

static void stop_ipi(struct trap_frame *f)
{
	(void)f;
	halt_forever();
}

/* A free run of TP_PAGES pages of RAM below 1 MiB, from the firmware's memory map; 0 if none. */
static uint64_t find_low_pages(void)
{
	for (uint32_t i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];
		if (r->type != BOOT_MEM_USABLE && r->type != BOOT_MEM_BOOT_SERVICES)
			continue;
		uint64_t base = MAX(r->base, TRAMPOLINE_MIN);
		uint64_t end = MIN(r->base + r->pages * PAGE_SIZE, TRAMPOLINE_LIMIT);
		if (end > base && end - base >= TP_PAGES * PAGE_SIZE)
			return base;
	}
	return 0;
}

static uint64_t *page_at(uint64_t low, int index)
{
	return phys_to_virt(low + (uint64_t)index * PAGE_SIZE);
}

#define TR_OFFSET(sym) ((uint64_t)((sym) - smp_trampoline_start))

/* Copy the trampoline and build its tables: the code page mapped at its own address, present
 * and read-only (executable: nothing else in these tables is), the kernel half shared. */
static void trampoline_install(uint64_t low)
{
	uint64_t code = low + TP_CODE * PAGE_SIZE;
	memset(page_at(low, 0), 0, TP_PAGES * PAGE_SIZE);
	memcpy(page_at(low, TP_CODE), smp_trampoline_start,
	       (size_t)(smp_trampoline_end - smp_trampoline_start));
	uint64_t *pml4 = page_at(low, TP_PML4), *kernel = phys_to_virt(kernel_pml4_pa);
	for (unsigned i = PT_ENTRIES / 2; i < PT_ENTRIES; i++)
		pml4[i] = kernel[i];
	pml4[0] = (low + TP_PDPT * PAGE_SIZE) | PTE_P | PTE_W;
	page_at(low, TP_PDPT)[0] = (low + TP_PD * PAGE_SIZE) | PTE_P | PTE_W;
	page_at(low, TP_PD)[0] = (low + TP_PT * PAGE_SIZE) | PTE_P | PTE_W;
	page_at(low, TP_PT)[code / PAGE_SIZE] = code | PTE_P;

	uint8_t *blob = (uint8_t *)page_at(low, TP_CODE);
	uint32_t gdt_pa = (uint32_t)(code + TR_OFFSET(tr_gdt));
	uint32_t long_pa = (uint32_t)(code + TR_OFFSET(tr_long));
	uint32_t pml4_pa = (uint32_t)(low + TP_PML4 * PAGE_SIZE);
	memcpy(blob + TR_OFFSET(tr_gdt_ptr) + 2, &gdt_pa, sizeof(gdt_pa));
	memcpy(blob + TR_OFFSET(tr_far), &long_pa, sizeof(long_pa));
	memcpy(blob + TR_OFFSET(tr_cr3), &pml4_pa, sizeof(pml4_pa));
	uint64_t entry = (uint64_t)smp_ap_entry;
	memcpy(blob + TR_OFFSET(tr_kernel_cr3), &kernel_pml4_pa, sizeof(kernel_pml4_pa));
	memcpy(blob + TR_OFFSET(tr_entry), &entry, sizeof(entry));
}

/* The started CPU's first C code, on its own stack, interrupts off. */
__noreturn void smp_ap_main(uint64_t cpu)
{
	percpu_init_cpu((uint32_t)cpu, ap_apic_ids[cpu]);
	gdt_init_cpu((uint32_t)cpu);
	idt_init();
	cpu_protections_enable();
	fpu_init_cpu();
	syscall_init();
	lapic_init();
	sched_init_cpu(ap_stack_tops[cpu]);
	timer_init_ap();
	__atomic_fetch_or(&online_mask, 1ULL << cpu, __ATOMIC_RELEASE);
	sched_idle();
}

static bool wait_online(uint32_t cpu, uint64_t us)
{
	uint64_t step = 100;
	for (uint64_t waited = 0; waited < us; waited += step) {
		if (smp_online_mask() & (1ULL << cpu))
			return true;
		udelay(step);
	}
	return smp_online_mask() & (1ULL << cpu);
}

/* INIT, then STARTUP (twice if the first is not taken), as the SDM's MP initialization
 * protocol says. A CPU that does not come up is sent INIT again, which parks it. */
static bool start_cpu(uint64_t low, uint32_t cpu, uint32_t apic_id)
{
	uint64_t top = kstack_alloc(KSTACK_PAGES);
	if (!top) {
		pr_warn("smp: no memory for the stack of the CPU with APIC id %u\n", apic_id);
		return false;
	}
	uint8_t *blob = (uint8_t *)page_at(low, TP_CODE);
	uint64_t cpu64 = cpu;
	ap_apic_ids[cpu] = apic_id;
	ap_stack_tops[cpu] = top;
	memcpy(blob + TR_OFFSET(tr_stack), &top, sizeof(top));
	memcpy(blob + TR_OFFSET(tr_cpu), &cpu64, sizeof(cpu64));
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
	uint8_t vector = (uint8_t)((low + TP_CODE * PAGE_SIZE) / PAGE_SIZE);
	lapic_send_init(apic_id);
	udelay(INIT_DEASSERT_WAIT_US);
	lapic_send_startup(apic_id, vector);
	if (!wait_online(cpu, SIPI_WAIT_US)) {
		lapic_send_startup(apic_id, vector);
		if (!wait_online(cpu, AP_START_TIMEOUT_US)) {
			lapic_send_init(apic_id);
			/* Its stack is not freed: a late start must not run on reused memory. */
			pr_warn("smp: the CPU with APIC id %u did not start; left out\n", apic_id);
			return false;
		}
	}
	return true;
}

static void ipis_init(void)
{
	if (irq_register(VECTOR_IPI_RESCHED, resched_ipi) || irq_register(VECTOR_IPI_STOP, stop_ipi))
		panic("smp: cannot register the IPI vectors");
}

void smp_boot(void)
{
	ipis_init();
	uint32_t me = lapic_id(), next = 1;
	uint64_t low = acpi_info.ncpus > 1 ? find_low_pages() : 0;
	if (acpi_info.ncpus > 1 && !low)
		pr_warn("smp: no free memory below 1 MiB for the start-up code; one CPU only\n");
	if (low)
		trampoline_install(low);
	for (uint32_t i = 0; low && i < acpi_info.ncpus && next < MAX_CPUS; i++) {
		uint32_t apic_id = acpi_info.cpu_apic_ids[i];
		if (apic_id != me && start_cpu(low, next, apic_id))
			next++;
	}
	if (low) /* nothing may run the trampoline any more: wipe its code and tables */
		memset(page_at(low, 0), 0, TP_PAGES * PAGE_SIZE);
	pr_info("smp: %u CPU%s online\n", next, next == 1 ? "" : "s");
}
