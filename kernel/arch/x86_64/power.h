/* Leaving the machine: power off with a status (QEMU's isa-debug-exit port reports it to the
 * host; on real hardware the port write is harmless and the machine halts or powers off). */
#ifndef ARCH_POWER_H
#define ARCH_POWER_H

#include <core/compiler.h>

__noreturn void machine_exit(int status);

#endif
