/* Remaps and masks the legacy 8259 PICs. The initialization sequence (ICW1-ICW4, then OCW1 for
 * the mask) is the one in the Intel 8259A datasheet. */
#include <arch/x86_64/pic.h>
#include <arch/x86_64/io.h>

#define PIC1_CMD 0x20
#define PIC1_DATA 0x21
#define PIC2_CMD 0xa0
#define PIC2_DATA 0xa1
#define PORT_IO_DELAY 0x80 /* POST diagnostic port: a write takes ~1 us, giving the PIC time */

#define ICW1_INIT 0x10
#define ICW1_ICW4 0x01 /* an ICW4 follows */
#define ICW3_MASTER_CASCADE 0x04 /* slave on IRQ 2 (bit mask) */
#define ICW3_SLAVE_ID 0x02 /* the slave's cascade identity */
#define ICW4_8086 0x01
#define OCW1_MASK_ALL 0xff
#define PIC_LINES_PER_CHIP 8

_Static_assert(PIC_VECTOR_BASE >= 32 && PIC_VECTOR_BASE + PIC_LINES <= 0xf0,
	       "PIC vectors clear of the exceptions and the LAPIC's fixed vectors");

static void pic_out(uint16_t port, uint8_t v)
{
	outb(port, v);
	outb(PORT_IO_DELAY, 0);
}

void pic_disable(void)
{
	pic_out(PIC1_DATA, OCW1_MASK_ALL); /* masked while reprogramming, too */
	pic_out(PIC2_DATA, OCW1_MASK_ALL);
	pic_out(PIC1_CMD, ICW1_INIT | ICW1_ICW4);
	pic_out(PIC2_CMD, ICW1_INIT | ICW1_ICW4);
	pic_out(PIC1_DATA, PIC_VECTOR_BASE);
	pic_out(PIC2_DATA, PIC_VECTOR_BASE + PIC_LINES_PER_CHIP);
	pic_out(PIC1_DATA, ICW3_MASTER_CASCADE);
	pic_out(PIC2_DATA, ICW3_SLAVE_ID);
	pic_out(PIC1_DATA, ICW4_8086);
	pic_out(PIC2_DATA, ICW4_8086);
	/* Initialization leaves the mask register cleared: mask everything again. */
	pic_out(PIC1_DATA, OCW1_MASK_ALL);
	pic_out(PIC2_DATA, OCW1_MASK_ALL);
}
