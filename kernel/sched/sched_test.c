/* In-kernel self-tests of the scheduler: threads run and exit, wait queues hand off, timed
 * sleeps end on time, a busy thread is preempted so another can run, and thread stacks are
 * reclaimed. Each waits for its event with a deadline on the monotonic clock, never a fixed
 * sleep. */
#include <core/ktest.h>
#include <core/time.h>
#include <sched/sched.h>
#include <sched/wait.h>
#include <mm/phys.h>
#include <uapi/errno.h>

#define TEST_DEADLINE_NS (5 * NSEC_PER_SEC)

static struct spinlock test_lock = SPINLOCK_INIT("sched_test");
static struct wait_queue test_wq = WAIT_QUEUE_INIT(test_wq);
static int counter; /* guarded by test_lock */

/* Wait (sleeping) until counter reaches want or the deadline passes. */
static bool wait_counter(int want)
{
	uint64_t deadline = time_monotonic_ns() + TEST_DEADLINE_NS;
	uint64_t f = spin_lock_irqsave(&test_lock);
	while (counter < want) {
		if (wait_queue_sleep_locked(&test_wq, &test_lock, &f, deadline,
					    SLEEP_UNINTERRUPTIBLE) == -ETIMEDOUT)
			break;
	}
	bool ok = counter >= want;
	spin_unlock_irqrestore(&test_lock, f);
	return ok;
}

static void bump(void *unused)
{
	(void)unused;
	uint64_t f = spin_lock_irqsave(&test_lock);
	counter++;
	wait_queue_wake_locked(&test_wq, 0);
	spin_unlock_irqrestore(&test_lock, f);
}

static bool spawn(void (*fn)(void *), void *arg)
{
	struct thread *t = thread_create_kernel("test", fn, arg);
	if (!t)
		return false;
	sched_add_thread(t);
	return true;
}

KTEST(sched_threads_run_and_wake_waiter)
{
	counter = 0;
	for (int i = 0; i < 20; i++)
		KEXPECT(spawn(bump, NULL));
	KEXPECT(wait_counter(20));
}

KTEST(sched_sleep_lasts_at_least_its_time)
{
	uint64_t start = time_monotonic_ns();
	KEXPECT(sched_sleep_until(start + 20 * NSEC_PER_MSEC, SLEEP_UNINTERRUPTIBLE) == 0);
	uint64_t slept = time_monotonic_ns() - start;
	KEXPECT(slept >= 20 * NSEC_PER_MSEC);
	KEXPECT(slept < TEST_DEADLINE_NS);
}

static volatile bool spin_stop;

static void spinner(void *unused)
{
	(void)unused;
	uint64_t deadline = time_monotonic_ns() + TEST_DEADLINE_NS;
	while (!spin_stop && time_monotonic_ns() < deadline)
		cpu_relax();
	bump(NULL);
}

/* The spinner never blocks: the stopper only runs if the tick preempts it. */
static void stopper(void *unused)
{
	(void)unused;
	spin_stop = true;
	bump(NULL);
}

KTEST(sched_busy_thread_is_preempted)
{
	counter = 0;
	spin_stop = false;
	KEXPECT(spawn(spinner, NULL));
	sched_yield(); /* let the spinner start spinning */
	KEXPECT(spawn(stopper, NULL));
	KEXPECT(wait_counter(2));
	KEXPECT(spin_stop);
}

KTEST(sched_exited_threads_are_reclaimed)
{
	counter = 0;
	KEXPECT(spawn(bump, NULL));
	KEXPECT(wait_counter(1));
	sched_yield();
	uint64_t before = phys_free_count();
	for (int round = 1; round <= 50; round++) {
		KEXPECT(spawn(bump, NULL));
		KEXPECT(wait_counter(1 + round));
		sched_yield(); /* the dead thread's stack is freed by the next switch */
	}
	/* Same number of free pages within a little slack for slab caches. */
	KEXPECT(phys_free_count() + 16 >= before);
}

/* Poll-style entries (wait_queue_add_locked + wait_sleep_unless_fired): a wake-up that comes
 * while the thread is still running sets the flag, and the later sleep returns at once. */
KTEST(wait_entry_wake_before_sleep_is_not_lost)
{
	int fired = 0;
	struct wait_entry w = { .thread = current_thread(), .fired = &fired };
	uint64_t f = spin_lock_irqsave(&test_lock);
	wait_queue_add_locked(&test_wq, &w);
	KEXPECT(wait_queue_wake_locked(&test_wq, 0) == 0); /* running: nothing to wake */
	spin_unlock_irqrestore(&test_lock, f);
	KEXPECT(fired == 1 && list_empty(&w.node));
	uint64_t start = time_monotonic_ns();
	KEXPECT(wait_sleep_unless_fired(&fired, start + TEST_DEADLINE_NS,
					SLEEP_UNINTERRUPTIBLE) == 0);
	KEXPECT(time_monotonic_ns() - start < TEST_DEADLINE_NS);
}

/* Another thread's wake-up ends the sleep (or, if it came first, the flag does). */
KTEST(wait_entry_woken_by_other_thread)
{
	int fired = 0;
	struct wait_entry w = { .thread = current_thread(), .fired = &fired };
	uint64_t f = spin_lock_irqsave(&test_lock);
	wait_queue_add_locked(&test_wq, &w);
	spin_unlock_irqrestore(&test_lock, f);
	KEXPECT(spawn(bump, NULL));
	uint64_t deadline = time_monotonic_ns() + TEST_DEADLINE_NS;
	while (!__atomic_load_n(&fired, __ATOMIC_SEQ_CST) && time_monotonic_ns() < deadline)
		wait_sleep_unless_fired(&fired, deadline, SLEEP_UNINTERRUPTIBLE);
	KEXPECT(fired == 1);
	f = spin_lock_irqsave(&test_lock);
	wait_entry_remove_locked(&w);
	spin_unlock_irqrestore(&test_lock, f);
}

/* Callback entries (epoll's): every wake-up runs them under the queue's lock, they stay
 * queued and are not counted; once an exclusive one reports a woken thread, the exclusive
 * entries after it are skipped. */
struct cb_entry {
	struct wait_entry w;
	int calls;
	bool woke; /* what the callback reports */
};

static bool cb_count(struct wait_entry *w)
{
	struct cb_entry *c = list_entry(w, struct cb_entry, w);
	spin_assert_held(&test_lock);
	c->calls++;
	return c->woke;
}

KTEST(wait_entry_callback_runs_and_stays)
{
	struct cb_entry a, b, c;
	struct cb_entry *all[] = { &a, &b, &c };
	for (int i = 0; i < 3; i++) {
		wait_entry_init_func(&all[i]->w, cb_count);
		all[i]->calls = 0;
		all[i]->woke = true;
	}
	a.w.exclusive = b.w.exclusive = true;
	uint64_t f = spin_lock_irqsave(&test_lock);
	for (int i = 0; i < 3; i++)
		wait_queue_add_locked(&test_wq, &all[i]->w);
	KEXPECT(wait_queue_wake_locked(&test_wq, 1) == 0);
	KEXPECT(a.calls == 1 && b.calls == 0 && c.calls == 1); /* b: exclusive, after a */
	a.woke = false; /* a woke no one: the next exclusive entry gets its turn */
	wait_queue_wake_locked(&test_wq, 0);
	KEXPECT(a.calls == 2 && b.calls == 1 && c.calls == 2);
	KEXPECT(!list_empty(&a.w.node) && !list_empty(&c.w.node));
	for (int i = 0; i < 3; i++)
		wait_entry_remove_locked(&all[i]->w);
	spin_unlock_irqrestore(&test_lock, f);
	KEXPECT(list_empty(&test_wq.waiters));
}

/* An entry taken off before any wake-up is not flagged, and the sleep times out. */
KTEST(wait_entry_removed_then_timeout)
{
	int fired = 0;
	struct wait_entry w = { .thread = current_thread(), .fired = &fired };
	uint64_t f = spin_lock_irqsave(&test_lock);
	wait_queue_add_locked(&test_wq, &w);
	wait_entry_remove_locked(&w);
	KEXPECT(wait_queue_wake_locked(&test_wq, 0) == 0);
	spin_unlock_irqrestore(&test_lock, f);
	KEXPECT(fired == 0);
	uint64_t start = time_monotonic_ns();
	KEXPECT(wait_sleep_unless_fired(&fired, start + NSEC_PER_MSEC, SLEEP_UNINTERRUPTIBLE) ==
		-ETIMEDOUT);
	KEXPECT(time_monotonic_ns() - start >= NSEC_PER_MSEC);
}

/* ---- sched_wake_and_switch: the hand-off runs the woken thread before the waker goes on --- */

static int handoff_go, handoff_ran; /* test_lock */
static struct thread *handoff_waker; /* test_lock: woken by the server when set */

static void handoff_server(void *unused)
{
	(void)unused;
	uint64_t deadline = time_monotonic_ns() + TEST_DEADLINE_NS;
	uint64_t f = spin_lock_irqsave(&test_lock);
	while (!handoff_go) {
		if (wait_queue_sleep_locked(&test_wq, &test_lock, &f, deadline,
					    SLEEP_UNINTERRUPTIBLE) == -ETIMEDOUT)
			break;
	}
	handoff_ran++;
	if (handoff_waker)
		sched_wake(handoff_waker, 0);
	spin_unlock_irqrestore(&test_lock, f);
}

static void handoff_done(void)
{
	sched_set_affinity(current_thread(), ~0ULL);
}

/* Start the server and wait until it sleeps on test_wq; then, with test_lock held (*f), take
 * it off the queue and return it. NULL when it never got there. */
static struct thread *handoff_setup(uint64_t *f)
{
	/* A hand-off happens between threads of one CPU: keep us and the server (which inherits
	 * our affinity) on this one. handoff_done lets both move again. */
	sched_set_affinity(current_thread(), 1ULL << this_cpu_id());
	handoff_go = handoff_ran = 0;
	handoff_waker = NULL;
	if (!spawn(handoff_server, NULL))
		return NULL;
	uint64_t deadline = time_monotonic_ns() + TEST_DEADLINE_NS;
	for (;;) {
		*f = spin_lock_irqsave(&test_lock);
		if (!list_empty(&test_wq.waiters))
			break;
		spin_unlock_irqrestore(&test_lock, *f);
		if (time_monotonic_ns() > deadline)
			return NULL;
		sched_yield();
	}
	struct wait_entry *w = list_first(&test_wq.waiters, struct wait_entry, node);
	list_remove(&w->node);
	handoff_go = 1;
	return w->thread;
}

KTEST(sched_wake_and_switch_runs_target_first)
{
	uint64_t f;
	struct thread *server = handoff_setup(&f);
	KEXPECT(server != NULL);
	if (!server) {
		handoff_done();
		return;
	}
	KEXPECT(sched_wake_and_switch(server, 0, &test_lock, f) == 0);
	/* A plain wake would leave it queued behind us: it ran because we switched to it. */
	KEXPECT(READ_ONCE(handoff_ran) == 1);
	handoff_done();
}

KTEST(sched_block_and_switch_blocks_caller_until_woken)
{
	uint64_t f;
	struct thread *server = handoff_setup(&f);
	KEXPECT(server != NULL);
	if (!server) {
		handoff_done();
		return;
	}
	handoff_waker = current_thread();
	/* woken, not timed out */
	KEXPECT(sched_block_and_switch(server, time_monotonic_ns() + TEST_DEADLINE_NS,
				       SLEEP_UNINTERRUPTIBLE, NULL, &test_lock, f) == 0);
	KEXPECT(READ_ONCE(handoff_ran) == 1);
	handoff_done();
}
