/* fork, vfork and clone: a new thread, in the caller's process (CLONE_THREAD) or in a new child
 * process with a copy-on-write copy of the address space (or the same one under CLONE_VM). The
 * child starts in user mode with the caller's registers, rax = 0, on the stack clone names.
 * Every allocation and check comes before the child becomes visible. */
#include <ipc/sem.h>
#include <proc/process.h>
#include <proc/process_files.h>
#include <proc/signal.h>
#include <syscall/syscall.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <sched/mlfq.h>
#include <mm/vm.h>
#include <mm/vmap.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <arch/x86_64/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <core/panic.h>
#include <core/test_hook.h>
#include <fs/fdtable.h>
#include <fs/vfs.h>
#include <proc/pidfd.h>
#include <core/time.h>
#include <uapi/sched.h>
#include <uapi/errno.h>

/* CLONE_IO shares an I/O context; there are none (no I/O scheduler), so it changes nothing and
 * kcmp(KCMP_IO) finds the two the same, as it finds any two processes. */
#define CLONE_SUPPORTED                                                                          \
	(CSIGNAL | CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND | CLONE_THREAD |           \
	 CLONE_SYSVSEM | CLONE_SETTLS | CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |              \
	 CLONE_CHILD_CLEARTID | CLONE_VFORK | CLONE_DETACHED | CLONE_PARENT | CLONE_PIDFD |     \
	 CLONE_IO)

/* The combinations Linux accepts (kernel/fork.c: copy_process). */
static int clone_check(uint64_t flags, uint64_t tls)
{
	if (flags & ~(uint64_t)CLONE_SUPPORTED)
		return -EINVAL;
	if ((flags & CLONE_THREAD) && !(flags & CLONE_SIGHAND))
		return -EINVAL;
	if ((flags & CLONE_SIGHAND) && !(flags & CLONE_VM))
		return -EINVAL;
	if ((flags & CSIGNAL) > NSIG_MAX)
		return -EINVAL;
	/* The pidfd goes where the parent's tid would; a pidfd names a process, not a thread. */
	if ((flags & CLONE_PIDFD) &&
	    (flags & (CLONE_PARENT_SETTID | CLONE_THREAD | CLONE_DETACHED)))
		return -EINVAL;
	/* The FS base is loaded with WRMSR at every switch: a non-canonical one would fault in
	 * the kernel. Linux refuses bases outside user space with -EPERM. */
	if ((flags & CLONE_SETTLS) && tls >= USER_SPACE_END)
		return -EPERM;
	return 0;
}

/* A thread's first run never reaches this: thread_init_user replaces its start-up frame. */
static void clone_never_runs(void *unused)
{
	(void)unused;
	panic("a cloned user thread ran its kernel entry function");
}

/* Undo thread_create_kernel + thread_init_user for a thread that never ran (as sched.c frees
 * dead threads). */
static void thread_discard(struct thread *t)
{
	kstack_free(t->kstack_top, KSTACK_PAGES);
	kfree(t->fpu_state);
	kfree(t);
}

static struct thread *clone_thread(const struct thread *cur, uint64_t flags, uint64_t newsp,
				   uint64_t tls)
{
	struct trap_frame regs = *current_user_frame();
	regs.rax = 0; /* the child's return value */
	if (newsp)
		regs.rsp = newsp;
	struct thread *t = thread_create_kernel(cur->name, clone_never_runs, NULL);
	if (!t)
		return NULL;
	if (thread_init_user(t, &regs) < 0) {
		thread_discard(t);
		return NULL;
	}
	if (flags & CLONE_SETTLS)
		t->fs_base = tls;
	/* Linux: the new thread's slack and default are its creator's current slack. */
	t->timer_slack_ns = t->default_slack_ns =
		cur->timer_slack_ns ? cur->timer_slack_ns : cur->default_slack_ns;
	signal_thread_init(t, cur, flags); /* blocked mask, altstack */
	list_init(&t->proc_node);
	return t;
}

/* The new child process and its address space (shared under CLONE_VM, else COW-copied). */
static struct process *clone_process(struct process *p, uint64_t flags)
{
	struct process *np = process_alloc(p);
	if (!np)
		return NULL;
	if (flags & CLONE_VM) {
		np->mm = p->mm;
		mm_get(np->mm);
	} else {
		np->mm = mm_fork(p->mm);
		if (!np->mm) {
			process_free(np);
			return NULL;
		}
	}
	np->exit_signal = (int)(flags & CSIGNAL);
	if (sem_fork(np, p, flags) < 0 || /* SEM_UNDO list: shared (CLONE_SYSVSEM) or none */
	    signal_fork(np, p, flags) < 0 || /* handlers: shared (CLONE_SIGHAND) or copied */
	    process_files_fork(np, p, flags) < 0) {
		mm_put(np->mm);
		np->mm = NULL;
		process_free(np);
		return NULL;
	}
	return np;
}

static bool nproc_exceeded_locked(const struct process *p)
{
	spin_assert_held(&process_tree_lock);
	uint64_t limit = p->rlimits[RLIMIT_NPROC].rlim_cur;
	/* Root is exempt, as on Linux (INIT_USER / CAP_SYS_RESOURCE). */
	if (p->cred.uid == 0 || limit >= PID_MAX)
		return false;
	return (uint64_t)process_count_uid_locked(p->cred.uid) >= limit;
}

static uint64_t forks_total; /* successful clones since boot (/proc/stat); process_tree_lock */

uint64_t process_fork_count(void)
{
	return READ_ONCE(forks_total);
}

/* The new process's parent: the caller, or under CLONE_PARENT the caller's own parent, to
 * which the child then reports with the caller's exit signal, as Linux (bug clone_parent).
 * NULL for init, which has no parent. Tree lock held: the caller may be being reparented. */
static struct process *clone_parent_locked(struct process *p, struct process *np, uint64_t flags)
{
	spin_assert_held(&process_tree_lock);
	if (!np || !(flags & CLONE_PARENT))
		return p;
	if (p == init_process || !p->parent)
		return NULL;
	np->exit_signal = p->exit_signal;
	return p->parent;
}

/* Link the new thread (and process) into the tables; -EAGAIN when out of ids or over
 * RLIMIT_NPROC, -EINTR when the caller's process is exiting, -EINVAL for CLONE_PARENT by
 * init. */
static int clone_link(struct process *p, struct process *np, struct thread *t,
		      struct vfork_done *vfork, uint64_t flags)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	int tid = -EINTR;
	if (p->group_exiting || current_thread()->exit_pending)
		goto out_unlock;
	tid = -EAGAIN;
	if (np && nproc_exceeded_locked(p))
		goto out_unlock;
	tid = -EINVAL; /* init has no parent to share (Linux: SIGNAL_UNKILLABLE) */
	struct process *parent = clone_parent_locked(p, np, flags);
	if (np && !parent)
		goto out_unlock;
	tid = pid_alloc_locked();
	if (tid < 0)
		goto out_unlock;
	t->tid = tid;
	t->start_ns = np ? np->start_ns : time_monotonic_ns();
	pid_set_thread_locked(tid, t);
	if (np) {
		np->pid = tid;
		np->parent = parent;
		np->vfork_done = vfork;
		/* Read again under the tree lock: a pty freed since process_alloc copied it was
		 * cleared from p (session_forget_tty), but np was not in the table yet. */
		np->ctty = p->ctty;
		pid_set_process_locked(tid, np);
		list_add_tail(&parent->children, &np->sibling);
	}
	t->proc = np ? np : p;
	list_add_tail(&t->proc->threads, &t->proc_node);
	t->proc->nthreads++;
	forks_total++;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return tid;
}

/* Sleep until the vfork child execs or exits, or a fatal signal ends us (Linux's
 * TASK_KILLABLE; other signals wait for the child). vd lives in our stack frame: a killed
 * parent detaches it from the child first, under the lock the child's release takes. As long
 * as vd is not done, the child has neither exec'ed nor exited, so it is still there. */
static void vfork_wait(struct process *child, struct vfork_done *vd)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	while (!vd->done) {
		if (signal_wait_queue_sleep_killable_locked(&vd->wq, &process_tree_lock, &f) ==
		    -EINTR) {
			if (!vd->done)
				child->vfork_done = NULL;
			break;
		}
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
}

/* CLONE_PIDFD: the pidfd is made and its number stored before the child exists (a bad
 * pointer fails the clone, as Linux); clone_pidfd_name gives it the child once linked. 0 or
 * -errno (then no descriptor is left). */
static int clone_pidfd_prepare(uint64_t parent_tid, struct file **pidfd_file, int *fd)
{
	*fd = pidfd_install(0, 0, 0, pidfd_file);
	if (*fd < 0)
		return *fd;
	if (put_user(*fd, (int __user *)parent_tid)) {
		fd_close(*fd);
		file_put(*pidfd_file);
		return -EFAULT;
	}
	return 0;
}

static void clone_pidfd_end(struct file *pidfd_file, int fd, struct process *np)
{
	if (!pidfd_file)
		return;
	if (np)
		pidfd_set_target(pidfd_file, np->pid, np->start_ns);
	else
		fd_close(fd); /* the clone failed */
	file_put(pidfd_file);
}

long do_clone(uint64_t flags, uint64_t newsp, uint64_t parent_tid, uint64_t child_tid,
	      uint64_t tls)
{
	struct thread *cur = current_thread();
	struct process *p = cur->proc, *np = NULL;
	struct vfork_done vfork = { .done = false };
	struct file *pidfd_file = NULL;
	int pidfd = -1;
	int r = clone_check(flags, tls);
	if (!r && (flags & CLONE_PIDFD))
		r = clone_pidfd_prepare(parent_tid, &pidfd_file, &pidfd);
	if (r < 0)
		return r;
	if (!(flags & CLONE_THREAD)) {
		np = clone_process(p, flags);
		if (!np) {
			r = -ENOMEM;
			goto out_process;
		}
	}
	struct thread *t = clone_thread(cur, flags, newsp, tls);
	if (!t) {
		r = -ENOMEM;
		goto out_process;
	}
	if (flags & CLONE_CHILD_CLEARTID)
		t->clear_child_tid = child_tid;
	wait_queue_init(&vfork.wq);
	mlfq_entity_init(&t->sched, (np ? np : p)->nice); /* not queued yet: no lock needed */
	bool vforking = np && (flags & CLONE_VFORK);
	int tid = clone_link(p, np, t, vforking ? &vfork : NULL, flags);
	if (tid < 0) {
		r = tid;
		goto out_thread;
	}
	/* The child is in the tables but has not run, and cannot until sched_add_thread: it is
	 * THREAD_NEW, which a zap (exit_group, exec, a fatal signal) or a signal's wake-up leaves
	 * alone, so nothing can start or free it under us (bug clone_exit_group_race: a zap
	 * used to start it, and it could exit and be freed while still being set up here).
	 * Like Linux, a bad tid pointer is not an error of the clone: the write is lost. */
	if (flags & CLONE_PARENT_SETTID)
		(void)put_user(tid, (int __user *)parent_tid);
	if (flags & CLONE_CHILD_SETTID) {
		if (!np || (flags & CLONE_VM))
			(void)put_user(tid, (int __user *)child_tid);
		else
			(void)vm_write(np->mm, child_tid, &tid, sizeof(tid));
	}
	clone_pidfd_end(pidfd_file, pidfd, np);
	test_hook_hold(TEST_HOOK_CLONE_LINKED);
	sched_add_thread(t); /* a zapped child exits on its way to user mode */
	if (vforking)
		vfork_wait(np, &vfork);
	return tid;

out_thread:
	thread_discard(t);
out_process:
	if (np) {
		mm_put(np->mm);
		np->mm = NULL;
		process_free(np);
	}
	clone_pidfd_end(pidfd_file, pidfd, NULL);
	return r;
}

SYSCALL_DEFINE0(fork)
{
	return do_clone(SIGCHLD_NR, 0, 0, 0, 0);
}

SYSCALL_DEFINE0(vfork)
{
	return do_clone(CLONE_VM | CLONE_VFORK | SIGCHLD_NR, 0, 0, 0, 0);
}

/* x86_64 argument order: flags, newsp, parent_tid, child_tid, tls. */
SYSCALL_DEFINE5(clone, uint64_t, flags, uint64_t, newsp, uint64_t, parent_tid,
		uint64_t, child_tid, uint64_t, tls)
{
	return do_clone(flags, newsp, parent_tid, child_tid, tls);
}
