/* Signal state and its life cycle, sending (with Linux's rules for SIGCONT/stop signals,
 * ignored signals and init), default actions, group stop, delivery on the way back to user mode
 * with system-call restart, faults turned into signals, SIGCHLD, interruptible sleeps and the
 * ITIMER_REAL thread. The frame itself is built in signal_frame.c; the calls are in
 * signal_syscalls.c. See signal.h for where the state lives and the locking rules. */
#include <proc/signal.h>
#include <proc/posix_timer.h>
#include <proc/session.h>
#include <proc/process.h>
#include <sched/sched.h>
#include <sched/thread.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/exceptions.h>
#include <arch/x86_64/trap.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/time.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <uapi/errno.h>
#include <uapi/wait.h>

#define SYS_NR_RESTART_SYSCALL 219 /* Linux x86_64's restart_syscall */

#define STOP_SIGNALS                                                                             \
	(SIGSET_BIT(SIGSTOP) | SIGSET_BIT(SIGTSTP) | SIGSET_BIT(SIGTTIN) | SIGSET_BIT(SIGTTOU))
#define KNOWN_SA_FLAGS                                                                           \
	(SA_NOCLDSTOP | SA_NOCLDWAIT | SA_SIGINFO | SA_RESTORER | SA_ONSTACK | SA_RESTART |     \
	 SA_NODEFER | SA_RESETHAND | SA_EXPOSE_TAGBITS)

/* ---- the default-action table ------------------------------------------------------------ */

enum sig_default sig_default_action(int sig)
{
	switch (sig) {
	case SIGQUIT: case SIGILL: case SIGTRAP: case SIGABRT: case SIGBUS: case SIGFPE:
	case SIGSEGV: case SIGXCPU: case SIGXFSZ: case SIGSYS:
		return SIGDFL_CORE;
	case SIGCHLD: case SIGURG: case SIGWINCH:
		return SIGDFL_IGN;
	case SIGSTOP: case SIGTSTP: case SIGTTIN: case SIGTTOU:
		return SIGDFL_STOP;
	case SIGCONT:
		return SIGDFL_CONT;
	default: /* HUP INT KILL USR1 USR2 PIPE ALRM TERM STKFLT VTALRM PROF IO PWR, RT signals */
		return SIGDFL_TERM;
	}
}

uint64_t signal_handler_mask(uint64_t blocked, const struct k_sigaction *ka, int sig)
{
	uint64_t m = blocked | ka->mask;
	if (!(ka->flags & SA_NODEFER))
		m |= SIGSET_BIT(sig);
	return m & ~SIG_UNCATCHABLE;
}

/* ---- life cycle -------------------------------------------------------------------------- */

struct signal_handlers *sighand_alloc(void)
{
	struct signal_handlers *sh = kmalloc(sizeof(*sh));
	if (!sh)
		return NULL;
	sh->lock = (struct spinlock)SPINLOCK_INIT("sighand");
	sh->refcount = 1;
	list_init(&sh->queue);
	wait_queue_init(&sh->stop_wq);
	wait_queue_init(&sh->signalfd_wq);
	list_init(&sh->itimer.node);
	return sh; /* kmalloc zeroed: every action SIG_DFL, nothing pending */
}

static void itimer_disarm(struct itimer_real *it);

/* p->sighand, created (all SIG_DFL) if proc/ has not given p one yet; NULL only when out of
 * memory. Tree lock held. */
static struct signal_handlers *sh_ensure_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	if (!p->sighand && p->state == PROCESS_ALIVE)
		p->sighand = sighand_alloc();
	return p->sighand;
}

/* The calling process's handlers (see sh_ensure_locked). */
static struct signal_handlers *cur_sh(void)
{
	struct process *p = process_current();
	if (likely(READ_ONCE(p->sighand)))
		return p->sighand;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct signal_handlers *sh = sh_ensure_locked(p);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return sh;
}

void sighand_put(struct signal_handlers *sh)
{
	if (!sh)
		return;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	bool last = --sh->refcount == 0;
	spin_unlock_irqrestore(&sh->lock, f);
	if (!last)
		return;
	itimer_disarm(&sh->itimer);
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &sh->queue) {
		list_remove(pos);
		kfree(list_entry(pos, struct sigqueue, node));
	}
	kfree(sh);
}

int signal_fork(struct process *child, const struct process *parent, uint64_t clone_flags)
{
#define CLONE_SIGHAND_FLAG 0x00000800ULL
	struct signal_handlers *psh = parent ? parent->sighand : NULL;
	if (psh && (clone_flags & CLONE_SIGHAND_FLAG)) {
		uint64_t f = spin_lock_irqsave(&psh->lock);
		psh->refcount++;
		spin_unlock_irqrestore(&psh->lock, f);
		child->sighand = psh;
		return 0;
	}
	struct signal_handlers *sh = sighand_alloc();
	if (!sh)
		return -ENOMEM;
	if (psh) {
		uint64_t f = spin_lock_irqsave(&psh->lock);
		memcpy(sh->action, psh->action, sizeof(sh->action));
		spin_unlock_irqrestore(&psh->lock, f);
	}
	child->sighand = sh;
	return 0;
}

void signal_thread_init(struct thread *t, const struct thread *parent, uint64_t clone_flags)
{
#define CLONE_VM_FLAG 0x00000100ULL
#define CLONE_VFORK_FLAG 0x00004000ULL
	t->sig_blocked = parent ? parent->sig_blocked : 0;
	t->sig_saved_blocked = 0;
	t->sig_restore_blocked = false;
	t->sig_pending = false;
	bool own_stack = (clone_flags & (CLONE_VM_FLAG | CLONE_VFORK_FLAG)) == CLONE_VM_FLAG;
	if (parent && !own_stack) {
		t->sas_sp = parent->sas_sp;
		t->sas_size = parent->sas_size;
		t->sas_flags = parent->sas_flags;
	} else {
		t->sas_sp = t->sas_size = 0;
		t->sas_flags = SS_DISABLE;
	}
}

static bool targets(const struct sigqueue *q, const struct thread *t)
{
	return q->thread ? q->thread == t : q->proc == t->proc;
}

/* Drop queued entries matching (proc, thread-or-any, signal-mask). sh->lock held. */
static void flush_locked(struct signal_handlers *sh, const struct process *p,
			 const struct thread *t, uint64_t sigs)
{
	spin_assert_held(&sh->lock);
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &sh->queue) {
		struct sigqueue *q = list_entry(pos, struct sigqueue, node);
		if (q->proc != p || (t && q->thread != t))
			continue;
		if (!(SIGSET_BIT(q->info.si_signo) & sigs))
			continue;
		list_remove(pos);
		sh->nqueued--;
		if (q->info.si_code == SI_TIMER) /* dropped (now ignored...): its timer goes on */
			posix_timer_dequeued_locked(q->proc, &q->info);
		kfree(q);
	}
}

void signal_cancel_timer(struct process *p, int id)
{
	struct signal_handlers *sh = p->sighand;
	if (!sh)
		return;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	struct list_node *pos, *tmp;
	list_for_each_safe(pos, tmp, &sh->queue) {
		struct sigqueue *q = list_entry(pos, struct sigqueue, node);
		if (q->proc != p || q->info.si_code != SI_TIMER)
			continue;
		if (id >= 0 && q->info.u.timer.tid != id)
			continue;
		list_remove(pos);
		sh->nqueued--;
		kfree(q);
	}
	spin_unlock_irqrestore(&sh->lock, f);
}

int signal_exec(struct process *p)
{
	struct thread *t = current_thread();
	struct signal_handlers *fresh = NULL;
	/* Only a table shared with another process needs memory: exec of an unshared one cannot
	 * fail. Only this (single-threaded) process could raise the count meanwhile. */
	if (READ_ONCE(p->sighand) && READ_ONCE(p->sighand->refcount) > 1) {
		fresh = sighand_alloc();
		if (!fresh)
			return -ENOMEM;
	}
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct signal_handlers *sh = p->sighand;
	if (!sh) { /* none yet: a fresh one (made on first use) is exactly what exec leaves */
		spin_unlock_irqrestore(&process_tree_lock, f);
		kfree(fresh);
		goto out_altstack;
	}
	spin_lock(&sh->lock);
	struct signal_handlers *keep = sh;
	if (sh->refcount > 1 && fresh) {
		/* Shared with another process (CLONE_SIGHAND without CLONE_THREAD): unshare, and
		 * take our queued signals along. The itimer stays (documented approximation). */
		memcpy(fresh->action, sh->action, sizeof(fresh->action));
		struct list_node *pos, *tmp;
		list_for_each_safe(pos, tmp, &sh->queue) {
			struct sigqueue *q = list_entry(pos, struct sigqueue, node);
			if (q->proc != p)
				continue;
			list_remove(pos);
			sh->nqueued--;
			list_add_tail(&fresh->queue, pos);
			fresh->nqueued++;
		}
		sh->refcount--;
		keep = fresh;
		p->sighand = fresh;
		fresh = NULL;
	}
	spin_unlock(&sh->lock);
	spin_lock(&keep->lock);
	for (int i = 0; i < _NSIG; i++) {
		struct k_sigaction *a = &keep->action[i];
		if (a->handler != SIG_IGN)
			a->handler = SIG_DFL;
		a->flags = 0;
		a->mask = 0;
		a->restorer = 0;
	}
	spin_unlock(&keep->lock);
	spin_unlock_irqrestore(&process_tree_lock, f);
	kfree(fresh);
out_altstack:
	t->sas_sp = t->sas_size = 0;
	t->sas_flags = SS_DISABLE;
	return 0;
}

void signal_exit_thread(struct thread *t)
{
	struct process *p = t->proc;
	if (!p || !p->sighand)
		return;
	struct signal_handlers *sh = p->sighand;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	flush_locked(sh, p, t, ~0ULL);
	spin_unlock_irqrestore(&sh->lock, f);
}

void signal_exit_process_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	posix_timers_delete_all(p);
	struct signal_handlers *sh = p->sighand;
	if (!sh)
		return;
	spin_lock(&sh->lock);
	flush_locked(sh, p, NULL, ~0ULL);
	spin_unlock(&sh->lock);
	if (READ_ONCE(sh->itimer.pid) == p->pid)
		itimer_disarm(&sh->itimer);
	p->sighand = NULL;
	sighand_put(sh);
}

/* ---- pending state ----------------------------------------------------------------------- */

/* Signals waiting for t (blocked or not). sh->lock held. */
static uint64_t pending_for_locked(const struct signal_handlers *sh, const struct thread *t)
{
	spin_assert_held(&sh->lock);
	uint64_t set = 0;
	const struct list_node *pos;
	list_for_each(pos, &sh->queue) {
		const struct sigqueue *q = list_entry(pos, struct sigqueue, node);
		if (targets(q, t))
			set |= SIGSET_BIT(q->info.si_signo);
	}
	return set;
}

static bool kill_pending_locked(const struct signal_handlers *sh, const struct thread *t)
{
	spin_assert_held(&sh->lock);
	return pending_for_locked(sh, t) & SIGSET_BIT(SIGKILL);
}

/* Recompute t's hint: an unblocked signal, or a group stop to join. sh->lock held. */
static bool recalc_locked(const struct signal_handlers *sh, struct thread *t)
{
	spin_assert_held(&sh->lock);
	bool work = sh->stopped || sh->fatal_sig || (pending_for_locked(sh, t) & ~t->sig_blocked);
	WRITE_ONCE(t->sig_pending, work);
	return work;
}

/* Delivering sig to t ends its process at once: SIGKILL, or a signal t does not block whose
 * action is a default that terminates without a core (Linux turns those into a group kill in
 * complete_signal; core-dumping ones, SIGQUIT or SIGSEGV, wait for delivery and so do not end
 * a killable sleep there either). sh->lock held. */
static bool sig_fatal_locked(const struct signal_handlers *sh, const struct thread *t, int sig)
{
	spin_assert_held(&sh->lock);
	if (sig == SIGKILL)
		return true;
	if (((t->sig_blocked | t->sig_waited) & SIGSET_BIT(sig)) ||
	    sh->action[sig - 1].handler != SIG_DFL)
		return false;
	return sig_default_action(sig) == SIGDFL_TERM;
}

/* Tell t there is work: set the hint, then cut an interruptible sleep short (the hint is
 * written before the sleeper's run-queue lock is taken: sched_wake_sleeper). */
static void kick(struct thread *t)
{
	WRITE_ONCE(t->sig_pending, true);
	if (t != current_thread()) /* the sender itself is running, not asleep */
		sched_wake_sleeper(t);
}

static void kick_all_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct list_node *pos;
	list_for_each(pos, &p->threads)
		kick(list_entry(pos, struct thread, proc_node));
}

/* ---- sending ----------------------------------------------------------------------------- */

static bool sig_ignored_by_action(const struct signal_handlers *sh, int sig)
{
	uint64_t h = sh->action[sig - 1].handler;
	if (h == SIG_IGN)
		return true;
	return h == SIG_DFL && sig_default_action(sig) == SIGDFL_IGN;
}

/* Linux's prepare_signal, for the stop/continue interplay. Returns the notification owed to
 * the parent (CLD_CONTINUED) or 0. sh->lock held. */
static int stop_cont_locked(struct signal_handlers *sh, struct process *p, int sig)
{
	spin_assert_held(&sh->lock);
	if (sig == SIGCONT || sig == SIGKILL) {
		flush_locked(sh, p, NULL, STOP_SIGNALS);
		struct list_node *pos;
		list_for_each(pos, &p->threads)
			flush_locked(sh, p, list_entry(pos, struct thread, proc_node), STOP_SIGNALS);
		if (sh->stopped) {
			sh->stopped = false;
			sh->stop_unreported = false;
			wait_queue_wake_locked(&sh->stop_wq, 0);
			if (sig == SIGCONT) {
				sh->cont_unreported = true;
				return CLD_CONTINUED;
			}
		}
	} else if (SIGSET_BIT(sig) & STOP_SIGNALS) {
		flush_locked(sh, p, NULL, SIGSET_BIT(SIGCONT));
	}
	return 0;
}

/* How many signals p's handlers may hold before a real-time one is refused: RLIMIT_SIGPENDING
 * (counted per process here, per user on Linux), at most SIGQUEUE_MAX. The limit is read
 * without p->lock: an aligned 64-bit load cannot tear. */
static int rt_queue_limit(const struct process *p)
{
	uint64_t lim = READ_ONCE(p->rlimits[RLIMIT_SIGPENDING].rlim_cur);
	return lim < SIGQUEUE_MAX ? (int)lim : SIGQUEUE_MAX;
}

static int enqueue_locked(struct signal_handlers *sh, struct process *p, struct thread *t,
			  int sig, const k_siginfo_t *info, uint64_t trapno, uint64_t err)
{
	spin_assert_held(&sh->lock);
	/* Standard signals do not queue twice; a POSIX timer's has its own entry (at most one
	 * at a time: the timer is re-armed when it is taken). */
	if (sig < SIGRTMIN && info->si_code != SI_TIMER) {
		struct list_node *pos;
		list_for_each(pos, &sh->queue) {
			struct sigqueue *q = list_entry(pos, struct sigqueue, node);
			if (q->proc == p && q->thread == t && q->info.si_signo == sig)
				return 0;
		}
	} else if (sh->nqueued >= rt_queue_limit(p)) {
		return -EAGAIN;
	}
	struct sigqueue *q = kmalloc(sizeof(*q));
	if (!q)
		return -EAGAIN;
	q->thread = t;
	q->proc = p;
	q->info = *info;
	q->info.si_signo = sig;
	q->trapno = trapno;
	q->err = err;
	list_add_tail(&sh->queue, &q->node);
	sh->nqueued++;
	wait_queue_wake_locked(&sh->signalfd_wq, 0);
	return 0;
}

/* A thread of p that does not block sig (the current one preferred), or NULL. */
static struct thread *pick_thread_locked(struct process *p, int sig)
{
	spin_assert_held(&process_tree_lock);
	struct thread *cur = current_thread();
	if (cur->proc == p && !(cur->sig_blocked & SIGSET_BIT(sig)))
		return cur;
	struct list_node *pos;
	list_for_each(pos, &p->threads) {
		struct thread *t = list_entry(pos, struct thread, proc_node);
		if (!(t->sig_blocked & SIGSET_BIT(sig)))
			return t;
	}
	return NULL;
}

static void notify_parent_stop_locked(struct process *p, int why, int sig);

/* The common path: t NULL for process-directed. Tree lock held. *queued (may be NULL) tells
 * whether a queue entry was made. */
static int send_locked(struct process *p, struct thread *t, int sig, const k_siginfo_t *info,
		       bool force, bool *queued)
{
	spin_assert_held(&process_tree_lock);
	if (p->state != PROCESS_ALIVE)
		return 0; /* a zombie: the signal is simply lost, as on Linux */
	struct signal_handlers *sh = sh_ensure_locked(p);
	if (!sh)
		return -EAGAIN;
	spin_lock(&sh->lock);
	int notify = stop_cont_locked(sh, p, sig);
	int err = 0;
	struct thread *target = t ? t : pick_thread_locked(p, sig);
	bool blocked = target ? (target->sig_blocked & SIGSET_BIT(sig)) != 0 : true;
	/* A signal rt_sigtimedwait waits for is taken even when its action ignores it (Linux's
	 * sig_ignored looks at real_blocked). */
	bool waited = target && (target->sig_waited & SIGSET_BIT(sig));
	bool drop = !blocked && !waited && sig_ignored_by_action(sh, sig) &&
		    !(SIGSET_BIT(sig) & SIG_UNCATCHABLE);
	/* Init is protected from signals it has not asked for (Linux's SIGNAL_UNKILLABLE). */
	if (p->pid == INIT_PID && !force && sh->action[sig - 1].handler == SIG_DFL)
		drop = true;
	if (!drop)
		err = enqueue_locked(sh, p, t, sig, info, 0, 0);
	if (queued)
		*queued = !drop && !err;
	if (!drop && !err) {
		if (sig == SIGKILL || (target && !blocked && sig_fatal_locked(sh, target, sig)))
			process_group_exit_locked(p, W_EXITCODE(0, sig), NULL); /* every thread */
		else if (target && !blocked)
			kick(target);
	}
	spin_unlock(&sh->lock);
	if (notify)
		notify_parent_stop_locked(p, notify, SIGCONT);
	return err;
}

int signal_send_process_locked(struct process *p, int sig, const k_siginfo_t *info)
{
	spin_assert_held(&process_tree_lock);
	if (!sig_valid(sig))
		return -EINVAL;
	return send_locked(p, NULL, sig, info, false, NULL);
}

int signal_send_thread_locked(struct thread *t, int sig, const k_siginfo_t *info)
{
	spin_assert_held(&process_tree_lock);
	if (!sig_valid(sig) || !t->proc)
		return -EINVAL;
	/* SIGKILL and SIGSTOP act on the whole process even when sent to one thread. */
	if (SIGSET_BIT(sig) & SIG_UNCATCHABLE)
		return send_locked(t->proc, NULL, sig, info, false, NULL);
	return send_locked(t->proc, t, sig, info, false, NULL);
}

int signal_send_timer_locked(struct process *p, struct thread *t, int sig,
			     const k_siginfo_t *info)
{
	spin_assert_held(&process_tree_lock);
	bool queued = false;
	int err = send_locked(p, t, sig, info, false, &queued);
	return err ? err : queued;
}

void signal_info_kill(k_siginfo_t *info, int sig, int code)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = code;
	struct process *p = process_current();
	if (p) {
		info->u.kill.pid = p->pid;
		info->u.kill.uid = p->cred.uid;
	}
}

/* Force a signal on the current thread (faults, bad frames): a blocked or ignored one is
 * unblocked and reset to SIG_DFL, so that the process dies of it rather than loop. */
static void force_sig_info(int sig, const k_siginfo_t *info, uint64_t trapno, uint64_t err)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct signal_handlers *sh = sh_ensure_locked(p);
	if (!sh) { /* no memory: signal_deliver_pending retries and kills if it must */
		WRITE_ONCE(t->sig_pending, true);
		spin_unlock_irqrestore(&process_tree_lock, f);
		return;
	}
	spin_lock(&sh->lock);
	struct k_sigaction *a = &sh->action[sig - 1];
	bool blocked = t->sig_blocked & SIGSET_BIT(sig);
	if (blocked || a->handler == SIG_IGN) {
		a->handler = SIG_DFL;
		t->sig_blocked &= ~SIGSET_BIT(sig);
	}
	if (enqueue_locked(sh, p, t, sig, info, trapno, err) < 0)
		sh->fatal_sig = sig; /* no memory to queue it: it cannot be handled, only die of */
	kick(t); /* the current thread: not asleep */
	spin_unlock(&sh->lock);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

void signal_force_fault(int sig, int code, uint64_t addr, uint64_t trapno, uint64_t err)
{
	k_siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.u.fault.addr = addr;
	force_sig_info(sig, &info, trapno, err);
}

void signal_force_segv(int failed_sig)
{
	struct signal_handlers *sh = cur_sh();
	if (failed_sig == SIGSEGV && sh) {
		uint64_t f = spin_lock_irqsave(&sh->lock);
		sh->action[SIGSEGV - 1].handler = SIG_DFL;
		spin_unlock_irqrestore(&sh->lock, f);
	}
	k_siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGSEGV;
	info.si_code = SI_KERNEL;
	force_sig_info(SIGSEGV, &info, 0, 0);
}

/* ---- faults ------------------------------------------------------------------------------ */

static uint32_t read_mxcsr(void)
{
	uint32_t v;
	__asm__ volatile("stmxcsr %0" : "=m"(v));
	return v;
}

static int fpe_code(uint32_t status_and_unmasked)
{
	uint32_t e = status_and_unmasked;
	if (e & 0x001)
		return FPE_FLTINV;
	if (e & 0x004)
		return FPE_FLTDIV;
	if (e & 0x008)
		return FPE_FLTOVF;
	if (e & 0x012)
		return FPE_FLTUND;
	if (e & 0x020)
		return FPE_FLTRES;
	return SI_KERNEL;
}

void signal_user_fault(struct trap_frame *f, uint64_t cr2)
{
	int sig = SIGSEGV, code = SI_KERNEL;
	uint64_t addr = 0;
	switch (f->vector) {
	case VEC_PF:
		code = (f->error_code & PF_ERR_PRESENT) ? SEGV_ACCERR : SEGV_MAPERR;
		addr = cr2;
		break;
	case VEC_DE:
		sig = SIGFPE, code = FPE_INTDIV, addr = f->rip;
		break;
	case VEC_UD:
		sig = SIGILL, code = ILL_ILLOPN, addr = f->rip;
		break;
	case VEC_XM: {
		uint32_t m = read_mxcsr();
		sig = SIGFPE, code = fpe_code(m & ~(m >> 7) & 0x3f), addr = f->rip;
		break;
	}
	case VEC_MF: {
		uint16_t sw, cw;
		__asm__ volatile("fnstsw %0; fnstcw %1" : "=m"(sw), "=m"(cw));
		sig = SIGFPE, code = fpe_code(sw & ~cw & 0x3f), addr = f->rip;
		break;
	}
	case VEC_BP:
	case VEC_DB:
		sig = SIGTRAP;
		break;
	case VEC_AC:
		sig = SIGBUS, code = BUS_ADRALN, addr = cr2;
		break;
	case VEC_NP:
	case VEC_SS:
		sig = SIGBUS;
		break;
	default: /* #GP, #OF, #BR, #TS, #CP, anything else: SIGSEGV from the kernel */
		break;
	}
	signal_force_fault(sig, code, addr, f->vector, f->error_code);
}

/* ---- parent notification ----------------------------------------------------------------- */

static void send_chld_locked(struct process *parent, struct process *child, int sig, int code,
			     int status)
{
	spin_assert_held(&process_tree_lock);
	k_siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = sig;
	info.si_code = code;
	info.u.chld.pid = child->pid;
	info.u.chld.uid = child->cred.uid;
	info.u.chld.status = status;
	info.u.chld.utime = (int64_t)(child->utime_ns / (NSEC_PER_SEC / 100));
	info.u.chld.stime = (int64_t)(child->stime_ns / (NSEC_PER_SEC / 100));
	send_locked(parent, NULL, sig, &info, true, NULL);
}

bool signal_notify_parent_exit_locked(struct process *child)
{
	spin_assert_held(&process_tree_lock);
	struct process *parent = child->parent;
	if (!parent || !parent->sighand)
		return false;
	int st = child->exit_status, code, status;
	if (st & 0x7f) {
		code = (st & W_COREFLAG) ? CLD_DUMPED : CLD_KILLED;
		status = st & 0x7f;
	} else {
		code = CLD_EXITED;
		status = (st >> 8) & 0xff;
	}
	struct signal_handlers *psh = parent->sighand;
	spin_lock(&psh->lock);
	struct k_sigaction ka = psh->action[SIGCHLD - 1];
	spin_unlock(&psh->lock);
	int sig = child->exit_signal;
	bool autoreap = false;
	if (ka.handler == SIG_IGN || (ka.flags & SA_NOCLDWAIT)) {
		autoreap = true;
		if (ka.handler == SIG_IGN && sig == SIGCHLD)
			sig = 0;
	}
	if (sig_valid(sig))
		send_chld_locked(parent, child, sig, code, status);
	return autoreap;
}

/* A stop or continue of p: wake the parent's wait4 and send SIGCHLD unless SA_NOCLDSTOP. */
static void notify_parent_stop_locked(struct process *p, int why, int sig)
{
	spin_assert_held(&process_tree_lock);
	struct process *parent = p->parent;
	if (!parent || !parent->sighand)
		return;
	wait_queue_wake_locked(&parent->child_wait, 0);
	struct signal_handlers *psh = parent->sighand;
	spin_lock(&psh->lock);
	bool send = !(psh->action[SIGCHLD - 1].flags & SA_NOCLDSTOP);
	spin_unlock(&psh->lock);
	if (send)
		send_chld_locked(parent, p, SIGCHLD, why, sig);
}

bool signal_wait_stopped_locked(struct process *child, bool consume, int *status)
{
	spin_assert_held(&process_tree_lock);
	struct signal_handlers *sh = child->sighand;
	if (!sh)
		return false;
	spin_lock(&sh->lock);
	bool yes = sh->stopped && sh->stop_unreported;
	if (yes) {
		*status = W_STOPCODE(sh->stop_sig);
		if (consume)
			sh->stop_unreported = false;
	}
	spin_unlock(&sh->lock);
	return yes;
}

bool signal_wait_continued_locked(struct process *child, bool consume, int *status)
{
	spin_assert_held(&process_tree_lock);
	struct signal_handlers *sh = child->sighand;
	if (!sh)
		return false;
	spin_lock(&sh->lock);
	bool yes = sh->cont_unreported;
	if (yes) {
		*status = W_CONTINUED;
		if (consume)
			sh->cont_unreported = false;
	}
	spin_unlock(&sh->lock);
	return yes;
}

/* ---- delivery ---------------------------------------------------------------------------- */

/* Take the signal of `allowed` t should handle next: synchronous (fault) signals first, then
 * the lowest number; thread-directed before process-directed. 0 when none. sh->lock held. */
static int dequeue_locked(struct signal_handlers *sh, struct thread *t, uint64_t allowed,
			  struct sigqueue *out)
{
	spin_assert_held(&sh->lock);
	uint64_t ready = pending_for_locked(sh, t) & allowed;
	if (!ready)
		return 0;
	uint64_t pick = (ready & SIG_SYNCHRONOUS) ? (ready & SIG_SYNCHRONOUS) : ready;
	int sig = __builtin_ctzll(pick) + 1;
	struct sigqueue *found = NULL;
	struct list_node *pos;
	list_for_each(pos, &sh->queue) {
		struct sigqueue *q = list_entry(pos, struct sigqueue, node);
		if (q->info.si_signo != sig || !targets(q, t))
			continue;
		if (!found || (q->thread && !found->thread))
			found = q;
		if (found->thread)
			break;
	}
	ASSERT(found);
	list_remove(&found->node);
	sh->nqueued--;
	*out = *found;
	kfree(found);
	if (out->info.si_code == SI_TIMER) /* its overruns, and the timer goes on */
		posix_timer_dequeued_locked(out->proc, &out->info);
	return sig;
}


static void restart_syscall(struct trap_frame *f)
{
	/* The original number, or restart_syscall(2) to resume from the restart block. */
	f->rax = (int64_t)f->rax == -ERESTART_RESTARTBLOCK ? SYS_NR_RESTART_SYSCALL : f->error_code;
	f->rip -= 2; /* back onto the SYSCALL instruction (0f 05) */
}

/* A handler is about to run for a system call that returned rax (Linux's handle_signal). */
static void restart_for_handler(struct trap_frame *f, const struct k_sigaction *ka)
{
	switch ((int64_t)f->rax) {
	case -ERESTART_RESTARTBLOCK:
		current_thread()->restart.fn = NULL; /* the handler ends the call */
		f->rax = (uint64_t)-EINTR;
		break;
	case -ERESTARTNOHAND:
		f->rax = (uint64_t)-EINTR;
		break;
	case -ERESTARTSYS:
		if (ka->flags & SA_RESTART)
			restart_syscall(f);
		else
			f->rax = (uint64_t)-EINTR;
		break;
	case -ERESTARTNOINTR:
		restart_syscall(f);
		break;
	default:
		break;
	}
}

static __noreturn void die_of(int sig, bool core)
{
	do_exit(W_EXITCODE(0, sig) | (core ? W_COREFLAG : 0), true);
}

/* A stop signal's default action: the whole process stops. Tree lock and sh->lock held. */
static void begin_group_stop_locked(struct signal_handlers *sh, struct process *p, int sig)
{
	spin_assert_held(&process_tree_lock);
	spin_assert_held(&sh->lock);
	sh->stopped = true;
	sh->stop_sig = sig;
	sh->stop_unreported = true;
	sh->cont_unreported = false;
	kick_all_locked(p);
}

/* Sleep while the process is stopped (until SIGCONT, SIGKILL, or the group exits). Called
 * with sh->lock held (IRQ state in *flags); returns with it held. */
static void stop_wait_locked(struct signal_handlers *sh, struct thread *t, uint64_t *flags)
{
	spin_assert_held(&sh->lock);
	/* Killable: SIGCONT wakes the queue, SIGKILL (a group exit) the thread. */
	while (sh->stopped && !kill_pending_locked(sh, t) && !READ_ONCE(t->exit_pending))
		wait_queue_sleep_locked(&sh->stop_wq, &sh->lock, flags, 0, SLEEP_KILLABLE);
}

/* Build a handler's frame; on failure the process gets SIGSEGV (handled in the next round). */
static void run_handler(struct trap_frame *f, struct signal_handlers *sh, struct thread *t,
			int sig, const struct k_sigaction *ka, const struct sigqueue *q,
			uint64_t oldmask)
{
	struct sig_fault_regs fr = { q->trapno, q->err,
				     q->trapno == VEC_PF ? q->info.u.fault.addr : 0 };
	if (signal_setup_frame(f, sig, ka, &q->info, oldmask, &fr) < 0) {
		signal_force_segv(sig);
		return;
	}
	uint64_t fl = spin_lock_irqsave(&sh->lock);
	t->sig_blocked = signal_handler_mask(t->sig_blocked, ka, sig);
	t->sig_restore_blocked = false;
	recalc_locked(sh, t);
	spin_unlock_irqrestore(&sh->lock, fl);
}

void signal_deliver_pending(struct trap_frame *f)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	if (!p || !signal_work_pending(t, f))
		return;
	struct signal_handlers *sh = cur_sh();
	if (!sh)
		die_of(SIGKILL, false); /* a signal is owed and cannot even be looked at */
	bool syscall = frame_is_syscall(f), restart_decided = false;

	while (READ_ONCE(t->sig_pending) && !READ_ONCE(t->exit_pending)) {
		uint64_t flags = spin_lock_irqsave(&process_tree_lock);
		spin_lock(&sh->lock);
		if (sh->fatal_sig) {
			int s = sh->fatal_sig;
			spin_unlock(&sh->lock);
			spin_unlock_irqrestore(&process_tree_lock, flags);
			die_of(s, sig_default_action(s) == SIGDFL_CORE);
		}
		if (sh->stopped && !kill_pending_locked(sh, t)) {
			spin_unlock(&process_tree_lock); /* sleep with sh->lock alone */
			stop_wait_locked(sh, t, &flags);
			recalc_locked(sh, t);
			spin_unlock_irqrestore(&sh->lock, flags);
			continue;
		}
		struct sigqueue q;
		int sig = dequeue_locked(sh, t, ~t->sig_blocked, &q);
		if (!sig) {
			recalc_locked(sh, t);
			spin_unlock(&sh->lock);
			spin_unlock_irqrestore(&process_tree_lock, flags);
			break;
		}
		struct k_sigaction ka = sh->action[sig - 1];
		if (SIGSET_BIT(sig) & SIG_UNCATCHABLE)
			ka.handler = SIG_DFL;
		if (ka.handler == SIG_DFL && sig_default_action(sig) == SIGDFL_STOP && sig != SIGSTOP &&
		    session_pgrp_orphaned_locked(p->pgid)) {
			/* POSIX: a terminal stop signal to an orphaned group is discarded (nobody
			 * in the session could continue it). */
			spin_unlock(&sh->lock);
			spin_unlock_irqrestore(&process_tree_lock, flags);
			continue;
		}
		if (ka.handler == SIG_DFL && sig_default_action(sig) == SIGDFL_STOP) {
			begin_group_stop_locked(sh, p, sig);
			spin_unlock(&sh->lock);
			notify_parent_stop_locked(p, CLD_STOPPED, sig);
			spin_unlock_irqrestore(&process_tree_lock, flags);
			continue;
		}
		if (ka.handler == SIG_IGN ||
		    (ka.handler == SIG_DFL && (sig_default_action(sig) == SIGDFL_IGN ||
					       sig_default_action(sig) == SIGDFL_CONT))) {
			spin_unlock(&sh->lock);
			spin_unlock_irqrestore(&process_tree_lock, flags);
			continue;
		}
		if (ka.handler == SIG_DFL) {
			spin_unlock(&sh->lock);
			spin_unlock_irqrestore(&process_tree_lock, flags);
			die_of(sig, sig_default_action(sig) == SIGDFL_CORE);
		}
		uint64_t oldmask = t->sig_restore_blocked ? t->sig_saved_blocked : t->sig_blocked;
		if (ka.flags & SA_RESETHAND)
			sh->action[sig - 1].handler = SIG_DFL;
		spin_unlock(&sh->lock);
		spin_unlock_irqrestore(&process_tree_lock, flags);
		if (syscall && !restart_decided)
			restart_for_handler(f, &ka);
		restart_decided = true;
		run_handler(f, sh, t, sig, &ka, &q, oldmask);
	}
	if (syscall && !restart_decided && is_restart_code(f->rax))
		restart_syscall(f); /* no handler ran: the call starts again, invisibly */
	if (t->sig_restore_blocked) { /* sigsuspend without a handler frame: old mask back */
		uint64_t fl = spin_lock_irqsave(&sh->lock);
		t->sig_blocked = t->sig_saved_blocked;
		t->sig_restore_blocked = false;
		recalc_locked(sh, t);
		spin_unlock_irqrestore(&sh->lock, fl);
	}
}

/* ---- masks, sigaction, altstack (for signal_syscalls.c) ---------------------------------- */

/* Process-directed signals among `sigs` go to the threads of p that take them (Linux's
 * retarget_shared_pending): a thread that blocked them or left may have been the one kicked.
 * Tree lock and sh->lock held. */
static void retarget_locked(struct signal_handlers *sh, struct process *p, uint64_t sigs)
{
	spin_assert_held(&process_tree_lock);
	spin_assert_held(&sh->lock);
	uint64_t shared = 0;
	struct list_node *pos;
	list_for_each(pos, &sh->queue) {
		struct sigqueue *q = list_entry(pos, struct sigqueue, node);
		if (q->proc == p && !q->thread)
			shared |= SIGSET_BIT(q->info.si_signo);
	}
	shared &= sigs;
	list_for_each(pos, &p->threads) {
		struct thread *o = list_entry(pos, struct thread, proc_node);
		if (shared & ~o->sig_blocked)
			kick(o);
	}
}

static void retarget(struct process *p, uint64_t newly_blocked)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct signal_handlers *sh = p->sighand;
	spin_lock(&sh->lock);
	retarget_locked(sh, p, newly_blocked);
	spin_unlock(&sh->lock);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

void signal_thread_gone_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct signal_handlers *sh = p->sighand;
	if (!sh || list_empty(&p->threads))
		return;
	spin_lock(&sh->lock);
	retarget_locked(sh, p, ~0ULL);
	spin_unlock(&sh->lock);
}

void signal_set_blocked(uint64_t mask)
{
	signal_set_blocked_waiting(mask, 0);
}

void signal_set_blocked_waiting(uint64_t mask, uint64_t waited)
{
	struct thread *t = current_thread();
	struct process *p = t->proc;
	struct signal_handlers *sh = cur_sh();
	mask &= ~SIG_UNCATCHABLE;
	if (!sh) { /* no memory for the table: nothing can be pending either */
		t->sig_blocked = mask;
		t->sig_waited = waited;
		return;
	}
	uint64_t f = spin_lock_irqsave(&sh->lock);
	uint64_t newly_blocked = mask & ~t->sig_blocked;
	t->sig_blocked = mask;
	t->sig_waited = waited;
	recalc_locked(sh, t);
	spin_unlock_irqrestore(&sh->lock, f);
	if (newly_blocked && p->nthreads > 1)
		retarget(p, newly_blocked);
}

int signal_dequeue_set(uint64_t set, k_siginfo_t *info)
{
	struct thread *t = current_thread();
	struct signal_handlers *sh = cur_sh();
	if (!sh)
		return 0;
	struct sigqueue q;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	int sig = dequeue_locked(sh, t, set, &q);
	recalc_locked(sh, t);
	spin_unlock_irqrestore(&sh->lock, f);
	if (sig)
		*info = q.info;
	return sig;
}

struct signal_handlers *signal_sighand_get(void)
{
	struct signal_handlers *sh = cur_sh();
	if (!sh)
		return NULL;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	sh->refcount++;
	spin_unlock_irqrestore(&sh->lock, f);
	return sh;
}

int signal_dequeue_wait(uint64_t set, bool nonblock, k_siginfo_t *info)
{
	struct thread *t = current_thread();
	struct signal_handlers *sh = cur_sh();
	if (!sh)
		return -ENOMEM;
	struct sigqueue q;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	int sig;
	while (!(sig = dequeue_locked(sh, t, set, &q))) {
		if (nonblock) {
			sig = -EAGAIN;
			break;
		}
		if (signal_wait_queue_sleep_locked(&sh->signalfd_wq, &sh->lock, &f, 0) == -EINTR) {
			sig = -ERESTARTSYS;
			break;
		}
	}
	if (sig > 0)
		recalc_locked(sh, t);
	spin_unlock_irqrestore(&sh->lock, f);
	if (sig > 0)
		*info = q.info;
	return sig;
}

uint64_t signal_pending_set(void)
{
	struct thread *t = current_thread();
	struct signal_handlers *sh = cur_sh();
	if (!sh)
		return 0;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	uint64_t set = pending_for_locked(sh, t);
	spin_unlock_irqrestore(&sh->lock, f);
	return set;
}

int signal_do_sigaction(int sig, const struct k_sigaction *act, struct k_sigaction *oact)
{
	if (!sig_valid(sig) || (act && (SIGSET_BIT(sig) & SIG_UNCATCHABLE)))
		return -EINVAL;
	struct thread *t = current_thread();
	struct process *p = t->proc;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct signal_handlers *sh = sh_ensure_locked(p);
	if (!sh) {
		spin_unlock_irqrestore(&process_tree_lock, f);
		return -ENOMEM;
	}
	spin_lock(&sh->lock);
	if (oact)
		*oact = sh->action[sig - 1];
	if (act) {
		struct k_sigaction n = *act;
		n.flags &= KNOWN_SA_FLAGS;
		n.mask &= ~SIG_UNCATCHABLE;
		sh->action[sig - 1] = n;
		/* POSIX: setting SIG_IGN (or a default that ignores) discards what is pending. */
		if (sig_ignored_by_action(sh, sig)) {
			flush_locked(sh, p, NULL, SIGSET_BIT(sig));
			struct list_node *pos;
			list_for_each(pos, &p->threads) {
				struct thread *o = list_entry(pos, struct thread, proc_node);
				flush_locked(sh, p, o, SIGSET_BIT(sig));
				recalc_locked(sh, o);
			}
		}
	}
	spin_unlock(&sh->lock);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return 0;
}

bool signal_on_altstack(uint64_t sp)
{
	struct thread *t = current_thread();
	if ((t->sas_flags & SS_AUTODISARM) || !t->sas_size)
		return false;
	return sp > t->sas_sp && sp - t->sas_sp <= t->sas_size;
}

int signal_do_sigaltstack(const k_stack_t *ss, k_stack_t *oss, uint64_t user_sp)
{
	struct thread *t = current_thread();
	bool on = signal_on_altstack(user_sp);
	if (oss) {
		memset(oss, 0, sizeof(*oss));
		oss->ss_sp = t->sas_sp;
		oss->ss_size = t->sas_size;
		oss->ss_flags = (int32_t)((t->sas_flags & SS_AUTODISARM) |
					  (on ? SS_ONSTACK : (t->sas_size ? 0 : SS_DISABLE)));
	}
	if (!ss)
		return 0;
	if (on)
		return -EPERM;
	uint32_t mode = (uint32_t)ss->ss_flags & ~SS_AUTODISARM;
	if (mode != SS_DISABLE && mode != SS_ONSTACK && mode != 0)
		return -EINVAL;
	if (mode == SS_DISABLE) {
		t->sas_sp = t->sas_size = 0;
		t->sas_flags = SS_DISABLE;
		return 0;
	}
	if (ss->ss_size < MINSIGSTKSZ)
		return -ENOMEM;
	t->sas_sp = ss->ss_sp;
	t->sas_size = ss->ss_size;
	t->sas_flags = (uint32_t)ss->ss_flags & SS_AUTODISARM;
	return 0;
}

/* ---- interruptible sleeping -------------------------------------------------------------- */

bool signal_pending(void)
{
	struct thread *t = current_thread();
	return READ_ONCE(t->sig_pending) || READ_ONCE(t->exit_pending);
}

bool signal_fatal_pending(void)
{
	return READ_ONCE(current_thread()->exit_pending);
}

bool signal_copy_should_stop(uint64_t done)
{
	return done % PAGE_SIZE == 0 && signal_pending();
}

int signal_sleep_until(uint64_t deadline_ns)
{
	while (time_monotonic_ns() < deadline_ns) {
		if (sched_sleep_until(deadline_ns, SLEEP_INTERRUPTIBLE) == -EINTR)
			return -EINTR;
	}
	return 0;
}

int signal_wait_queue_sleep_locked(struct wait_queue *wq, struct spinlock *lock,
				   uint64_t *irqflags, uint64_t deadline_ns)
{
	spin_assert_held(lock);
	return signal_wait_queue_sleep_handoff_locked(wq, lock, irqflags, deadline_ns, NULL);
}

int signal_wait_queue_sleep_handoff_locked(struct wait_queue *wq, struct spinlock *lock,
					   uint64_t *irqflags, uint64_t deadline_ns,
					   const struct handoff *h)
{
	spin_assert_held(lock);
	if (signal_pending()) {
		if (h)
			handoff_release(h);
		return -EINTR;
	}
	int r = wait_queue_sleep_handoff_locked(wq, lock, irqflags, deadline_ns,
						SLEEP_INTERRUPTIBLE, h);
	if (r == 0 && signal_pending())
		r = -EINTR;
	return r;
}

int signal_wait_queue_sleep_killable_locked(struct wait_queue *wq, struct spinlock *lock,
					    uint64_t *irqflags)
{
	spin_assert_held(lock);
	if (signal_fatal_pending())
		return -EINTR;
	wait_queue_sleep_locked(wq, lock, irqflags, 0, SLEEP_KILLABLE);
	return signal_fatal_pending() ? -EINTR : 0;
}

/* ---- ITIMER_REAL: a kernel thread sleeps until the earliest armed deadline ---------------- */

static struct spinlock itimer_lock = SPINLOCK_INIT("itimer");
static struct list_node itimer_armed = LIST_HEAD_INIT(itimer_armed);
static struct wait_queue itimer_wq = WAIT_QUEUE_INIT(itimer_wq);

static void itimer_disarm(struct itimer_real *it)
{
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	if (!list_empty(&it->node))
		list_remove(&it->node);
	it->deadline_ns = 0;
	it->interval_ns = 0;
	it->pid = 0;
	spin_unlock_irqrestore(&itimer_lock, f);
}

static void itimer_fire(int pid, bool posix, int posix_id)
{
	if (posix) {
		posix_timer_fire(pid, posix_id);
		return;
	}
	k_siginfo_t info;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGALRM;
	info.si_code = SI_KERNEL;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = process_by_pid_locked(pid);
	if (p && p->state == PROCESS_ALIVE)
		send_locked(p, NULL, SIGALRM, &info, true, NULL);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

static void itimer_thread(void *unused)
{
	(void)unused;
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	for (;;) {
		uint64_t now = time_monotonic_ns(), next = 0;
		int fire = 0, posix_id = 0;
		bool posix = false;
		struct list_node *pos, *tmp;
		list_for_each_safe(pos, tmp, &itimer_armed) {
			struct itimer_real *it = list_entry(pos, struct itimer_real, node);
			if (it->deadline_ns <= now) {
				fire = it->pid;
				posix = it->posix;
				posix_id = it->posix_id;
				if (it->interval_ns) {
					it->deadline_ns += it->interval_ns;
					if (it->deadline_ns <= now) /* overrun: no catching up */
						it->deadline_ns = now + it->interval_ns;
				} else {
					list_remove(pos);
					it->deadline_ns = 0;
				}
				break;
			}
			if (!next || it->deadline_ns < next)
				next = it->deadline_ns;
		}
		if (fire) {
			spin_unlock_irqrestore(&itimer_lock, f);
			itimer_fire(fire, posix, posix_id);
			f = spin_lock_irqsave(&itimer_lock);
			continue;
		}
		/* A kernel thread: no signal reaches it, and it is never told to exit. */
		wait_queue_sleep_locked(&itimer_wq, &itimer_lock, &f, next, SLEEP_UNINTERRUPTIBLE);
	}
}

/* Time left (at least 1 us while armed, as Linux reports) and the interval. */
static void itimer_read_locked(const struct itimer_real *it, uint64_t *value_ns,
			       uint64_t *interval_ns)
{
	spin_assert_held(&itimer_lock);
	uint64_t now = time_monotonic_ns();
	*value_ns = !it->deadline_ns ? 0
		    : it->deadline_ns > now ? it->deadline_ns - now : NSEC_PER_USEC;
	*interval_ns = it->deadline_ns ? it->interval_ns : 0;
}

void itimer_real_get(uint64_t *value_ns, uint64_t *interval_ns)
{
	struct signal_handlers *sh = cur_sh();
	if (!sh) {
		*value_ns = *interval_ns = 0;
		return;
	}
	struct itimer_real *it = &sh->itimer;
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	itimer_read_locked(it, value_ns, interval_ns);
	spin_unlock_irqrestore(&itimer_lock, f);
}

int itimer_real_set(uint64_t value_ns, uint64_t interval_ns, uint64_t *old_value_ns,
		    uint64_t *old_interval_ns)
{
	struct process *p = process_current();
	struct signal_handlers *sh = cur_sh();
	if (!sh)
		return -ENOMEM;
	struct itimer_real *it = &sh->itimer;
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	itimer_read_locked(it, old_value_ns, old_interval_ns);
	if (!list_empty(&it->node))
		list_remove(&it->node);
	it->deadline_ns = 0;
	if (value_ns) {
		it->deadline_ns = time_monotonic_ns() + value_ns;
		it->interval_ns = interval_ns;
		it->pid = p->pid;
		list_add_tail(&itimer_armed, &it->node);
		wait_queue_wake_locked(&itimer_wq, 0);
	}
	spin_unlock_irqrestore(&itimer_lock, f);
	return 0;
}

void itimer_thread_arm(struct itimer_real *it, uint64_t deadline_ns)
{
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	if (!list_empty(&it->node))
		list_remove(&it->node);
	it->deadline_ns = deadline_ns ? deadline_ns : 1;
	it->interval_ns = 0;
	list_add_tail(&itimer_armed, &it->node);
	wait_queue_wake_locked(&itimer_wq, 0); /* a new earliest deadline? */
	spin_unlock_irqrestore(&itimer_lock, f);
}

void itimer_thread_cancel(struct itimer_real *it)
{
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	if (!list_empty(&it->node))
		list_remove(&it->node);
	it->deadline_ns = 0;
	spin_unlock_irqrestore(&itimer_lock, f);
}

void itimer_clock_was_set(void)
{
	uint64_t f = spin_lock_irqsave(&itimer_lock);
	uint64_t mono = time_monotonic_ns(), real = time_realtime_ns();
	struct list_node *pos;
	list_for_each(pos, &itimer_armed) {
		struct itimer_real *it = list_entry(pos, struct itimer_real, node);
		if (!it->real_deadline)
			continue;
		it->deadline_ns = mono;
		if (it->real_deadline > real)
			it->deadline_ns += it->real_deadline - real;
	}
	wait_queue_wake_locked(&itimer_wq, 0);
	spin_unlock_irqrestore(&itimer_lock, f);
}

/* ---- boot -------------------------------------------------------------------------------- */

void signal_init(void)
{
	exceptions_set_user_fault_handler(signal_user_fault);
	struct thread *t = thread_create_kernel("itimer", itimer_thread, NULL);
	if (!t)
		panic("signal: cannot start the itimer thread");
	sched_add_thread(t);
}
