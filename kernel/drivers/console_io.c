/* Console I/O: writes go to the serial port and the framebuffer console; bytes received by
 * the COM1 and keyboard interrupt handlers wait in a ring buffer for the tty layer's input
 * thread (line discipline work, echo and signals are not done in interrupt context). */
#include <drivers/console_io.h>
#include <drivers/acpi.h>
#include <drivers/fbcon.h>
#include <drivers/ps2kbd.h>
#include <drivers/serial.h>
#include <arch/x86_64/ioapic.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/trap.h>
#include <core/printk.h>
#include <core/spinlock.h>
#include <sched/wait.h>
#include <uapi/errno.h>

#define COM1_ISA_IRQ 4
#define INPUT_BUF_SIZE 4096 /* power of two */

/* input_lock guards the ring (head, tail, buf) and input_wait; taken by the IRQ handlers, so
 * always with interrupts off. */
static struct spinlock input_lock = SPINLOCK_INIT("console_in");
static struct wait_queue input_wait = WAIT_QUEUE_INIT(input_wait);
static char input_buf[INPUT_BUF_SIZE];
static uint32_t input_head, input_tail; /* free-running; count = head - tail */
static uint64_t input_dropped; /* bytes lost to a full buffer */

/* Serialises output so that one call's bytes are not interleaved with another's. */
static struct spinlock output_lock = SPINLOCK_INIT("console_out");

void console_io_write(const char *buf, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&output_lock);
	serial_write_raw(buf, n);
	fbcon_write(buf, n);
	spin_unlock_irqrestore(&output_lock, flags);
}

void console_io_input(const char *buf, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&input_lock);
	for (size_t i = 0; i < n; i++) {
		if (input_head - input_tail == INPUT_BUF_SIZE)
			input_dropped++;
		else
			input_buf[input_head++ % INPUT_BUF_SIZE] = buf[i];
	}
	if (n)
		wait_queue_wake_locked(&input_wait, 0);
	spin_unlock_irqrestore(&input_lock, flags);
}

size_t console_io_wait_input(char *buf, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&input_lock);
	/* Only the console's input kernel thread waits here: no signal or exit concerns it. */
	while (input_head == input_tail)
		wait_queue_sleep_locked(&input_wait, &input_lock, &flags, 0, SLEEP_UNINTERRUPTIBLE);
	size_t got = 0;
	while (got < n && input_tail != input_head)
		buf[got++] = input_buf[input_tail++ % INPUT_BUF_SIZE];
	spin_unlock_irqrestore(&input_lock, flags);
	return got;
}

#define SERIAL_BATCH 16 /* the UART's receive FIFO */

static void serial_irq(struct trap_frame *f)
{
	(void)f;
	char batch[SERIAL_BATCH];
	size_t n = 0;
	while (serial_rx_ready()) {
		batch[n++] = serial_getc();
		if (n == SERIAL_BATCH) {
			console_io_input(batch, n);
			n = 0;
		}
	}
	console_io_input(batch, n);
}

int console_io_route_isa_irq(unsigned isa_irq, irq_handler_t h)
{
	uint16_t flags;
	uint32_t gsi = acpi_isa_irq_to_gsi(isa_irq, &flags);
	if (gsi >= VECTOR_GSI_COUNT)
		return -ERANGE;
	int err = irq_register((uint8_t)(VECTOR_GSI_BASE + gsi), h);
	if (!err)
		err = ioapic_route(gsi, flags, lapic_id());
	return err;
}

void console_io_init(void)
{
	int err = console_io_route_isa_irq(COM1_ISA_IRQ, serial_irq);
	if (err)
		pr_warn("console_io: cannot route COM1 input (%d)\n", err);
	else
		serial_enable_rx_irq();
	ps2kbd_init();
}
