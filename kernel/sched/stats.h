/* Scheduler statistics for /proc/stat and /proc/loadavg: CPU time per CPU in timer ticks (user,
 * nice, system, idle, as sampled by the tick), context switches, and Linux's load average — an
 * exponentially damped count of runnable threads, sampled every LOADAVG_PERIOD_NS.
 *
 * Locking: none. Each CPU's counters are written only by that CPU (relaxed atomics) and read by
 * anyone; the load average is written only by CPU 0's tick. Readers see a recent snapshot. */
#ifndef SCHED_STATS_H
#define SCHED_STATS_H

#include <stdint.h>

enum cpu_time_kind {
	CPU_TIME_USER,
	CPU_TIME_NICE, /* user time of a process with a positive nice value */
	CPU_TIME_SYSTEM,
	CPU_TIME_IDLE,
	CPU_TIME_KINDS,
};

/* Fixed-point load averages as Linux keeps them (kernel/sched/loadavg.c): 11 fractional bits,
 * and the decay factors exp(-5 s / 1, 5, 15 min) in that scale. */
#define LOADAVG_FSHIFT 11
#define LOADAVG_FIXED_1 (1ULL << LOADAVG_FSHIFT)
#define LOADAVG_EXP_1 1884ULL
#define LOADAVG_EXP_5 2014ULL
#define LOADAVG_EXP_15 2037ULL
#define LOADAVG_PERIOD_NS (5ULL * 1000000000ULL)

/* One tick of this CPU went to `kind` (called from sched_tick). */
void sched_stats_tick(enum cpu_time_kind kind);
/* This CPU switched threads (called from schedule). */
void sched_stats_switch(void);
/* The load sample: called by sched_tick on CPU 0 with the monotonic time; every
 * LOADAVG_PERIOD_NS it folds the number of runnable threads into the averages. */
void sched_stats_load_sample(uint64_t now_ns);

/* Ticks (TIMER_HZ) of `kind` on cpu since boot. */
uint64_t sched_stats_cpu_ticks(uint32_t cpu, enum cpu_time_kind kind);
/* Context switches on every CPU since boot. */
uint64_t sched_stats_switches(void);
/* The 1, 5 and 15 minute averages, fixed point (LOADAVG_FSHIFT fractional bits). */
void sched_stats_loadavg(uint64_t avg[3]);

/* One step of the average: load decays by exp toward active (a whole count of threads). Pure. */
static inline uint64_t loadavg_step(uint64_t load, uint64_t exp, uint64_t active)
{
	uint64_t target = active * LOADAVG_FIXED_1;
	uint64_t next = load * exp + target * (LOADAVG_FIXED_1 - exp);
	/* Round up while rising, as Linux does, so a steady load is eventually reached. */
	if (target >= load)
		next += LOADAVG_FIXED_1 - 1;
	return next / LOADAVG_FIXED_1;
}

/* From sched.c: threads running or waiting to run on every CPU (a racy snapshot), and the
 * CPUs that have a run queue. */
unsigned sched_nr_running(void);
unsigned sched_nr_cpus(void);

#endif
