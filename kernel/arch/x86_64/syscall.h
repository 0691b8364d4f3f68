/* System-call entry and the way back to user mode: SYSCALL/SYSRET set-up, the frame convention
 * shared by system calls, interrupts, fork, signals and exec, and the routines that start a
 * thread in user mode.
 *
 * Frame convention: while a user thread is in the kernel, its user-mode registers are the
 * struct trap_frame at kstack_top - sizeof(struct trap_frame) (current_user_frame()). The
 * SYSCALL entry and interrupts/exceptions from ring 3 both build it there; whatever the kernel
 * leaves in it (a syscall's result in rax, exec's new rip/rsp, a signal frame) is what user mode
 * resumes with. A syscall frame has vector VECTOR_SYSCALL and the original rax (the syscall
 * number) in error_code, for restart logic. */
#ifndef ARCH_SYSCALL_H
#define ARCH_SYSCALL_H

/* SYSRET is used only for a rip below this (canonical, and not the last user page, whose
 * SYSRET hazard Linux also avoids); anything else returns with IRETQ. Equal to USER_MAX_ADDR in
 * mm/vm.h (checked in syscall.c). */
#define SYSRET_RIP_LIMIT 0x00007ffffffff000
/* The RFLAGS a user frame may carry: CF PF AF ZF SF TF DF OF RF AC ID (never IOPL, NT, VM,
 * VIF/VIP), plus the bits always set there: IF and the fixed bit 1 (spelled out in
 * syscall.c's static checks; plain numbers here for the assembly side). */
#define RFLAGS_USER_MASK 0x250dd5
#define RFLAGS_USER_SET 0x202

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <arch/x86_64/trap.h>
#include <core/compiler.h>
#include <sched/thread.h>

/* Enable SYSCALL on this CPU: EFER.SCE, STAR, LSTAR, FMASK. */
void syscall_init(void);

static inline struct trap_frame *thread_user_frame(const struct thread *t)
{
	return (struct trap_frame *)(t->kstack_top - sizeof(struct trap_frame));
}

/* The user-mode registers of the calling thread (valid in a system call or a trap from ring 3,
 * and for a thread being set up to enter user mode). */
static inline struct trap_frame *current_user_frame(void)
{
	return thread_user_frame(current_thread());
}

/* Give t (created by thread_create_kernel, not yet started) user state: its first run returns
 * to user mode with *regs (copied; cs/ss/rflags are forced to user values). FPU registers, FS
 * and GS bases are inherited from the calling thread when it is a user thread (fork/clone:
 * set t->fs_base afterwards for CLONE_SETTLS), else clean. 0 or -ENOMEM. */
int thread_init_user(struct thread *t, const struct trap_frame *regs);

/* Turn the calling kernel thread into a user thread (clean FPU state, FS/GS base 0) so that it
 * can enter_user_mode_regs. 0 or -ENOMEM. */
int thread_make_user(void);

/* For exec: reset the calling user thread's FPU registers, FS and GS bases to a clean state. */
void thread_reset_user_state(void);

/* Leave the kernel for user mode with the registers in current_user_frame(). Use it only when
 * the frame at the stack top is not in use by live kernel stack frames (a thread that returns
 * from a syscall or trap does not need it: the frame it modifies is restored on return). */
__noreturn void enter_user_mode(void);
/* The same with the registers copied from *regs first; regs may live anywhere on the current
 * kernel stack, even overlapping the stack top (a kernel thread becoming init). */
__noreturn void enter_user_mode_regs(const struct trap_frame *regs);

/* Work done on a return to user mode (syscall, interrupt, exception, new thread): called by
 * the exit path with the user frame; returns with interrupts disabled and nothing left to do. */
void return_to_user_work(struct trap_frame *f);
/* The fast test a system call's return makes instead: disables interrupts and says whether
 * return_to_user_work has anything to do (a reschedule, a signal, a restart, an exit). */
bool return_to_user_work_pending(struct trap_frame *f);
/* Forces the frame's segment selectors and RFLAGS to safe user values, and rip/rsp to
 * canonical ones: the IRETQ exit path runs it on every frame (SYSRET masks RFLAGS itself and is
 * only taken with the standard selectors and a canonical rip). */
void user_frame_sanitize(struct trap_frame *f);

/* The C side of the SYSCALL entry (kernel/syscall/dispatch.c): runs the handler of f->rax
 * with interrupts enabled and stores its result in f->rax; then returns, with interrupts
 * disabled, return_to_user_work_pending(f). */
bool syscall_dispatch(struct trap_frame *f);
#endif

#endif
