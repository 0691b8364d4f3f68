/* Kernel context switch: saves the callee-saved registers of the current thread on its stack,
 * stores its rsp, loads the next thread's rsp and restores its registers. Everything else
 * (FPU state, CR3, TSS) is switched in C around this. */

/* void context_switch(uint64_t *prev_saved_rsp, uint64_t next_saved_rsp) */
	.text
	.global context_switch
context_switch:
	push %rbp
	push %rbx
	push %r12
	push %r13
	push %r14
	push %r15
	mov %rsp, (%rdi)
	mov %rsi, %rsp
	pop %r15
	pop %r14
	pop %r13
	pop %r12
	pop %rbx
	pop %rbp
	ret

/* First code of every new kernel thread; context_switch "returns" here with r12 = fn and
 * r13 = arg from the frame thread_create_kernel built. */
	.global thread_entry_trampoline
thread_entry_trampoline:
	call sched_finish_switch
	mov %r13, %rdi
	call *%r12
	call thread_exit
	ud2
