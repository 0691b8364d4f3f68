/* Console I/O: writes go to the serial port and the framebuffer console; received bytes are
 * moved by the COM1 interrupt handler into a ring buffer that readers sleep on. No line
 * discipline yet (the TTY issue brings one): a read returns whatever is buffered, with carriage
 * returns translated to newlines as a terminal in cooked mode would. */
#include <drivers/console_io.h>
#include <proc/signal.h>
#include <drivers/acpi.h>
#include <drivers/fbcon.h>
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

/* input_lock guards the ring (head, tail, buf) and input_wait; taken by the IRQ handler, so
 * always with interrupts off. */
static struct spinlock input_lock = SPINLOCK_INIT("console_in");
static struct wait_queue input_wait = WAIT_QUEUE_INIT(input_wait);
static char input_buf[INPUT_BUF_SIZE];
static uint32_t input_head, input_tail; /* free-running; count = head - tail */
static uint64_t input_dropped; /* bytes lost to a full buffer */

/* Serialises writers so that one write's bytes are not interleaved with another's. */
static struct spinlock output_lock = SPINLOCK_INIT("console_out");

void console_io_write(const char *buf, size_t n)
{
	uint64_t flags = spin_lock_irqsave(&output_lock);
	serial_write(buf, n);
	fbcon_write(buf, n);
	spin_unlock_irqrestore(&output_lock, flags);
}

static void input_put_locked(char c)
{
	if (input_head - input_tail == INPUT_BUF_SIZE) {
		input_dropped++;
		return;
	}
	input_buf[input_head++ % INPUT_BUF_SIZE] = c == '\r' ? '\n' : c;
}

static void serial_irq(struct trap_frame *f)
{
	(void)f;
	spin_lock(&input_lock);
	bool got = false;
	while (serial_rx_ready()) {
		input_put_locked(serial_getc());
		got = true;
	}
	if (got)
		wait_queue_wake_locked(&input_wait, 0);
	spin_unlock(&input_lock);
}

void console_io_init(void)
{
	uint16_t flags;
	uint32_t gsi = acpi_isa_irq_to_gsi(COM1_ISA_IRQ, &flags);
	if (gsi >= VECTOR_GSI_COUNT) {
		pr_warn("console_io: COM1 on GSI %u, beyond the routed range: no input\n", gsi);
		return;
	}
	int err = irq_register((uint8_t)(VECTOR_GSI_BASE + gsi), serial_irq);
	if (!err)
		err = ioapic_route(gsi, flags, lapic_id());
	if (err) {
		pr_warn("console_io: cannot route COM1 input (%d)\n", err);
		return;
	}
	serial_enable_rx_irq();
}

long console_io_read(char *buf, size_t n)
{
	if (n == 0)
		return 0;
	uint64_t flags = spin_lock_irqsave(&input_lock);
	while (input_head == input_tail) {
		int r = signal_wait_queue_sleep_locked(&input_wait, &input_lock, &flags, 0);
		if (r == -EINTR) { /* restarted after a SA_RESTART handler, else -EINTR */
			spin_unlock_irqrestore(&input_lock, flags);
			return -ERESTARTSYS;
		}
	}
	size_t got = 0;
	while (got < n && input_tail != input_head)
		buf[got++] = input_buf[input_tail++ % INPUT_BUF_SIZE];
	spin_unlock_irqrestore(&input_lock, flags);
	return (long)got;
}
