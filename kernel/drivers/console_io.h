/* Console I/O for user programs until the TTY layer exists: output to the serial line and the
 * framebuffer console, input from the serial line (interrupt-driven, buffered). */
#ifndef DRIVERS_CONSOLE_IO_H
#define DRIVERS_CONSOLE_IO_H

#include <stddef.h>

/* Route COM1's receive interrupt (ISA IRQ 4) to this CPU and start buffering input. */
void console_io_init(void);
/* Show n bytes on every console. */
void console_io_write(const char *buf, size_t n);
/* Wait until input is buffered, then take up to n bytes (\r arrives as \n). Returns the count
 * (>= 1 when n > 0) or -EINTR when a signal interrupted the wait. */
long console_io_read(char *buf, size_t n);

#endif
