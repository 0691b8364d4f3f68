/* The raw /dev/console device, until the TTY layer exists. */
#ifndef DRIVERS_CONSOLE_DEV_H
#define DRIVERS_CONSOLE_DEV_H

void console_dev_init(void);

#endif
