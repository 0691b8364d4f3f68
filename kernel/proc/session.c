/* Sessions, process groups and controlling terminals (see session.h): setsid and setpgid with
 * Linux's error rules, the controlling-terminal ioctls, job control checks for terminal readers
 * and writers, and the exit-time hang-up of a session's terminal and of orphaned groups. */
#include <proc/session.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <drivers/tty.h>
#include <syscall/syscall.h>
#include <sched/thread.h>
#include <core/panic.h>
#include <lib/string.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

/* ---- process groups ------------------------------------------------------------------------ */

/* Signals the kernel sends on a terminal's behalf: SI_KERNEL, no permission check. */
static void kernel_siginfo(k_siginfo_t *info, int sig)
{
	memset(info, 0, sizeof(*info));
	info->si_signo = sig;
	info->si_code = SI_KERNEL;
}

struct pgrp_kill {
	int pgid;
	k_siginfo_t info;
};

static void kill_member(struct process *p, void *ctx)
{
	struct pgrp_kill *k = ctx;
	if (p->pgid == k->pgid)
		signal_send_process_locked(p, k->info.si_signo, &k->info);
}

void session_kill_pgrp_locked(int pgid, int sig)
{
	spin_assert_held(&process_tree_lock);
	struct pgrp_kill k = { .pgid = pgid };
	kernel_siginfo(&k.info, sig);
	process_for_each_locked(kill_member, &k);
}

/* A question about the members of one group, answered by one walk of the process table. */
struct pgrp_query {
	int pgid;
	const struct process *exiting; /* counts as gone, and its children as init's */
	bool connected; /* a member has a parent in another group of its session */
	bool want_stopped; /* look at each member's stop state (takes its sighand lock) */
	bool stopped; /* a member is stopped */
	bool any; /* the group has a member */
	int sid; /* a member's session */
};

static void query_member(struct process *p, void *ctx)
{
	struct pgrp_query *q = ctx;
	if (p->pgid != q->pgid || p == q->exiting)
		return;
	q->any = true;
	q->sid = p->sid;
	if (p->state == PROCESS_ZOMBIE)
		return; /* keeps the group in existence, but links it to nothing */
	struct process *parent = p->parent;
	if (parent && parent != q->exiting && parent->pid != INIT_PID && parent->pgid != p->pgid &&
	    parent->sid == p->sid)
		q->connected = true;
	struct signal_handlers *sh = p->sighand;
	if (sh && q->want_stopped) {
		spin_lock(&sh->lock);
		q->stopped |= sh->stopped;
		spin_unlock(&sh->lock);
	}
}

static struct pgrp_query pgrp_query_locked(int pgid, const struct process *exiting,
					   bool want_stopped)
{
	spin_assert_held(&process_tree_lock);
	struct pgrp_query q = { .pgid = pgid, .exiting = exiting, .want_stopped = want_stopped };
	process_for_each_with_zombies_locked(query_member, &q);
	return q;
}

/* POSIX: a group is orphaned when no member has a parent in a different group of the same
 * session (the parent being the only link to a job-control shell). */
static bool pgrp_orphaned_locked(int pgid, const struct process *exiting)
{
	spin_assert_held(&process_tree_lock);
	return !pgrp_query_locked(pgid, exiting, false).connected;
}

bool session_pgrp_orphaned_locked(int pgid)
{
	spin_assert_held(&process_tree_lock);
	return pgrp_orphaned_locked(pgid, NULL);
}

/* ---- controlling terminals ------------------------------------------------------------------ */

static bool is_session_leader(const struct process *p)
{
	return p->sid == p->pid;
}

static struct tty *ctty_locked(const struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct tty *tty = p->ctty;
	return tty && tty->session == p->sid ? tty : NULL;
}

static void clear_member_ctty(struct process *p, void *ctx)
{
	if (p->ctty == ctx)
		p->ctty = NULL;
}

/* tty stops being anyone's controlling terminal. */
static void tty_release_session_locked(struct tty *tty)
{
	spin_assert_held(&process_tree_lock);
	tty->session = 0;
	tty->pgrp = 0;
	process_for_each_locked(clear_member_ctty, tty);
}

/* Linux's disassociate_ctty for a session leader: SIGHUP and SIGCONT to the foreground group,
 * and the terminal is free. */
static void hangup_session_locked(struct tty *tty)
{
	spin_assert_held(&process_tree_lock);
	if (tty->pgrp) {
		session_kill_pgrp_locked(tty->pgrp, SIGHUP);
		session_kill_pgrp_locked(tty->pgrp, SIGCONT);
	}
	tty_release_session_locked(tty);
}

static void set_ctty_locked(struct process *p, struct tty *tty)
{
	spin_assert_held(&process_tree_lock);
	tty->session = p->sid;
	tty->pgrp = p->pgid;
	p->ctty = tty;
}

bool session_is_ctty(struct tty *tty)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	bool r = ctty_locked(process_current()) == tty;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return r;
}

struct tty *session_current_ctty_get(void)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct tty *tty = ctty_locked(process_current());
	if (tty && tty->ops->get && tty->ops->get(tty))
		tty = NULL; /* going away */
	spin_unlock_irqrestore(&process_tree_lock, f);
	return tty;
}

/* Linux's __tty_hangup and tty_signal_session_leader for a pty slave whose master closed:
 * the session leader gets SIGHUP and SIGCONT (and so does the foreground group, which Linux
 * signals when that leader then exits), and the terminal belongs to no session any more. */
void session_hangup(struct tty *tty)
{
	k_siginfo_t info;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *leader = tty->session ? process_by_pid_locked(tty->session) : NULL;
	if (leader && leader->state == PROCESS_ALIVE && is_session_leader(leader)) {
		kernel_siginfo(&info, SIGHUP);
		signal_send_process_locked(leader, SIGHUP, &info);
		kernel_siginfo(&info, SIGCONT);
		signal_send_process_locked(leader, SIGCONT, &info);
	}
	if (tty->session)
		hangup_session_locked(tty);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

void session_forget_tty(struct tty *tty)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	tty->session = 0;
	tty->pgrp = 0;
	process_for_each_with_zombies_locked(clear_member_ctty, tty);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

void session_tty_ids(struct tty *tty, int *pgrp, int *sid)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	*pgrp = tty->pgrp;
	*sid = tty->session;
	spin_unlock_irqrestore(&process_tree_lock, f);
}

void session_open_ctty(struct tty *tty, bool readable)
{
	struct process *p = process_current();
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (readable && is_session_leader(p) && !ctty_locked(p) && !tty->session)
		set_ctty_locked(p, tty);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

/* Stealing a terminal takes CAP_SYS_ADMIN, as Linux's TIOCSCTTY with arg 1. */
static bool current_is_root(void)
{
	return capable(CAP_SYS_ADMIN);
}

int session_ioctl_sctty(struct tty *tty, uint64_t arg, bool readable)
{
	bool root = current_is_root();
	struct process *p = process_current();
	int ret = 0;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (is_session_leader(p) && tty->session == p->sid)
		goto out_unlock; /* already ours */
	ret = -EPERM;
	if (!is_session_leader(p) || ctty_locked(p))
		goto out_unlock;
	if (tty->session && !(arg == 1 && root))
		goto out_unlock;
	if (!readable && !root)
		goto out_unlock;
	if (tty->session)
		tty_release_session_locked(tty); /* stolen */
	set_ctty_locked(p, tty);
	ret = 0;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

int session_ioctl_notty(struct tty *tty)
{
	struct process *p = process_current();
	int ret = -ENOTTY;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (ctty_locked(p) != tty)
		goto out_unlock;
	if (is_session_leader(p))
		hangup_session_locked(tty);
	p->ctty = NULL;
	ret = 0;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

int session_ioctl_gpgrp(struct tty *tty, int *pgrp)
{
	int ret = -ENOTTY;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (ctty_locked(process_current()) == tty) {
		*pgrp = tty->pgrp;
		ret = 0;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

int session_ioctl_gsid(struct tty *tty, int *sid)
{
	int ret = -ENOTTY;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (ctty_locked(process_current()) == tty && tty->session) {
		*sid = tty->session;
		ret = 0;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

/* The session of process group (or, failing that, process) id, or 0 (Linux's
 * session_of_pgrp). *exists: the id names a group or a process at all. */
static int session_of_pgrp_locked(int id, bool *exists)
{
	spin_assert_held(&process_tree_lock);
	struct pgrp_query q = pgrp_query_locked(id, NULL, false);
	struct process *p = process_by_pid_locked(id);
	*exists = q.any || p;
	if (q.any)
		return q.sid;
	return p ? p->sid : 0;
}

int session_ioctl_spgrp(struct tty *tty, int pgrp)
{
	struct process *p = process_current();
	bool exists;
	int ret = -ENOTTY;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (ctty_locked(p) != tty)
		goto out_unlock;
	int sid = session_of_pgrp_locked(pgrp, &exists);
	ret = -ESRCH;
	if (!exists)
		goto out_unlock;
	ret = -EPERM;
	if (sid != p->sid)
		goto out_unlock;
	tty->pgrp = pgrp;
	ret = 0;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

void session_signal_fg(struct tty *tty, int sig)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (tty->pgrp)
		session_kill_pgrp_locked(tty->pgrp, sig);
	spin_unlock_irqrestore(&process_tree_lock, f);
}

/* ---- job control ---------------------------------------------------------------------------- */

/* The calling thread would not act on sig: it blocks it, or its process ignores it. */
static bool current_ignores_or_blocks(int sig)
{
	struct thread *t = current_thread();
	struct signal_handlers *sh = t->proc->sighand;
	if (t->sig_blocked & SIGSET_BIT(sig))
		return true;
	if (!sh)
		return false;
	uint64_t f = spin_lock_irqsave(&sh->lock);
	bool ign = sh->action[sig - 1].handler == SIG_IGN;
	spin_unlock_irqrestore(&sh->lock, f);
	return ign;
}

/* Linux's __tty_check_change. */
int session_job_control(struct tty *tty, int sig)
{
	bool ignored = current_ignores_or_blocks(sig);
	struct process *p = process_current();
	int ret = 0;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (ctty_locked(p) != tty || !tty->pgrp || tty->pgrp == p->pgid)
		goto out_unlock;
	if (ignored) {
		if (sig == SIGTTIN)
			ret = -EIO;
	} else if (pgrp_orphaned_locked(p->pgid, NULL)) {
		ret = -EIO;
	} else {
		session_kill_pgrp_locked(p->pgid, sig);
		ret = -ERESTARTSYS;
	}
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

/* ---- exit ----------------------------------------------------------------------------------- */

/* Linux's kill_orphaned_pgrp: group pgid (of a process whose link to the outside, `outside`,
 * is in another group of the same session) may now be orphaned by exiting's exit. */
static void hangup_if_orphaned_locked(int pgid, int sid, const struct process *outside,
				      const struct process *exiting)
{
	spin_assert_held(&process_tree_lock);
	if (!outside || outside->pgid == pgid || outside->sid != sid)
		return;
	struct pgrp_query q = pgrp_query_locked(pgid, exiting, true);
	if (q.connected || !q.stopped)
		return;
	session_kill_pgrp_locked(pgid, SIGHUP);
	session_kill_pgrp_locked(pgid, SIGCONT);
}

void session_exit_locked(struct process *p)
{
	spin_assert_held(&process_tree_lock);
	struct tty *tty = ctty_locked(p);
	if (tty && is_session_leader(p))
		hangup_session_locked(tty);
	hangup_if_orphaned_locked(p->pgid, p->sid, p->parent, p);
	struct list_node *pos;
	list_for_each(pos, &p->children) {
		struct process *c = list_entry(pos, struct process, sibling);
		if (c->state == PROCESS_ALIVE)
			hangup_if_orphaned_locked(c->pgid, c->sid, p, p);
	}
}

/* ---- system calls --------------------------------------------------------------------------- */

SYSCALL_DEFINE0(setsid)
{
	struct process *me = process_current();
	long ret = -EPERM;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (pgrp_query_locked(me->pid, NULL, false).any) /* a group with our id exists (we lead one, or lead a session) */
		goto out_unlock;
	me->sid = me->pgid = me->pid;
	me->ctty = NULL;
	ret = me->pid;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}

/* Linux's rules: the target is the caller or a child of it (ESRCH), in the caller's session
 * (EPERM) that has not exec'ed (EACCES); not a session leader (EPERM); the group joined exists
 * in the caller's session unless it is the target's own id (EPERM). */
SYSCALL_DEFINE2(setpgid, int, pid, int, pgid)
{
	struct process *me = process_current();
	if (pgid < 0)
		return -EINVAL;
	long ret = -ESRCH;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = pid ? process_by_pid_locked(pid) : me;
	if (!p)
		goto out_unlock;
	if (p != me) {
		if (p->parent != me)
			goto out_unlock;
		ret = -EPERM;
		if (p->sid != me->sid)
			goto out_unlock;
		ret = -EACCES;
		if (p->did_exec)
			goto out_unlock;
	}
	ret = -EPERM;
	if (is_session_leader(p))
		goto out_unlock;
	int target = pgid ? pgid : p->pid;
	if (target != p->pid) {
		struct pgrp_query q = pgrp_query_locked(target, NULL, false);
		if (!q.any || q.sid != me->sid)
			goto out_unlock;
	}
	p->pgid = target;
	ret = 0;
out_unlock:
	spin_unlock_irqrestore(&process_tree_lock, f);
	return ret;
}
