/* Kernel threads: the unit the scheduler runs. A user thread is a kernel thread that returns to
 * user mode; its process (proc/) owns the address space and resources. */
#ifndef SCHED_THREAD_H
#define SCHED_THREAD_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/list.h>
#include <sched/mlfq.h>

#define THREAD_NAME_MAX 16

enum thread_state {
	THREAD_NEW, /* built but not yet given to the scheduler: no wake-up may start it */
	THREAD_RUNNABLE, /* on a run queue or running */
	THREAD_BLOCKED, /* waiting on a wait queue or a timer */
	THREAD_DEAD, /* exited; its stack is freed by the next thread to run */
};

struct process;
struct reply_slot;

/* What may end a sleep besides its event and its deadline (Linux's TASK_UNINTERRUPTIBLE,
 * TASK_KILLABLE and TASK_INTERRUPTIBLE). Every wait names one (DESIGN.md convention 11;
 * docs/sleeps.md lists the blocking points). */
enum sleep_kind {
	/* Nothing: only for waits whose end the kernel itself guarantees soon (a mutex held
	 * for a bounded section, a kernel thread's own timer); each such call says why. */
	SLEEP_UNINTERRUPTIBLE,
	/* The thread being told to exit: SIGKILL or another fatal signal, exit_group or execve
	 * by another thread (t->exit_pending). */
	SLEEP_KILLABLE,
	/* That, or any signal the thread does not block (t->sig_pending). */
	SLEEP_INTERRUPTIBLE,
};

/* How an interrupted call resumes when no handler ran (ERESTART_RESTARTBLOCK): restart_syscall
 * calls fn with the block, whose fields the call chose (its deadline, its user arguments). */
struct restart_block {
	long (*fn)(struct restart_block *rb);
	uint64_t deadline_ns;
	uint64_t arg[2];
};

struct thread {
	/* Fixed by the scheduler: the run-queue lock of thread->cpu guards state, sched, and
	 * wake-up decisions; saved_rsp is only touched by the context switch. */
	uint64_t saved_rsp; /* kernel rsp while switched out */
	uint64_t kstack_top;
	enum thread_state state;
	uint32_t cpu; /* run queue it belongs to; changes only while queued or in transit */
	uint64_t cpus_allowed; /* affinity: CPUs it may run on (written under the rq lock) */
	struct list_node push_node; /* in a run queue's push list while moving to another CPU */
	struct mlfq_entity sched;
	uint64_t wake_at_ns; /* sleeping: when the timer wakes it (0 = not sleeping) */
	struct list_node sleep_node; /* in the CPU's sleep list while sleeping with a timeout */
	int wake_reason; /* 0 woken, -ETIMEDOUT, -EINTR: set by whoever makes it runnable */
	enum sleep_kind sleep_kind; /* of the current or last sleep */
	/* This thread's CPU time, sampled by the tick as its process's is (atomic: added by the
	 * CPU running it, read by anyone): CLOCK_THREAD_CPUTIME_ID, RUSAGE_THREAD. */
	uint64_t utime_ns, stime_ns;

	void *fpu_state; /* user FPU/SSE/AVX registers while switched out (NULL: kernel-only) */
	uint64_t fs_base; /* user TLS base */
	uint64_t gs_base; /* user GS base (in MSR_KERNEL_GS_BASE while the kernel runs) */

	int tid;
	struct process *proc; /* NULL for kernel threads */
	char name[THREAD_NAME_MAX];
	struct list_node all_node; /* in the global thread list (debugging, /proc later) */

	/* User threads (proc/): guarded by process_tree_lock (proc/process.h) unless noted. */
	struct list_node proc_node; /* in proc->threads */
	uint64_t start_ns; /* when it joined its process (its start for the first thread); set
			   * before it is linked, immutable after */
	uint64_t clear_child_tid; /* user address zeroed + futex-woken at exit (0 = none); own */
	uint64_t robust_list, robust_list_len; /* set_robust_list, kept for the futex code; own */
	/* prctl PR_SET_TIMERSLACK (proc/prctl.c): how late this thread's timers may fire, and what
	 * a reset restores; 0 = Linux's default (50 us). Only reported: timers are never delayed
	 * on purpose. Own; copied at clone. */
	uint64_t timer_slack_ns, default_slack_ns;
	/* Asked to exit (exit_group or exec by another thread, a fatal signal): written under
	 * process_tree_lock, read without it as a hint before sleeping (sched.c). */
	bool exit_pending;
	struct restart_block restart; /* own: set by a call returning ERESTART_RESTARTBLOCK */

	/* Signals (proc/signal.h): written under proc->sighand->lock by the thread itself, read
	 * by senders under that lock; sas_* are the thread's own (no lock). */
	uint64_t sig_blocked; /* blocked mask (k_sigset_t) */
	uint64_t sig_waited; /* rt_sigtimedwait's set, unblocked only to be taken, never fatal */
	uint64_t sig_saved_blocked; /* mask to put back once sigsuspend's handler frame is built */
	bool sig_restore_blocked; /* sig_saved_blocked is valid */
	bool sig_pending; /* hint, read without the lock: an unblocked signal waits for us */
	uint32_t sas_flags; /* sigaltstack: 0 or SS_DISABLE (and SS_AUTODISARM) */
	uint64_t sas_sp, sas_size;

	/* Capability IPC (ipc/endpoint.c), own: the call this thread received with
	 * zero_reply_recv and answers next (referenced), or NULL; the slot of its last own call,
	 * kept for the next (unreferenced), or NULL. */
	struct reply_slot *ipc_reply, *ipc_spare;

	/* Own (fs/file.c): files whose last reference went while this thread was releasing
	 * another (an endpoint's queue holds files), released in turn by the outermost file_put
	 * instead of recursively; `releasing` is set while it runs. */
	struct file *release_later;
	bool releasing;

	/* Own (sched/mutex.c): how many mutexes this thread holds. */
	int mutexes_held;
};

/* A kernel thread that will run fn(arg) once sched_add_thread() makes it runnable. NULL when
 * out of memory. */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg);
/* A thread struct for the flow already running on this CPU's boot stack: stack_top is its top
 * (0: the boot CPU's stack in the kernel image). */
struct thread *thread_adopt_boot_context(const char *name, uint64_t stack_top);
/* Terminate the calling thread (never returns). */
__attribute__((noreturn)) void thread_exit(void);

static inline struct thread *current_thread(void);

#include <arch/x86_64/percpu.h>
static inline struct thread *current_thread(void)
{
	return this_cpu()->current;
}

#endif
