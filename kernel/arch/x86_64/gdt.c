/* Per-CPU GDT and 64-bit TSS: flat kernel and user segments at the selectors SYSCALL/SYSRET
 * require, and a TSS giving ring-3 transitions their kernel stack (rsp0) and the double-fault,
 * NMI and machine-check handlers their own known-good stacks (IST). Descriptor formats are from
 * the Intel SDM vol. 3, "Segment Descriptors" and "TSS Descriptor in 64-bit Mode". */
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/percpu.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/vmap.h>
#include <mm/kvm.h>

/* Bits of a code/data segment descriptor. In 64-bit mode base and limit are ignored for
 * CS/DS/ES/SS, but they are set flat (base 0, 4 GiB, page granular) as convention has it. */
#define DESC_ACCESSED (1ULL << 40) /* preset, so the CPU never writes the GDT to set it */
#define DESC_RW (1ULL << 41) /* readable code / writable data */
#define DESC_CODE (1ULL << 43)
#define DESC_S (1ULL << 44) /* code or data (not a system descriptor) */
#define DESC_DPL3 (3ULL << 45)
#define DESC_PRESENT (1ULL << 47)
#define DESC_LONG (1ULL << 53) /* 64-bit code */
#define DESC_DB (1ULL << 54) /* 32-bit default size (data: big) */
#define DESC_GRAN (1ULL << 55) /* limit in 4 KiB units */
#define DESC_LIMIT_FLAT (0xffffULL | (0xfULL << 48))

#define DESC_FLAT (DESC_PRESENT | DESC_S | DESC_RW | DESC_ACCESSED | DESC_GRAN | DESC_LIMIT_FLAT)
#define DESC_CODE64 (DESC_FLAT | DESC_CODE | DESC_LONG)
#define DESC_DATA (DESC_FLAT | DESC_DB)

/* System descriptor type: available 64-bit TSS (ltr turns it into busy, type 0xb). */
#define DESC_TYPE_TSS_AVAIL (0x9ULL << 40)
#define DESC_LIMIT_LOW_MASK 0xffffULL
#define DESC_LIMIT_HIGH_SHIFT 48 /* limit 19:16 */
#define DESC_BASE_LOW_SHIFT 16 /* base 23:0 */
#define DESC_BASE_LOW_MASK 0xffffffULL
#define DESC_BASE_MID_SHIFT 56 /* base 31:24 */

#define SELECTOR_INDEX(sel) ((sel) >> 3)

static struct gdt_state gdt_states[MAX_CPUS];
/* The boot CPU's IST stacks are static because its GDT is built before memory management;
 * each has a page below it that gdt_guard_boot_stacks unmaps once the kernel's page tables
 * are up. CPUs started later get guarded stacks from kstack_alloc. */
static struct {
	uint8_t guard[PAGE_SIZE];
	uint8_t stack[IST_STACK_SIZE];
} boot_ist_stacks[IST_COUNT] __aligned(PAGE_SIZE);
extern char boot_stack_guard[];

void gdt_guard_boot_stacks(void)
{
	kvm_unmap_page((uint64_t)boot_stack_guard);
	for (int i = 0; i < IST_COUNT; i++)
		kvm_unmap_page((uint64_t)boot_ist_stacks[i].guard);
}

static uint8_t *ist_stack_top(uint32_t cpu_id, int slot)
{
	if (cpu_id == 0)
		return boot_ist_stacks[slot - 1].stack + IST_STACK_SIZE;
	uint64_t top = kstack_alloc(IST_STACK_SIZE / PAGE_SIZE);
	if (!top)
		panic("gdt: no memory for the IST stacks of CPU %u", cpu_id);
	return (uint8_t *)top;
}

static void tss_descriptor(uint64_t out[2], uint64_t base, uint64_t limit)
{
	out[0] = (limit & DESC_LIMIT_LOW_MASK) | ((base & DESC_BASE_LOW_MASK) << DESC_BASE_LOW_SHIFT) |
		 DESC_TYPE_TSS_AVAIL | DESC_PRESENT |
		 ((limit >> 16) & 0xf) << DESC_LIMIT_HIGH_SHIFT |
		 ((base >> 24) & 0xff) << DESC_BASE_MID_SHIFT;
	out[1] = base >> 32;
}

/* The selector GDT_USER_CS32 stays a null descriptor: there is no 32-bit code segment, so user
 * code cannot switch to compatibility mode (whose SYSCALL path the kernel does not handle). */
static void gdt_build(struct gdt_state *g)
{
	memset(g->gdt, 0, sizeof(g->gdt));
	g->gdt[SELECTOR_INDEX(GDT_KERNEL_CS)] = DESC_CODE64;
	g->gdt[SELECTOR_INDEX(GDT_KERNEL_DS)] = DESC_DATA;
	g->gdt[SELECTOR_INDEX(GDT_USER_DS)] = DESC_DATA | DESC_DPL3;
	g->gdt[SELECTOR_INDEX(GDT_USER_CS)] = DESC_CODE64 | DESC_DPL3;
	tss_descriptor(&g->gdt[SELECTOR_INDEX(GDT_TSS)], (uint64_t)&g->tss, sizeof(g->tss) - 1);
}

/* IST slot n uses stack n-1; its top quadword carries the percpu pointer for isr.S. */
static void tss_build(struct gdt_state *g, uint32_t cpu_id, struct percpu *cpu)
{
	memset(&g->tss, 0, sizeof(g->tss));
	g->tss.iomap_base = sizeof(g->tss);
	for (int slot = 1; slot <= IST_COUNT; slot++) {
		uint8_t *top = ist_stack_top(cpu_id, slot) - IST_TOP_RESERVED;
		*(struct percpu **)top = cpu;
		g->tss.ist[slot - 1] = (uint64_t)top;
	}
	/* rsp0 stays 0 until the scheduler sets a thread's stack: an entry from ring 3 before that
	 * faults on the push and ends in #DF on its own stack, instead of using a stale stack. */
}

static void gdt_load(struct gdt_state *g)
{
	struct descriptor_ptr p = { .limit = sizeof(g->gdt) - 1, .base = (uint64_t)g->gdt };
	__asm__ volatile("lgdt %0" ::"m"(p) : "memory");
}

/* CS can only be reloaded by a far transfer: push the new CS and a return address, lretq.
 * FS gets the null selector (user TLS lives in the FS base MSR, set at context switch). */
static void segments_reload(void)
{
	__asm__ volatile("pushq %[cs]\n\t"
			 "leaq 1f(%%rip), %%rax\n\t"
			 "pushq %%rax\n\t"
			 "lretq\n"
			 "1:\n\t"
			 "movl %[ds], %%eax\n\t"
			 "mov %%eax, %%ds\n\t"
			 "mov %%eax, %%es\n\t"
			 "mov %%eax, %%ss\n\t"
			 "xorl %%eax, %%eax\n\t"
			 "mov %%eax, %%fs\n\t"
			 :
			 : [cs] "i"(GDT_KERNEL_CS), [ds] "i"(GDT_KERNEL_DS)
			 : "rax", "memory");
}

/* The firmware's GS selector would refer to its GDT, which is reclaimed later: load the null
 * selector. That zeroes the GS base on some CPUs, so the base MSR is written again at once, in
 * the same asm statement: nothing in between may use %gs. */
static void gs_reload(struct percpu *cpu)
{
	uint64_t base = (uint64_t)cpu;
	__asm__ volatile("mov %k[null], %%gs\n\t"
			 "wrmsr"
			 :
			 : [null] "r"(0), "c"(MSR_GS_BASE), "a"((uint32_t)base), "d"((uint32_t)(base >> 32))
			 : "memory");
}

void gdt_init_cpu(uint32_t cpu_id)
{
	ASSERT(cpu_id < MAX_CPUS);
	struct percpu *cpu = this_cpu();
	ASSERT(cpu == &percpu_array[cpu_id]);
	ASSERT(!irqs_enabled());

	struct gdt_state *g = &gdt_states[cpu_id];
	tss_build(g, cpu_id, cpu);
	gdt_build(g);
	gdt_load(g);
	segments_reload();
	gs_reload(cpu);
	__asm__ volatile("ltr %w0" ::"r"(GDT_TSS) : "memory");
	cpu->gdt = g;
}

void tss_set_kernel_stack(uint64_t rsp0)
{
	this_cpu()->gdt->tss.rsp[0] = rsp0;
}
