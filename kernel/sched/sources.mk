# Scheduler: MLFQ policy, run queues and context switch, threads, wait queues.
KERNEL_OBJS += sched/mlfq.o sched/sched.o sched/stats.o sched/thread.o sched/wait.o sched/mutex.o sched/sched_test.o
# Scheduler system calls.
KERNEL_OBJS += sched/sys_sleep.o sched/sys_sched.o
