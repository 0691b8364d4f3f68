/* prctl(2): the options programs use — the thread's name (PR_SET_NAME / PR_GET_NAME, the
 * process's comm when the main thread renames itself), the dumpable flag (kept: there are no
 * core dumps yet), no_new_privs (one-way; exec honours no set-id bits at all, so it holds),
 * the parent-death signal and the child-subreaper flag (used by exit.c's reparenting; both
 * per process here, per thread in Linux, and not inherited by fork).
 * PR_ZERO_TEST_HOOK reaches the test hooks (core/test_hook.h) when they are enabled. Every
 * other option is -EINVAL, as Linux answers an option it does not know. */
#include <proc/process.h>
#include <sched/thread.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/prctl.h>
#include <core/test_hook.h>

static long set_name(const char __user *uname)
{
	char name[PR_TASK_COMM_LEN];
	long n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG) { /* Linux truncates to 15 characters */
		if (copy_from_user(name, uname, sizeof(name) - 1))
			return -EFAULT;
		name[sizeof(name) - 1] = 0;
	} else if (n < 0) {
		return n;
	}
	struct thread *t = current_thread();
	struct process *p = t->proc;
	uint64_t f = spin_lock_irqsave(&p->lock);
	strlcpy(t->name, name, sizeof(t->name));
	if (t->tid == p->pid)
		strlcpy(p->name, name, sizeof(p->name));
	spin_unlock_irqrestore(&p->lock, f);
	return 0;
}

/* PR_SET_PDEATHSIG / PR_SET_CHILD_SUBREAPER store a process field under the tree lock. */
static long set_tree_field(int *pdeath, bool *subreaper, uint64_t v)
{
	if (pdeath && v > NSIG_MAX)
		return -EINVAL;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	if (pdeath)
		*pdeath = (int)v;
	else
		*subreaper = v != 0;
	spin_unlock_irqrestore(&process_tree_lock, f);
	return 0;
}

/* Securebits (SECBIT_NOROOT, KEEP_CAPS...) are not implemented: setting them needs
 * CAP_SETPCAP, as on Linux, and then only the empty set that is already there is accepted. */
static long set_securebits(uint64_t bits)
{
	if (!capable(CAP_SETPCAP))
		return -EPERM;
	return bits ? -EINVAL : 0;
}

#define TIMER_SLACK_DEFAULT_NS 50000 /* Linux's */

/* PR_GET_TIMERSLACK: the calling thread's slack (t->timer_slack_ns, 0 meaning the default). */
static long get_timer_slack(void)
{
	struct thread *t = current_thread();
	uint64_t v = t->timer_slack_ns ? t->timer_slack_ns : t->default_slack_ns;
	return (long)(v ? v : TIMER_SLACK_DEFAULT_NS);
}

/* PR_SET_TIMERSLACK: a value, or 0 for the thread's default (its creator's slack at clone).
 * Timers here fire as soon as they can whatever the slack, which any slack allows. */
static long set_timer_slack(uint64_t ns)
{
	current_thread()->timer_slack_ns = ns;
	return 0;
}

/* PR_GET_PDEATHSIG / PR_GET_CHILD_SUBREAPER write an int to arg2. */
static long get_int(int v, uint64_t uptr)
{
	return put_user(v, (int __user *)uptr) < 0 ? -EFAULT : 0;
}

static long get_name(char __user *uname)
{
	char name[PR_TASK_COMM_LEN] = { 0 };
	struct thread *t = current_thread();
	uint64_t f = spin_lock_irqsave(&t->proc->lock);
	strlcpy(name, t->name, sizeof(name));
	spin_unlock_irqrestore(&t->proc->lock, f);
	return copy_to_user(uname, name, sizeof(name)) ? -EFAULT : 0;
}

/* personality(2): 0xffffffff queries; otherwise only PER_LINUX, with or without UNAME26, is
 * accepted (bug persona_enosys): other domains and flags (ADDR_NO_RANDOMIZE, READ_IMPLIES_EXEC,
 * ...) would need behaviour that does not exist here, so they are EINVAL. Returns the old one. */
SYSCALL_DEFINE1(personality, uint32_t, persona)
{
	struct process *p = process_current();
	if (persona == 0xffffffffu)
		return READ_ONCE(p->personality);
	if (persona & ~(uint32_t)UNAME26)
		return -EINVAL;
	return __atomic_exchange_n(&p->personality, persona, __ATOMIC_RELAXED);
}

SYSCALL_DEFINE5(prctl, int, option, uint64_t, arg2, uint64_t, arg3, uint64_t, arg4, uint64_t,
	arg5)
{
	struct process *p = process_current();
	switch (option) {
	case PR_SET_NAME: return set_name((const char __user *)arg2);
	case PR_GET_NAME: return get_name((char __user *)arg2);
	case PR_GET_DUMPABLE: return __atomic_load_n(&p->dumpable, __ATOMIC_RELAXED);
	case PR_SET_DUMPABLE:
		if (arg2 > 1)
			return -EINVAL;
		__atomic_store_n(&p->dumpable, (int)arg2, __ATOMIC_RELAXED);
		return 0;
	case PR_GET_NO_NEW_PRIVS:
		if (arg2 || arg3 || arg4 || arg5)
			return -EINVAL;
		return __atomic_load_n(&p->no_new_privs, __ATOMIC_RELAXED);
	case PR_SET_NO_NEW_PRIVS:
		if (arg2 != 1 || arg3 || arg4 || arg5)
			return -EINVAL;
		__atomic_store_n(&p->no_new_privs, true, __ATOMIC_RELAXED);
		return 0;
	case PR_SET_PDEATHSIG: return set_tree_field(&p->pdeath_signal, NULL, arg2);
	case PR_GET_PDEATHSIG: return get_int(READ_ONCE(p->pdeath_signal), arg2);
	case PR_SET_CHILD_SUBREAPER: return set_tree_field(NULL, &p->child_subreaper, arg2);
	case PR_GET_CHILD_SUBREAPER: return get_int(READ_ONCE(p->child_subreaper), arg2);
	case PR_GET_TIMERSLACK: return get_timer_slack();
	case PR_SET_TIMERSLACK: return set_timer_slack(arg2);
	case PR_GET_SECUREBITS: return 0; /* none: root is root (caps.c) */
	case PR_SET_SECUREBITS: return set_securebits(arg2);
	case PR_CAPBSET_READ:
	case PR_CAPBSET_DROP: return cap_bset_prctl(option, arg2);
	case PR_ZERO_TEST_HOOK: return test_hook_prctl(arg2, arg3);
	default: return -EINVAL;
	}
}
