/* panic() for broken kernel invariants (never for bad user input), and ASSERT. */
#ifndef CORE_PANIC_H
#define CORE_PANIC_H

#include <core/compiler.h>

__noreturn __printf(1, 2) void panic(const char *fmt, ...);
/* Stop this CPU forever with interrupts off. */
__noreturn void halt_forever(void);

#define ASSERT(cond)                                                                             \
	do {                                                                                     \
		if (unlikely(!(cond)))                                                           \
			panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);       \
	} while (0)

#endif
