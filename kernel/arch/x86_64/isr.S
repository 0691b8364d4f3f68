/* Interrupt and exception entry: one small stub per vector (pushes a 0 error code where the CPU
 * pushes none, then the vector number), a common path that saves the registers as a struct
 * trap_frame, calls trap_dispatch(frame) and returns with iretq (to ring 3 through user_exit in
 * syscall_entry.S, which first runs the return-to-user work). Vectors with their own IST
 * stack (NMI, #DF, #MC) can arrive at any instruction, even where GS is not yet or no longer the
 * kernel's (the edges of the syscall path), so their "paranoid" path sets the GS base from the
 * percpu pointer kept at the top of the IST stack and puts back whatever it found on exit. */
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/entry_regs.h>

/* Vectors for which the CPU pushes an error code (Intel SDM vol. 3, table "Exceptions and
 * Interrupts"; 29 and 30 are AMD's #VC and #SX). */
#define HAS_ERROR_CODE(v) \
	(((v) == 8) || (((v) >= 10) && ((v) <= 14)) || ((v) == 17) || ((v) == 21) || ((v) == 29) || \
	 ((v) == 30))
/* Must match the IST assignments in idt.c. */
#define IS_PARANOID(v) (((v) == 2) || ((v) == 8) || ((v) == 18))

#define RFLAGS_AC (1 << 18)

/* Interrupt delivery does not clear RFLAGS.AC: a handler must not run with SMAP disarmed because
 * it interrupted a user copy. popfq works whether or not the CPU has SMAP (clac would not). */
.macro CLEAR_AC
	pushfq
	andq $~RFLAGS_AC, (%rsp)
	popfq
.endm

/* With %rsp at the frame: rdi = frame, then a fake stack frame (saved rbp, return address =
 * interrupted rip) so that backtraces continue into the interrupted kernel code. User rbp and
 * rip are never followed: the chain ends there. Then call the dispatcher. */
.macro CALL_DISPATCH
	movq %rsp, %rdi
	testb $3, TF_CS(%rdi)
	jnz 1f
	pushq TF_RIP(%rdi)
	pushq TF_RBP(%rdi)
	jmp 2f
1:	pushq $0
	pushq $0
2:	movq %rsp, %rbp
	call trap_dispatch
	addq $16, %rsp
.endm

	.section .rodata
	.balign 8
	.global isr_stub_table
isr_stub_table:

	.text
/* The stubs: vec counts from 0 to 255; each stub's address goes into isr_stub_table. */
	.balign 16
	.type isr_stubs, @function
isr_stubs:
	vec = 0
	.rept IDT_VECTORS
	.balign 16
8:
	.if (HAS_ERROR_CODE(vec)) == 0
	pushq $0
	.endif
	pushq $vec
	.if IS_PARANOID(vec)
	jmp isr_paranoid
	.else
	jmp isr_common
	.endif
	.pushsection .rodata
	.quad 8b
	.popsection
	vec = vec + 1
	.endr

/* Ordinary vectors: GS is the user's exactly when the interrupted CS is in ring 3. */
	.balign 16
	.type isr_common, @function
isr_common:
	cld
	testb $3, 16+8(%rsp) /* CS, above vector and error code */
	jz 1f
	swapgs
1:	lfence /* no speculation down the wrong GS path (CVE-2019-1125) */
	PUSH_REGS
	CLEAR_REGS
	CLEAR_AC
	CALL_DISPATCH
	/* Back to user mode: the common exit in syscall_entry.S runs the return-to-user work
	 * (reschedule, signals) and restores the frame. */
	testb $3, TF_CS(%rsp)
	jnz user_exit
	POP_REGS
	addq $16, %rsp /* vector and error code */
	iretq

/* NMI, #DF, #MC: always on their IST stack, so the percpu pointer is at TF_SIZE(%rsp). The GS
 * base found on entry is kept in r12 (callee-saved) and restored before iretq. */
	.balign 16
	.type isr_paranoid, @function
isr_paranoid:
	cld
	PUSH_REGS
	CLEAR_REGS
	CLEAR_AC
	movl $ISR_MSR_GS_BASE, %ecx
	rdmsr
	shlq $32, %rdx
	orq %rax, %rdx
	movq %rdx, %r12
	movq TF_SIZE(%rsp), %rax
	movq %rax, %rdx
	shrq $32, %rdx
	wrmsr
	CALL_DISPATCH
	movl $ISR_MSR_GS_BASE, %ecx
	movq %r12, %rax
	movq %r12, %rdx
	shrq $32, %rdx
	wrmsr
	POP_REGS
	addq $16, %rsp
	iretq
