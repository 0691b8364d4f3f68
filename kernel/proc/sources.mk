# Processes: the pid table, fork/clone, exec, exit/wait, identities and limits.
KERNEL_OBJS += proc/process.o proc/fork.o proc/exec.o proc/exec_file.o proc/exec_script.o proc/exit.o proc/ids.o \
	proc/limits.o proc/init.o proc/process_files.o proc/prctl.o proc/groups.o \
	proc/caps.o proc/cpu_itimer.o proc/posix_timer.o \
	proc/pidfd.o proc/kcmp.o
# Signals: state, sending, delivery and frames, the signal system calls, their self-tests.
KERNEL_OBJS += proc/signal.o proc/signal_frame.o proc/signal_syscalls.o proc/signal_test.o
# Sessions, process groups and controlling terminals.
KERNEL_OBJS += proc/session.o
