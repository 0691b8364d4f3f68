# Core objects: boot sequence, logging, panic, time, locks.
KERNEL_OBJS += core/main.o core/printk.o core/panic.o core/backtrace.o core/time.o \
	core/spinlock.o core/ktest.o core/test_hook.o
# System calls of the core: clocks, uname, sysinfo; the wall clock.
KERNEL_OBJS += core/sys_time.o core/uname.o core/sysinfo.o core/walltime.o core/sys_syslog.o
# The lock validator and its self-tests, in the LOCKDEP=1 build only.
ifeq ($(LOCKDEP),1)
KERNEL_OBJS += core/lockdep.o core/lockdep_test.o
endif
