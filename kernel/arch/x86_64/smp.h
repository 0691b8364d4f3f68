/* Multiprocessor bring-up and inter-processor interrupts. The boot CPU starts every other
 * enabled CPU of the ACPI MADT (smp_boot); each then runs its own idle thread, timer and run
 * queue. CPU indexes are dense (0 = the boot CPU) in the order the CPUs came online. */
#ifndef ARCH_SMP_H
#define ARCH_SMP_H

#include <stdint.h>

/* Start the other CPUs; each failure is reported and the CPU left out. After the scheduler,
 * timer and system-call set-up of the boot CPU. */
void smp_boot(void);
/* Bit i set when CPU i is online (atomic; only grows). */
uint64_t smp_online_mask(void);
/* Send `vector` to CPU index cpu. */
void smp_send_ipi(uint32_t cpu, uint8_t vector);
/* Make cpu pass through its interrupt-exit path soon (to switch threads or see a signal). */
void smp_send_resched(uint32_t cpu);
/* Panic: halt every other CPU. */
void smp_stop_others(void);

#endif
