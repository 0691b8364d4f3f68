/* pidfds (proc/pidfd.c): file descriptors naming a process — pidfd_open(2), CLONE_PIDFD — that
 * poll readable once it has exited, and the hooks waitid(P_PIDFD), pidfd_send_signal and clone
 * use. A pidfd names its process by pid and start time, so a recycled pid never reaches
 * another process through an old pidfd. */
#ifndef PROC_PIDFD_H
#define PROC_PIDFD_H

#include <stdbool.h>
#include <stdint.h>

struct file;

/* A new pidfd (close-on-exec; flags: PIDFD_NONBLOCK) for the process (pid, start_ns): its
 * descriptor or -errno. pid 0: not known yet; with keep, the file is also returned referenced
 * (clone names the child with pidfd_set_target, then file_puts it). */
int pidfd_install(int pid, uint64_t start_ns, uint32_t flags, struct file **keep);
void pidfd_set_target(struct file *f, int pid, uint64_t start_ns);
/* The process descriptor fd names: a pidfd, or (procfs_ok: pidfd_send_signal) an open
 * /proc/<pid> directory (start_ns 0: whoever has the pid). 0, or -EBADF; *nonblock tells
 * whether the pidfd is O_NONBLOCK (may be NULL). */
int pidfd_target(int fd, bool procfs_ok, int *pid, uint64_t *start_ns, bool *nonblock);
/* The process (pid, start_ns) (start_ns 0: any), zombies included, or NULL once reaped.
 * process_tree_lock held. */
struct process;
struct process *pidfd_process_locked(int pid, uint64_t start_ns);
/* A process became a zombie: pollers of pidfds look again. process_tree_lock held. */
void pidfd_notify_exit_locked(void);

#endif
