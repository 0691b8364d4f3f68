/* CPU feature detection and the protection bits the kernel switches on at boot. */
#ifndef ARCH_CPU_FEATURES_H
#define ARCH_CPU_FEATURES_H

#include <stdbool.h>

struct cpu_features {
	bool nx, smep, smap, umip, pge, pdpe1gb, rdrand, rdseed, invariant_tsc, fsgsbase;
	bool xsave, avx, fxsr, x2apic;
};

extern struct cpu_features cpu_features;

/* Detect features (boot CPU) and enable NXE, WP, PGE, SMEP, SMAP, UMIP where offered, on this
 * CPU; prints one line naming what is on. */
void cpu_features_init(void);
/* The same protections on a secondary CPU (features already detected). */
void cpu_protections_enable(void);

#endif
