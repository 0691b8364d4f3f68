/* /proc/<pid>/syscall and /proc/<pid>/task/<tid>/syscall: what the process's main thread, or
 * the given thread, is doing in the kernel, in Linux's format. A thread blocked in (or reading
 * this from within) a system call shows its number, its six arguments, and its user stack
 * pointer and instruction pointer; one blocked outside a system call (a page fault) shows -1
 * with the two pointers; one that is runnable shows "running".
 * It is how a hung program is diagnosed from a shell without a debugger. */
#include <fs/procfs/proc_internal.h>
#include <arch/x86_64/syscall.h>
#include <sched/thread.h>
#include <uapi/errno.h>

int proc_show_syscall(struct proc_text *t, const struct proc_file_ctx *c)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct thread *th;
	struct process *p = proc_ctx_find_locked(c, &th);
	if (!th) { /* gone, or its main thread has exited: Linux shows an exited task so */
		spin_unlock_irqrestore(&process_tree_lock, f);
		return p ? (proc_printf(t, "running\n"), 0) : -ESRCH;
	}
	if (th != current_thread() && READ_ONCE(th->state) != THREAD_BLOCKED) {
		spin_unlock_irqrestore(&process_tree_lock, f);
		proc_printf(t, "running\n");
		return 0;
	}
	struct trap_frame fr = *thread_user_frame(th);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (fr.vector == VECTOR_SYSCALL)
		proc_printf(t, "%ld 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx 0x%lx\n",
			    (long)fr.error_code, fr.rdi, fr.rsi, fr.rdx, fr.r10, fr.r8, fr.r9, fr.rsp,
			    fr.rip);
	else
		proc_printf(t, "-1 0x%lx 0x%lx\n", fr.rsp, fr.rip);
	return 0;
}
