# x86_64 architecture objects (paths relative to kernel/).
KERNEL_OBJS += arch/x86_64/entry.o arch/x86_64/percpu.o arch/x86_64/power.o arch/x86_64/cpu_features.o arch/x86_64/fpu.o arch/x86_64/switch.o \
	arch/x86_64/gdt.o arch/x86_64/idt.o arch/x86_64/isr.o arch/x86_64/exceptions.o \
	arch/x86_64/pic.o arch/x86_64/exceptions_test.o
KERNEL_OBJS += arch/x86_64/lapic.o arch/x86_64/ioapic.o arch/x86_64/hpet.o arch/x86_64/pit.o \
	arch/x86_64/tsc.o arch/x86_64/timer.o arch/x86_64/timer_test.o \
	arch/x86_64/smp.o arch/x86_64/smp_trampoline.o arch/x86_64/smp_test.o
# SYSCALL entry, usercopy, arch_prctl.
KERNEL_OBJS += arch/x86_64/syscall.o arch/x86_64/syscall_entry.o arch/x86_64/usercopy.o \
	arch/x86_64/usercopy_test.o arch/x86_64/arch_prctl.o arch/x86_64/entry_test.o \
	arch/x86_64/entry_test_user.o
