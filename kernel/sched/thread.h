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
	THREAD_RUNNABLE, /* on a run queue or running */
	THREAD_BLOCKED, /* waiting on a wait queue or a timer */
	THREAD_DEAD, /* exited; its stack is freed by the next thread to run */
};

struct process;

struct thread {
	/* Fixed by the scheduler: the run-queue lock of thread->cpu guards state, sched, and
	 * wake-up decisions; saved_rsp is only touched by the context switch. */
	uint64_t saved_rsp; /* kernel rsp while switched out */
	uint64_t kstack_top;
	enum thread_state state;
	uint32_t cpu; /* run queue it belongs to */
	struct mlfq_entity sched;
	uint64_t wake_at_ns; /* sleeping: when the timer wakes it (0 = not sleeping) */
	struct list_node sleep_node; /* in the CPU's sleep list while sleeping with a timeout */
	int wake_reason; /* 0 woken, -ETIMEDOUT, -EINTR: set by whoever makes it runnable */

	void *fpu_state; /* user FPU/SSE/AVX registers while switched out (NULL: kernel-only) */
	uint64_t fs_base; /* user TLS base */

	int tid;
	struct process *proc; /* NULL for kernel threads */
	char name[THREAD_NAME_MAX];
	struct list_node all_node; /* in the global thread list (debugging, /proc later) */
};

/* A kernel thread that will run fn(arg) once sched_add_thread() makes it runnable. NULL when
 * out of memory. */
struct thread *thread_create_kernel(const char *name, void (*fn)(void *), void *arg);
/* A thread struct for the flow already running on this CPU's boot stack. */
struct thread *thread_adopt_boot_context(const char *name);
/* Terminate the calling thread (never returns). */
__attribute__((noreturn)) void thread_exit(void);

static inline struct thread *current_thread(void);

#include <arch/x86_64/percpu.h>
static inline struct thread *current_thread(void)
{
	return this_cpu()->current;
}

#endif
