/* The scheduler: one run queue per CPU (MLFQ policy, sched/mlfq.c), preemption on the timer
 * tick at interrupt exit, blocking and waking, timed sleeps.
 *
 * Locking: each run queue has an IRQ-safe lock guarding its queue, its sleep list, and the
 * state/sched fields of the threads that belong to it. It is held across the context switch and
 * released by the thread switched to. Lock order: wait-queue locks before run-queue locks. */
#ifndef SCHED_SCHED_H
#define SCHED_SCHED_H

#include <stdbool.h>
#include <stdint.h>
#include <core/compiler.h>
#include <sched/thread.h>

/* Turn the boot flow of this CPU into its idle thread (it runs when nothing else can), on the
 * stack whose top is stack_top (0: the boot CPU's). */
void sched_init_cpu(uint64_t stack_top);
/* The idle loop: the boot flow ends here once it has started the first threads. */
__attribute__((noreturn)) void sched_idle(void);
/* Give up the CPU: the current thread stays runnable unless it marked itself blocked
 * (sched_prepare_block) first. */
void schedule(void);
void sched_yield(void);
/* Called from every timer interrupt (arch/x86_64/timer.h's hook): wake expired sleepers and
 * arm the timer for the next; on a tick also charge it (to user or system time of the current
 * process, by where it landed) and maybe preempt. */
void sched_tick(bool from_user, bool tick);
/* At interrupt exit / return to user: switch if a reschedule was requested. */
void sched_preempt_point(void);
static inline bool sched_need_resched(void)
{
	return READ_ONCE(this_cpu()->need_resched);
}

/* Blocking protocol: sched_prepare_block() marks current as blocked (with an optional deadline,
 * 0 = none, and the kind of the sleep, thread.h); then the caller drops its own lock and calls
 * sched_block_finish(). Any sched_wake() in between is not lost: it makes the thread runnable
 * again and the switch returns at once. A sleep whose kind ends on something already pending
 * (a signal, an exit) does not begin. Returns the reason it woke: 0, -ETIMEDOUT, or what the
 * waker passed (-EINTR for signals and exits). */
void sched_prepare_block(uint64_t deadline_ns, enum sleep_kind kind);
int sched_block_finish(void);
/* Make t runnable if it is blocked; `reason` is what its sched_block_finish returns. Returns
 * whether it was blocked. A thread not yet started (THREAD_NEW) is left alone. */
bool sched_wake(struct thread *t, int reason);
/* Wake t with -EINTR if its sleep's kind ends on what t now has pending. The caller first
 * sets the hint (t->sig_pending or t->exit_pending); the check is made under t's run-queue
 * lock, the same as the sleeper's, so no signal or exit is missed. */
bool sched_wake_sleeper(struct thread *t);

/* Make the blocked thread t runnable and switch to it at once, bypassing the run queue (the
 * synchronous-call hand-off); the current thread stays runnable (queued; returns 0).
 * `held`, taken with spin_lock_irqsave giving flags, is a lock that keeps t in its wait; it is
 * released. Falls back to sched_wake when t is on another CPU or awake. */
struct spinlock;
int sched_wake_and_switch(struct thread *t, int reason, struct spinlock *held, uint64_t flags);
/* The same, but the current thread blocks (as sched_prepare_block(deadline_ns), under the same
 * run-queue lock) and the call returns like sched_block_finish once it is woken. wait_lock
 * (NULL, or the held lock of the wait queue the current thread is on) is released too, once
 * the thread is marked blocked. */
int sched_block_and_switch(struct thread *t, uint64_t deadline_ns, enum sleep_kind kind,
			   struct spinlock *wait_lock, struct spinlock *held, uint64_t flags);

/* Sleep until the monotonic clock reaches deadline_ns; 0 or -ETIMEDOUT semantics folded: returns
 * 0 when the time passed, or the wake reason of an early wake (-EINTR). */
int sched_sleep_until(uint64_t deadline_ns, enum sleep_kind kind);

/* A system call's relative timeout (a struct linux_timespec in user memory; NULL: none) as a
 * deadline on the monotonic clock for the sleeps above (0: none; never 0 otherwise). 0,
 * -EFAULT, or -EINVAL for a negative or unnormalised value. */
int timeout_from_user(const void __user *uts, uint64_t *deadline);

/* Start a new thread (THREAD_NEW): it joins the current CPU's run queue. */
void sched_add_thread(struct thread *t);
/* sched_setaffinity: t may run only on the CPUs of mask (online ones, at least one). A thread
 * running or queued where it may no longer run is moved (the caller, at its next preemption
 * point); a sleeping one moves when it wakes. */
void sched_set_affinity(struct thread *t, uint64_t mask);
/* Set t's nice value (NICE_MIN..NICE_MAX, clamped): it moves t's MLFQ base level. */
void sched_set_nice(struct thread *t, int nice);

#endif
