/* Futexes (futex(2)): user-space words that threads wait on and wake through the kernel; what
 * musl's mutexes, condition variables, pthread_join and CHILD_CLEARTID are built on. */
#ifndef IPC_FUTEX_H
#define IPC_FUTEX_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>

struct mm;

void futex_init(void);
/* The futex(2) system call, decoded (the syscall table's handler calls this). */
long do_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime, uint64_t uaddr2,
	      uint32_t val3);
/* Wake one waiter on the word at uaddr of mm, as FUTEX_WAKE would for a private or a
 * non-private operation. Exit's CLONE_CHILD_CLEARTID wake is a non-private one, as in Linux
 * (musl's thread-list lock waits with non-private operations). */
void futex_wake_one(struct mm *mm, uint64_t uaddr, bool private);

/* The robust futexes of a thread that exits or execs (futex_robust.c): every lock on the list
 * registered with set_robust_list that t still holds gets FUTEX_OWNER_DIED, and one waiter is
 * woken, so that the next locker sees EOWNERDEAD; the registration is dropped. Runs in t's
 * context with its (old) mm active; a list that is unreadable, cyclic or longer than
 * ROBUST_LIST_LIMIT just ends the walk. */
struct thread;
void futex_robust_release(struct thread *t);

#endif
