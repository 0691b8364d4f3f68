/* Kernel panic: report the broken invariant with a backtrace on every console, then stop the
 * CPU. The string "KERNEL PANIC" is what the test runner looks for. */
#include <core/panic.h>
#include <core/printk.h>
#include <core/backtrace.h>
#include <arch/x86_64/cpu.h>
#include <lib/printf.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/smp.h>

__noreturn void halt_forever(void)
{
	for (;;) {
		irq_disable();
		cpu_halt();
	}
}

static int panicking;

__noreturn void panic(const char *fmt, ...)
{
	char msg[256];
	__builtin_va_list ap;

	irq_disable();
	if (__atomic_exchange_n(&panicking, 1, __ATOMIC_SEQ_CST))
		halt_forever(); /* a panic while panicking: stay silent rather than recurse */
	smp_stop_others();
	__builtin_va_start(ap, fmt);
	kvsnprintf(msg, sizeof(msg), fmt, ap);
	__builtin_va_end(ap);
	emergency_printk("\nKERNEL PANIC on CPU %u: %s\n", this_cpu_id(), msg);
	backtrace_print(0, (uint64_t)__builtin_frame_address(0)); /* starts at panic's caller */
	/* The end of the report: a watcher (tests/qemu/run.py) stops at once, not at a timeout. */
	emergency_printk("---[ end of kernel panic: system halted ]---\n");
	halt_forever();
}
