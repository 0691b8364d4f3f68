/* 8254 PIT channel 2, polled: mode 0 ("interrupt on terminal count") raises its OUT line, which
 * port 0x61 bit 5 reflects, when the count has run out. The gate (port 0x61 bit 0) holds the
 * count until it is fully loaded. Channel 0 is left alone; the kernel takes no PIT interrupt. */
#include <arch/x86_64/pit.h>
#include <arch/x86_64/io.h>

#define PIT_CH2_DATA 0x42
#define PIT_COMMAND 0x43
#define PORT_B 0x61 /* system control port B */

#define PORTB_CH2_GATE (1u << 0)
#define PORTB_SPEAKER (1u << 1)
#define PORTB_WRITABLE 0x0f /* the upper bits are status on read */
#define PORTB_CH2_OUT (1u << 5)

/* Command: channel 2 (bits 7:6 = 10), low then high byte (5:4 = 11), mode 0, binary. */
#define PIT_CMD_CH2_MODE0 0xb0

#define USEC_PER_SEC 1000000ULL
#define PIT_CHUNK_US 50000 /* < 65535 / PIT_HZ seconds (54.9 ms) */

void pit_oneshot_start(uint16_t ticks)
{
	uint8_t b = inb(PORT_B) & PORTB_WRITABLE & ~PORTB_SPEAKER;
	outb(PORT_B, b & ~PORTB_CH2_GATE);
	outb(PIT_COMMAND, PIT_CMD_CH2_MODE0);
	outb(PIT_CH2_DATA, ticks & 0xff);
	outb(PIT_CH2_DATA, ticks >> 8);
	outb(PORT_B, b | PORTB_CH2_GATE); /* counting starts here */
}

bool pit_oneshot_done(void)
{
	return inb(PORT_B) & PORTB_CH2_OUT;
}

void pit_udelay(uint64_t us)
{
	while (us) {
		uint64_t chunk = us < PIT_CHUNK_US ? us : PIT_CHUNK_US;
		/* Rounded up, plus one: the first PIT clock may come at once. */
		uint64_t ticks = (chunk * PIT_HZ + USEC_PER_SEC - 1) / USEC_PER_SEC + 1;
		pit_oneshot_start((uint16_t)ticks);
		while (!pit_oneshot_done())
			__asm__ volatile("pause");
		us -= chunk;
	}
}
