/* System V semaphores' hooks into process life (ipc/sem.c): the SEM_UNDO list a child shares
 * under CLONE_SYSVSEM, and its adjustments applied when the last process sharing it exits. */
#ifndef IPC_SEM_H
#define IPC_SEM_H

#include <stdint.h>

struct process;
struct sem_undo_list;

/* fork/clone: the child's undo list (the parent's under CLONE_SYSVSEM, else none): 0 or
 * -ENOMEM. */
int sem_fork(struct process *child, struct process *parent, uint64_t flags);
/* Exit (and a failed fork): drop p's undo list; the last user applies its adjustments. */
void sem_exit(struct process *p);

#endif
