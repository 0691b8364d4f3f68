/* IOAPIC driver: every IOAPIC the MADT lists is mapped and all its pins masked; a GSI is routed
 * to the IOAPIC whose range [gsi_base, gsi_base + pins) holds it, with fixed delivery in
 * physical destination mode. Registers per the Intel 82093AA IOAPIC datasheet: an index
 * register (IOREGSEL) and a data window (IOWIN). */
#include <arch/x86_64/ioapic.h>
#include <arch/x86_64/trap.h>
#include <drivers/acpi.h>
#include <core/spinlock.h>
#include <core/printk.h>
#include <mm/vmap.h>
#include <uapi/errno.h>

#define IOREGSEL 0x00 /* byte offsets of the two MMIO registers */
#define IOWIN 0x10
#define IOAPIC_MMIO_SIZE 0x20

#define IOAPIC_REG_VERSION 0x01
#define IOAPIC_REG_REDIR(pin) (0x10 + 2 * (pin)) /* low half; high half is +1 */
#define VERSION_MAX_REDIR(v) (((v) >> 16) & 0xff)

#define REDIR_MASKED (1u << 16)
#define REDIR_LEVEL (1u << 15)
#define REDIR_ACTIVE_LOW (1u << 13)
#define REDIR_DEST_SHIFT 24 /* in the high half: physical APIC ID */
#define REDIR_MAX_DEST 0xff /* 8-bit destination without interrupt remapping */

struct ioapic {
	volatile uint32_t *regs;
	uint32_t gsi_base;
	uint32_t pins;
	struct spinlock lock; /* guards the IOREGSEL/IOWIN pair: select and access are one step */
};

/* Filled by ioapic_init on the boot CPU, read-only afterwards (the locks excepted). */
static struct ioapic ioapics[ACPI_MAX_IOAPICS];
static uint32_t nioapics;

static uint32_t reg_read(struct ioapic *io, uint32_t reg)
{
	io->regs[IOREGSEL / 4] = reg;
	return io->regs[IOWIN / 4];
}

static void reg_write(struct ioapic *io, uint32_t reg, uint32_t v)
{
	io->regs[IOREGSEL / 4] = reg;
	io->regs[IOWIN / 4] = v;
}

/* Write a redirection entry; the low half (with the mask bit) goes last when unmasking and
 * first when masking, so the pin is never live with a half-written entry. */
static void redir_write(struct ioapic *io, uint32_t pin, uint32_t low, uint32_t high)
{
	uint64_t f = spin_lock_irqsave(&io->lock);
	reg_write(io, IOAPIC_REG_REDIR(pin), REDIR_MASKED);
	reg_write(io, IOAPIC_REG_REDIR(pin) + 1, high);
	reg_write(io, IOAPIC_REG_REDIR(pin), low);
	spin_unlock_irqrestore(&io->lock, f);
}

static struct ioapic *ioapic_for(uint32_t gsi, uint32_t *pin)
{
	for (uint32_t i = 0; i < nioapics; i++) {
		struct ioapic *io = &ioapics[i];
		if (gsi >= io->gsi_base && gsi - io->gsi_base < io->pins) {
			*pin = gsi - io->gsi_base;
			return io;
		}
	}
	return NULL;
}

static void setup_one(const struct acpi_ioapic *a)
{
	volatile uint32_t *regs = ioremap(a->phys, IOAPIC_MMIO_SIZE);
	if (!regs) {
		pr_err("IOAPIC %u at %#lx: cannot map; ignored\n", a->id, a->phys);
		return;
	}
	struct ioapic *io = &ioapics[nioapics++];
	*io = (struct ioapic){ .regs = regs, .gsi_base = a->gsi_base, .lock = SPINLOCK_INIT("ioapic") };
	uint32_t version = reg_read(io, IOAPIC_REG_VERSION);
	io->pins = VERSION_MAX_REDIR(version) + 1;
	for (uint32_t pin = 0; pin < io->pins; pin++)
		redir_write(io, pin, REDIR_MASKED, 0);
	pr_info("IOAPIC %u at %#lx: GSIs %u-%u, version %#x, all masked\n", a->id, a->phys,
		io->gsi_base, io->gsi_base + io->pins - 1, version & 0xff);
}

void ioapic_init(void)
{
	if (nioapics)
		return; /* once, on the boot CPU */
	for (uint32_t i = 0; i < acpi_info.nioapics; i++)
		setup_one(&acpi_info.ioapics[i]);
	if (!nioapics)
		pr_warn("IOAPIC: none found; device interrupts unavailable\n");
}

/* MPS INTI flags to redirection bits; "bus default" is ISA's (edge, active high), reserved
 * encodings are refused. */
static int inti_to_redir(uint16_t flags, uint32_t *bits)
{
	uint16_t pol = flags & MPS_INTI_POLARITY_MASK, trig = flags & MPS_INTI_TRIGGER_MASK;
	if (pol == MPS_INTI_POLARITY_RESERVED || trig == MPS_INTI_TRIGGER_RESERVED)
		return -EINVAL;
	*bits = (pol == MPS_INTI_POLARITY_LOW ? REDIR_ACTIVE_LOW : 0) |
		(trig == MPS_INTI_TRIGGER_LEVEL ? REDIR_LEVEL : 0);
	return 0;
}

int ioapic_route(uint32_t gsi, uint16_t flags, uint32_t apic_id)
{
	uint32_t pin, bits;
	struct ioapic *io = ioapic_for(gsi, &pin);
	if (!io)
		return -ENOENT;
	if (gsi >= VECTOR_GSI_COUNT || apic_id > REDIR_MAX_DEST || inti_to_redir(flags, &bits))
		return -EINVAL;
	redir_write(io, pin, (VECTOR_GSI_BASE + gsi) | bits, apic_id << REDIR_DEST_SHIFT);
	return 0;
}

void ioapic_mask(uint32_t gsi)
{
	uint32_t pin;
	struct ioapic *io = ioapic_for(gsi, &pin);
	if (!io)
		return;
	uint64_t f = spin_lock_irqsave(&io->lock);
	uint32_t low = reg_read(io, IOAPIC_REG_REDIR(pin));
	reg_write(io, IOAPIC_REG_REDIR(pin), low | REDIR_MASKED);
	spin_unlock_irqrestore(&io->lock, f);
}
