/* SYSCALL entry and the common exit to user mode. The entry switches to the thread's kernel
 * stack and builds the struct trap_frame at its top (see syscall.h), so that one frame type
 * serves system calls, interrupts, fork, signals and exec. user_exit is also where interrupts
 * from ring 3 (isr.S), new user threads and enter_user_mode leave the kernel: it runs
 * return_to_user_work; a system call with nothing pending (syscall_dispatch says so) skips it.
 * Both then return with SYSRET when that restores exactly the frame (rcx = rip, r11 = rflags,
 * rip canonical and below SYSRET_RIP_LIMIT, no TF/RF, standard selectors; RFLAGS masked to
 * what user mode may hold, as the frame may come from sigreturn), and otherwise with IRETQ
 * after user_frame_sanitize: never SYSRET to a non-canonical rip, never a kernel selector or
 * IOPL in ring 3. */
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/idt.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/entry_regs.h>
#include <arch/x86_64/syscall.h>

#define RFLAGS_TF (1 << 8)
#define RFLAGS_RF (1 << 16)
#define FRAME_USER_RSP_ABOVE_RIP 24 /* rsp slot, counted from the rip slot */

	.text
/* Entered from ring 3 with IF, TF, DF, AC, NT cleared (FMASK), rcx = user rip, r11 = user
 * rflags, the user's GS base active and rsp still the user's. */
	.global syscall_entry
	.type syscall_entry, @function
	.balign 16
syscall_entry:
	swapgs
	movq %rsp, %gs:PERCPU_USER_RSP
	movq %gs:PERCPU_KERNEL_RSP, %rsp
	pushq $GDT_USER_DS /* ss */
	pushq %gs:PERCPU_USER_RSP /* rsp */
	pushq %r11 /* rflags */
	pushq $GDT_USER_CS /* cs */
	pushq %rcx /* rip */
	pushq %rax /* error_code: the original rax, i.e. the system-call number */
	pushq $VECTOR_SYSCALL /* vector */
	PUSH_REGS
	CLEAR_REGS
	xorl %ebp, %ebp /* ends backtraces here */
	movq %rsp, %rdi
	sti
	call syscall_dispatch /* rsp is the frame again */
	testb %al, %al
	jz .Lexit_frame /* nothing pending; interrupts are off */

/* rsp = the user frame at the top of the kernel stack; interrupts in any state. */
	.global user_exit
	.type user_exit, @function
user_exit:
	movq %rsp, %rdi
	call return_to_user_work /* returns with interrupts off */
.Lexit_frame:
	movq TF_RCX(%rsp), %rcx
	cmpq TF_RIP(%rsp), %rcx
	jne .Lexit_iret
	movq TF_R11(%rsp), %r11
	cmpq TF_RFLAGS(%rsp), %r11
	jne .Lexit_iret
	movabsq $SYSRET_RIP_LIMIT, %rax
	cmpq %rax, %rcx
	jae .Lexit_iret
	testq $(RFLAGS_TF | RFLAGS_RF), %r11
	jnz .Lexit_iret
	cmpq $GDT_USER_CS, TF_CS(%rsp)
	jne .Lexit_iret
	cmpq $GDT_USER_DS, TF_SS(%rsp)
	jne .Lexit_iret
	POP_REGS /* rcx and r11 get rip and rflags, as SYSRET needs */
	andl $RFLAGS_USER_MASK, %r11d
	orl $RFLAGS_USER_SET, %r11d
	addq $16, %rsp /* vector and error code */
	movq FRAME_USER_RSP_ABOVE_RIP(%rsp), %rsp
	swapgs
	sysretq
.Lexit_iret:
	movq %rsp, %rdi
	call user_frame_sanitize
	POP_REGS
	addq $16, %rsp
	swapgs
	iretq

/* First code of a user thread built by thread_init_user: context_switch "returns" here with
 * rsp at the user frame. */
	.global user_thread_start
	.type user_thread_start, @function
user_thread_start:
	call sched_finish_switch
	jmp user_exit

/* __noreturn void enter_user_mode_regs(const struct trap_frame *regs): copy *regs to the frame
 * slot at the top of this thread's kernel stack (memmove: regs may overlap it; no stack is used
 * until the copy is done), move rsp there, load the thread's user FPU/FS/GS state and leave. */
	.global enter_user_mode_regs
	.type enter_user_mode_regs, @function
enter_user_mode_regs:
	cli
	movq %gs:PERCPU_KERNEL_RSP, %rax
	subq $TF_SIZE, %rax
	movq %rdi, %rsi
	movq %rax, %rdi
	movl $(TF_SIZE / 8), %ecx
	cmpq %rsi, %rdi
	jbe 1f
	leaq -8(%rsi, %rcx, 8), %rsi /* destination above the source: copy downwards */
	leaq -8(%rdi, %rcx, 8), %rdi
	std
	rep movsq
	cld
	jmp 2f
1:	rep movsq
2:	movq %rax, %rsp
	xorl %ebp, %ebp
	call user_state_load
	jmp user_exit
