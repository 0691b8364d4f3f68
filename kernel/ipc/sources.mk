# Inter-process communication: futexes (futex_waitv too), and the robust-futex clean-up at a
# thread's death.
KERNEL_OBJS += ipc/futex.o ipc/futex_waitv.o ipc/futex_robust.o
# Pipes and FIFOs: pipe, pipe2 and the file operations of FIFO inodes.
KERNEL_OBJS += ipc/pipe.o
# Capability endpoints: message queues, call/reply (Zero-OS's own system calls).
KERNEL_OBJS += ipc/endpoint.o
# System V IPC (docs/ipc.md): the common id table and permissions, shared memory, semaphores,
# message queues.
KERNEL_OBJS += ipc/ipc_ids.o ipc/shm.o ipc/sem.o ipc/msg.o
# POSIX message queues (mq_open and the rest).
KERNEL_OBJS += ipc/mqueue.o
