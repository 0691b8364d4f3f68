# Core objects: boot sequence, logging, panic, time, locks.
KERNEL_OBJS += core/main.o core/printk.o core/panic.o core/backtrace.o core/time.o \
	core/spinlock.o core/ktest.o
