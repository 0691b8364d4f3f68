# System-call dispatch (the table itself is generated: see the Makefile's syscall-table rule).
KERNEL_OBJS += syscall/dispatch.o syscall/dispatch_test.o syscall/syscalls_test.o
