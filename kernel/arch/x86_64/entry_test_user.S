/* A tiny ring-3 program for entry_test.c, assembled into the kernel's rodata and copied to a
 * user page: it makes system calls through SYSCALL, checks registers survive them, sets and
 * reads its FS base, spins so that timer interrupts hit it in user mode, records every result
 * in its data page and finally sleeps for ever. Absolute addresses only (entry_test.h). */
#include <arch/x86_64/entry_test.h>

#define NR_WRITE 1
#define NR_NANOSLEEP 35
#define NR_UNAME 63
#define NR_ARCH_PRCTL 158
#define NR_CREATE_MODULE 174
#define NR_SCHED_YIELD 24
#define ARCH_SET_FS 0x1002
#define ARCH_GET_FS 0x1003
#define KERNEL_ADDR 0xffffffff80000000

	.section .rodata
	.global entry_test_user_start, entry_test_user_end
	.balign 16
entry_test_user_start:
	movl $NR_UNAME, %eax
	movabsq $ETEST_UNAME_BUF, %rdi
	syscall
	movabsq %rax, ETEST_RES(ETEST_R_UNAME)

	movl $NR_UNAME, %eax
	movabsq $KERNEL_ADDR, %rdi
	syscall
	movabsq %rax, ETEST_RES(ETEST_R_UNAME_BAD)

	movl $NR_WRITE, %eax
	movl $1, %edi
	movabsq $ETEST_MSG, %rsi
	movl $ETEST_MSG_LEN, %edx
	syscall
	movabsq %rax, ETEST_RES(ETEST_R_WRITE)

	movl $NR_CREATE_MODULE, %eax
	syscall
	movabsq %rax, ETEST_RES(ETEST_R_ENOSYS)

	movl $ETEST_RBX_VALUE, %ebx
	movl $ETEST_R12_VALUE, %r12d
	movl $NR_SCHED_YIELD, %eax
	syscall
1:	leaq 1b(%rip), %rax
	subq %rax, %rcx /* 0 when rcx was the return address */
	movq %rcx, %rax
	movabsq %rax, ETEST_RES(ETEST_R_RCX)
	movq %rbx, %rax
	movabsq %rax, ETEST_RES(ETEST_R_RBX)
	movq %r12, %rax
	movabsq %rax, ETEST_RES(ETEST_R_R12)

	movl $NR_ARCH_PRCTL, %eax
	movl $ARCH_SET_FS, %edi
	movabsq $ETEST_TLS, %rsi
	syscall
	movabsq %rax, ETEST_RES(ETEST_R_SETFS)
	movq %fs:0, %rax
	movabsq %rax, ETEST_RES(ETEST_R_FS0)
	movl $NR_ARCH_PRCTL, %eax
	movl $ARCH_GET_FS, %edi
	movabsq $ETEST_RES(ETEST_R_GETFS), %rsi
	syscall

	movl $ETEST_SPIN, %ecx
2:	decl %ecx
	jnz 2b
	movq %rcx, %rax
	movabsq %rax, ETEST_RES(ETEST_R_SPIN)

	movl $1, %eax
	movabsq %rax, ETEST_RES(ETEST_R_DONE)
3:	movl $NR_NANOSLEEP, %eax
	movabsq $ETEST_SLEEP_TS, %rdi
	xorl %esi, %esi
	syscall
	jmp 3b
entry_test_user_end:
