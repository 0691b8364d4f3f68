/* /dev/null, zero, full, random and urandom as character devices (major 1). */
#ifndef DRIVERS_MEM_DEVICES_H
#define DRIVERS_MEM_DEVICES_H

void mem_devices_init(void); /* register them (boot, before /dev is populated) */

#endif
