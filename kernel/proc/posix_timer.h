/* POSIX per-process timers (timer_create(2), timer_settime, timer_gettime, timer_getoverrun,
 * timer_delete): the hooks the rest of proc/ calls. Wall-clock timers expire through the
 * real-time timer thread of signal.c (struct itimer_real entries), CPU-time ones are checked on
 * the way back to user mode after a tick (cpu_itimer.c). A timer's signal is queued at most once:
 * a periodic timer is re-armed when its signal is taken, counting the expirations missed
 * meanwhile as overruns (Linux's posixtimer_rearm).
 *
 * Locks: ptimer_lock (a leaf but for the itimer lock) guards every process's ptimers list and
 * every field of its timers. Order: process_tree_lock before sh->lock before ptimer_lock before
 * the itimer lock. */
#ifndef PROC_POSIX_TIMER_H
#define PROC_POSIX_TIMER_H

#include <stdbool.h>
#include <uapi/signal.h>

struct process;

/* From the real-time timer thread: timer `id` of process `pid` reached its deadline. */
void posix_timer_fire(int pid, int id);
/* From signal delivery, sh->lock held: p's timer signal `info` is being taken: fill in its
 * si_overrun (kept for timer_getoverrun) and re-arm a periodic timer. */
void posix_timer_dequeued_locked(struct process *p, k_siginfo_t *info);
/* Exit and exec: delete every timer of p. */
void posix_timers_delete_all(struct process *p);
/* /proc/<pid>/timers: Linux's four lines per timer of p into buf: the length, at most size.
 * process_tree_lock held. */
long posix_timers_show_locked(struct process *p, char *buf, size_t size);
/* On the way back to user mode after a tick found armed CPU-time timers: fire those due. */
void posix_cpu_timers_check(struct process *p);

#endif
