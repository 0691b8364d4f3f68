/* Power-off path. The isa-debug-exit device (added by the QEMU scripts at port 0xf4) makes QEMU
 * exit with (status << 1) | 1, which tools/qemu.sh turns back into `status`. */
#include <arch/x86_64/power.h>
#include <arch/x86_64/io.h>
#include <core/panic.h>
#include <core/printk.h>

#define DEBUG_EXIT_PORT 0xf4

__noreturn void machine_exit(int status)
{
	pr_info("power off (status %d)\n", status);
	outl(DEBUG_EXIT_PORT, (uint32_t)status);
	halt_forever();
}
