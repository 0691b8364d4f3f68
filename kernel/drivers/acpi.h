/* ACPI table discovery: RSDP -> XSDT/RSDT, with checksums verified; the MADT (CPUs, IOAPICs,
 * interrupt source overrides) and the HPET table decoded into plain structs. */
#ifndef DRIVERS_ACPI_H
#define DRIVERS_ACPI_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define ACPI_MAX_CPUS 64
#define ACPI_MAX_IOAPICS 8
#define ACPI_MAX_OVERRIDES 16
#define ACPI_MAX_NMIS 8
#define ACPI_UID_ALL 0xffffffffu /* an NMI entry that applies to every processor */

/* MPS INTI flags (interrupt source overrides, NMI entries): polarity in bits 1:0, trigger mode
 * in bits 3:2; "bus" means the default of the bus the source sits on. */
#define MPS_INTI_POLARITY_MASK 0x3
#define MPS_INTI_POLARITY_BUS 0x0
#define MPS_INTI_POLARITY_HIGH 0x1
#define MPS_INTI_POLARITY_RESERVED 0x2
#define MPS_INTI_POLARITY_LOW 0x3
#define MPS_INTI_TRIGGER_MASK 0xc
#define MPS_INTI_TRIGGER_BUS 0x0
#define MPS_INTI_TRIGGER_EDGE 0x4
#define MPS_INTI_TRIGGER_RESERVED 0x8
#define MPS_INTI_TRIGGER_LEVEL 0xc

struct acpi_ioapic {
	uint8_t id;
	uint64_t phys;
	uint32_t gsi_base;
};

struct acpi_override { /* ISA IRQ -> GSI with polarity/trigger (MPS INTI flags) */
	uint8_t isa_irq;
	uint32_t gsi;
	uint16_t flags;
};

struct acpi_lapic_nmi { /* a LAPIC LINT pin wired to NMI */
	uint32_t acpi_uid; /* processor UID, or ACPI_UID_ALL */
	uint16_t flags; /* MPS INTI flags */
	uint8_t lint; /* 0 or 1 */
};

struct acpi_info {
	uint64_t lapic_phys;
	uint32_t ncpus;
	uint32_t cpu_apic_ids[ACPI_MAX_CPUS]; /* enabled (or online-capable) processors */
	uint32_t cpu_acpi_uids[ACPI_MAX_CPUS]; /* their ACPI processor UIDs, same index */
	uint32_t nioapics;
	struct acpi_ioapic ioapics[ACPI_MAX_IOAPICS];
	uint32_t noverrides;
	struct acpi_override overrides[ACPI_MAX_OVERRIDES];
	uint32_t nnmis;
	struct acpi_lapic_nmi nmis[ACPI_MAX_NMIS];
	uint32_t madt_dropped; /* MADT entries beyond the limits above (logged, not used) */
	uint64_t hpet_phys; /* 0 when there is no HPET table */
	uint16_t hpet_min_tick; /* minimum periodic tick the firmware allows, in counter ticks */
	bool has_8259; /* MADT PCAT_COMPAT: legacy PICs present (and must be masked) */
};

extern struct acpi_info acpi_info;

/* Parse from the RSDP the loader found; returns -ENOENT/-EINVAL on missing or corrupt tables
 * (a corrupt table is reported and ignored, never trusted). */
int acpi_init(uint64_t rsdp_phys);
/* Map a GSI from an ISA IRQ number through the overrides (identity when none). */
uint32_t acpi_isa_irq_to_gsi(uint8_t irq, uint16_t *flags);

/* ---- table layouts (ACPI 6.x, section 5.2) ---- */

#define ACPI_SIG_LEN 4

struct acpi_sdt_header { /* common header of every system description table */
	char signature[ACPI_SIG_LEN];
	uint32_t length; /* of the whole table, header included */
	uint8_t revision;
	uint8_t checksum; /* all `length` bytes sum to 0 (mod 256) */
	char oem_id[6];
	char oem_table_id[8];
	uint32_t oem_revision;
	uint32_t creator_id;
	uint32_t creator_revision;
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_sdt_header) == 36, "ACPI SDT header layout");

#define ACPI_RSDP_SIG "RSD PTR "
#define ACPI_RSDP_V1_LEN 20 /* what the first checksum covers */
#define ACPI_RSDP_V2_LEN 36

struct acpi_rsdp {
	char signature[8];
	uint8_t checksum; /* first ACPI_RSDP_V1_LEN bytes */
	char oem_id[6];
	uint8_t revision; /* 0 = ACPI 1.0 (RSDT only), >= 2 = XSDT fields valid */
	uint32_t rsdt_phys;
	uint32_t length; /* v2: whole structure */
	uint64_t xsdt_phys;
	uint8_t extended_checksum; /* v2: all `length` bytes */
	uint8_t reserved[3];
} __attribute__((packed));
_Static_assert(sizeof(struct acpi_rsdp) == ACPI_RSDP_V2_LEN, "ACPI RSDP layout");

/* What the RSDP points at. xsdt_phys is 0 for a v1 RSDP or when the v2 part is corrupt. */
struct acpi_root {
	uint64_t xsdt_phys;
	uint32_t rsdt_phys;
	uint8_t revision;
	bool v2_rejected; /* revision >= 2 but length/extended checksum wrong: v2 part ignored */
};

/* ---- pure parsers: no hardware, no globals; they work on any buffer (tests, host) ---- */

/* Sum of `len` bytes mod 256; a valid ACPI structure sums to 0. */
uint8_t acpi_checksum(const void *buf, size_t len);
/* Validate an RSDP held in `avail` readable bytes: signature, checksum, and for v2 the length
 * and extended checksum. 0 and *out filled, or -EINVAL. */
int acpi_rsdp_parse(const void *buf, size_t avail, struct acpi_root *out);
/* A table at buf with `avail` readable bytes: the header fits, its length is at least the
 * header and at most avail, the bytes sum to 0, and (when sig is not NULL) the signature is
 * sig. 0 or -EINVAL. */
int acpi_table_check(const void *buf, size_t avail, const char *sig);
/* Decode a MADT ("APIC") into the MADT fields of *out (other fields untouched). The table is
 * checked first and every entry bounds-checked; on -EINVAL *out is unchanged. */
int acpi_madt_parse(const void *buf, size_t avail, struct acpi_info *out);
/* Decode an HPET table into out->hpet_phys/hpet_min_tick; -EINVAL if corrupt or not in
 * system memory space. */
int acpi_hpet_parse(const void *buf, size_t avail, struct acpi_info *out);

/* A table found at boot whose bounds and checksum were verified, by signature (the first one
 * when there are several), read through the direct map; NULL when absent. */
const struct acpi_sdt_header *acpi_find_table(const char *sig);

#endif
