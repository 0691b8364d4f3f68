/* procfs: the process and system information file system Linux programs expect at /proc. */
#ifndef FS_PROCFS_PROCFS_H
#define FS_PROCFS_PROCFS_H

#include <stdint.h>

/* Register the "proc" file system type (vfs_init mounts it on /proc). Once, at boot. */
void procfs_register(void);

struct file;
/* The pid of an open /proc/<pid> directory (pidfd_send_signal takes one as a pidfd) and the
 * start time of the process it was opened for, or -EBADF for any other file. */
int procfs_pid_dir(const struct file *f, uint64_t *start_ns);

#endif
