/* Signals: per-process handler tables, pending queues, sending (kill, faults, SIGCHLD, timers),
 * default actions (terminate, core, ignore, stop, continue), delivery on the way back to user
 * mode with Linux's rt_sigframe, and the hooks the rest of the kernel calls.
 *
 * Where the state lives. struct signal_handlers (p->sighand) holds what Linux splits between
 * sighand_struct and signal_struct: the 64 actions, the pending queue, the group-stop state and
 * ITIMER_REAL. It is shared by the threads of a process, and by processes created with
 * CLONE_SIGHAND without CLONE_THREAD (musl and busybox never do that; such processes also share
 * stop state and the real-time timer — a documented approximation). Every queued signal names
 * its target: a thread (tkill, tgkill, faults) or a process (kill, SIGCHLD, SIGALRM), so
 * sharing never delivers one process's signal to another. Per-thread state (blocked mask,
 * sigaltstack, the pending hint) is in struct thread (sched/thread.h).
 *
 * Locking: sh->lock (IRQ-safe) guards everything in struct signal_handlers and the sig_* fields
 * of the threads using it. Order: process_tree_lock before sh->lock before run-queue locks;
 * the itimer lock is a leaf. Sending to a process (it may pick any of its threads) needs
 * process_tree_lock held, as the thread list is guarded by it.
 *
 * Sleeps. Every wait names its kind (sched/thread.h: interruptible, killable,
 * uninterruptible). A sender sets the target's sig_pending hint and then wakes it if its sleep
 * is interruptible (sched_wake_sleeper); a sleep does not begin when the hint is already set,
 * so a signal arriving between the last check and the sleep is never lost. The interrupted
 * call returns -ERESTARTSYS (restarted when no handler runs or the handler has SA_RESTART),
 * -ERESTARTNOHAND (-EINTR if a handler runs), -ERESTART_RESTARTBLOCK or -EINTR (never
 * restarted).
 *
 * Fatal signals. As in Linux (complete_signal), a signal that will end the process —
 * SIGKILL, or one left at a terminating default action that the chosen thread does not block
 * (core-dumping ones excepted: they end it only when delivered) — starts the group exit at
 * once: every thread gets t->exit_pending, which ends interruptible and killable sleeps alike
 * and makes the thread exit on its way back to user mode. exit_group and execve tell the
 * other threads the same way (process_zap_threads_locked). */
#ifndef PROC_SIGNAL_H
#define PROC_SIGNAL_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <lib/list.h>
#include <sched/wait.h>
#include <uapi/errno.h>
#include <uapi/signal.h>
#include <arch/x86_64/trap.h>
#include <sched/thread.h>

struct process;
struct thread;
struct trap_frame;

#define SIGQUEUE_MAX 1024 /* queued entries per signal_handlers (RLIMIT_SIGPENDING-like) */

/* Signals that can be neither caught, blocked nor ignored. */
#define SIG_UNCATCHABLE (SIGSET_BIT(SIGKILL) | SIGSET_BIT(SIGSTOP))
/* Fault signals raised by the CPU for the instruction just run: dequeued before others. */
#define SIG_SYNCHRONOUS                                                                          \
	(SIGSET_BIT(SIGSEGV) | SIGSET_BIT(SIGBUS) | SIGSET_BIT(SIGILL) | SIGSET_BIT(SIGTRAP) |   \
	 SIGSET_BIT(SIGFPE) | SIGSET_BIT(SIGSYS))

static inline bool sig_valid(int sig)
{
	return sig >= 1 && sig <= _NSIG;
}

/* A pending signal: who it is for and its siginfo. Standard signals (< SIGRTMIN) are queued at
 * most once per target; real-time ones queue every instance. */
struct sigqueue {
	struct list_node node; /* in sh->queue, oldest first */
	struct thread *thread; /* thread-directed: only this thread takes it; else NULL */
	struct process *proc; /* the target process (always set) */
	k_siginfo_t info;
	uint64_t trapno, err; /* faults: the exception vector and error code, for sigcontext */
};

/* What a fault adds to the handler's sigcontext (err, trapno, cr2). */
struct sig_fault_regs {
	uint64_t trapno, err, cr2;
};

/* An entry of the real-time timer thread (signal.c): ITIMER_REAL of the process owning a
 * signal_handlers, or the clock of a POSIX timer (proc/posix_timer.c). All fields are guarded
 * by the itimer lock. */
struct itimer_real {
	struct list_node node; /* in the armed list (signal.c) */
	uint64_t deadline_ns; /* monotonic; 0 = disarmed */
	uint64_t interval_ns;
	uint64_t real_deadline; /* an absolute CLOCK_REALTIME expiry followed when the clock is
				 * set (POSIX timers with TIMER_ABSTIME); 0: none */
	int pid; /* the process to signal, looked up at expiry (no pointer to outlive) */
	int posix_id; /* posix: the POSIX timer's id, whose expiry posix_timer_fire handles */
	bool posix;
};

struct signal_handlers {
	struct spinlock lock;
	int refcount; /* processes pointing here; guarded by lock */
	struct k_sigaction action[_NSIG]; /* index sig - 1 */
	struct list_node queue; /* struct sigqueue */
	int nqueued;
	int fatal_sig; /* a forced signal that could not be queued (no memory): die of it */
	/* Group stop: set by a stop signal's default action, cleared by SIGCONT/SIGKILL. */
	bool stopped;
	int stop_sig;
	bool stop_unreported; /* wait4(WUNTRACED) has not seen this stop yet */
	bool cont_unreported; /* wait4(WCONTINUED) has not seen the continue yet */
	struct wait_queue stop_wq; /* stopped threads sleep here */
	struct itimer_real itimer; /* guarded by the itimer lock, not sh->lock */
	/* Readers and pollers of signalfds (fs/signalfd.h), woken by every queued signal. Epoll
	 * callbacks run under sh->lock: epoll's ready-list lock nests inside it. */
	struct wait_queue signalfd_wq;
};

/* Default action of a signal with SIG_DFL (pure; signal_test.c checks the table). */
enum sig_default {
	SIGDFL_TERM,
	SIGDFL_CORE, /* terminate; the wait status has the core flag (no core file is written) */
	SIGDFL_IGN,
	SIGDFL_STOP,
	SIGDFL_CONT,
};
enum sig_default sig_default_action(int sig);

/* ---- boot -------------------------------------------------------------------------------- */
/* Installs the user-fault handler (faults become SIGSEGV/SIGBUS/SIGILL/SIGFPE/SIGTRAP) and
 * starts the ITIMER_REAL kernel thread. Call once after the scheduler is up. */
void signal_init(void);

/* ---- process life cycle (called by proc/) ------------------------------------------------ */
/* Fresh handlers (all SIG_DFL), refcount 1: for init. NULL on ENOMEM. */
struct signal_handlers *sighand_alloc(void);
void sighand_put(struct signal_handlers *sh);
/* fork/clone: child->sighand shares the parent's (CLONE_SIGHAND) or copies its actions; no
 * pending signals, stop state or itimer are inherited. 0 or -ENOMEM. */
int signal_fork(struct process *child, const struct process *parent, uint64_t clone_flags);
/* A new thread (fork's or clone's): blocked mask inherited from `parent` (the creating user
 * thread, or NULL); sigaltstack inherited unless clone shares the VM without vfork. */
void signal_thread_init(struct thread *t, const struct thread *parent, uint64_t clone_flags);
/* execve, after the other threads are gone: caught signals go back to SIG_DFL (ignored stay
 * ignored), flags and masks of actions cleared, the altstack disabled; a sighand shared with
 * another process is unshared. The blocked mask and pending signals are kept. 0 or -ENOMEM. */
int signal_exec(struct process *p);
/* A thread is leaving: drop the signals queued for it alone. */
void signal_exit_thread(struct thread *t);
/* A thread left p's thread list: the process-directed signals it may have been chosen for are
 * offered to the threads that remain (Linux hands them on too). process_tree_lock held. */
void signal_thread_gone_locked(struct process *p);
/* The process's last thread left (before it becomes a zombie; process_tree_lock held): drop
 * its queued signals, disarm its itimer, put p->sighand (set to NULL). */
void signal_exit_process_locked(struct process *p);

/* ---- parent notification and wait4 (called by proc/ with process_tree_lock held) ---------- */
/* `child` became a zombie (exit_status set): send child->exit_signal to the parent with
 * CLD_EXITED/KILLED/DUMPED. Returns true when the parent ignores SIGCHLD (SIG_IGN or
 * SA_NOCLDWAIT): the child must then be reaped at once (wake the parent's wait4 anyway, which
 * reports ECHILD when nothing else is left). */
bool signal_notify_parent_exit_locked(struct process *child);
/* wait4 with WUNTRACED / WCONTINUED: true (and the status word) when `child` has an unreported
 * stop / continue; `consume` (not WNOWAIT) marks it reported. */
bool signal_wait_stopped_locked(struct process *child, bool consume, int *status);
bool signal_wait_continued_locked(struct process *child, bool consume, int *status);

/* ---- sending ----------------------------------------------------------------------------- */
/* Send to a process (one of its threads that does not block it takes it). process_tree_lock
 * held. 0, or -EAGAIN when a real-time signal cannot be queued. Signal 0 is not valid here. */
int signal_send_process_locked(struct process *p, int sig, const k_siginfo_t *info);
/* Send to one thread (tkill, tgkill); SIGKILL/SIGSTOP still act on its whole process.
 * process_tree_lock held. */
int signal_send_thread_locked(struct thread *t, int sig, const k_siginfo_t *info);
/* A synchronous fault signal for the current thread: if it is blocked or ignored the process
 * dies of it (Linux's force_sig_fault); otherwise its handler runs on the way out. */
void signal_force_fault(int sig, int code, uint64_t addr, uint64_t trapno, uint64_t err);
/* The current thread could not take signal `failed_sig` (bad frame, bad sigreturn): SIGSEGV,
 * fatal if it was SIGSEGV itself (Linux's force_sigsegv). */
void signal_force_segv(int failed_sig);
/* The exception hook (exceptions_set_user_fault_handler): a user-mode exception nothing
 * resolved becomes a signal for the current thread. Public for the tests. */
void signal_user_fault(struct trap_frame *f, uint64_t cr2);

/* ---- delivery (called by return_to_user_work, interrupts enabled) ------------------------ */
/* Everything owed to the current thread before it runs user code again, with f its user
 * frame: a group stop (sleeps until SIGCONT), default actions (a fatal one does not return),
 * handler frames, and restarting or failing a system call that returned -ERESTART*. Cheap
 * when there is nothing to do. */
void signal_deliver_pending(struct trap_frame *f);

/* A system call's result that asks the exit path to restart it (or fail it with EINTR). */
static inline bool is_restart_code(uint64_t rax)
{
	int64_t r = (int64_t)rax;
	return r == -ERESTARTSYS || r == -ERESTARTNOINTR || r == -ERESTARTNOHAND ||
	       r == -ERESTART_RESTARTBLOCK;
}

/* The frame was made by the SYSCALL entry (not an interrupt or exception). */
static inline bool frame_is_syscall(const struct trap_frame *f)
{
	return f->vector == VECTOR_SYSCALL && (int64_t)f->error_code >= 0;
}

/* Anything for signal_deliver_pending to do on this return of t to user mode? (For the exit
 * path: checked on every system call's return, so inline and lock-free: sig_pending is a hint
 * set before the sender wakes or kicks us.) */
static inline bool signal_work_pending(const struct thread *t, const struct trap_frame *f)
{
	return t->proc && (READ_ONCE(t->sig_pending) || t->sig_restore_blocked ||
			   (frame_is_syscall(f) && is_restart_code(f->rax)));
}

/* ---- interruptible sleeping (for blocking system calls) ----------------------------------- */
/* An unblocked signal is pending for the current thread, or it was told to exit: what ends an
 * interruptible sleep (Linux's signal_pending). */
bool signal_pending(void);
/* The current thread was told to exit (a fatal signal, exit_group or execve elsewhere): what
 * ends a killable sleep (Linux's fatal_signal_pending). Long copy loops check it too. */
bool signal_fatal_pending(void);
/* For long copy loops (a device read, sendfile, getrandom): called with the bytes done so far,
 * true when the loop should stop now and return them because a signal is pending — checked at
 * each page boundary, as Linux does, so a call always makes progress first. A fatal signal
 * ends the process on the way out; another one is handled after the partial return. */
bool signal_copy_should_stop(uint64_t done);
/* sched_sleep_until that a signal interrupts: 0 once deadline_ns passed, -EINTR. */
int signal_sleep_until(uint64_t deadline_ns);
/* wait_queue_sleep_locked that a signal interrupts: 0 woken, -ETIMEDOUT, -EINTR. */
int signal_wait_queue_sleep_locked(struct wait_queue *wq, struct spinlock *lock,
				   uint64_t *irqflags, uint64_t deadline_ns);
/* The same with a hand-off (sched/wait.h; h may be NULL), consumed in every case. */
int signal_wait_queue_sleep_handoff_locked(struct wait_queue *wq, struct spinlock *lock,
					   uint64_t *irqflags, uint64_t deadline_ns,
					   const struct handoff *h);

/* Killable sleeping (Linux's TASK_KILLABLE), for waits that must not end on an ordinary signal
 * but must not outlive the process either: wait_queue_sleep_locked that only an exit (a fatal
 * signal among them) cuts short: 0 woken (maybe spuriously), -EINTR. Other signals stay
 * pending for the return to user. */
int signal_wait_queue_sleep_killable_locked(struct wait_queue *wq, struct spinlock *lock,
					    uint64_t *irqflags);

/* ---- for signal_syscalls.c and signal_frame.c -------------------------------------------- */
/* Fill in a kill-style siginfo (SI_USER / SI_TKILL) from the calling process. */
void signal_info_kill(k_siginfo_t *info, int sig, int code);
/* Set the current thread's blocked mask (SIGKILL/SIGSTOP removed) and recompute pending. */
void signal_set_blocked(uint64_t mask);
/* The same, with the set rt_sigtimedwait waits for (unblocked in mask so that the signals of
 * it may choose this thread, yet never a fatal default action: Linux's real_blocked). */
void signal_set_blocked_waiting(uint64_t mask, uint64_t waited);
/* rt_sigsuspend, ppoll, pselect6: block the user's mask (sigsetsize must be 8) until the call
 * ends. When a signal interrupts the call, the handler's frame saves the original mask
 * (sigreturn restores it) or signal_deliver_pending puts it back; a call that ends otherwise
 * calls signal_end_temporary_mask. 0, -EINVAL or -EFAULT (mask unchanged). */
int signal_set_temporary_mask(const k_sigset_t __user *umask, size_t sigsetsize);
void signal_end_temporary_mask(void);
/* Take one pending signal of `set` for the current thread (blocked or not) as delivery would,
 * its siginfo into *info: the signal number, or 0 when none is pending (rt_sigtimedwait). */
int signal_dequeue_set(uint64_t set, k_siginfo_t *info);
/* signalfd: take one pending signal of `set` for the current thread (its number, siginfo in
 * *info), waiting interruptibly on sh->signalfd_wq until one comes unless nonblock: -EAGAIN,
 * -ERESTARTSYS (another signal came), -ENOMEM. */
int signal_dequeue_wait(uint64_t set, bool nonblock, k_siginfo_t *info);
/* A reference to the calling process's handlers (sighand_put it), or NULL (no memory). */
struct signal_handlers *signal_sighand_get(void);
/* Pending signals (process- and thread-directed) of the current thread, blocked or not. */
uint64_t signal_pending_set(void);
/* rt_sigaction's core: old/new may be NULL. -EINVAL for bad sig or uncatchable. */
int signal_do_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact);
/* sigaltstack's core: ss may be NULL; user_sp decides "on the alternate stack". */
int signal_do_sigaltstack(const k_stack_t *ss, k_stack_t *oss, uint64_t user_sp);
/* The current thread is running on its alternate stack at sp. */
bool signal_on_altstack(uint64_t sp);

/* ITIMER_REAL of the current process: read, and set (gives the old value). */
void itimer_real_get(uint64_t *value_ns, uint64_t *interval_ns);
int itimer_real_set(uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value_ns,
		    uint64_t *old_interval_ns); /* 0 or -ENOMEM */
/* The same thread serves POSIX timers: arm `it` (one-shot; it->pid, posix_id, real_deadline
 * set by the caller) for the monotonic deadline, or cancel it. The itimer lock is a leaf. */
void itimer_thread_arm(struct itimer_real *it, uint64_t deadline_ns);
void itimer_thread_cancel(struct itimer_real *it);
/* CLOCK_REALTIME was set: entries with a real_deadline move with it. */
void itimer_clock_was_set(void);
/* Queue a POSIX timer's signal (info->si_code SI_TIMER) for p or, t not NULL, its thread t,
 * queued even when the same standard signal is already pending (Linux's send_sigqueue).
 * process_tree_lock held. 1 queued, 0 dropped (ignored, or p is a zombie), -EAGAIN. */
int signal_send_timer_locked(struct process *p, struct thread *t, int sig,
			     const k_siginfo_t *info);
/* A POSIX timer of p was set or deleted (id < 0: all of them): its queued signal goes, as in
 * Linux since 6.13. The caller keeps p->sighand alive (p's own thread, or the exit path). */
void signal_cancel_timer(struct process *p, int id);

/* ---- the frame (signal_frame.c) ---------------------------------------------------------- */
/* Build the rt_sigframe for a handler on the user stack and point f at the handler. 0, or
 * -EFAULT (the caller then forces SIGSEGV). */
int signal_setup_frame(struct trap_frame *f, int sig, const struct k_sigaction *ka,
		       const k_siginfo_t *info, uint64_t oldmask, const struct sig_fault_regs *fr);
/* rt_sigreturn: restore f, the blocked mask, the FPU state and the altstack from the frame at
 * f->rsp - 8; f->error_code becomes -1 so that no restart logic applies to the restored rax.
 * 0, or -EFAULT for a missing or hostile frame (caller forces SIGSEGV). */
int signal_restore_frame(struct trap_frame *f);

/* Pure helpers, exposed for signal_test.c. */
#define FIX_EFLAGS                                                                               \
	(0x40000ULL /*AC*/ | 0x800 /*OF*/ | 0x400 /*DF*/ | 0x100 /*TF*/ | 0x80 /*SF*/ |         \
	 0x40 /*ZF*/ | 0x10 /*AF*/ | 0x4 /*PF*/ | 0x1 /*CF*/ | 0x10000ULL /*RF*/)
/* rflags after sigreturn: the user's value for the FIX_EFLAGS bits only; IF set, IOPL 0, no
 * NT/VM/VIF/VIP/ID games; bit 1 (always one) set. */
uint64_t signal_sanitize_rflags(uint64_t user_rflags);
/* Where the frame goes below sp (already past the red zone / at the altstack top): the FPU
 * area (64-byte aligned) and below it the rt_sigframe, placed so that rsp at handler entry is
 * 8 mod 16 as after a call. Returns the frame address; *fpstate gets the FPU area's. */
uint64_t signal_frame_layout(uint64_t sp, uint64_t fpu_size, uint64_t *fpstate);
/* Validate what of a user FPU image would make FXRSTOR/XRSTOR fault, before it is loaded:
 * MXCSR's reserved bits and, for the XSAVE form (header not NULL: its 64 bytes), the header
 * (XSTATE_BV within `enabled`, XCOMP_BV and reserved bytes zero). */
bool signal_fpu_image_ok(uint32_t mxcsr, const uint8_t *header, uint64_t enabled,
			 uint32_t mxcsr_mask);
/* The blocked mask while a handler for sig runs. */
uint64_t signal_handler_mask(uint64_t blocked, const struct k_sigaction *ka, int sig);

#endif
