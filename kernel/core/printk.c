/* printk: formats one message, stamps it with the monotonic time, appends it to the log ring and
 * writes it to the consoles. One lock (console_lock, IRQ-safe) serialises the ring and the
 * consoles so that lines from different CPUs never interleave. */
#include <core/printk.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <lib/printf.h>
#include <lib/string.h>

#define PRINTK_LINE_MAX 512
#define LOG_RING_SIZE (64 * 1024)

static struct spinlock console_lock = SPINLOCK_INIT("console");
/* console_lock guards everything below. */
static struct console *consoles;
static int console_level = LOG_INFO;
static char log_ring[LOG_RING_SIZE];
static size_t log_cleared; /* log_head at the last clear (dmesg -c) */
static size_t log_head; /* total bytes ever written; position is head % size */

void console_register(struct console *c)
{
	uint64_t f = spin_lock_irqsave(&console_lock);
	c->next = consoles;
	consoles = c;
	spin_unlock_irqrestore(&console_lock, f);
}

void console_unregister(struct console *c)
{
	uint64_t f = spin_lock_irqsave(&console_lock);
	for (struct console **p = &consoles; *p; p = &(*p)->next) {
		if (*p == c) {
			*p = c->next;
			break;
		}
	}
	spin_unlock_irqrestore(&console_lock, f);
}

void printk_set_console_level(int level)
{
	console_level = level;
}

static void ring_append_locked(const char *s, size_t n)
{
	spin_assert_held(&console_lock);
	for (size_t i = 0; i < n; i++)
		log_ring[(log_head + i) % LOG_RING_SIZE] = s[i];
	log_head += n;
}

/* Bytes of the ring still readable: the last LOG_RING_SIZE, and none from before a clear. */
static size_t ring_avail_locked(void)
{
	spin_assert_held(&console_lock);
	size_t avail = log_head < LOG_RING_SIZE ? log_head : LOG_RING_SIZE;
	return MIN(avail, log_head - log_cleared);
}

size_t printk_ring_size(void)
{
	return LOG_RING_SIZE;
}

size_t printk_ring_used(void)
{
	uint64_t f = spin_lock_irqsave(&console_lock);
	size_t n = ring_avail_locked();
	spin_unlock_irqrestore(&console_lock, f);
	return n;
}

void printk_clear_ring(void)
{
	uint64_t f = spin_lock_irqsave(&console_lock);
	log_cleared = log_head;
	spin_unlock_irqrestore(&console_lock, f);
}

size_t printk_read_ring(char *buf, size_t size)
{
	uint64_t f = spin_lock_irqsave(&console_lock);
	size_t avail = ring_avail_locked();
	size_t n = MIN(avail, size);
	size_t start = log_head - avail;
	for (size_t i = 0; i < n; i++)
		buf[i] = log_ring[(start + i) % LOG_RING_SIZE];
	spin_unlock_irqrestore(&console_lock, f);
	return n;
}

void console_emergency_write(const char *s, size_t n)
{
	for (struct console *c = consoles; c; c = c->next)
		c->write(s, n);
}

void vprintk(int level, const char *fmt, __builtin_va_list ap)
{
	char line[PRINTK_LINE_MAX];
	uint64_t ns = time_monotonic_ns();
	int prefix = ksnprintf(line, sizeof(line), "[%5lu.%06lu] ", (unsigned long)(ns / 1000000000),
			       (unsigned long)(ns / 1000 % 1000000));
	int body = kvsnprintf(line + prefix, sizeof(line) - prefix, fmt, ap);
	size_t len = MIN((size_t)(prefix + body), sizeof(line) - 1);

	uint64_t f = spin_lock_irqsave(&console_lock);
	ring_append_locked(line, len);
	if (level <= console_level)
		console_emergency_write(line, len);
	spin_unlock_irqrestore(&console_lock, f);
}

void printk(int level, const char *fmt, ...)
{
	__builtin_va_list ap;
	__builtin_va_start(ap, fmt);
	vprintk(level, fmt, ap);
	__builtin_va_end(ap);
}

void emergency_printk(const char *fmt, ...)
{
	char line[PRINTK_LINE_MAX];
	__builtin_va_list ap;
	__builtin_va_start(ap, fmt);
	int n = kvsnprintf(line, sizeof(line), fmt, ap);
	__builtin_va_end(ap);
	console_emergency_write(line, MIN((size_t)n, sizeof(line) - 1));
}
