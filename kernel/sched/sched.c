/* Per-CPU run queues, the context switch around arch/x86_64/switch.S, preemption, blocking,
 * waking and timed sleeps. See sched.h for the locking rules. */
#include <sched/sched.h>
#include <sched/mlfq.h>
#include <sched/stats.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/gdt.h>
#include <arch/x86_64/fpu.h>
#include <arch/x86_64/cpu.h>
#include <core/spinlock.h>
#include <core/panic.h>
#include <core/time.h>
#include <arch/x86_64/timer.h>
#include <arch/x86_64/smp.h>
#include <mm/vmap.h>
#include <mm/kmalloc.h>
#include <mm/vm.h>
#include <mm/tlb.h>
#include <proc/process.h>
#include <uapi/errno.h>

#define BALANCE_TICKS 50 /* a busy CPU evens out its load with the others every 50 ticks */

struct runqueue {
	struct spinlock lock;
	struct mlfq_rq mlfq; /* runnable threads other than curr and idle */
	struct thread *curr;
	struct thread *idle;
	struct list_node sleepers; /* blocked threads with a deadline, earliest first */
	struct thread *dead; /* exited thread whose stack the next thread frees */
	/* Runnable threads not allowed on this CPU (affinity), waiting for push_pending to hand
	 * them to one they may run on: they are in no queue and no CPU runs them. */
	struct list_node push;
};

static struct runqueue runqueues[MAX_CPUS];
static unsigned nr_cpus; /* run queues set up by sched_init_cpu */

void context_switch(uint64_t *prev_saved_rsp, uint64_t next_saved_rsp);
void sched_finish_switch(void);

static struct runqueue *this_rq(void)
{
	return &runqueues[this_cpu_id()];
}

/* The reschedule request of rq's CPU (struct percpu, where the exit paths read it). */
static bool *rq_need_resched(struct runqueue *rq)
{
	return &percpu_array[rq - runqueues].need_resched;
}

static void sleeper_insert_locked(struct runqueue *rq, struct thread *t)
{
	spin_assert_held(&rq->lock);
	struct list_node *pos;
	list_for_each(pos, &rq->sleepers) {
		struct thread *o = list_entry(pos, struct thread, sleep_node);
		if (o->wake_at_ns > t->wake_at_ns)
			break;
	}
	list_insert_between(&t->sleep_node, pos->prev, pos);
}

static uint32_t rq_cpu(const struct runqueue *rq)
{
	return (uint32_t)(rq - runqueues);
}

static bool cpu_is_idle(uint32_t cpu)
{
	return READ_ONCE(runqueues[cpu].curr) == runqueues[cpu].idle;
}

/* Ask an idle CPU other than this one and `busy` to come and take queued work (sched_idle
 * pulls), so that a thread does not wait for a busy CPU while another one halts. */
static void kick_idle_cpu(uint32_t busy)
{
	uint64_t online = smp_online_mask() & ~(1ULL << this_cpu_id()) & ~(1ULL << busy);
	for (; online; online &= online - 1) {
		uint32_t cpu = (uint32_t)__builtin_ctzll(online);
		if (cpu_is_idle(cpu)) {
			smp_send_resched(cpu);
			return;
		}
	}
}

/* Queue the runnable thread t on rq, asking rq's CPU to switch when t should run first. */
static void enqueue_locked(struct runqueue *rq, struct thread *t)
{
	spin_assert_held(&rq->lock);
	mlfq_enqueue(&rq->mlfq, &t->sched);
	if (rq->curr == rq->idle || t->sched.level < rq->curr->sched.level)
		*rq_need_resched(rq) = true;
	else if (smp_online_mask() != 1)
		kick_idle_cpu(rq_cpu(rq));
}

/* Lock the run queue t belongs to. t->cpu changes only with both the old and the new run
 * queue's locks held, so once it matches the locked queue it stays. */
static struct runqueue *lock_thread_rq(struct thread *t, uint64_t *flags)
{
	*flags = irq_save();
	for (;;) {
		struct runqueue *rq = &runqueues[READ_ONCE(t->cpu)];
		spin_lock(&rq->lock);
		if (rq_cpu(rq) == t->cpu)
			return rq;
		spin_unlock(&rq->lock);
	}
}

/* Two run queues in index order (one if they are the same); IRQs off. */
static void lock_two(struct runqueue *a, struct runqueue *b)
{
	if (a == b) {
		spin_lock(&a->lock);
		return;
	}
	spin_lock(&(a < b ? a : b)->lock);
	spin_lock(&(a < b ? b : a)->lock);
}

static void unlock_two(struct runqueue *a, struct runqueue *b)
{
	spin_unlock(&a->lock);
	if (a != b)
		spin_unlock(&b->lock);
}

static unsigned rq_load(uint32_t cpu)
{
	return READ_ONCE(runqueues[cpu].mlfq.nr_queued) + !cpu_is_idle(cpu);
}

/* The least loaded online CPU of `allowed` (this one on a tie); this CPU if none is online. */
static uint32_t pick_cpu(uint64_t allowed)
{
	uint32_t me = this_cpu_id(), best = me;
	uint64_t m = allowed & smp_online_mask();
	if (!m)
		return me;
	if (!(m & (1ULL << me)))
		best = (uint32_t)__builtin_ctzll(m);
	unsigned best_load = rq_load(best);
	for (; m; m &= m - 1) {
		uint32_t cpu = (uint32_t)__builtin_ctzll(m);
		unsigned load = rq_load(cpu);
		if (load < best_load) {
			best = cpu;
			best_load = load;
		}
	}
	return best;
}

/* Move t (runnable, in no queue, t->cpu == from's CPU) to run queue `to`: both locks held. */
static void migrate_locked(struct runqueue *from, struct runqueue *to, struct thread *t)
{
	spin_assert_held(&from->lock);
	spin_assert_held(&to->lock);
	t->cpu = rq_cpu(to);
	enqueue_locked(to, t);
}

/* Hand the threads on this CPU's push list to CPUs they may run on. IRQs off, no run-queue
 * lock held. Only this CPU takes threads off its push list. */
static void push_pending_slow(void)
{
	struct runqueue *rq = this_rq();
	while (!list_empty(&rq->push)) {
		spin_lock(&rq->lock);
		struct thread *t = list_first(&rq->push, struct thread, push_node);
		uint64_t allowed = t->cpus_allowed;
		spin_unlock(&rq->lock);
		struct runqueue *to = &runqueues[pick_cpu(allowed)];
		lock_two(rq, to);
		list_remove(&t->push_node);
		migrate_locked(rq, to, t);
		bool kick = *rq_need_resched(to);
		unlock_two(rq, to);
		if (kick && to != rq)
			smp_send_resched(rq_cpu(to));
	}
}

/* The common case, inline: nothing to push (the check after every switch). */
static inline void push_pending(void)
{
	if (unlikely(!list_empty(&this_rq()->push)))
		push_pending_slow();
}

static bool may_run_on(struct mlfq_entity *e, void *cpu)
{
	return container_of(e, struct thread, sched)->cpus_allowed & (1ULL << *(uint32_t *)cpu);
}

/* Take a waiting thread from a CPU with `margin` more load than this one (an idle CPU pulls
 * with margin 1, the periodic balance with 2, so that a thread does not bounce back). Skips
 * CPUs that are idle themselves (about to run what they have). IRQs off, no run-queue lock
 * held. True if it took one. */
static bool pull_work(unsigned margin)
{
	uint32_t me = this_cpu_id();
	uint64_t others = smp_online_mask() & ~(1ULL << me);
	unsigned my_load = rq_load(me);
	for (; others; others &= others - 1) {
		uint32_t cpu = (uint32_t)__builtin_ctzll(others);
		struct runqueue *src = &runqueues[cpu], *mine = this_rq();
		if (!READ_ONCE(src->mlfq.nr_queued) || cpu_is_idle(cpu) ||
		    rq_load(cpu) < my_load + margin)
			continue;
		lock_two(mine, src);
		struct mlfq_entity *e = mlfq_take_last(&src->mlfq, may_run_on, &me);
		if (e)
			migrate_locked(src, mine, container_of(e, struct thread, sched));
		unlock_two(mine, src);
		if (e)
			return true;
	}
	return false;
}

static void make_runnable_locked(struct runqueue *rq, struct thread *t, int reason)
{
	spin_assert_held(&rq->lock);
	t->state = THREAD_RUNNABLE;
	t->wake_reason = reason;
	if (t->wake_at_ns) {
		list_remove(&t->sleep_node);
		t->wake_at_ns = 0;
	}
	if (t == rq->curr)
		return;
	if (!(t->cpus_allowed & (1ULL << rq_cpu(rq)))) {
		list_insert_between(&t->push_node, rq->push.prev, &rq->push);
		*rq_need_resched(rq) = true; /* its schedule() pushes it on */
		return;
	}
	enqueue_locked(rq, t);
}

/* Switch the CPU's per-thread state (kernel stack for traps and syscalls, FPU, TLS base). */
static void switch_thread_state(struct thread *prev, struct thread *next)
{
	if (prev->fpu_state)
		fpu_save(prev->fpu_state);
	if (next->fpu_state) {
		fpu_restore(next->fpu_state);
		wrmsr(MSR_FS_BASE, next->fs_base);
		/* Without CR4.FSGSBASE user mode cannot change either base: the thread's copies
		 * are authoritative and need no saving. */
		wrmsr(MSR_KERNEL_GS_BASE, next->gs_base);
	}
	/* [proc] A user thread runs on its process's page tables (CR3 is written only on change);
	 * a kernel thread keeps whatever is loaded, as the kernel half is the same in all. */
	if (next->proc)
		tlb_switch_mm_irqs_off(next->proc->mm);
	tss_set_kernel_stack(next->kstack_top);
	this_cpu()->kernel_rsp = next->kstack_top;
	this_cpu()->current = next;
}

static void free_thread(struct thread *t)
{
	kstack_free(t->kstack_top, KSTACK_PAGES);
	kfree(t->fpu_state);
	kfree(t);
}

/* After a switch, on the new thread's stack: take the dead thread (if any) and drop the
 * run-queue lock that the previous thread took. Its stack is freed after the unlock. */
static struct thread *finish_switch_locked(void)
{
	struct runqueue *rq = this_rq();
	spin_assert_held(&rq->lock);
	struct thread *dead = rq->dead;
	rq->dead = NULL;
	spin_unlock(&rq->lock);
	return dead;
}

/* First thing a new thread runs (from thread_entry_trampoline). */
void sched_finish_switch(void)
{
	struct thread *dead = finish_switch_locked();
	push_pending();
	irq_enable();
	if (dead)
		free_thread(dead);
}

/* Switch from prev (the current thread) to next with rq->lock held and IRQs off (flags: the
 * state to restore once prev runs again). Returns when prev is switched back to. */
static void switch_to_locked(struct runqueue *rq, struct thread *prev, struct thread *next,
			     uint64_t flags)
{
	spin_assert_held(&rq->lock);
	rq->curr = next;
	sched_stats_switch();
	switch_thread_state(prev, next);
	context_switch(&prev->saved_rsp, next->saved_rsp);
	/* Resumed (maybe on another CPU: rq is stale): whoever switched back to us holds this
	 * CPU's run-queue lock on our behalf. */
	struct thread *dead = finish_switch_locked();
	push_pending();
	irq_restore(flags);
	if (dead)
		free_thread(dead);
}

void schedule(void)
{
	uint64_t flags = irq_save();
	struct runqueue *rq = this_rq();
	spin_lock(&rq->lock);
	struct thread *prev = rq->curr;
	uint64_t me = 1ULL << this_cpu_id();
	*rq_need_resched(rq) = false;
	if (prev->state == THREAD_RUNNABLE && prev != rq->idle) {
		if (prev->cpus_allowed & me)
			mlfq_enqueue(&rq->mlfq, &prev->sched);
		else /* its affinity changed: push_pending moves it once it is switched out */
			list_insert_between(&prev->push_node, rq->push.prev, &rq->push);
	}
	struct thread *next;
	for (;;) { /* a thread whose affinity changed while it was queued is pushed on too */
		struct mlfq_entity *e = mlfq_pick_next(&rq->mlfq);
		next = e ? container_of(e, struct thread, sched) : rq->idle;
		if (next == rq->idle || (next->cpus_allowed & me))
			break;
		list_insert_between(&next->push_node, rq->push.prev, &rq->push);
	}
	if (next == prev) {
		spin_unlock(&rq->lock);
		push_pending();
		irq_restore(flags);
		return;
	}
	if (prev->state == THREAD_DEAD)
		rq->dead = prev;
	switch_to_locked(rq, prev, next, flags);
}

/* Whether what has happened to t ends a sleep of this kind (thread.h). The hints are written
 * before the waker takes t's run-queue lock (sched_wake_sleeper) and read here under it, so
 * either the sleeper sees the hint or the waker sees the sleeper blocked. */
static bool sleep_cut_short(const struct thread *t, enum sleep_kind kind)
{
	if (kind == SLEEP_UNINTERRUPTIBLE)
		return false;
	if (READ_ONCE(t->exit_pending))
		return true;
	return kind == SLEEP_INTERRUPTIBLE && READ_ONCE(t->sig_pending);
}

/* Mark the current thread t blocked (rq->lock held), with an optional deadline; a sleep that
 * something already cuts short does not begin (t stays runnable, its reason -EINTR). */
static __always_inline void block_locked(struct runqueue *rq, struct thread *t,
					 uint64_t deadline_ns, enum sleep_kind kind)
{
	spin_assert_held(&rq->lock);
	if (sleep_cut_short(t, kind)) {
		t->wake_reason = -EINTR;
		return;
	}
	t->state = THREAD_BLOCKED;
	t->wake_reason = 0;
	t->sleep_kind = kind;
	if (deadline_ns) {
		t->wake_at_ns = deadline_ns;
		sleeper_insert_locked(rq, t);
		if (list_first(&rq->sleepers, struct thread, sleep_node) == t)
			timer_arm(deadline_ns); /* the earliest: the tick may come too late */
	}
	mlfq_on_block(&t->sched);
}

/* The direct hand-off of a synchronous call (ipc/endpoint.c): instead of queueing t and
 * letting the policy pick, run it now; the current thread blocks first if `block` (one
 * run-queue lock for both). `held` (taken with spin_lock_irqsave, flags the saved state) is the
 * lock that keeps t from leaving its wait, so t cannot run or exit before our run-queue lock is
 * taken; it is released here, and with it `wait_lock` (NULL or the lock of the wait queue the
 * current thread sleeps on: released only once the thread is marked blocked, so that a waker
 * cannot miss it). Falls back to an ordinary wake (and block) when t belongs to another CPU or
 * is not blocked any more. */
static int hand_off(struct thread *t, int reason, bool block, uint64_t deadline_ns,
		    enum sleep_kind kind, struct spinlock *wait_lock, struct spinlock *held,
		    uint64_t flags)
{
	struct thread *self = current_thread();
	struct runqueue *rq = this_rq();
	if (t->cpu != this_cpu_id() || !(t->cpus_allowed & (1ULL << this_cpu_id()))) {
		if (block) /* before the locks drop: no lost wake-up */
			sched_prepare_block(deadline_ns, kind);
		sched_wake(t, reason);
		if (wait_lock)
			spin_unlock(wait_lock);
		spin_unlock_irqrestore(held, flags);
		return block ? sched_block_finish() : 0;
	}
	spin_lock(&rq->lock);
	if (block) /* before the locks drop: a waker needs our run-queue lock after them */
		block_locked(rq, self, deadline_ns, kind);
	if (wait_lock)
		spin_unlock(wait_lock);
	spin_unlock(held); /* IRQs stay off until the switch is done */
	if (t->state != THREAD_BLOCKED) {
		spin_unlock(&rq->lock);
		irq_restore(flags);
		return block ? sched_block_finish() : 0;
	}
	t->state = THREAD_RUNNABLE;
	t->wake_reason = reason;
	if (t->wake_at_ns) {
		list_remove(&t->sleep_node);
		t->wake_at_ns = 0;
	}
	if (self->state == THREAD_RUNNABLE)
		mlfq_enqueue(&rq->mlfq, &self->sched);
	*rq_need_resched(rq) = false;
	switch_to_locked(rq, self, t, flags);
	return block ? self->wake_reason : 0;
}

int sched_wake_and_switch(struct thread *t, int reason, struct spinlock *held, uint64_t flags)
{
	return hand_off(t, reason, false, 0, SLEEP_UNINTERRUPTIBLE, NULL, held, flags);
}

int sched_block_and_switch(struct thread *t, uint64_t deadline_ns, enum sleep_kind kind,
			   struct spinlock *wait_lock, struct spinlock *held, uint64_t flags)
{
	return hand_off(t, 0, true, deadline_ns, kind, wait_lock, held, flags);
}

void sched_yield(void)
{
	schedule();
}

void sched_preempt_point(void)
{
	if (sched_need_resched())
		schedule();
}

/* Sampled accounting: the whole tick goes to whoever it interrupted. The counters are only
 * added to here (atomically: threads of one process tick on different CPUs). True when the
 * process reached its RLIMIT_CPU again or one of its CPU-time interval timers expired (the way
 * back to user mode sends the signal). */
static bool charge_tick(struct thread *t, bool from_user)
{
	bool niced = t->proc && READ_ONCE(t->proc->nice) > 0;
	sched_stats_tick(!from_user ? CPU_TIME_SYSTEM : niced ? CPU_TIME_NICE : CPU_TIME_USER);
	struct process *p = t->proc;
	if (!p)
		return false;
	__atomic_fetch_add(from_user ? &t->utime_ns : &t->stime_ns, NSEC_PER_SEC / TIMER_HZ,
			   __ATOMIC_RELAXED);
	uint64_t *counter = from_user ? &p->utime_ns : &p->stime_ns;
	uint64_t other = __atomic_load_n(from_user ? &p->stime_ns : &p->utime_ns,
					 __ATOMIC_RELAXED);
	uint64_t before = __atomic_fetch_add(counter, NSEC_PER_SEC / TIMER_HZ, __ATOMIC_RELAXED);
	bool itimer = cpu_itimer_tick(p, from_user);
	return rlimit_cpu_tick(p, before + other, before + other + NSEC_PER_SEC / TIMER_HZ) ||
	       itimer;
}

/* Wake the sleepers whose deadline has come, and have the timer come back for the next. */
static void wake_sleepers_locked(struct runqueue *rq, uint64_t now)
{
	spin_assert_held(&rq->lock);
	while (!list_empty(&rq->sleepers)) {
		struct thread *t = list_first(&rq->sleepers, struct thread, sleep_node);
		if (t->wake_at_ns > now) {
			timer_arm(t->wake_at_ns);
			break;
		}
		make_runnable_locked(rq, t, -ETIMEDOUT);
	}
}

void sched_tick(bool from_user, bool tick)
{
	struct runqueue *rq = this_rq();
	uint64_t now = time_monotonic_ns();
	bool cpu_limit = false;
	if (tick && rq->curr != rq->idle)
		cpu_limit = charge_tick(rq->curr, from_user);
	else if (tick)
		sched_stats_tick(CPU_TIME_IDLE);
	if (tick && this_cpu_id() == 0)
		sched_stats_load_sample(now);
	spin_lock(&rq->lock); /* called from the timer interrupt: IRQs are already off */
	wake_sleepers_locked(rq, now);
	struct mlfq_entity *cur = rq->curr == rq->idle ? NULL : &rq->curr->sched;
	if ((tick && mlfq_tick(&rq->mlfq, cur)) || cpu_limit)
		*rq_need_resched(rq) = true; /* RLIMIT_CPU: through return_to_user_work */
	spin_unlock(&rq->lock);
	/* Periodic balancing, staggered by CPU so that two CPUs do not pull from each other at
	 * the same moment. */
	if (tick && (timer_ticks_this_cpu() + this_cpu_id()) % BALANCE_TICKS == 0)
		pull_work(2);
}

void sched_prepare_block(uint64_t deadline_ns, enum sleep_kind kind)
{
	uint64_t flags = irq_save();
	struct runqueue *rq = this_rq();
	spin_lock(&rq->lock);
	block_locked(rq, rq->curr, deadline_ns, kind);
	spin_unlock(&rq->lock);
	irq_restore(flags);
}

int sched_block_finish(void)
{
	struct thread *t = current_thread();
	schedule();
	return t->wake_reason;
}

/* Make t runnable if it is blocked and `wakes` says so, under t's run-queue lock. */
/* A thread running on another CPU is interrupted at once when `kick_running` (to see a signal
 * or an exit); a CPU asked to switch is sent the request. */
static bool wake_if(struct thread *t, int reason, bool (*wakes)(const struct thread *t),
		    bool kick_running)
{
	uint64_t flags;
	struct runqueue *rq = lock_thread_rq(t, &flags);
	bool woken = t->state == THREAD_BLOCKED && (!wakes || wakes(t));
	if (woken)
		make_runnable_locked(rq, t, reason);
	bool kick = rq != this_rq() && (woken ? *rq_need_resched(rq) : kick_running && rq->curr == t);
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		smp_send_resched(rq_cpu(rq));
	return woken;
}

bool sched_wake(struct thread *t, int reason)
{
	return wake_if(t, reason, NULL, false);
}

static bool sleep_ends_now(const struct thread *t)
{
	return sleep_cut_short(t, t->sleep_kind);
}

bool sched_wake_sleeper(struct thread *t)
{
	return wake_if(t, -EINTR, sleep_ends_now, true);
}

int sched_sleep_until(uint64_t deadline_ns, enum sleep_kind kind)
{
	if (deadline_ns <= time_monotonic_ns())
		return 0;
	sched_prepare_block(deadline_ns, kind);
	int reason = sched_block_finish();
	return reason == -ETIMEDOUT ? 0 : reason;
}

/* A new thread goes to the least loaded CPU it may run on (this one on a tie). */
void sched_add_thread(struct thread *t)
{
	uint64_t flags = irq_save();
	struct runqueue *from = &runqueues[t->cpu], *to = &runqueues[pick_cpu(t->cpus_allowed)];
	lock_two(from, to);
	ASSERT(t->state == THREAD_NEW);
	t->state = THREAD_RUNNABLE;
	migrate_locked(from, to, t);
	bool kick = *rq_need_resched(to);
	unlock_two(from, to);
	if (kick)
		smp_send_resched(rq_cpu(to));
	irq_restore(flags);
}

void sched_set_affinity(struct thread *t, uint64_t mask)
{
	uint64_t flags;
	struct runqueue *rq = lock_thread_rq(t, &flags);
	WRITE_ONCE(t->cpus_allowed, mask);
	bool move = !(mask & (1ULL << rq_cpu(rq))), kick = false;
	if (move && t->sched.queued) {
		mlfq_dequeue(&rq->mlfq, &t->sched);
		list_insert_between(&t->push_node, rq->push.prev, &rq->push);
		kick = true;
	} else if (move && rq->curr == t) {
		kick = true; /* its schedule() pushes it */
	}
	if (kick)
		*rq_need_resched(rq) = true;
	spin_unlock_irqrestore(&rq->lock, flags);
	if (kick)
		smp_send_resched(rq_cpu(rq)); /* nothing when it is this CPU: the caller switches */
}

/* setpriority: the nice value moves the thread's base level (and its current level there). */
void sched_set_nice(struct thread *t, int nice)
{
	uint64_t flags;
	struct runqueue *rq = lock_thread_rq(t, &flags);
	mlfq_set_nice(&rq->mlfq, &t->sched, nice);
	spin_unlock_irqrestore(&rq->lock, flags);
}

unsigned sched_nr_running(void)
{
	unsigned n = 0, cpus = READ_ONCE(nr_cpus);
	for (unsigned i = 0; i < cpus; i++) {
		struct runqueue *rq = &runqueues[i];
		n += READ_ONCE(rq->mlfq.nr_queued) + (READ_ONCE(rq->curr) != rq->idle);
	}
	return n;
}

unsigned sched_nr_cpus(void)
{
	return READ_ONCE(nr_cpus);
}

__noreturn void sched_idle(void)
{
	for (;;) {
		irq_enable();
		sched_preempt_point();
		/* Halt only if no reschedule is pending; "sti; hlt" lets no interrupt slip between
		 * the check and the halt. */
		irq_disable();
		if (!sched_need_resched() && pull_work(1))
			continue;
		if (!sched_need_resched())
			__asm__ volatile("sti; hlt" ::: "memory");
	}
}

void sched_init_cpu(uint64_t stack_top)
{
	struct runqueue *rq = this_rq();
	rq->lock = (struct spinlock)SPINLOCK_INIT("runqueue");
	mlfq_rq_init(&rq->mlfq);
	list_init(&rq->sleepers);
	list_init(&rq->push);
	struct thread *idle = thread_adopt_boot_context("idle", stack_top);
	if (!idle)
		panic("sched: no memory for the idle thread");
	idle->cpu = this_cpu_id();
	rq->idle = rq->curr = idle;
	this_cpu()->current = idle;
	__atomic_fetch_add(&nr_cpus, 1, __ATOMIC_RELAXED);
}
