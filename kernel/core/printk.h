/* Kernel logging: printk with log levels, fanned out to every registered console and kept in a
 * ring buffer (for dmesg). Safe from any context, including interrupt handlers and panic. */
#ifndef CORE_PRINTK_H
#define CORE_PRINTK_H

#include <stddef.h>
#include <core/compiler.h>

enum log_level { LOG_EMERG, LOG_ERR = 3, LOG_WARN = 4, LOG_INFO = 6, LOG_DEBUG = 7 };

struct console {
	const char *name;
	void (*write)(const char *s, size_t n); /* called with the console lock held, IRQs off */
	struct console *next;
};

void console_register(struct console *c);
void console_unregister(struct console *c);

__printf(2, 3) void printk(int level, const char *fmt, ...);
void vprintk(int level, const char *fmt, __builtin_va_list ap);
/* Write to every console without taking the lock: only for fatal paths (panic, exception
 * reports, backtraces), where the lock may be held by the code that broke. */
void console_emergency_write(const char *s, size_t n);
__printf(1, 2) void emergency_printk(const char *fmt, ...);
/* Minimum level printed on consoles (all levels go to the ring); "loglevel=" on the cmdline. */
void printk_set_console_level(int level);
/* Copy up to `size` bytes of the log ring, oldest first; returns bytes copied. */
size_t printk_read_ring(char *buf, size_t size);
size_t printk_ring_size(void); /* capacity */
size_t printk_ring_used(void); /* bytes printk_read_ring would return now */
void printk_clear_ring(void); /* forget what is there (syslog's CLEAR) */

#define pr_err(...) printk(LOG_ERR, __VA_ARGS__)
#define pr_warn(...) printk(LOG_WARN, __VA_ARGS__)
#define pr_info(...) printk(LOG_INFO, __VA_ARGS__)
#define pr_debug(...) printk(LOG_DEBUG, __VA_ARGS__)

#endif
