/* Assembly macros shared by the interrupt entry (isr.S) and the system-call entry
 * (syscall_entry.S): saving and restoring the general registers in struct trap_frame order,
 * and clearing them so that user-controlled values do not linger in kernel registers. */
#ifndef ARCH_ENTRY_REGS_H
#define ARCH_ENTRY_REGS_H
#ifdef __ASSEMBLER__

/* Push order makes r15 the lowest address, as struct trap_frame lists it. */
.macro PUSH_REGS
	pushq %rax
	pushq %rbx
	pushq %rcx
	pushq %rdx
	pushq %rsi
	pushq %rdi
	pushq %rbp
	pushq %r8
	pushq %r9
	pushq %r10
	pushq %r11
	pushq %r12
	pushq %r13
	pushq %r14
	pushq %r15
.endm

.macro POP_REGS
	popq %r15
	popq %r14
	popq %r13
	popq %r12
	popq %r11
	popq %r10
	popq %r9
	popq %r8
	popq %rbp
	popq %rdi
	popq %rsi
	popq %rdx
	popq %rcx
	popq %rbx
	popq %rax
.endm

/* The interrupted context's values are saved in the frame; clearing them keeps user-controlled
 * values out of the kernel's registers (fewer speculation gadgets). rdi, rbp, rsp are set below. */
.macro CLEAR_REGS
	xorl %eax, %eax
	xorl %ebx, %ebx
	xorl %ecx, %ecx
	xorl %edx, %edx
	xorl %esi, %esi
	xorl %r8d, %r8d
	xorl %r9d, %r9d
	xorl %r10d, %r10d
	xorl %r11d, %r11d
	xorl %r12d, %r12d
	xorl %r13d, %r13d
	xorl %r14d, %r14d
	xorl %r15d, %r15d
.endm

#endif
#endif
