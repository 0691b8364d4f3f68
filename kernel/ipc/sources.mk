# Inter-process communication: futexes (later: pipes' wait logic, capability endpoints).
KERNEL_OBJS += ipc/futex.o
