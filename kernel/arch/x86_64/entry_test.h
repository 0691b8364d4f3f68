/* Shared by entry_test.c and the ring-3 program in entry_test_user.S: where the program's
 * pages live and where it stores each result (one 8-byte slot per check). */
#ifndef ARCH_ENTRY_TEST_H
#define ARCH_ENTRY_TEST_H

#define ETEST_CODE_VA 0x00005b5b00000000
#define ETEST_DATA_VA 0x00005b5b00010000 /* one page: results, buffers, then the stack */
#define ETEST_RES(n) (ETEST_DATA_VA + 8 * (n))
#define ETEST_UNAME_BUF (ETEST_DATA_VA + 0x100) /* 390 bytes */
#define ETEST_MSG (ETEST_DATA_VA + 0x300)
#define ETEST_TLS (ETEST_DATA_VA + 0x400) /* FS base; holds ETEST_TLS_MAGIC */
#define ETEST_SLEEP_TS (ETEST_DATA_VA + 0x500) /* a very long timespec */
#define ETEST_STACK_TOP (ETEST_DATA_VA + 0x1000)
#define ETEST_TLS_MAGIC 0x600dcafe
#define ETEST_SPIN 30000000 /* loop iterations: timer interrupts arrive in ring 3 */

/* Result slots. */
#define ETEST_R_UNAME 0
#define ETEST_R_UNAME_BAD 1
#define ETEST_R_WRITE 2
#define ETEST_R_ENOSYS 3
#define ETEST_R_RBX 4
#define ETEST_R_R12 5
#define ETEST_R_SETFS 6
#define ETEST_R_FS0 7
#define ETEST_R_GETFS 8
#define ETEST_R_RCX 9 /* rcx after syscall: the return address */
#define ETEST_R_SPIN 10 /* spin loop counter after the loop (0) */
#define ETEST_R_DONE 11 /* 1 when everything ran */

#define ETEST_RBX_VALUE 0x1234567
#define ETEST_R12_VALUE 0x7654321
#define ETEST_MSG_LEN 19 /* "entry test: ring 3\n" */

#endif
