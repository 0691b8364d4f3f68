/* CPUID-based feature detection and enabling of the CPU's protection features: EFER.NXE,
 * CR0.WP (the kernel honours read-only pages), CR4.SMEP/SMAP (no executing or touching user
 * pages from the kernel outside usercopy), CR4.UMIP (no SGDT/SIDT leaks to user space). */
#include <arch/x86_64/cpu_features.h>
#include <arch/x86_64/cpu.h>
#include <core/panic.h>
#include <core/printk.h>

struct cpu_features cpu_features;

static void detect(void)
{
	struct cpuid_regs l1 = cpuid(1, 0), l7 = cpuid(7, 0), ext = cpuid(0x80000000, 0);
	struct cpuid_regs e1 = { 0 }, e7 = { 0 };
	if (ext.eax >= 0x80000001)
		e1 = cpuid(0x80000001, 0);
	if (ext.eax >= 0x80000007)
		e7 = cpuid(0x80000007, 0);
	if (cpuid(0, 0).eax < 7)
		l7 = (struct cpuid_regs){ 0 };
	cpu_features = (struct cpu_features){
		.nx = e1.edx & (1u << 20),
		.pdpe1gb = e1.edx & (1u << 26),
		.invariant_tsc = e7.edx & (1u << 8),
		.pge = l1.edx & (1u << 13),
		.fxsr = l1.edx & (1u << 24),
		.rdrand = l1.ecx & (1u << 30),
		.xsave = l1.ecx & (1u << 26),
		.avx = l1.ecx & (1u << 28),
		.x2apic = l1.ecx & (1u << 21),
		.smep = l7.ebx & (1u << 7),
		.smap = l7.ebx & (1u << 20),
		.rdseed = l7.ebx & (1u << 18),
		.fsgsbase = l7.ebx & (1u << 0),
		.umip = l7.ecx & (1u << 2),
	};
}

void cpu_protections_enable(void)
{
	if (!cpu_features.nx)
		panic("CPU without NX: Zero-OS requires no-execute pages");
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_NXE);
	write_cr0(read_cr0() | CR0_WP);
	uint64_t cr4 = read_cr4();
	if (cpu_features.pge)
		cr4 |= CR4_PGE;
	if (cpu_features.smep)
		cr4 |= CR4_SMEP;
	if (cpu_features.smap)
		cr4 |= CR4_SMAP;
	if (cpu_features.umip)
		cr4 |= CR4_UMIP;
	write_cr4(cr4);
}

void cpu_features_init(void)
{
	detect();
	cpu_protections_enable();
	const struct cpu_features *f = &cpu_features;
	pr_info("cpu: protections on: NX WP%s%s%s%s; features:%s%s%s%s%s\n", f->pge ? " PGE" : "",
		f->smep ? " SMEP" : "", f->smap ? " SMAP" : "", f->umip ? " UMIP" : "",
		f->rdrand ? " rdrand" : "", f->rdseed ? " rdseed" : "", f->xsave ? " xsave" : "",
		f->invariant_tsc ? " invariant-tsc" : "", f->pdpe1gb ? " 1g-pages" : "");
}
