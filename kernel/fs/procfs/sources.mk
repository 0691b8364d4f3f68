# procfs: super block and root (procfs.c), text files (proc_text.c), per-process directories
# (proc_pid.c), their task/ (proc_task.c), what a thread waits in (proc_syscall.c), descriptors
# and magic links (proc_fd.c), system-wide files (proc_sys.c), /proc/sys (proc_sysctl.c),
# /proc/<pid>/pagemap (proc_pagemap.c), System V IPC (proc_sysvipc.c), /proc/bus/pci (proc_bus.c).
KERNEL_OBJS += fs/procfs/procfs.o fs/procfs/proc_text.o fs/procfs/proc_pid.o fs/procfs/proc_fd.o \
	fs/procfs/proc_sys.o fs/procfs/proc_syscall.o fs/procfs/proc_task.o \
	fs/procfs/proc_sysctl.o fs/procfs/proc_pagemap.o fs/procfs/proc_sysvipc.o fs/procfs/proc_bus.o
