/* Futexes (futex(2)): user-space words that threads wait on and wake through the kernel; what
 * musl's mutexes, condition variables, pthread_join and CHILD_CLEARTID are built on. */
#ifndef IPC_FUTEX_H
#define IPC_FUTEX_H

#include <stdint.h>
#include <core/compiler.h>

struct mm;

void futex_init(void);
/* The futex(2) system call, decoded (the syscall table's handler calls this). */
long do_futex(uint64_t uaddr, int op, uint32_t val, uint64_t utime, uint64_t uaddr2,
	      uint32_t val3);
/* Exit's CLONE_CHILD_CLEARTID wake: one waiter on the word at uaddr of mm, with a non-private
 * FUTEX_WAKE as Linux does (musl's thread-list lock waits with non-private operations). */
void futex_wake_child_tid(struct mm *mm, uint64_t uaddr);

#endif
