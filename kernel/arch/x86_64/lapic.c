/* Local APIC driver: x2APIC through MSRs when the CPU offers it (or the firmware left it on),
 * otherwise xAPIC through its MMIO page. Register offsets and bits are from the Intel SDM
 * vol. 3, chapter "Advanced Programmable Interrupt Controller". Every CPU runs lapic_init on
 * itself; the mode and the MMIO mapping are chosen once, by the boot CPU. */
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_features.h>
#include <arch/x86_64/trap.h>
#include <drivers/acpi.h>
#include <core/compiler.h>
#include <core/panic.h>
#include <core/printk.h>
#include <mm/vmap.h>

/* Register offsets in the xAPIC page; x2APIC MSR = X2APIC_MSR_BASE + offset / 16. */
#define LAPIC_ID 0x020
#define LAPIC_VERSION 0x030
#define LAPIC_TPR 0x080
#define LAPIC_EOI 0x0b0
#define LAPIC_SVR 0x0f0
#define LAPIC_ESR 0x280
#define LAPIC_ICR_LOW 0x300
#define LAPIC_ICR_HIGH 0x310
#define LAPIC_LVT_TIMER 0x320
#define LAPIC_LVT_THERMAL 0x330
#define LAPIC_LVT_PERF 0x340
#define LAPIC_LVT_LINT0 0x350
#define LAPIC_LVT_LINT1 0x360
#define LAPIC_LVT_ERROR 0x370
#define LAPIC_TIMER_INIT 0x380
#define LAPIC_TIMER_CURRENT 0x390
#define LAPIC_TIMER_DCR 0x3e0
#define LAPIC_MMIO_SIZE 0x400

#define X2APIC_MSR_BASE 0x800
#define X2APIC_MSR_ICR 0x830 /* 64-bit: destination in bits 63:32 */

#define APIC_BASE_BSP (1ULL << 8)
#define APIC_BASE_EXTD (1ULL << 10) /* x2APIC mode */
#define APIC_BASE_EN (1ULL << 11) /* global enable */
#define APIC_BASE_ADDR_MASK 0x000ffffffffff000ULL

#define SVR_ENABLE (1u << 8)
#define LVT_MASKED (1u << 16)
#define LVT_LEVEL_TRIGGER (1u << 15)
#define LVT_ACTIVE_LOW (1u << 13)
#define LVT_DELIVERY_NMI (4u << 8)
#define VERSION_MAX_LVT(v) (((v) >> 16) & 0xff)
#define MAX_LVT_HAS_PERF 4 /* max LVT index from which the perf counter LVT exists */
#define MAX_LVT_HAS_THERMAL 5

#define ICR_DELIVERY_INIT (5u << 8)
#define ICR_DELIVERY_STARTUP (6u << 8)
#define ICR_LEVEL_ASSERT (1u << 14)
#define ICR_PENDING (1u << 12) /* xAPIC only */
#define ICR_XAPIC_DEST_SHIFT 24
#define XAPIC_ID_SHIFT 24

#define TIMER_DCR_DIV16 0x3 /* must match LAPIC_TIMER_DIVIDER */
#define TIMER_COUNT_MAX 0xffffffffu
_Static_assert(LAPIC_TIMER_DIVIDER == 16, "TIMER_DCR_DIV16 encodes the divider");

/* Chosen by the boot CPU's lapic_init, read-only afterwards. */
static bool x2apic_mode;
static volatile uint32_t *xapic_regs;

/* xAPIC registers are mapped uncached through the kernel virtual area. */
static volatile uint32_t *xapic_map(uint64_t phys)
{
	volatile uint32_t *regs = ioremap(phys, LAPIC_MMIO_SIZE);
	if (!regs)
		panic("lapic: cannot map the xAPIC at %#lx", phys);
	return regs;
}

static uint32_t lapic_read(uint32_t reg)
{
	if (x2apic_mode)
		return (uint32_t)rdmsr(X2APIC_MSR_BASE + reg / 16);
	return xapic_regs[reg / 4];
}

static void lapic_write(uint32_t reg, uint32_t v)
{
	if (x2apic_mode)
		wrmsr(X2APIC_MSR_BASE + reg / 16, v);
	else
		xapic_regs[reg / 4] = v;
}

bool lapic_is_x2apic(void)
{
	return x2apic_mode;
}

void lapic_eoi(void)
{
	lapic_write(LAPIC_EOI, 0);
}

uint32_t lapic_id(void)
{
	if (x2apic_mode)
		return lapic_read(LAPIC_ID);
	if (xapic_regs)
		return lapic_read(LAPIC_ID) >> XAPIC_ID_SHIFT;
	return cpuid(1, 0).ebx >> 24; /* initial APIC ID, before lapic_init */
}

/* ICR writes are two register writes in xAPIC mode: interrupts stay off so that a handler on
 * this CPU cannot interleave its own IPI. The ICR is per CPU, so no lock is needed. */
static void send_icr(uint32_t apic_id, uint32_t low)
{
	uint64_t flags = irq_save();
	if (x2apic_mode) {
		wrmsr(X2APIC_MSR_ICR, ((uint64_t)apic_id << 32) | low);
	} else {
		while (lapic_read(LAPIC_ICR_LOW) & ICR_PENDING)
			cpu_relax();
		lapic_write(LAPIC_ICR_HIGH, apic_id << ICR_XAPIC_DEST_SHIFT);
		lapic_write(LAPIC_ICR_LOW, low);
	}
	irq_restore(flags);
}

void lapic_send_ipi(uint32_t apic_id, uint8_t vector)
{
	send_icr(apic_id, vector | ICR_LEVEL_ASSERT);
}

void lapic_send_init(uint32_t apic_id)
{
	send_icr(apic_id, ICR_DELIVERY_INIT | ICR_LEVEL_ASSERT);
}

void lapic_send_startup(uint32_t apic_id, uint8_t page)
{
	send_icr(apic_id, ICR_DELIVERY_STARTUP | ICR_LEVEL_ASSERT | page);
}

/* Boot CPU only: x2APIC when offered or already on (it cannot be turned back off without a
 * full APIC disable), else the xAPIC page from the MADT (the MSR's base if ACPI gave none). */
static void choose_mode(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE);
	x2apic_mode = cpu_features.x2apic || (base & APIC_BASE_EXTD);
	if (x2apic_mode)
		return;
	uint64_t msr_phys = base & APIC_BASE_ADDR_MASK;
	uint64_t phys = acpi_info.lapic_phys ? acpi_info.lapic_phys : msr_phys;
	if (phys != msr_phys)
		pr_warn("lapic: MADT says %#lx, APIC_BASE MSR says %#lx; using the MADT\n", phys,
			msr_phys);
	xapic_regs = xapic_map(phys);
}

/* xAPIC -> x2APIC must go through "enabled xAPIC" first (SDM: EN then EXTD). */
static void hw_enable(void)
{
	uint64_t base = rdmsr(MSR_APIC_BASE) | APIC_BASE_EN;
	wrmsr(MSR_APIC_BASE, base);
	if (x2apic_mode && !(base & APIC_BASE_EXTD))
		wrmsr(MSR_APIC_BASE, base | APIC_BASE_EXTD);
}

/* This CPU's ACPI processor UID, or ACPI_UID_ALL when the MADT does not list it. */
static uint32_t this_acpi_uid(void)
{
	uint32_t id = lapic_id();
	for (uint32_t i = 0; i < acpi_info.ncpus; i++)
		if (acpi_info.cpu_apic_ids[i] == id)
			return acpi_info.cpu_acpi_uids[i];
	return ACPI_UID_ALL;
}

/* LINT0/1 stay masked (the 8259 is not used) unless the MADT wires one to NMI for this CPU.
 * NMI delivery is always edge triggered; only the polarity comes from the entry. */
static void setup_lints(void)
{
	uint32_t lint[2] = { LVT_MASKED, LVT_MASKED };
	uint32_t uid = this_acpi_uid();
	for (uint32_t i = 0; i < acpi_info.nnmis; i++) {
		const struct acpi_lapic_nmi *n = &acpi_info.nmis[i];
		if (n->acpi_uid != ACPI_UID_ALL && n->acpi_uid != uid)
			continue;
		bool low = (n->flags & MPS_INTI_POLARITY_MASK) == MPS_INTI_POLARITY_LOW;
		lint[n->lint] = LVT_DELIVERY_NMI | (low ? LVT_ACTIVE_LOW : 0);
	}
	lapic_write(LAPIC_LVT_LINT0, lint[0]);
	lapic_write(LAPIC_LVT_LINT1, lint[1]);
}

static void mask_local_sources(void)
{
	uint32_t max_lvt = VERSION_MAX_LVT(lapic_read(LAPIC_VERSION));
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_LVT_ERROR, LVT_MASKED);
	/* These LVTs exist only on larger APICs; in x2APIC mode touching a missing one faults. */
	if (max_lvt >= MAX_LVT_HAS_PERF)
		lapic_write(LAPIC_LVT_PERF, LVT_MASKED);
	if (max_lvt >= MAX_LVT_HAS_THERMAL)
		lapic_write(LAPIC_LVT_THERMAL, LVT_MASKED);
}

void lapic_init(void)
{
	bool boot_cpu = rdmsr(MSR_APIC_BASE) & APIC_BASE_BSP;
	if (boot_cpu)
		choose_mode();
	hw_enable();
	mask_local_sources();
	setup_lints();
	lapic_write(LAPIC_ESR, 0); /* clear errors latched before us (write, then read) */
	(void)lapic_read(LAPIC_ESR);
	lapic_write(LAPIC_TPR, 0); /* accept every priority class */
	lapic_write(LAPIC_SVR, SVR_ENABLE | VECTOR_SPURIOUS);
	if (boot_cpu)
		pr_info("LAPIC: %s, id %u, version %#x\n", x2apic_mode ? "x2APIC mode" : "xAPIC mode",
			lapic_id(), lapic_read(LAPIC_VERSION));
}

void lapic_timer_start_free(void)
{
	lapic_write(LAPIC_TIMER_DCR, TIMER_DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED | VECTOR_TIMER);
	lapic_write(LAPIC_TIMER_INIT, TIMER_COUNT_MAX);
}

uint32_t lapic_timer_count(void)
{
	return lapic_read(LAPIC_TIMER_CURRENT);
}

void lapic_timer_oneshot(uint8_t vector)
{
	lapic_write(LAPIC_TIMER_DCR, TIMER_DCR_DIV16);
	lapic_write(LAPIC_LVT_TIMER, vector); /* mode bits 0: one-shot */
}

void lapic_timer_set_count(uint32_t count)
{
	lapic_write(LAPIC_TIMER_INIT, count); /* writing the initial count (re)starts it */
}

void lapic_timer_stop(void)
{
	lapic_write(LAPIC_LVT_TIMER, LVT_MASKED);
	lapic_write(LAPIC_TIMER_INIT, 0);
}
