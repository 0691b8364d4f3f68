/* ACPI discovery at boot: follows the RSDP the loader found to the XSDT (or RSDT), verifies the
 * bounds and checksum of every table it lists, and decodes the MADT and HPET tables into
 * acpi_info. Tables are read in place through the direct map; the parsing itself lives in
 * acpi_tables.c. Everything here runs once, on the boot CPU, before other CPUs start. */
#include <drivers/acpi.h>
#include <core/boot.h>
#include <core/printk.h>
#include <mm/layout.h>
#include <uapi/errno.h>

#define ACPI_TABLE_MAX_LEN (16u << 20) /* far beyond any real table; bounds a corrupt length */
#define ACPI_MAX_TABLES 64
#define LOW_4G (4ULL << 30) /* always in the direct map */
#define XSDT_ENTRY_SIZE 8
#define RSDT_ENTRY_SIZE 4

struct acpi_info acpi_info;

/* Physical addresses of the tables that passed their checks; written by acpi_init only. */
static uint64_t tables[ACPI_MAX_TABLES];
static uint32_t ntables;

/* A firmware pointer is only followed into memory the direct map certainly covers: the low
 * 4 GiB, or a region the firmware's memory map describes. */
static bool phys_range_ok(uint64_t pa, uint64_t len)
{
	if (pa == 0 || pa + len < pa)
		return false;
	if (pa + len <= LOW_4G)
		return true;
	for (uint32_t i = 0; i < boot_info.memmap_count; i++) {
		const struct boot_mem_region *r = &boot_info.memmap[i];
		if (pa >= r->base && pa + len <= r->base + r->pages * PAGE_SIZE)
			return true;
	}
	return false;
}

static const void *acpi_map(uint64_t pa, uint64_t len)
{
	return phys_range_ok(pa, len) ? phys_to_virt(pa) : NULL;
}

/* Signature as printable text, for log lines about tables we may not trust. */
static void sig_text(const char *sig, char out[ACPI_SIG_LEN + 1])
{
	for (int i = 0; i < ACPI_SIG_LEN; i++)
		out[i] = (sig[i] >= 0x20 && sig[i] < 0x7f) ? sig[i] : '?';
	out[ACPI_SIG_LEN] = 0;
}

/* The table at pa, if its header is reachable and its length and checksum are right. */
static const struct acpi_sdt_header *table_at(uint64_t pa, const char *sig)
{
	const struct acpi_sdt_header *h = acpi_map(pa, sizeof(*h));
	if (!h) {
		pr_warn("ACPI: table pointer %#lx outside memory; ignored\n", pa);
		return NULL;
	}
	uint32_t len = h->length;
	if (len <= ACPI_TABLE_MAX_LEN && acpi_map(pa, len) && acpi_table_check(h, len, sig) == 0)
		return h;
	char name[ACPI_SIG_LEN + 1];
	sig_text(h->signature, name);
	pr_warn("ACPI: table '%s' at %#lx (length %u) fails its checks; ignored\n", name, pa, len);
	return NULL;
}

static uint64_t read_le(const uint8_t *p, unsigned size)
{
	uint64_t v = 0;
	for (unsigned i = 0; i < size; i++)
		v |= (uint64_t)p[i] << (8 * i);
	return v;
}

/* Record every valid table the root lists (its entries may be unaligned). */
static void collect_tables(const struct acpi_sdt_header *root, unsigned entry_size)
{
	const uint8_t *p = (const uint8_t *)(root + 1);
	uint32_t n = (root->length - sizeof(*root)) / entry_size;
	for (uint32_t i = 0; i < n; i++) {
		uint64_t pa = read_le(p + i * entry_size, entry_size);
		if (!table_at(pa, NULL))
			continue;
		if (ntables == ACPI_MAX_TABLES) {
			pr_warn("ACPI: more than %u tables; the rest ignored\n", ACPI_MAX_TABLES);
			return;
		}
		tables[ntables++] = pa;
	}
}

/* RSDP -> XSDT, falling back to the RSDT when the XSDT is absent or corrupt. */
static int find_tables(uint64_t rsdp_phys)
{
	const void *rsdp = acpi_map(rsdp_phys, ACPI_RSDP_V2_LEN);
	struct acpi_root root;
	if (!rsdp) {
		pr_warn("ACPI: no RSDP from the loader\n");
		return -ENOENT;
	}
	if (acpi_rsdp_parse(rsdp, ACPI_RSDP_V2_LEN, &root)) {
		pr_err("ACPI: RSDP at %#lx is corrupt; ignored\n", rsdp_phys);
		return -EINVAL;
	}
	if (root.v2_rejected)
		pr_warn("ACPI: RSDP v2 part fails its checksum; using the RSDT\n");
	const struct acpi_sdt_header *t = root.xsdt_phys ? table_at(root.xsdt_phys, "XSDT") : NULL;
	if (t) {
		collect_tables(t, XSDT_ENTRY_SIZE);
		return 0;
	}
	t = root.rsdt_phys ? table_at(root.rsdt_phys, "RSDT") : NULL;
	if (!t)
		return -EINVAL;
	collect_tables(t, RSDT_ENTRY_SIZE);
	return 0;
}

const struct acpi_sdt_header *acpi_find_table(const char *sig)
{
	for (uint32_t i = 0; i < ntables; i++) {
		const struct acpi_sdt_header *h = phys_to_virt(tables[i]);
		if (acpi_table_check(h, h->length, sig) == 0)
			return h;
	}
	return NULL;
}

static void print_summary(void)
{
	const struct acpi_info *a = &acpi_info;
	if (a->madt_dropped)
		pr_warn("ACPI: %u MADT entries beyond the kernel's limits ignored\n", a->madt_dropped);
	if (a->hpet_phys)
		pr_info("ACPI: %u CPUs, %u IOAPICs, HPET at %#lx (%u tables, %u IRQ overrides)\n",
			a->ncpus, a->nioapics, a->hpet_phys, ntables, a->noverrides);
	else
		pr_info("ACPI: %u CPUs, %u IOAPICs, no HPET (%u tables, %u IRQ overrides)\n", a->ncpus,
			a->nioapics, ntables, a->noverrides);
}

int acpi_init(uint64_t rsdp_phys)
{
	int err = find_tables(rsdp_phys);
	if (err) {
		pr_err("ACPI: no usable tables (%d)\n", err);
		return err;
	}
	const struct acpi_sdt_header *madt = acpi_find_table("APIC");
	if (!madt || acpi_madt_parse(madt, madt->length, &acpi_info)) {
		pr_err("ACPI: no valid MADT\n");
		err = -ENOENT;
	}
	const struct acpi_sdt_header *hpet = acpi_find_table("HPET");
	if (hpet && acpi_hpet_parse(hpet, hpet->length, &acpi_info))
		pr_warn("ACPI: HPET table unusable; ignored\n");
	print_summary();
	return err;
}

uint32_t acpi_isa_irq_to_gsi(uint8_t irq, uint16_t *flags)
{
	for (uint32_t i = 0; i < acpi_info.noverrides; i++) {
		const struct acpi_override *o = &acpi_info.overrides[i];
		if (o->isa_irq == irq) {
			if (flags)
				*flags = o->flags;
			return o->gsi;
		}
	}
	if (flags)
		*flags = MPS_INTI_POLARITY_BUS | MPS_INTI_TRIGGER_BUS;
	return irq;
}
