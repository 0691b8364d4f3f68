/* The test hooks (test_hook.h). One hook is armed at a time, system-wide: the tests that use
 * them run one after another, and a second ARM simply replaces the first. */
#include <core/test_hook.h>
#include <core/spinlock.h>
#include <core/time.h>
#include <sched/wait.h>
#include <sched/thread.h>
#include <proc/process.h>
#include <uapi/errno.h>

#define HOLD_MAX_NS (5 * NSEC_PER_SEC) /* a held thread goes on by itself after this */
#define WAIT_HELD_MAX_MS 10000

int test_hook_armed;
static bool hooks_enabled; /* set once at boot, before user space */

static struct spinlock hook_lock = SPINLOCK_INIT("test_hook");
/* Guarded by hook_lock (test_hook_armed is written under it too): */
static int armed_pid; /* the process whose threads the armed hook holds */
static int held_tid; /* the thread held since the last ARM, 0 = none yet */
static bool released;
static struct wait_queue held_wq = WAIT_QUEUE_INIT(held_wq); /* ZERO_TEST_HOOK_WAIT_HELD */
static struct wait_queue release_wq = WAIT_QUEUE_INIT(release_wq); /* the held thread */

void test_hooks_enable(void)
{
	hooks_enabled = true;
}

void test_hook_hold_slow(enum test_hook h)
{
	struct thread *t = current_thread();
	if (!t->proc)
		return;
	uint64_t f = spin_lock_irqsave(&hook_lock);
	if (test_hook_armed != (int)h || armed_pid != t->proc->pid) {
		spin_unlock_irqrestore(&hook_lock, f);
		return;
	}
	WRITE_ONCE(test_hook_armed, 0); /* one thread, once */
	held_tid = t->tid;
	wait_queue_wake_locked(&held_wq, 0);
	/* Killable and bounded: a held thread never outlives its process nor waits for ever. */
	uint64_t deadline = time_monotonic_ns() + HOLD_MAX_NS;
	while (!released && time_monotonic_ns() < deadline) {
		if (wait_queue_sleep_locked(&release_wq, &hook_lock, &f, deadline,
					    SLEEP_KILLABLE) == -EINTR)
			break;
	}
	spin_unlock_irqrestore(&hook_lock, f);
}

static long wait_held(uint64_t timeout_ms)
{
	if (timeout_ms > WAIT_HELD_MAX_MS)
		timeout_ms = WAIT_HELD_MAX_MS;
	uint64_t deadline = time_monotonic_ns() + timeout_ms * NSEC_PER_MSEC + 1;
	uint64_t f = spin_lock_irqsave(&hook_lock);
	long r = 0;
	while (!held_tid && r == 0) {
		r = wait_queue_sleep_locked(&held_wq, &hook_lock, &f, deadline,
					    SLEEP_INTERRUPTIBLE);
		if (r == -ETIMEDOUT && time_monotonic_ns() < deadline)
			r = 0;
	}
	if (held_tid)
		r = held_tid;
	spin_unlock_irqrestore(&hook_lock, f);
	return r;
}

long test_hook_prctl(uint64_t op, uint64_t arg)
{
	if (!hooks_enabled)
		return -EINVAL;
	uint64_t f;
	switch (op) {
	case ZERO_TEST_HOOK_ARM:
		if (arg == 0 || arg >= ZERO_TEST_HOOK_COUNT)
			return -EINVAL;
		f = spin_lock_irqsave(&hook_lock);
		armed_pid = process_current()->pid;
		held_tid = 0;
		released = false;
		WRITE_ONCE(test_hook_armed, (int)arg);
		spin_unlock_irqrestore(&hook_lock, f);
		return 0;
	case ZERO_TEST_HOOK_WAIT_HELD:
		return wait_held(arg);
	case ZERO_TEST_HOOK_RELEASE:
		f = spin_lock_irqsave(&hook_lock);
		released = true;
		wait_queue_wake_locked(&release_wq, 0);
		spin_unlock_irqrestore(&hook_lock, f);
		return 0;
	default:
		return -EINVAL;
	}
}
