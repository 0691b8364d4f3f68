/* Pure ACPI table parsers: RSDP, table header checks, MADT and HPET decoding. They take a buffer
 * and its readable size and touch no hardware and no kernel globals, so the checks that guard
 * against corrupt firmware tables can be exercised on doctored copies (ktest, host). */
#include <drivers/acpi.h>
#include <uapi/errno.h>

#define MADT_FLAG_PCAT_COMPAT (1u << 0)
#define MADT_CPU_ENABLED (1u << 0)
#define MADT_CPU_ONLINE_CAPABLE (1u << 1)
#define MADT_NMI_UID_ALL 0xff /* type 4: "all processors" */
#define MADT_ISA_BUS 0
#define ACPI_ADDR_SPACE_MEMORY 0 /* Generic Address Structure: system memory */

enum madt_type {
	MADT_LAPIC = 0,
	MADT_IOAPIC = 1,
	MADT_OVERRIDE = 2,
	MADT_LAPIC_NMI = 4,
	MADT_LAPIC_ADDR = 5,
	MADT_X2APIC = 9,
	MADT_X2APIC_NMI = 10,
};

struct madt {
	struct acpi_sdt_header h;
	uint32_t lapic_phys;
	uint32_t flags;
} __attribute__((packed));

struct madt_entry {
	uint8_t type, length;
} __attribute__((packed));

struct madt_lapic {
	struct madt_entry e;
	uint8_t acpi_uid, apic_id;
	uint32_t flags;
} __attribute__((packed));

struct madt_ioapic {
	struct madt_entry e;
	uint8_t id, reserved;
	uint32_t phys, gsi_base;
} __attribute__((packed));

struct madt_override {
	struct madt_entry e;
	uint8_t bus, source;
	uint32_t gsi;
	uint16_t flags;
} __attribute__((packed));

struct madt_lapic_nmi {
	struct madt_entry e;
	uint8_t acpi_uid;
	uint16_t flags;
	uint8_t lint;
} __attribute__((packed));

struct madt_lapic_addr {
	struct madt_entry e;
	uint16_t reserved;
	uint64_t phys;
} __attribute__((packed));

struct madt_x2apic {
	struct madt_entry e;
	uint16_t reserved;
	uint32_t x2apic_id, flags, acpi_uid;
} __attribute__((packed));

struct madt_x2apic_nmi {
	struct madt_entry e;
	uint16_t flags;
	uint32_t acpi_uid;
	uint8_t lint, reserved[3];
} __attribute__((packed));

_Static_assert(sizeof(struct madt) == 44, "MADT layout");
_Static_assert(sizeof(struct madt_lapic) == 8, "MADT LAPIC layout");
_Static_assert(sizeof(struct madt_ioapic) == 12, "MADT IOAPIC layout");
_Static_assert(sizeof(struct madt_override) == 10, "MADT override layout");
_Static_assert(sizeof(struct madt_lapic_nmi) == 6, "MADT LAPIC NMI layout");
_Static_assert(sizeof(struct madt_lapic_addr) == 12, "MADT LAPIC address layout");
_Static_assert(sizeof(struct madt_x2apic) == 16, "MADT x2APIC layout");
_Static_assert(sizeof(struct madt_x2apic_nmi) == 12, "MADT x2APIC NMI layout");

struct acpi_gas { /* Generic Address Structure */
	uint8_t space_id, bit_width, bit_offset, access_size;
	uint64_t address;
} __attribute__((packed));

struct hpet_table {
	struct acpi_sdt_header h;
	uint32_t event_timer_block_id;
	struct acpi_gas base;
	uint8_t hpet_number;
	uint16_t min_tick;
	uint8_t page_protection;
} __attribute__((packed));
_Static_assert(sizeof(struct hpet_table) == 56, "HPET table layout");

static bool bytes_eq(const char *a, const char *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (a[i] != b[i])
			return false;
	return true;
}

uint8_t acpi_checksum(const void *buf, size_t len)
{
	const uint8_t *p = buf;
	uint8_t sum = 0;
	for (size_t i = 0; i < len; i++)
		sum += p[i];
	return sum;
}

/* The v2 part (length, XSDT address) is only believed when its own checksum holds; a bad v2
 * part still leaves the v1 RSDT usable. */
int acpi_rsdp_parse(const void *buf, size_t avail, struct acpi_root *out)
{
	const struct acpi_rsdp *r = buf;
	if (avail < ACPI_RSDP_V1_LEN || !bytes_eq(r->signature, ACPI_RSDP_SIG, 8) ||
	    acpi_checksum(r, ACPI_RSDP_V1_LEN) != 0)
		return -EINVAL;
	*out = (struct acpi_root){ .rsdt_phys = r->rsdt_phys, .revision = r->revision };
	if (r->revision >= 2) {
		if (avail >= ACPI_RSDP_V2_LEN && r->length >= ACPI_RSDP_V2_LEN && r->length <= avail &&
		    acpi_checksum(r, r->length) == 0)
			out->xsdt_phys = r->xsdt_phys;
		else
			out->v2_rejected = true;
	}
	if (!out->xsdt_phys && !out->rsdt_phys)
		return -EINVAL;
	return 0;
}

int acpi_table_check(const void *buf, size_t avail, const char *sig)
{
	const struct acpi_sdt_header *h = buf;
	if (avail < sizeof(*h) || h->length < sizeof(*h) || h->length > avail)
		return -EINVAL;
	if (sig && !bytes_eq(h->signature, sig, ACPI_SIG_LEN))
		return -EINVAL;
	return acpi_checksum(h, h->length) == 0 ? 0 : -EINVAL;
}

/* Smallest valid length of each entry type we decode; later ACPI revisions may append fields,
 * so longer entries are accepted. */
static size_t madt_min_len(uint8_t type)
{
	switch (type) {
	case MADT_LAPIC: return sizeof(struct madt_lapic);
	case MADT_IOAPIC: return sizeof(struct madt_ioapic);
	case MADT_OVERRIDE: return sizeof(struct madt_override);
	case MADT_LAPIC_NMI: return sizeof(struct madt_lapic_nmi);
	case MADT_LAPIC_ADDR: return sizeof(struct madt_lapic_addr);
	case MADT_X2APIC: return sizeof(struct madt_x2apic);
	case MADT_X2APIC_NMI: return sizeof(struct madt_x2apic_nmi);
	default: return sizeof(struct madt_entry);
	}
}

/* Every entry lies inside the table and is long enough for its type. */
static bool madt_entries_valid(const uint8_t *p, const uint8_t *end)
{
	while (p < end) {
		if ((size_t)(end - p) < sizeof(struct madt_entry))
			return false;
		const struct madt_entry *e = (const void *)p;
		if (e->length < madt_min_len(e->type) || e->length > (size_t)(end - p))
			return false;
		p += e->length;
	}
	return true;
}

static void add_cpu(struct acpi_info *out, uint32_t apic_id, uint32_t uid, uint32_t flags)
{
	if (!(flags & (MADT_CPU_ENABLED | MADT_CPU_ONLINE_CAPABLE)))
		return;
	for (uint32_t i = 0; i < out->ncpus; i++)
		if (out->cpu_apic_ids[i] == apic_id)
			return; /* listed both as LAPIC and x2APIC */
	if (out->ncpus == ACPI_MAX_CPUS) {
		out->madt_dropped++;
		return;
	}
	out->cpu_apic_ids[out->ncpus] = apic_id;
	out->cpu_acpi_uids[out->ncpus++] = uid;
}

static void add_ioapic(struct acpi_info *out, const struct madt_ioapic *e)
{
	if (out->nioapics == ACPI_MAX_IOAPICS) {
		out->madt_dropped++;
		return;
	}
	out->ioapics[out->nioapics++] =
		(struct acpi_ioapic){ .id = e->id, .phys = e->phys, .gsi_base = e->gsi_base };
}

static void add_override(struct acpi_info *out, const struct madt_override *e)
{
	if (e->bus != MADT_ISA_BUS)
		return; /* the spec defines overrides for ISA only */
	if (out->noverrides == ACPI_MAX_OVERRIDES) {
		out->madt_dropped++;
		return;
	}
	out->overrides[out->noverrides++] =
		(struct acpi_override){ .isa_irq = e->source, .gsi = e->gsi, .flags = e->flags };
}

static void add_nmi(struct acpi_info *out, uint32_t uid, uint16_t flags, uint8_t lint)
{
	if (lint > 1)
		return; /* a LAPIC has LINT0 and LINT1 only */
	if (out->nnmis == ACPI_MAX_NMIS) {
		out->madt_dropped++;
		return;
	}
	out->nmis[out->nnmis++] = (struct acpi_lapic_nmi){ .acpi_uid = uid, .flags = flags, .lint = lint };
}

static void madt_decode_entry(struct acpi_info *out, const struct madt_entry *e)
{
	switch (e->type) {
	case MADT_LAPIC: {
		const struct madt_lapic *c = (const void *)e;
		add_cpu(out, c->apic_id, c->acpi_uid, c->flags);
		break;
	}
	case MADT_X2APIC: {
		const struct madt_x2apic *c = (const void *)e;
		add_cpu(out, c->x2apic_id, c->acpi_uid, c->flags);
		break;
	}
	case MADT_IOAPIC: add_ioapic(out, (const void *)e); break;
	case MADT_OVERRIDE: add_override(out, (const void *)e); break;
	case MADT_LAPIC_NMI: {
		const struct madt_lapic_nmi *n = (const void *)e;
		add_nmi(out, n->acpi_uid == MADT_NMI_UID_ALL ? ACPI_UID_ALL : n->acpi_uid, n->flags,
			n->lint);
		break;
	}
	case MADT_X2APIC_NMI: {
		const struct madt_x2apic_nmi *n = (const void *)e;
		add_nmi(out, n->acpi_uid, n->flags, n->lint);
		break;
	}
	case MADT_LAPIC_ADDR: out->lapic_phys = ((const struct madt_lapic_addr *)e)->phys; break;
	default: break; /* other controllers (GIC, SAPIC...) are not ours */
	}
}

/* Two passes: validate the whole table and every entry first, then decode, so a malformed
 * table leaves *out exactly as it was. */
int acpi_madt_parse(const void *buf, size_t avail, struct acpi_info *out)
{
	if (acpi_table_check(buf, avail, "APIC") || ((const struct acpi_sdt_header *)buf)->length <
							     sizeof(struct madt))
		return -EINVAL;
	const struct madt *m = buf;
	const uint8_t *p = (const uint8_t *)buf + sizeof(*m), *end = (const uint8_t *)buf + m->h.length;
	if (!madt_entries_valid(p, end))
		return -EINVAL;

	out->lapic_phys = m->lapic_phys;
	out->has_8259 = m->flags & MADT_FLAG_PCAT_COMPAT;
	out->ncpus = out->nioapics = out->noverrides = out->nnmis = out->madt_dropped = 0;
	for (; p < end; p += ((const struct madt_entry *)p)->length)
		madt_decode_entry(out, (const void *)p);
	return 0;
}

int acpi_hpet_parse(const void *buf, size_t avail, struct acpi_info *out)
{
	if (acpi_table_check(buf, avail, "HPET") ||
	    ((const struct acpi_sdt_header *)buf)->length < sizeof(struct hpet_table))
		return -EINVAL;
	const struct hpet_table *t = buf;
	if (t->base.space_id != ACPI_ADDR_SPACE_MEMORY || t->base.address == 0)
		return -EINVAL;
	out->hpet_phys = t->base.address;
	out->hpet_min_tick = t->min_tick;
	return 0;
}
