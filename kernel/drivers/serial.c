/* 16550 UART driver (COM1, port 0x3f8): polled output, interrupt-driven input later handed to
 * the TTY layer. Output translates "\n" to "\r\n" as a terminal expects. */
#include <drivers/serial.h>
#include <arch/x86_64/io.h>
#include <core/printk.h>

#define COM1 0x3f8
#define REG_DATA 0
#define REG_IER 1
#define REG_FCR 2
#define REG_LCR 3
#define REG_MCR 4
#define REG_LSR 5
#define REG_DLL 0
#define REG_DLM 1
#define LCR_DLAB 0x80
#define LCR_8N1 0x03
#define FCR_ENABLE_CLEAR_14 0xc7
#define MCR_DTR_RTS_OUT2 0x0b
#define LSR_DATA_READY 0x01
#define LSR_THR_EMPTY 0x20
#define IER_RX_AVAILABLE 0x01
#define BAUD_DIVISOR_115200 1
#define TX_SPIN_LIMIT 100000 /* give up on a wedged UART rather than hang the kernel */

static bool present;

static void put_raw(char c)
{
	for (int i = 0; i < TX_SPIN_LIMIT && !(inb(COM1 + REG_LSR) & LSR_THR_EMPTY); i++)
		;
	outb(COM1 + REG_DATA, (uint8_t)c);
}

void serial_write(const char *s, size_t n)
{
	if (!present)
		return;
	for (size_t i = 0; i < n; i++) {
		if (s[i] == '\n')
			put_raw('\r');
		put_raw(s[i]);
	}
}

void serial_write_raw(const char *s, size_t n)
{
	if (!present)
		return;
	for (size_t i = 0; i < n; i++)
		put_raw(s[i]);
}

static struct console serial_console = { .name = "ttyS0", .write = serial_write };

void serial_init(void)
{
	outb(COM1 + REG_IER, 0);
	outb(COM1 + REG_LCR, LCR_DLAB);
	outb(COM1 + REG_DLL, BAUD_DIVISOR_115200);
	outb(COM1 + REG_DLM, 0);
	outb(COM1 + REG_LCR, LCR_8N1);
	outb(COM1 + REG_FCR, FCR_ENABLE_CLEAR_14);
	outb(COM1 + REG_MCR, MCR_DTR_RTS_OUT2);
	/* A missing UART reads back all ones. */
	present = inb(COM1 + REG_LSR) != 0xff;
	if (present)
		console_register(&serial_console);
}

bool serial_rx_ready(void)
{
	return present && (inb(COM1 + REG_LSR) & LSR_DATA_READY);
}

char serial_getc(void)
{
	return (char)inb(COM1 + REG_DATA);
}

void serial_enable_rx_irq(void)
{
	if (present)
		outb(COM1 + REG_IER, IER_RX_AVAILABLE);
}
