/* The i8042 PS/2 controller's keyboard port: set-up (first port on, translation to set 1,
 * interrupts on IRQ 1; the second port off) and the interrupt handler that decodes scancodes
 * (ps2kbd_keymap.c) into console input. */
#include <drivers/ps2kbd.h>
#include <drivers/console_io.h>
#include <arch/x86_64/io.h>
#include <arch/x86_64/trap.h>
#include <core/printk.h>

#define I8042_DATA 0x60
#define I8042_STATUS 0x64 /* read */
#define I8042_COMMAND 0x64 /* write */
#define STATUS_OUTPUT_FULL 0x01 /* a byte for us in I8042_DATA */
#define STATUS_INPUT_FULL 0x02 /* the controller has not taken our last byte */
#define STATUS_AUX_DATA 0x20 /* the byte is from the second (mouse) port */
#define STATUS_ABSENT 0xff /* floating bus: no controller */
#define CMD_READ_CONFIG 0x20
#define CMD_WRITE_CONFIG 0x60
#define CMD_DISABLE_PORT2 0xa7
#define CMD_DISABLE_PORT1 0xad
#define CMD_ENABLE_PORT1 0xae
#define CONFIG_PORT1_IRQ 0x01
#define CONFIG_PORT2_IRQ 0x02
#define CONFIG_PORT1_CLOCK_OFF 0x10
#define CONFIG_TRANSLATE 0x40
#define KBD_ISA_IRQ 1
#define SPIN_LIMIT 100000 /* polls before a wedged controller is given up on */
#define FLUSH_LIMIT 64 /* stale bytes drained at set-up */

static struct ps2kbd_state kbd; /* only the IRQ handler touches it after init */

static bool wait_input_empty(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++)
		if (!(inb(I8042_STATUS) & STATUS_INPUT_FULL))
			return true;
	return false;
}

static bool wait_output_full(void)
{
	for (int i = 0; i < SPIN_LIMIT; i++)
		if (inb(I8042_STATUS) & STATUS_OUTPUT_FULL)
			return true;
	return false;
}

static bool command(uint8_t cmd)
{
	if (!wait_input_empty())
		return false;
	outb(I8042_COMMAND, cmd);
	return true;
}

static void kbd_irq(struct trap_frame *f)
{
	(void)f;
	char out[PS2KBD_SEQ_MAX];
	uint8_t status;
	while ((status = inb(I8042_STATUS)) & STATUS_OUTPUT_FULL) {
		uint8_t code = inb(I8042_DATA);
		if (status & STATUS_AUX_DATA)
			continue;
		size_t n = ps2kbd_decode(&kbd, code, out);
		console_io_input(out, n);
	}
}

/* Both ports off, stale output drained, then the configuration byte rewritten. */
static bool controller_setup(void)
{
	if (!command(CMD_DISABLE_PORT1) || !command(CMD_DISABLE_PORT2))
		return false;
	for (int i = 0; i < FLUSH_LIMIT && (inb(I8042_STATUS) & STATUS_OUTPUT_FULL); i++)
		(void)inb(I8042_DATA);
	if (!command(CMD_READ_CONFIG) || !wait_output_full())
		return false;
	uint8_t config = inb(I8042_DATA);
	config |= CONFIG_PORT1_IRQ | CONFIG_TRANSLATE;
	config &= (uint8_t)~(CONFIG_PORT2_IRQ | CONFIG_PORT1_CLOCK_OFF);
	if (!command(CMD_WRITE_CONFIG) || !wait_input_empty())
		return false;
	outb(I8042_DATA, config);
	return command(CMD_ENABLE_PORT1);
}

void ps2kbd_init(void)
{
	if (inb(I8042_STATUS) == STATUS_ABSENT) {
		pr_info("ps2kbd: no i8042 controller\n");
		return;
	}
	if (!controller_setup()) {
		pr_warn("ps2kbd: the i8042 controller does not respond\n");
		return;
	}
	int err = console_io_route_isa_irq(KBD_ISA_IRQ, kbd_irq);
	if (err)
		pr_warn("ps2kbd: cannot route IRQ 1 (%d)\n", err);
}
