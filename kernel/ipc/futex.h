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
/* Wake up to nr waiters on the private futex word at uaddr of mm (exit's CHILD_CLEARTID).
 * Returns the number woken. */
int futex_wake_private(struct mm *mm, uint64_t uaddr, int nr);

#endif
