/* 16550 UART on COM1: the kernel's first console, and the test runner's channel. */
#ifndef DRIVERS_SERIAL_H
#define DRIVERS_SERIAL_H

#include <stdbool.h>
#include <stddef.h>

void serial_init(void); /* 115200 8N1, FIFOs on; registers the "ttyS0" console */
void serial_write(const char *s, size_t n); /* \n goes out as \r\n (the kernel log) */
void serial_write_raw(const char *s, size_t n); /* as it is (the tty did its output processing) */
bool serial_rx_ready(void);
char serial_getc(void); /* call only when serial_rx_ready() */
void serial_enable_rx_irq(void); /* raise IRQ 4 on received data */

#endif
