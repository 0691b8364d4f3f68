/* Host tests for kernel/drivers/acpi_tables.c: a synthetic MADT with every entry type decodes to
 * the expected CPUs, IOAPICs, overrides and NMIs; corrupt RSDPs and tables are refused; and
 * random mutations of a valid MADT never read outside the buffer (ASan watches its edges). */
#include "test.h"
#include <drivers/acpi.h>
#include <string.h>
#include <uapi/errno.h>

#define MADT_BODY 44 /* header + LAPIC address + flags */
#define MUTATIONS 200000

/* LAPIC (uid 0, id 0, enabled), LAPIC (uid 1, id 1, disabled: skipped), LAPIC (uid 2, id 2,
 * online capable), IOAPIC (id 5 at 0xfec00000, GSI base 0), override ISA 0 -> GSI 2, override
 * ISA 9 -> GSI 9 level/low, LAPIC NMI (all CPUs, LINT1), x2APIC (id 0x110, uid 32), x2APIC
 * listing id 0 again (deduplicated), LAPIC address override 0xfee00000. */
static const uint8_t entries[] = {
	0, 8, 0, 0, 1, 0, 0, 0,
	0, 8, 1, 1, 0, 0, 0, 0,
	0, 8, 2, 2, 2, 0, 0, 0,
	1, 12, 5, 0, 0x00, 0x00, 0xc0, 0xfe, 0, 0, 0, 0,
	2, 10, 0, 0, 2, 0, 0, 0, 0, 0,
	2, 10, 0, 9, 9, 0, 0, 0, 0x0f, 0,
	4, 6, 0xff, 0, 0, 1,
	9, 16, 0, 0, 0x10, 0x01, 0, 0, 1, 0, 0, 0, 32, 0, 0, 0,
	9, 16, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0,
	5, 12, 0, 0, 0x00, 0x00, 0xe0, 0xfe, 0, 0, 0, 0,
};

static uint8_t madt[MADT_BODY + sizeof(entries)];

static void fix_checksum(uint8_t *buf)
{
	struct acpi_sdt_header *h = (void *)buf;
	h->checksum = 0;
	h->checksum = (uint8_t)-acpi_checksum(buf, h->length);
}

static void build_madt(void)
{
	struct acpi_sdt_header *h = (void *)madt;
	memset(madt, 0, sizeof(madt));
	memcpy(h->signature, "APIC", ACPI_SIG_LEN);
	h->length = sizeof(madt);
	madt[40] = 1; /* flags: PCAT_COMPAT */
	memcpy(madt + MADT_BODY, entries, sizeof(entries));
	fix_checksum(madt);
}

static void madt_decodes_every_entry_type(void)
{
	struct acpi_info out = { 0 };
	build_madt();
	CHECK_EQ(acpi_madt_parse(madt, sizeof(madt), &out), 0);
	CHECK_EQ(out.ncpus, 3);
	CHECK_EQ(out.cpu_apic_ids[0], 0);
	CHECK_EQ(out.cpu_apic_ids[1], 2);
	CHECK_EQ(out.cpu_apic_ids[2], 0x110);
	CHECK_EQ(out.cpu_acpi_uids[2], 32);
	CHECK_EQ(out.nioapics, 1);
	CHECK_EQ(out.ioapics[0].id, 5);
	CHECK_EQ(out.ioapics[0].phys, 0xfec00000);
	CHECK_EQ(out.noverrides, 2);
	CHECK_EQ(out.overrides[0].gsi, 2);
	CHECK_EQ(out.overrides[1].isa_irq, 9);
	CHECK_EQ(out.overrides[1].flags, MPS_INTI_POLARITY_LOW | MPS_INTI_TRIGGER_LEVEL);
	CHECK_EQ(out.nnmis, 1);
	CHECK_EQ(out.nmis[0].acpi_uid, ACPI_UID_ALL);
	CHECK_EQ(out.nmis[0].lint, 1);
	CHECK_EQ(out.lapic_phys, 0xfee00000);
	CHECK(out.has_8259);
}

static void madt_corruption_refused_and_output_untouched(void)
{
	struct acpi_info out = { .ncpus = 77 };
	build_madt();
	madt[MADT_BODY + 3] ^= 1;
	CHECK_EQ(acpi_madt_parse(madt, sizeof(madt), &out), -EINVAL);
	CHECK_EQ(out.ncpus, 77);
	fix_checksum(madt); /* checksum right, now only the signature is wrong */
	memcpy(madt, "APIX", ACPI_SIG_LEN);
	fix_checksum(madt);
	CHECK_EQ(acpi_madt_parse(madt, sizeof(madt), &out), -EINVAL);
	build_madt();
	CHECK_EQ(acpi_madt_parse(madt, sizeof(madt) - 1, &out), -EINVAL);
	madt[MADT_BODY + 1] = 0; /* zero-length entry */
	fix_checksum(madt);
	CHECK_EQ(acpi_madt_parse(madt, sizeof(madt), &out), -EINVAL);
	CHECK_EQ(out.ncpus, 77);
}

static void hpet_table_decoded_and_checked(void)
{
	uint8_t t[56] = { 0 };
	struct acpi_info out = { 0 };
	struct acpi_sdt_header *h = (void *)t;
	memcpy(h->signature, "HPET", ACPI_SIG_LEN);
	h->length = sizeof(t);
	t[46] = 0xd0, t[47] = 0xfe; /* base address 0xfed00000 at offset 44 */
	t[53] = 0x80; /* minimum tick 128 */
	fix_checksum(t);
	CHECK_EQ(acpi_hpet_parse(t, sizeof(t), &out), 0);
	CHECK_EQ(out.hpet_phys, 0xfed00000);
	CHECK_EQ(out.hpet_min_tick, 128);
	t[40] = 1; /* address space: I/O ports, not memory */
	fix_checksum(t);
	CHECK_EQ(acpi_hpet_parse(t, sizeof(t), &out), -EINVAL);
	h->length = 40; /* a valid header but too short for an HPET table */
	fix_checksum(t);
	CHECK_EQ(acpi_hpet_parse(t, sizeof(t), &out), -EINVAL);
}

static void rsdp_versions_and_checksums(void)
{
	struct acpi_rsdp r = { 0 };
	struct acpi_root root;
	memcpy(r.signature, ACPI_RSDP_SIG, 8);
	r.rsdt_phys = 0x1000;
	r.checksum = (uint8_t)-acpi_checksum(&r, ACPI_RSDP_V1_LEN);
	CHECK_EQ(acpi_rsdp_parse(&r, ACPI_RSDP_V1_LEN, &root), 0); /* v1: 20 bytes suffice */
	CHECK_EQ(root.rsdt_phys, 0x1000);
	CHECK_EQ(root.xsdt_phys, 0);
	r.revision = 2;
	r.length = ACPI_RSDP_V2_LEN;
	r.xsdt_phys = 0x2000;
	r.checksum = 0;
	r.checksum = (uint8_t)-acpi_checksum(&r, ACPI_RSDP_V1_LEN);
	r.extended_checksum = (uint8_t)-acpi_checksum(&r, ACPI_RSDP_V2_LEN);
	CHECK_EQ(acpi_rsdp_parse(&r, sizeof(r), &root), 0);
	CHECK_EQ(root.xsdt_phys, 0x2000);
	r.extended_checksum++;
	CHECK_EQ(acpi_rsdp_parse(&r, sizeof(r), &root), 0);
	CHECK(root.v2_rejected && root.xsdt_phys == 0);
	r.checksum++;
	CHECK_EQ(acpi_rsdp_parse(&r, sizeof(r), &root), -EINVAL);
}

/* Mutated tables in an exactly-sized heap copy: any read past the end is an ASan report. */
static void madt_mutations_stay_in_bounds(void)
{
	test_srand(42);
	for (int i = 0; i < MUTATIONS; i++) {
		build_madt();
		for (uint64_t n = 1 + test_rand_below(4); n; n--)
			madt[test_rand_below(sizeof(madt))] = (uint8_t)test_rand();
		if (test_rand_below(2) && ((struct acpi_sdt_header *)madt)->length <= sizeof(madt))
			fix_checksum(madt);
		size_t avail = test_rand_below(sizeof(madt) + 1);
		uint8_t *copy = malloc(avail ? avail : 1);
		memcpy(copy, madt, avail);
		struct acpi_info out = { 0 };
		struct acpi_root root;
		if (acpi_madt_parse(copy, avail, &out) == 0)
			EXPECT(out.ncpus <= ACPI_MAX_CPUS && out.nioapics <= ACPI_MAX_IOAPICS);
		acpi_hpet_parse(copy, avail, &out);
		acpi_rsdp_parse(copy, avail, &root);
		free(copy);
	}
}

TEST_MAIN(TEST(madt_decodes_every_entry_type), TEST(madt_corruption_refused_and_output_untouched),
	  TEST(hpet_table_decoded_and_checked), TEST(rsdp_versions_and_checksums),
	  TEST(madt_mutations_stay_in_bounds))
