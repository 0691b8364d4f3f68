# File-system objects. Until the VFS exists: read/write/writev on the console.
KERNEL_OBJS += fs/console_rw.o
# The boot initramfs as a table of files, until the VFS mounts it (exec reads programs here).
KERNEL_OBJS += fs/initramfs.o
# poll, ppoll, select, pselect6 and the poll table files register on (fs/poll.h).
KERNEL_OBJS += fs/poll.o
