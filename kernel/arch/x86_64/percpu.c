/* Per-CPU data instances and their installation in the GS base. */
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/cpu.h>

struct percpu percpu_array[MAX_CPUS];

void percpu_init_cpu(uint32_t cpu_id, uint32_t apic_id)
{
	struct percpu *p = &percpu_array[cpu_id];
	p->self = p;
	p->cpu_id = cpu_id;
	p->apic_id = apic_id;
	wrmsr(MSR_GS_BASE, (uint64_t)p);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
}
