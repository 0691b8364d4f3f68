/* The file side of a process's life (process_files.c): init's, clone's, exec's and exit's. */
#ifndef PROC_PROCESS_FILES_H
#define PROC_PROCESS_FILES_H

#include <stdint.h>

struct process;
struct file;

/* Init: an empty fd table with /dev/console on 0-2, the root as root and cwd. 0 or -ENOMEM. */
int process_files_init(struct process *p);
/* Clone: share (CLONE_FILES, CLONE_FS) or copy the parent's. 0 or -ENOMEM (the caller frees
 * np, which releases what was set). */
int process_files_fork(struct process *np, struct process *p, uint64_t flags);
/* Exec, once the new image is built: unshare the fd table, close the close-on-exec
 * descriptors, remember exe (referenced here). 0 or -ENOMEM. */
int process_files_exec(struct process *p, struct file *exe);
/* Exit (and a failed clone): drop all three. */
void process_files_release(struct process *p);

#endif
