/* System-call set-up (the SYSCALL MSRs), the work done on every return to user mode, and the
 * creation of user register state for new threads and for threads entering user mode. The
 * assembly side (entry, user_exit, user_thread_start) is syscall_entry.S. */
#include <arch/x86_64/syscall.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/idt.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/vm.h>
#include <sched/sched.h>
#include <proc/signal.h>
#include <proc/process.h>
#include <uapi/errno.h>

_Static_assert(SYSRET_RIP_LIMIT == USER_MAX_ADDR, "SYSRET limit is the last user page");
_Static_assert(sizeof(struct trap_frame) == TF_SIZE, "trap frame size");

/* STAR: SYSCALL loads CS = STAR[47:32], SS = +8; SYSRET to 64-bit mode loads CS = STAR[63:48]
 * + 16 and SS = STAR[63:48] + 8, both with RPL 3 (Intel SDM vol. 2, SYSCALL/SYSRET). */
#define STAR_SYSCALL_CS_SHIFT 32
#define STAR_SYSRET_BASE_SHIFT 48
_Static_assert(GDT_USER_CS32 + 16 == (GDT_USER_CS & ~3), "SYSRET user CS");
_Static_assert(GDT_USER_CS32 + 8 == (GDT_USER_DS & ~3), "SYSRET user SS");
_Static_assert(GDT_KERNEL_CS + 8 == GDT_KERNEL_DS, "SYSCALL kernel SS");

#define RFLAGS_CF (1ULL << 0)
#define RFLAGS_FIXED (1ULL << 1) /* always reads as 1 */
#define RFLAGS_PF (1ULL << 2)
#define RFLAGS_AF (1ULL << 4)
#define RFLAGS_ZF (1ULL << 6)
#define RFLAGS_SF (1ULL << 7)
#define RFLAGS_TF (1ULL << 8)
#define RFLAGS_DF (1ULL << 10)
#define RFLAGS_OF (1ULL << 11)
#define RFLAGS_NT (1ULL << 14)
#define RFLAGS_RF (1ULL << 16)
#define RFLAGS_ID (1ULL << 21)
_Static_assert(RFLAGS_USER_MASK == (RFLAGS_CF | RFLAGS_PF | RFLAGS_AF | RFLAGS_ZF | RFLAGS_SF |
				   RFLAGS_TF | RFLAGS_DF | RFLAGS_OF | RFLAGS_RF | RFLAGS_AC |
				   RFLAGS_ID),
	       "user RFLAGS mask");
_Static_assert(RFLAGS_USER_SET == (RFLAGS_IF | RFLAGS_FIXED), "user RFLAGS set bits");
/* Cleared on SYSCALL entry: interrupts off until the stack is switched, no single-step or
 * SMAP-open kernel, string ops forward, no nested-task. */
#define SYSCALL_FMASK (RFLAGS_IF | RFLAGS_DF | RFLAGS_TF | RFLAGS_AC | RFLAGS_NT)
#define FPU_STATE_ALIGN 64 /* XSAVE/FXSAVE area alignment */
#define CANONICAL_SHIFT 16 /* 48-bit virtual addresses */

/* The frame context_switch pops for a user thread that has never run (switch.S), just below
 * its user frame. */
struct user_switch_frame {
	uint64_t r15, r14, r13, r12, rbx, rbp;
	uint64_t ret; /* user_thread_start */
};

extern char syscall_entry[], user_thread_start[];
void user_state_load(void);

void syscall_init(void)
{
	wrmsr(MSR_STAR, ((uint64_t)GDT_USER_CS32 << STAR_SYSRET_BASE_SHIFT) |
				((uint64_t)GDT_KERNEL_CS << STAR_SYSCALL_CS_SHIFT));
	wrmsr(MSR_LSTAR, (uint64_t)syscall_entry);
	wrmsr(MSR_FMASK, SYSCALL_FMASK);
	wrmsr(MSR_EFER, rdmsr(MSR_EFER) | EFER_SCE);
}

static bool is_canonical(uint64_t va)
{
	return (uint64_t)((int64_t)(va << CANONICAL_SHIFT) >> CANONICAL_SHIFT) == va;
}

/* Whatever wrote the frame (sigreturn, exec, ptrace later), ring 3 gets user selectors and
 * harmless flags. A non-canonical rip or rsp would make IRETQ fault in ring 0 with the user's
 * GS loaded; they become 0 instead, so the program takes its SIGSEGV in user mode (the NULL
 * page is never mapped). */
void user_frame_sanitize(struct trap_frame *f)
{
	f->cs = GDT_USER_CS;
	f->ss = GDT_USER_DS;
	f->rflags = (f->rflags & RFLAGS_USER_MASK) | RFLAGS_USER_SET;
	if (!is_canonical(f->rip))
		f->rip = 0;
	if (!is_canonical(f->rsp))
		f->rsp = 0;
}

/* Loops until no work is pending with interrupts off: a reschedule requested by an interrupt
 * after the check would otherwise wait for the next kernel entry. */
void return_to_user_work(struct trap_frame *f)
{
	for (;;) {
		irq_enable();
		sched_preempt_point();
		/* Signal delivery, the last step before user mode (it may rewrite *f to run a
		 * handler, stop the thread, or end the process). */
		signal_deliver_pending(f);
		/* [proc] A thread of an exiting process (exit_group, exec elsewhere) ends here. */
		process_user_return_check();
		irq_disable();
		if (!sched_need_resched())
			break;
	}
}

bool return_to_user_work_pending(struct trap_frame *f)
{
	irq_disable();
	struct thread *t = current_thread();
	return sched_need_resched() || READ_ONCE(t->exit_pending) || signal_work_pending(t, f);
}

static int user_fpu_alloc(struct thread *t)
{
	if (t->fpu_state)
		return 0;
	void *area = kmalloc(fpu_state_size());
	if (!area)
		return -ENOMEM;
	ASSERT(IS_ALIGNED((uint64_t)area, FPU_STATE_ALIGN));
	t->fpu_state = area;
	return 0;
}

int thread_init_user(struct thread *t, const struct trap_frame *regs)
{
	int err = user_fpu_alloc(t);
	if (err)
		return err;
	struct thread *parent = current_thread();
	if (parent->fpu_state) {
		/* The kernel never touches the FPU: the live registers are the parent's. */
		fpu_save(t->fpu_state);
		t->fs_base = parent->fs_base;
		t->gs_base = parent->gs_base;
	} else {
		fpu_state_init(t->fpu_state);
		t->fs_base = 0;
		t->gs_base = 0;
	}
	struct trap_frame *f = thread_user_frame(t);
	*f = *regs;
	user_frame_sanitize(f);
	struct user_switch_frame *sf = (struct user_switch_frame *)f - 1;
	memset(sf, 0, sizeof(*sf));
	sf->ret = (uint64_t)user_thread_start;
	t->saved_rsp = (uint64_t)sf;
	return 0;
}

int thread_make_user(void)
{
	struct thread *t = current_thread();
	int err = user_fpu_alloc(t);
	if (err)
		return err;
	fpu_state_init(t->fpu_state);
	t->fs_base = 0;
	t->gs_base = 0;
	return 0;
}

/* Interrupts off: a context switch in between would save the old registers over the clean
 * state. */
void thread_reset_user_state(void)
{
	struct thread *t = current_thread();
	ASSERT(t->fpu_state);
	uint64_t flags = irq_save();
	fpu_state_init(t->fpu_state);
	fpu_restore(t->fpu_state);
	t->fs_base = 0;
	t->gs_base = 0;
	wrmsr(MSR_FS_BASE, 0);
	wrmsr(MSR_KERNEL_GS_BASE, 0);
	irq_restore(flags);
}

/* From enter_user_mode_regs, interrupts off: the registers may hold another thread's state. */
void user_state_load(void)
{
	struct thread *t = current_thread();
	if (!t->fpu_state)
		panic("thread %d (%s) enters user mode without user state", t->tid, t->name);
	fpu_restore(t->fpu_state);
	wrmsr(MSR_FS_BASE, t->fs_base);
	wrmsr(MSR_KERNEL_GS_BASE, t->gs_base);
}

__noreturn void enter_user_mode(void)
{
	enter_user_mode_regs(current_user_frame());
}
