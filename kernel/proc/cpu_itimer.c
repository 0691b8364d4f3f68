/* ITIMER_VIRTUAL and ITIMER_PROF (setitimer(2)): per-process timers counting the process's
 * CPU time, sampled by the timer tick as getrusage's times are (a whole tick to whoever it
 * interrupted): user time for ITIMER_VIRTUAL (SIGVTALRM), user and system time for ITIMER_PROF
 * (SIGPROF). The tick only marks an expired timer; the signal is sent on the way back to user
 * mode, where sending may take the locks it needs. */
#include <proc/process.h>
#include <proc/signal.h>
#include <proc/posix_timer.h>
#include <arch/x86_64/timer.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <uapi/signal.h>
#include <uapi/time.h>

#define TICK_NS (NSEC_PER_SEC / TIMER_HZ)
#define POSIX_DUE 4 /* cpu_itimers_due: POSIX CPU-time timers to check (bits 0, 1: itimers) */

/* Guards every process's cpu_itimers; taken in the timer interrupt, so always IRQs off. */
static struct spinlock cpu_itimer_lock = SPINLOCK_INIT("cpu_itimer");

static int slot(int which)
{
	return which == ITIMER_VIRTUAL ? 0 : 1;
}

/* Count timer i down by a tick; reload it (or disarm it) when it expires. True on expiry. */
static bool count_down_locked(struct process *p, int i)
{
	spin_assert_held(&cpu_itimer_lock);
	struct cpu_itimer *t = &p->cpu_itimers[i];
	if (!t->value)
		return false;
	if (t->value > TICK_NS) {
		t->value -= TICK_NS;
		return false;
	}
	t->value = t->interval;
	__atomic_fetch_or(&p->cpu_itimers_due, (uint8_t)(1u << i), __ATOMIC_RELAXED);
	return true;
}

bool cpu_itimer_tick(struct process *p, bool from_user)
{
	/* POSIX CPU-time timers (proc/posix_timer.c) are compared with their clocks on the way
	 * out. */
	bool posix = READ_ONCE(p->ptimer_cpu_armed) > 0;
	if (posix)
		__atomic_fetch_or(&p->cpu_itimers_due, POSIX_DUE, __ATOMIC_RELAXED);
	/* Unlocked fast path: an aligned load, and a timer armed meanwhile counts from the next
	 * tick. */
	if (!READ_ONCE(p->cpu_itimers[0].value) && !READ_ONCE(p->cpu_itimers[1].value))
		return posix;
	spin_lock(&cpu_itimer_lock);
	bool expired = from_user && count_down_locked(p, slot(ITIMER_VIRTUAL));
	expired |= count_down_locked(p, slot(ITIMER_PROF));
	spin_unlock(&cpu_itimer_lock);
	return expired || posix;
}

void cpu_itimer_deliver(struct process *p)
{
	uint8_t due = __atomic_exchange_n(&p->cpu_itimers_due, 0, __ATOMIC_RELAXED);
	static const int signals[2] = { SIGVTALRM, SIGPROF };
	for (int i = 0; i < 2; i++) {
		if (!(due & (1u << i)))
			continue;
		k_siginfo_t info;
		signal_info_kill(&info, signals[i], SI_KERNEL);
		uint64_t f = spin_lock_irqsave(&process_tree_lock);
		signal_send_process_locked(p, signals[i], &info);
		spin_unlock_irqrestore(&process_tree_lock, f);
	}
	if (due & POSIX_DUE)
		posix_cpu_timers_check(p);
}

void cpu_itimer_get(struct process *p, int which, uint64_t *value, uint64_t *interval)
{
	uint64_t f = spin_lock_irqsave(&cpu_itimer_lock);
	*value = p->cpu_itimers[slot(which)].value;
	*interval = p->cpu_itimers[slot(which)].interval;
	spin_unlock_irqrestore(&cpu_itimer_lock, f);
}

void cpu_itimer_set(struct process *p, int which, uint64_t value, uint64_t interval,
		    uint64_t *old_value, uint64_t *old_interval)
{
	uint64_t f = spin_lock_irqsave(&cpu_itimer_lock);
	struct cpu_itimer *t = &p->cpu_itimers[slot(which)];
	*old_value = t->value;
	*old_interval = t->interval;
	t->value = value;
	t->interval = value ? interval : 0;
	spin_unlock_irqrestore(&cpu_itimer_lock, f);
}
