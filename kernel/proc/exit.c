/* exit, exit_group, and the parent's side: zombies, reparenting to init, wait4 and waitid. The
 * last thread of a process releases its address space, hands its children to init and becomes
 * a zombie that the parent reaps; process 1's exit powers the machine off with its status. */
#include <ipc/sem.h>
#include <proc/process.h>
#include <proc/process_files.h>
#include <proc/pidfd.h>
#include <proc/signal.h>
#include <proc/session.h>
#include <syscall/syscall.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <mm/vm.h>
#include <ipc/futex.h>
#include <ipc/endpoint.h>
#include <arch/x86_64/usercopy.h>
#include <arch/x86_64/power.h>
#include <core/printk.h>
#include <core/panic.h>
#include <core/test_hook.h>
#include <core/time.h>
#include <lib/string.h>
#include <uapi/wait.h>
#include <uapi/resource.h>
#include <uapi/errno.h>

void process_zap_threads_locked(struct process *p, struct thread *except)
{
	spin_assert_held(&process_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &p->threads) {
		struct thread *o = list_entry(pos, struct thread, proc_node);
		if (o != except && !o->exit_pending) {
			WRITE_ONCE(o->exit_pending, true); /* before the sleeper's run-queue lock */
			sched_wake_sleeper(o);
		}
	}
}

void process_group_exit_locked(struct process *p, int status_word, struct thread *except)
{
	spin_assert_held(&process_tree_lock);
	if (!p->group_exiting) {
		p->group_exiting = true;
		p->group_exit_status = status_word;
	}
	process_zap_threads_locked(p, except);
}

void process_vfork_release_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	if (p->vfork_done) {
		p->vfork_done->done = true;
		wait_queue_wake_locked(&p->vfork_done->wq, 0);
		p->vfork_done = NULL;
	}
}

static void reap_now_locked(struct process *parent, struct process *c);

void process_notify_parent_locked(struct process *child)
{
	spin_assert_held(&process_tree_lock);
	struct process *parent = child->parent;
	if (!parent)
		return;
	/* SIGCHLD (child->exit_signal); a parent that ignores SIGCHLD (SIG_IGN or
	 * SA_NOCLDWAIT) gets its children reaped at once, and a waiting wait4 sees ECHILD. */
	bool autoreap = signal_notify_parent_exit_locked(child);
	wait_queue_wake_locked(&parent->child_wait, 0);
	if (autoreap)
		reap_now_locked(parent, child);
}

/* Where the orphans of p go: the nearest live ancestor that is a child subreaper
 * (PR_SET_CHILD_SUBREAPER), else init. */
static struct process *new_parent_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	for (struct process *a = p->parent; a && a != init_process; a = a->parent) {
		if (a->child_subreaper && a->state == PROCESS_ALIVE && !a->group_exiting)
			return a;
	}
	return init_process;
}

/* The parent of c died: its PR_SET_PDEATHSIG signal, if it asked for one. */
static void send_pdeath_signal_locked(struct process *c)
{
	spin_assert_held(&process_tree_lock);
	if (!c->pdeath_signal || c->state != PROCESS_ALIVE)
		return;
	k_siginfo_t info;
	signal_info_kill(&info, c->pdeath_signal, SI_USER);
	signal_send_process_locked(c, c->pdeath_signal, &info);
}

/* Children of a dying process go to the nearest subreaper or init; zombies among them are
 * announced to it, and the living get their parent-death signal. */
static void reparent_children_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct process *reaper = new_parent_locked(p);
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		list_remove(&c->sibling);
		c->parent = reaper;
		/* As Linux (reparent_leader): a clone's exit signal was meant for its parent, not
		 * init; kept, any program could kill init (pid 1) with it, and init's plain wait4
		 * would never reap the zombie. */
		c->exit_signal = SIGCHLD_NR;
		list_add_tail(&reaper->children, &c->sibling);
		if (c->state == PROCESS_ZOMBIE)
			process_notify_parent_locked(c);
		else
			send_pdeath_signal_locked(c);
	}
}

/* The robust list first (locks the thread still holds), then CHILD_CLEARTID (pthread_join's
 * wake-up): zero the tid word and wake one futex waiter. */
static void exit_futexes(struct thread *t, struct mm *mm)
{
	if (!mm)
		return;
	futex_robust_release(t);
	if (!t->clear_child_tid)
		return;
	if (put_user((uint32_t)0, (uint32_t __user *)t->clear_child_tid) == 0)
		futex_wake_one(mm, t->clear_child_tid, false);
	t->clear_child_tid = 0;
}

static void exit_release_mm(struct process *p)
{
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct mm *mm = p->mm;
	p->mm = NULL;
	mm_activate(NULL); /* off the tables before they may be freed */
	spin_unlock_irqrestore(&p->lock, f);
	mm_put(mm);
}

/* Drop the tree lock (taken with IRQs off) and switch away for good with IRQs still off: a
 * thread preempted in between would be switched back to with t->proc already reaped and freed
 * by the parent (bug exit_preempted_after_zombie: the switch read the freed process's mm). */
static __noreturn void exit_unlock_and_die(void)
{
	spin_unlock(&process_tree_lock);
	thread_exit();
}

__noreturn void do_exit(int status_word, bool group)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	if (!p)
		thread_exit();
	exit_futexes(t, p->mm);
	signal_exit_thread(t);
	endpoint_thread_exit(t);
	test_hook_hold(TEST_HOOK_EXIT_BEFORE_UNLINK);

	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (group || p->group_exiting) {
		process_group_exit_locked(p, status_word, t);
		status_word = p->group_exit_status;
	}
	list_remove(&t->proc_node);
	signal_thread_gone_locked(p); /* its share of process-directed signals goes on */
	if (t->tid == p->pid)
		pid_set_thread_locked(t->tid, NULL); /* the pid stays until the reap */
	else
		pid_free_locked(t->tid);
	if (--p->nthreads > 0) {
		wait_queue_wake_locked(&p->child_wait, 0); /* an exec may wait for us to go */
		exit_unlock_and_die();
	}
	/* The last thread: the process ends. */
	process_vfork_release_locked(p);
	spin_unlock_irqrestore(&process_tree_lock, f);
	exit_release_mm(p);
	sem_exit(p); /* SEM_UNDO adjustments */
	process_files_release(p); /* pipes see EOF now, not at the reap */

	f = spin_lock_irqsave(&process_tree_lock);
	if (p == init_process) {
		spin_unlock_irqrestore(&process_tree_lock, f);
		int code = (status_word >> 8) & 0xff, sig = status_word & 0x7f;
		pr_info("init exited with %s %d: powering off\n", sig ? "signal" : "status",
			sig ? sig : code);
		machine_exit(sig ? 128 + sig : code);
	}
	session_exit_locked(p); /* terminal hang-up, orphaned groups */
	reparent_children_locked(p);
	p->exit_status = status_word;
	p->state = PROCESS_ZOMBIE;
	pidfd_notify_exit_locked(); /* pidfds poll readable */
	signal_exit_process_locked(p);
	process_notify_parent_locked(p);
	/* From here the parent may reap and free p: it is not touched again. */
	exit_unlock_and_die();
}

void process_user_return_check(void)
{
	struct thread *t = current_thread();
	if (t->proc && READ_ONCE(t->exit_pending))
		do_exit(0, false); /* the group's status is taken from the process */
	if (t->proc && READ_ONCE(t->proc->cpu_limit_due))
		rlimit_cpu_enforce(t->proc);
	if (t->proc && READ_ONCE(t->proc->cpu_itimers_due))
		cpu_itimer_deliver(t->proc);
}

SYSCALL_DEFINE1(exit, int, code)
{
	do_exit(W_EXITCODE(code, 0), false);
}

SYSCALL_DEFINE1(exit_group, int, code)
{
	do_exit(W_EXITCODE(code, 0), true);
}

/* ---- wait ---------------------------------------------------------------------------------- */

struct wait_req {
	int idtype; /* P_ALL, P_PID, P_PGID */
	int id;
	int options;
};

struct wait_result {
	int pid;
	int status; /* status word */
	uint32_t uid;
	uint64_t utime_ns, stime_ns;
};

static bool wait_selects(const struct wait_req *w, const struct process *c)
{
	if (w->idtype == P_PID && c->pid != w->id)
		return false;
	if (w->idtype == P_PGID && c->pgid != w->id)
		return false;
	/* A "clone child" reports to its parent with a signal other than SIGCHLD: __WCLONE
	 * waits only for those, __WALL for any, neither only for the others. */
	if (w->options & __WALL)
		return true;
	bool clone_child = c->exit_signal != SIGCHLD_NR;
	return (w->options & __WCLONE) ? clone_child : !clone_child;
}

/* Take a zombie out of the tree and free it; its times go to the parent. Tree lock held. */
static void reap_locked(struct process *parent, struct process *c, struct wait_result *res)
{
	spin_assert_held(&process_tree_lock);
	res->pid = c->pid;
	res->status = c->exit_status;
	res->uid = c->cred.uid; /* a zombie has no thread left to change it */
	res->utime_ns = c->utime_ns + c->cutime_ns;
	res->stime_ns = c->stime_ns + c->cstime_ns;
	parent->cutime_ns += res->utime_ns;
	parent->cstime_ns += res->stime_ns;
	list_remove(&c->sibling);
	pid_free_locked(c->pid);
	process_free(c);
}

/* A zombie nobody will wait for (the parent ignores SIGCHLD). Tree lock held. */
static void reap_now_locked(struct process *parent, struct process *c)
{
	spin_assert_held(&process_tree_lock);
	struct wait_result res;
	reap_locked(parent, c, &res);
}

/* 0 with *res filled (pid 0 under WNOHANG with nothing to report), -ECHILD, -EINTR. */
static int do_wait(const struct wait_req *w, struct wait_result *res)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	bool interrupted = false;
	int r;
	for (;;) {
		bool any = false;
		struct list_node *pos;
		list_for_each(pos, &p->children) {
			struct process *c = list_entry(pos, struct process, sibling);
			if (!wait_selects(w, c))
				continue;
			any = true;
			if (c->state != PROCESS_ZOMBIE || !(w->options & WEXITED)) {
				int st; /* stopped / continued children (proc/signal.c) */
				bool take = !(w->options & WNOWAIT);
				bool alive = c->state == PROCESS_ALIVE;
				bool stopped = alive && (w->options & WUNTRACED) &&
					       signal_wait_stopped_locked(c, take, &st);
				bool cont = alive && !stopped && (w->options & WCONTINUED) &&
					    signal_wait_continued_locked(c, take, &st);
				if (stopped || cont) {
					*res = (struct wait_result){ .pid = c->pid, .status = st,
								     .uid = c->cred.uid };
					r = 0;
					goto out_unlock;
				}
				continue;
			}
			if (w->options & WNOWAIT) {
				*res = (struct wait_result){ .pid = c->pid, .status = c->exit_status,
							     .uid = c->cred.uid };
			} else {
				reap_locked(p, c, res);
			}
			r = 0;
			goto out_unlock;
		}
		r = -ECHILD;
		if (!any)
			goto out_unlock;
		r = 0;
		res->pid = 0;
		if (w->options & WNOHANG)
			goto out_unlock;
		/* Interrupted: the children were scanned again after the wake-up (a child's exit
		 * both signals and wakes us, and its status must win over EINTR), nothing is ready. */
		if (interrupted || current_thread()->exit_pending) {
			r = -ERESTARTSYS; /* restarted unless a handler without SA_RESTART runs */
			goto out_unlock;
		}
		r = signal_wait_queue_sleep_locked(&p->child_wait, &process_tree_lock, &f, 0);
		interrupted = r == -EINTR;
	}
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

/* -EFAULT unless the int at uptr can be written; its value is left as it was. */
static int user_probe_writable(int __user *uptr)
{
	int v;
	if (get_user(&v, uptr) < 0)
		return -EFAULT;
	return put_user(v, uptr);
}

static void ns_to_timeval(uint64_t ns, struct timeval_abi *tv)
{
	tv->tv_sec = (int64_t)(ns / NSEC_PER_SEC);
	tv->tv_usec = (int64_t)(ns % NSEC_PER_SEC / NSEC_PER_USEC);
}

#define WAIT4_OPTIONS (WNOHANG | WUNTRACED | WCONTINUED | __WNOTHREAD | __WALL | __WCLONE)
#define WAITID_OPTIONS (WAIT4_OPTIONS | WEXITED | WNOWAIT)

SYSCALL_DEFINE4(wait4, int, pid, int __user *, wstatus, int, options, struct rusage __user *, ru)
{
	struct wait_req w = { .idtype = P_PID, .id = pid, .options = options | WEXITED };
	struct wait_result res = { 0 };
	if ((unsigned)options & ~(unsigned)WAIT4_OPTIONS)
		return -EINVAL;
	if (pid == -1) {
		w.idtype = P_ALL;
	} else if (pid == 0) {
		w.idtype = P_PGID; /* the caller's group: setpgid does not exist yet, so it is */
		w.id = process_current()->pgid; /* everyone's inherited group */
	} else if (pid < -1) {
		if (pid == INT32_MIN)
			return -ESRCH;
		w.idtype = P_PGID;
		w.id = -pid;
	}
	/* Validate the output pointers before anything is reaped: a bad pointer must not lose a
	 * child's status. The status word itself is written only when a child is reported: a call
	 * that fails (ECHILD, EINTR) leaves the previous status (bug wait_status_kept). */
	if (wstatus && user_probe_writable(wstatus) < 0)
		return -EFAULT;
	if (ru && clear_user(ru, sizeof(*ru)) < 0)
		return -EFAULT;
	int r = do_wait(&w, &res);
	if (r < 0)
		return r;
	if (res.pid && wstatus && put_user(res.status, wstatus) < 0)
		return -EFAULT;
	if (res.pid && ru) {
		struct rusage u = { 0 };
		ns_to_timeval(res.utime_ns, &u.ru_utime);
		ns_to_timeval(res.stime_ns, &u.ru_stime);
		if (copy_to_user(ru, &u, sizeof(u)) < 0)
			return -EFAULT;
	}
	return res.pid;
}

/* The part of siginfo_t that waitid fills (SIGCHLD layout); the whole is 128 bytes. */
struct waitid_info {
	int32_t si_signo, si_errno, si_code, pad;
	int32_t si_pid;
	uint32_t si_uid;
	int32_t si_status;
	int32_t pad2;
	int64_t si_utime, si_stime;
	uint8_t rest[128 - 48];
};
_Static_assert(sizeof(struct waitid_info) == 128, "siginfo_t size");

/* The status word as si_code/si_status: exited, killed (dumped), stopped (the stop signal),
 * continued (SIGCONT) (bug waitid_stopped_reported_killed). */
static void waitid_decode_status(int status, struct waitid_info *si)
{
	int low = status & 0x7f;
	if (status == W_CONTINUED) {
		si->si_code = CLD_CONTINUED;
		si->si_status = SIGCONT;
	} else if (low == 0x7f) {
		si->si_code = CLD_STOPPED;
		si->si_status = (status >> 8) & 0xff;
	} else if (low) {
		si->si_code = (status & W_COREFLAG) ? CLD_DUMPED : CLD_KILLED;
		si->si_status = low;
	} else {
		si->si_code = CLD_EXITED;
		si->si_status = (status >> 8) & 0xff;
	}
}

/* waitid(P_PIDFD): the child the pidfd w->id names becomes a P_PID request (WNOHANG when the
 * pidfd is non-blocking: *nonblock). 0, -EINVAL, -EBADF, -ECHILD (reaped). */
static int waitid_pidfd(struct wait_req *w, bool *nonblock)
{
	int pid;
	uint64_t start_ns;
	if (w->id < 0)
		return -EINVAL;
	int r = pidfd_target(w->id, false, &pid, &start_ns, nonblock);
	if (r)
		return r;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	bool gone = !pidfd_process_locked(pid, start_ns);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (gone)
		return -ECHILD;
	w->idtype = P_PID;
	w->id = pid;
	if (*nonblock)
		w->options |= WNOHANG;
	return 0;
}

SYSCALL_DEFINE5(waitid, int, idtype, int, id, void __user *, infop, int, options,
	struct rusage __user *, ru)
{
	struct wait_req w = { .idtype = idtype, .id = id, .options = options };
	struct wait_result res = { 0 };
	if ((unsigned)options & ~(unsigned)WAITID_OPTIONS)
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;
	if (idtype == P_PGID && id == 0)
		id = w.id = process_current()->pgid;
	bool nonblock = false;
	if (idtype == P_PIDFD) {
		int r = waitid_pidfd(&w, &nonblock);
		if (r)
			return r;
	}
	if (w.idtype != P_ALL && w.idtype != P_PID && w.idtype != P_PGID)
		return -EINVAL;
	if (w.idtype != P_ALL && w.id <= 0)
		return -EINVAL;
	if (infop && clear_user(infop, sizeof(struct waitid_info)) < 0)
		return -EFAULT;
	if (ru && clear_user(ru, sizeof(*ru)) < 0)
		return -EFAULT;
	int r = do_wait(&w, &res);
	if (r == 0 && !res.pid && nonblock && !(options & WNOHANG))
		return -EAGAIN; /* a non-blocking pidfd's child has not changed state */
	if (r < 0 || !res.pid) /* WNOHANG and nothing: infop stays zeroed, as Linux does */
		return r;
	if (infop) {
		struct waitid_info si = { .si_signo = SIGCHLD_NR, .si_pid = res.pid,
					  .si_uid = res.uid };
		waitid_decode_status(res.status, &si);
		si.si_utime = (int64_t)(res.utime_ns / (NSEC_PER_SEC / USER_HZ));
		si.si_stime = (int64_t)(res.stime_ns / (NSEC_PER_SEC / USER_HZ));
		if (copy_to_user(infop, &si, sizeof(si)) < 0)
			return -EFAULT;
	}
	if (ru) {
		struct rusage u = { 0 };
		ns_to_timeval(res.utime_ns, &u.ru_utime);
		ns_to_timeval(res.stime_ns, &u.ru_stime);
		if (copy_to_user(ru, &u, sizeof(u)) < 0)
			return -EFAULT;
	}
	return 0;
}
