/* The console's hardware side: output to the serial line and the framebuffer console; input
 * from the serial line (COM1's interrupt) and the PS/2 keyboard, queued by their interrupt
 * handlers for the tty layer's input thread, which runs the line discipline. */
#ifndef DRIVERS_CONSOLE_IO_H
#define DRIVERS_CONSOLE_IO_H

#include <stddef.h>
#include <arch/x86_64/trap.h>

/* Route COM1's receive interrupt (ISA IRQ 4) and the keyboard's to this CPU and start queueing
 * input. */
void console_io_init(void);
/* Show n bytes on every console, as they are (the tty layer did the output processing, such
 * as ONLCR). Any context. */
void console_io_write(const char *buf, size_t n);
/* Send ISA interrupt isa_irq (ACPI's overrides applied) to handler h on this CPU. 0 or -errno
 * (-ERANGE: beyond the routed GSIs). */
int console_io_route_isa_irq(unsigned isa_irq, irq_handler_t h);
/* Received bytes, from an interrupt handler: queued (dropped when the queue is full). */
void console_io_input(const char *buf, size_t n);
/* Wait (uninterruptibly) until input is queued, then take up to n (> 0) bytes. For the tty's
 * input thread. */
size_t console_io_wait_input(char *buf, size_t n);

#endif
