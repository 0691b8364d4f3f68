/* In-kernel self-tests of the platform code: the monotonic clock, the tick and earlier
 * deadlines, udelay, TSC arithmetic and calibration, what ACPI found, and the rejection of
 * corrupt ACPI tables (on doctored copies of the firmware's own RSDP and MADT, and on synthetic
 * tables). Waits are bounded by the monotonic clock and timing bounds are loose: under TCG time
 * is not exact. */
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/ioapic.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/tsc.h>
#include <drivers/acpi.h>
#include <core/boot.h>
#include <core/ktest.h>
#include <core/time.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <uapi/errno.h>

#define MONO_READS 100000
#define TICK_WANT 100
#define TICK_TIMEOUT_NS (5 * NSEC_PER_SEC)
#define UDELAY_US 10000
#define UDELAY_MAX_NS (2 * NSEC_PER_SEC) /* generous: a busy host can stall the emulator */
#define TABLE_BUF_SIZE 4096
#define SECONDS_PER_10_YEARS (10ULL * 365 * 24 * 3600)

KTEST(timer_monotonic_never_backwards)
{
	uint64_t first = time_monotonic_ns(), prev = first;
	int backwards = 0;
	for (int i = 0; i < MONO_READS; i++) {
		uint64_t now = time_monotonic_ns();
		if (now < prev)
			backwards++;
		prev = now;
	}
	KEXPECT(backwards == 0);
	KEXPECT(prev > first); /* and it moves */
}

/* Waits with interrupts on until `want` ticks have been counted or the timeout has passed on
 * the monotonic clock; returns the ticks counted and the time it took. */
static uint64_t wait_for_ticks(uint64_t want, uint64_t *elapsed)
{
	uint64_t flags = irq_save();
	irq_enable();
	uint64_t t0 = time_monotonic_ns(), k0 = timer_ticks(), now;
	do {
		cpu_relax();
		now = time_monotonic_ns();
	} while (timer_ticks() - k0 < want && now - t0 < TICK_TIMEOUT_NS);
	uint64_t k1 = timer_ticks();
	irq_disable();
	irq_restore(flags);
	*elapsed = now - t0;
	return k1 - k0;
}

KTEST(timer_tick_advances)
{
	uint64_t elapsed;
	uint64_t n = wait_for_ticks(TICK_WANT, &elapsed);
	KEXPECT(n >= TICK_WANT);
	/* TICK_WANT ticks at TIMER_HZ take TICK_WANT ms; ticks may come late when the emulator's
	 * host is busy (the timeout bounds that), but never at twice the rate. */
	KEXPECT(elapsed >= TICK_WANT * NSEC_PER_SEC / TIMER_HZ / 2);
}

static volatile uint64_t hook_calls, between_ticks;
static tick_hook_t hook_before_test; /* chained, so a scheduler hook keeps running */

static void count_hook_calls(bool from_user, bool tick)
{
	hook_calls += tick;
	between_ticks += !tick;
	if (hook_before_test)
		hook_before_test(from_user, tick);
}

/* timer_arm brings the next interrupt forward: one that is not a tick comes between ticks
 * (armed a fifth of a tick ahead, each time the previous one has come or passed). */
KTEST(timer_arm_interrupts_between_ticks)
{
	between_ticks = 0;
	hook_before_test = timer_set_tick_hook(count_hook_calls);
	uint64_t flags = irq_save();
	uint64_t t0 = time_monotonic_ns(), armed_for = 0;
	while (between_ticks == 0 && time_monotonic_ns() - t0 < TICK_TIMEOUT_NS) {
		irq_disable();
		uint64_t now = time_monotonic_ns();
		if (now >= armed_for) {
			armed_for = now + NSEC_PER_SEC / TIMER_HZ / 5;
			timer_arm(armed_for);
		}
		irq_enable();
		cpu_relax();
	}
	irq_disable();
	irq_restore(flags);
	KEXPECT(timer_set_tick_hook(hook_before_test) == count_hook_calls);
	KEXPECT(between_ticks > 0);
}

KTEST(timer_tick_hook_called)
{
	hook_calls = 0;
	hook_before_test = timer_set_tick_hook(count_hook_calls);
	uint64_t flags = irq_save();
	irq_enable();
	uint64_t t0 = time_monotonic_ns();
	while (hook_calls < 3 && time_monotonic_ns() - t0 < TICK_TIMEOUT_NS)
		cpu_relax();
	irq_disable();
	irq_restore(flags);
	KEXPECT(timer_set_tick_hook(hook_before_test) == count_hook_calls);
	KEXPECT(hook_calls >= 3);
}

KTEST(timer_udelay_bounds)
{
	uint64_t t0 = time_monotonic_ns();
	udelay(UDELAY_US);
	uint64_t dt = time_monotonic_ns() - t0;
	KEXPECT(dt >= UDELAY_US * NSEC_PER_USEC);
	KEXPECT(dt < UDELAY_MAX_NS);
}

KTEST(timer_tsc_conversion_no_overflow)
{
	uint64_t hz = tsc_hz();
	if (!KEXPECT(hz > 0))
		return;
	/* Ten years of cycles: cycles * multiplier is far beyond 64 bits. */
	uint64_t ns = tsc_cycles_to_ns(hz * SECONDS_PER_10_YEARS);
	uint64_t want = SECONDS_PER_10_YEARS * NSEC_PER_SEC;
	uint64_t diff = ns > want ? ns - want : want - ns;
	KEXPECT(diff < want / 1000000); /* 1 ppm */
	KEXPECT(tsc_cycles_to_ns(hz) > NSEC_PER_SEC - NSEC_PER_USEC);
	KEXPECT(tsc_cycles_to_ns(hz) <= NSEC_PER_SEC);
}

/* A fresh calibration against the PIT must agree (within 10%) with the boot calibration,
 * which used the HPET when there is one: catches a wrong HPET period or PIT programming. */
KTEST(timer_pit_calibration_agrees)
{
	uint64_t pit_hz = 0, hz = tsc_hz();
	KEXPECT(timer_calibrate(TIMER_REF_PIT, &pit_hz, NULL) == 0);
	KEXPECT(pit_hz > hz - hz / 10 && pit_hz < hz + hz / 10);
}

KTEST(acpi_found_cpus_and_ioapics)
{
	KEXPECT(acpi_info.ncpus >= 1);
	KEXPECT(acpi_info.nioapics >= 1);
	bool boot_cpu_listed = false, gsi0 = false;
	for (uint32_t i = 0; i < acpi_info.ncpus; i++)
		boot_cpu_listed |= acpi_info.cpu_apic_ids[i] == lapic_id();
	for (uint32_t i = 0; i < acpi_info.nioapics; i++)
		gsi0 |= acpi_info.ioapics[i].gsi_base == 0;
	KEXPECT(boot_cpu_listed);
	KEXPECT(gsi0);
	KEXPECT(acpi_find_table("APIC") != NULL);
	KEXPECT(acpi_find_table("NONE") == NULL);
}

KTEST(acpi_isa_irq_identity_without_override)
{
	for (uint8_t irq = 0; irq < 16; irq++) {
		bool overridden = false;
		for (uint32_t i = 0; i < acpi_info.noverrides; i++)
			overridden |= acpi_info.overrides[i].isa_irq == irq;
		if (overridden)
			continue;
		uint16_t flags = 0xffff;
		KEXPECT(acpi_isa_irq_to_gsi(irq, &flags) == irq);
		KEXPECT(flags == 0);
		return;
	}
}

KTEST(ioapic_route_rejects_bad_arguments)
{
	KEXPECT(ioapic_route(0xffff, 0, 0) == -ENOENT);
	KEXPECT(ioapic_route(1, MPS_INTI_POLARITY_RESERVED, 0) == -EINVAL);
	KEXPECT(ioapic_route(1, MPS_INTI_TRIGGER_RESERVED, 0) == -EINVAL);
	KEXPECT(ioapic_route(1, 0, 0x100) == -EINVAL); /* beyond 8-bit destinations */
}

static uint8_t table_buf[TABLE_BUF_SIZE];

static void fix_checksum(struct acpi_sdt_header *h)
{
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_checksum(h, h->length);
}

/* A copy of the firmware's MADT: accepted as is, rejected with any corruption, and a rejected
 * table leaves the output untouched. */
KTEST(acpi_madt_corrupt_copy_rejected)
{
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");
	if (!KEXPECT(madt && madt->length <= TABLE_BUF_SIZE))
		return;
	uint32_t len = madt->length;
	struct acpi_sdt_header *h = (void *)table_buf;
	static struct acpi_info out;
	memcpy(table_buf, madt, len);
	KEXPECT(acpi_madt_parse(table_buf, len, &out) == 0);
	KEXPECT(out.ncpus == acpi_info.ncpus && out.nioapics == acpi_info.nioapics);

	table_buf[len / 2] ^= 0x40; /* one flipped bit: checksum mismatch */
	out.ncpus = 12345;
	KEXPECT(acpi_madt_parse(table_buf, len, &out) == -EINVAL);
	KEXPECT(out.ncpus == 12345);
	table_buf[len / 2] ^= 0x40;

	KEXPECT(acpi_madt_parse(table_buf, len - 1, &out) == -EINVAL); /* length beyond buffer */
	h->length = len + 1;
	fix_checksum(h);
	KEXPECT(acpi_madt_parse(table_buf, len, &out) == -EINVAL);
	h->length = sizeof(*h) - 1; /* shorter than its own header */
	KEXPECT(acpi_table_check(table_buf, len, NULL) == -EINVAL);
	h->length = len;
	fix_checksum(h);
	KEXPECT(acpi_madt_parse(table_buf, len, &out) == 0);
	KEXPECT(acpi_hpet_parse(table_buf, len, &out) == -EINVAL); /* wrong signature */
}

/* Synthetic MADTs with malformed entries (checksums valid): each must be refused. */
KTEST(acpi_madt_bad_entries_rejected)
{
	static struct acpi_info out;
	struct acpi_sdt_header *h = (void *)table_buf;
	const uint32_t body = 44; /* header + LAPIC address + flags */
	memset(table_buf, 0, TABLE_BUF_SIZE);
	memcpy(h->signature, "APIC", ACPI_SIG_LEN);
	/* A good LAPIC entry: type 0, length 8, uid 7, APIC id 3, enabled. */
	const uint8_t lapic[8] = { 0, 8, 7, 3, 1, 0, 0, 0 };
	memcpy(table_buf + body, lapic, sizeof(lapic));
	h->length = body + sizeof(lapic);
	fix_checksum(h);
	KEXPECT(acpi_madt_parse(table_buf, h->length, &out) == 0);
	KEXPECT(out.ncpus == 1 && out.cpu_apic_ids[0] == 3 && out.cpu_acpi_uids[0] == 7);

	table_buf[body + 1] = 0; /* zero-length entry: would loop forever */
	fix_checksum(h);
	KEXPECT(acpi_madt_parse(table_buf, h->length, &out) == -EINVAL);
	table_buf[body + 1] = 9; /* runs past the end of the table */
	fix_checksum(h);
	KEXPECT(acpi_madt_parse(table_buf, h->length, &out) == -EINVAL);
	table_buf[body] = 1; /* an IOAPIC entry needs 12 bytes, this one says 8 */
	table_buf[body + 1] = 8;
	fix_checksum(h);
	KEXPECT(acpi_madt_parse(table_buf, h->length, &out) == -EINVAL);
}

/* Fill in a v2 RSDP with valid checksums. */
static void make_rsdp(struct acpi_rsdp *r)
{
	memset(r, 0, sizeof(*r));
	memcpy(r->signature, ACPI_RSDP_SIG, 8);
	r->revision = 2;
	r->rsdt_phys = 0x1000;
	r->length = ACPI_RSDP_V2_LEN;
	r->xsdt_phys = 0x2000;
	r->checksum = (uint8_t)-acpi_checksum(r, ACPI_RSDP_V1_LEN);
	r->extended_checksum = (uint8_t)-acpi_checksum(r, ACPI_RSDP_V2_LEN);
}

KTEST(acpi_rsdp_checksums_enforced)
{
	struct acpi_rsdp r;
	struct acpi_root root;
	make_rsdp(&r);
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == 0);
	KEXPECT(root.xsdt_phys == 0x2000 && root.rsdt_phys == 0x1000 && !root.v2_rejected);

	r.xsdt_phys ^= 0x100000; /* v2 part corrupt: only the RSDT may be used */
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == 0);
	KEXPECT(root.xsdt_phys == 0 && root.v2_rejected && root.rsdt_phys == 0x1000);

	make_rsdp(&r);
	r.rsdt_phys ^= 1; /* v1 part corrupt: nothing is believed */
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == -EINVAL);
	make_rsdp(&r);
	r.length = 0x1000; /* longer than what can be read */
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == 0 && root.v2_rejected);
	KEXPECT(acpi_rsdp_parse(&r, ACPI_RSDP_V1_LEN - 1, &root) == -EINVAL);
	make_rsdp(&r);
	r.signature[0] = 'X';
	r.checksum -= 'X' - 'R'; /* checksum fixed, signature still wrong */
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == -EINVAL);
}

/* The firmware's own RSDP, copied and corrupted. */
KTEST(acpi_rsdp_corrupt_copy_rejected)
{
	if (!KEXPECT(boot_info.acpi_rsdp != 0))
		return;
	struct acpi_rsdp r;
	struct acpi_root root;
	memcpy(&r, phys_to_virt(boot_info.acpi_rsdp), sizeof(r));
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == 0);
	r.oem_id[0] ^= 0x20;
	KEXPECT(acpi_rsdp_parse(&r, sizeof(r), &root) == -EINVAL);
}
