/* Scheduler statistics: per-CPU tick counters, context switches and the load average (see
 * sched/stats.h). */
#include <sched/stats.h>
#include <arch/x86_64/percpu.h>
#include <core/compiler.h>
#include <core/ktest.h>

struct cpu_stats {
	uint64_t ticks[CPU_TIME_KINDS];
	uint64_t switches;
} __aligned(64); /* one cache line per CPU: each is written by its own CPU only */

static struct cpu_stats cpu_stats[MAX_CPUS];
static uint64_t loadavg[3]; /* written by CPU 0's tick only */
static uint64_t next_sample_ns = LOADAVG_PERIOD_NS;

static const uint64_t loadavg_exp[3] = { LOADAVG_EXP_1, LOADAVG_EXP_5, LOADAVG_EXP_15 };

void sched_stats_tick(enum cpu_time_kind kind)
{
	__atomic_fetch_add(&cpu_stats[this_cpu_id()].ticks[kind], 1, __ATOMIC_RELAXED);
}

void sched_stats_switch(void)
{
	__atomic_fetch_add(&cpu_stats[this_cpu_id()].switches, 1, __ATOMIC_RELAXED);
}

void sched_stats_load_sample(uint64_t now_ns)
{
	if (now_ns < next_sample_ns)
		return;
	next_sample_ns = now_ns + LOADAVG_PERIOD_NS;
	uint64_t active = sched_nr_running();
	for (int i = 0; i < 3; i++)
		__atomic_store_n(&loadavg[i], loadavg_step(loadavg[i], loadavg_exp[i], active),
				 __ATOMIC_RELAXED);
}

uint64_t sched_stats_cpu_ticks(uint32_t cpu, enum cpu_time_kind kind)
{
	return cpu < MAX_CPUS ? __atomic_load_n(&cpu_stats[cpu].ticks[kind], __ATOMIC_RELAXED) : 0;
}

uint64_t sched_stats_switches(void)
{
	uint64_t n = 0;
	for (int i = 0; i < MAX_CPUS; i++)
		n += __atomic_load_n(&cpu_stats[i].switches, __ATOMIC_RELAXED);
	return n;
}

void sched_stats_loadavg(uint64_t avg[3])
{
	for (int i = 0; i < 3; i++)
		avg[i] = __atomic_load_n(&loadavg[i], __ATOMIC_RELAXED);
}

/* A constant load of 2 pulls the 1-minute average to 2.00 within ten minutes of samples and
 * the average falls back toward 0 once the load goes; the 15-minute one moves slowest. */
KTEST(sched_loadavg_step)
{
	uint64_t one = 0, fifteen = 0;
	for (int i = 0; i < 12 * 10; i++) { /* ten minutes of 5 s samples */
		one = loadavg_step(one, LOADAVG_EXP_1, 2);
		fifteen = loadavg_step(fifteen, LOADAVG_EXP_15, 2);
	}
	KEXPECT(one > 2 * LOADAVG_FIXED_1 - LOADAVG_FIXED_1 / 100 && one <= 2 * LOADAVG_FIXED_1);
	KEXPECT(fifteen > 0 && fifteen < one);
	uint64_t before = one;
	one = loadavg_step(one, LOADAVG_EXP_1, 0);
	KEXPECT(one < before);
}
