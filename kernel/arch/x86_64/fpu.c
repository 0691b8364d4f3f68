/* FPU state management: CR0/CR4 set-up, XCR0 with the components we save (x87, SSE, AVX and the
 * AVX-512 parts when present), and the save/restore instructions. */
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_features.h>
#include <core/printk.h>
#include <lib/string.h>

#define XCR0_X87 (1ULL << 0)
#define XCR0_SSE (1ULL << 1)
#define XCR0_AVX (1ULL << 2)
#define XCR0_AVX512 (7ULL << 5) /* opmask, ZMM_Hi256, Hi16_ZMM */
#define FXSAVE_SIZE 512
#define MXCSR_DEFAULT 0x1f80 /* all SIMD exceptions masked, round to nearest */
#define FCW_DEFAULT 0x037f /* all x87 exceptions masked, extended precision */
#define FXSAVE_FCW 0
#define FXSAVE_MXCSR 24

#define XSAVE_HEADER_END 576 /* legacy area and XSAVE header */

static size_t state_size = FXSAVE_SIZE;
static uint64_t xcr0;

/* The initial state as an image: FXRSTOR loads its legacy area; XRSTOR, finding XSTATE_BV 0,
 * initialises every component (MXCSR it still loads from the image) and reads nothing past the
 * header, whatever XCR0 enables. */
static const struct {
	uint16_t fcw;
	uint8_t pad[FXSAVE_MXCSR - sizeof(uint16_t)];
	uint32_t mxcsr;
	uint8_t rest[XSAVE_HEADER_END - FXSAVE_MXCSR - sizeof(uint32_t)];
} __attribute__((aligned(64))) clean_image = { .fcw = FCW_DEFAULT, .mxcsr = MXCSR_DEFAULT };

static void xsetbv(uint32_t reg, uint64_t v)
{
	__asm__ volatile("xsetbv" ::"c"(reg), "a"((uint32_t)v), "d"((uint32_t)(v >> 32)));
}

void fpu_init_cpu(void)
{
	write_cr0((read_cr0() & ~(CR0_EM | CR0_TS)) | CR0_MP | CR0_NE);
	uint64_t cr4 = read_cr4() | CR4_OSFXSR | CR4_OSXMMEXCPT;
	if (cpu_features.xsave)
		cr4 |= CR4_OSXSAVE;
	write_cr4(cr4);
	if (!cpu_features.xsave)
		return;
	struct cpuid_regs d = cpuid(0xd, 0);
	uint64_t supported = ((uint64_t)d.edx << 32) | d.eax;
	xcr0 = XCR0_X87 | XCR0_SSE;
	if (supported & XCR0_AVX)
		xcr0 |= XCR0_AVX;
	if ((supported & XCR0_AVX512) == XCR0_AVX512)
		xcr0 |= XCR0_AVX512;
	xsetbv(0, xcr0);
	state_size = cpuid(0xd, 0).ebx; /* size for the components now enabled in XCR0 */
}

size_t fpu_state_size(void)
{
	return state_size;
}

void fpu_state_init(void *area)
{
	memset(area, 0, state_size);
	*(uint16_t *)((char *)area + FXSAVE_FCW) = FCW_DEFAULT;
	*(uint32_t *)((char *)area + FXSAVE_MXCSR) = MXCSR_DEFAULT;
}

void fpu_save(void *area)
{
	if (xcr0)
		__asm__ volatile("xsave64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxsave64 (%0)" ::"r"(area) : "memory");
}

void fpu_restore(const void *area)
{
	if (xcr0)
		__asm__ volatile("xrstor64 (%0)" ::"r"(area), "a"((uint32_t)xcr0),
				 "d"((uint32_t)(xcr0 >> 32))
				 : "memory");
	else
		__asm__ volatile("fxrstor64 (%0)" ::"r"(area) : "memory");
}

void fpu_load_clean(void)
{
	fpu_restore(&clean_image);
}
