# Inter-process communication: futexes (futex_waitv too), and the robust-futex clean-up at a
# thread's death.
KERNEL_OBJS += ipc/futex.o ipc/futex_waitv.o ipc/futex_robust.o
# Pipes and FIFOs: pipe, pipe2 and the file operations of FIFO inodes.
KERNEL_OBJS += ipc/pipe.o
# Capability endpoints: message queues, call/reply (Zero-OS's own system calls).
KERNEL_OBJS += ipc/endpoint.o
