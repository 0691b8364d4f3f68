/* -fstack-protector-strong support: the canary every protected frame checks (set from the
 * CSPRNG by random_init) and the handler a smashed frame calls. */
#include <core/panic.h>

/* A fixed non-zero value until random_init replaces it early in boot. */
uint64_t __stack_chk_guard = 0x5a45524f2d4f5300ULL;

__noreturn void __stack_chk_fail(void)
{
	panic("stack protector: stack smashing detected in %p",
	      __builtin_return_address(0));
}
