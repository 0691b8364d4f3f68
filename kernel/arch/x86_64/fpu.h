/* FPU/SSE/AVX state of user threads. The kernel itself never uses these registers (it is built
 * with -mgeneral-regs-only), so a thread's state is saved and restored eagerly at context switch
 * with XSAVE (all components the CPU and XCR0 enable) or FXSAVE on CPUs without XSAVE. */
#ifndef ARCH_FPU_H
#define ARCH_FPU_H

#include <stddef.h>
#include <stdint.h>

/* Boot CPU: enable SSE/XSAVE in CR0/CR4/XCR0 and size the state area; also run per CPU. */
void fpu_init_cpu(void);
size_t fpu_state_size(void); /* bytes, 64-byte aligned buffer required */
/* A clean initial state (x87 and SSE defaults: all exceptions masked). */
void fpu_state_init(void *area);
void fpu_save(void *area);
void fpu_restore(const void *area);
/* Load the initial state (fpu_state_init's) into the registers, without a buffer. */
void fpu_load_clean(void);

#endif
