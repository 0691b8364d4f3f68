/* The kernel's clocks: calibrates the TSC and the LAPIC timer against the HPET main counter (the
 * PIT's channel 2 when there is no HPET), registers the monotonic clock source (the TSC when it
 * is invariant, else the HPET), and runs each CPU's LAPIC timer in one-shot mode: it is always
 * armed for the next tick (TIMER_HZ) or, when timer_arm asked for one, an earlier deadline, so
 * that a sleep ends when it should rather than at the tick after. */
#include <arch/x86_64/timer.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/hpet.h>
#include <arch/x86_64/lapic.h>
#include <arch/x86_64/percpu.h>
#include <arch/x86_64/pit.h>
#include <arch/x86_64/trap.h>
#include <arch/x86_64/tsc.h>
#include <drivers/acpi.h>
#include <core/compiler.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/time.h>
#include <uapi/errno.h>

#define CAL_ROUNDS 5
#define CAL_WINDOW_NS (10 * NSEC_PER_MSEC)
#define CAL_PIT_TICKS (PIT_HZ / 100) /* 10 ms */
/* A reference that has not advanced after this many TSC cycles is dead. Also keeps
 * cycles * NSEC_PER_SEC below 2^64. */
#define CAL_TIMEOUT_CYCLES (1ULL << 33)
#define HZ_PER_KHZ 1000

struct cal_round {
	uint64_t ns; /* reference time elapsed */
	uint64_t tsc; /* TSC cycles meanwhile */
	uint32_t lapic; /* LAPIC timer clocks meanwhile (when measured) */
};

#define TICK_NS (NSEC_PER_SEC / TIMER_HZ)
/* An interrupt this close before the tick is due is the tick: the LAPIC timer and the clock
 * source are calibrated apart and may disagree by a hair. */
#define TICK_EARLY_NS (20 * NSEC_PER_USEC)

/* Each CPU's timer, on its own cache line; per-CPU: only that CPU touches it, interrupts off. */
static struct cpu_timer {
	uint64_t ticks; /* read by others (timer_ticks) */
	uint64_t next_tick_ns; /* monotonic time the next tick is due */
	uint64_t armed_ns; /* monotonic time the programmed interrupt comes */
} __aligned(64) cpu_timers[MAX_CPUS];
static tick_hook_t tick_hook;
static uint64_t lapic_timer_hz; /* the boot CPU's calibration (after the divider), for all CPUs */

static const struct clocksource tsc_clock = { .name = "tsc", .read_ns = tsc_read_ns };
static const struct clocksource hpet_clock = { .name = "hpet", .read_ns = hpet_read_ns };

/* Each end of the window samples reference, TSC, LAPIC in the same order, so their read
 * latencies cancel. */
static int round_hpet(struct cal_round *r, bool lapic)
{
	uint64_t h0 = hpet_counter(), t0 = rdtsc_ordered(), h1, t1;
	uint32_t l0 = lapic ? lapic_timer_count() : 0;
	do {
		h1 = hpet_counter();
		t1 = rdtsc_ordered();
		if (t1 - t0 > CAL_TIMEOUT_CYCLES)
			return -ETIMEDOUT;
	} while (hpet_ticks_to_ns(h1 - h0) < CAL_WINDOW_NS);
	r->lapic = lapic ? l0 - lapic_timer_count() : 0;
	r->tsc = t1 - t0;
	r->ns = hpet_ticks_to_ns(h1 - h0);
	return 0;
}

static int round_pit(struct cal_round *r, bool lapic)
{
	pit_oneshot_start(CAL_PIT_TICKS);
	uint64_t t0 = rdtsc_ordered(), t1;
	uint32_t l0 = lapic ? lapic_timer_count() : 0;
	do {
		t1 = rdtsc_ordered();
		if (t1 - t0 > CAL_TIMEOUT_CYCLES)
			return -ETIMEDOUT;
	} while (!pit_oneshot_done());
	r->lapic = lapic ? l0 - lapic_timer_count() : 0;
	r->tsc = t1 - t0;
	r->ns = (uint64_t)CAL_PIT_TICKS * NSEC_PER_SEC / PIT_HZ;
	return 0;
}

static uint64_t median(uint64_t *v, int n)
{
	for (int i = 1; i < n; i++) /* insertion sort: n is CAL_ROUNDS */
		for (int j = i; j > 0 && v[j - 1] > v[j]; j--) {
			uint64_t tmp = v[j];
			v[j] = v[j - 1];
			v[j - 1] = tmp;
		}
	return v[n / 2];
}

/* Rounds that time out or see no time pass are dropped; the median of the rest resists the
 * outliers an emulator's host scheduling produces. */
static int calibrate_rounds(enum timer_ref ref, uint64_t *tsc_hz_out, uint64_t *lapic_hz_out)
{
	uint64_t tsc_f[CAL_ROUNDS], lapic_f[CAL_ROUNDS];
	int n = 0;
	for (int i = 0; i < CAL_ROUNDS; i++) {
		struct cal_round r;
		if (lapic_hz_out)
			lapic_timer_start_free();
		bool lapic = lapic_hz_out != NULL;
		int err = ref == TIMER_REF_HPET ? round_hpet(&r, lapic) : round_pit(&r, lapic);
		if (err || r.ns == 0 || r.tsc == 0)
			continue;
		tsc_f[n] = r.tsc * NSEC_PER_SEC / r.ns;
		lapic_f[n++] = (uint64_t)r.lapic * NSEC_PER_SEC / r.ns;
	}
	if (lapic_hz_out)
		lapic_timer_stop();
	if (n == 0)
		return -ETIMEDOUT;
	*tsc_hz_out = median(tsc_f, n);
	if (lapic_hz_out)
		*lapic_hz_out = median(lapic_f, n);
	return 0;
}

int timer_calibrate(enum timer_ref ref, uint64_t *tsc_hz_out, uint64_t *lapic_hz_out)
{
	if (ref == TIMER_REF_HPET && !hpet_available())
		return -ENODEV;
	uint64_t flags = irq_save();
	int err = calibrate_rounds(ref, tsc_hz_out, lapic_hz_out);
	irq_restore(flags);
	return err;
}

/* Program this CPU's one-shot timer for deadline (monotonic ns). Interrupts off. */
static void program(struct cpu_timer *ct, uint64_t deadline, uint64_t now)
{
	/* Never further than a tick away (keeps the product below 2^64). */
	uint64_t delta = deadline > now ? MIN(deadline - now, 2 * TICK_NS) : 0;
	uint64_t count = delta * lapic_timer_hz / NSEC_PER_SEC;
	ct->armed_ns = deadline;
	lapic_timer_set_count(count ? (uint32_t)MIN(count, UINT32_MAX) : 1);
}

void timer_arm(uint64_t deadline_ns)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu_id()];
	if (deadline_ns < ct->armed_ns)
		program(ct, deadline_ns, time_monotonic_ns());
}

static void timer_irq(struct trap_frame *f)
{
	uint32_t cpu = this_cpu_id();
	struct cpu_timer *ct = &cpu_timers[cpu];
	uint64_t now = time_monotonic_ns();
	bool tick = now + TICK_EARLY_NS >= ct->next_tick_ns;
	if (tick) {
		WRITE_ONCE(ct->ticks, ct->ticks + 1);
		ct->next_tick_ns += TICK_NS;
		if (ct->next_tick_ns <= now) /* fell behind (the emulator paused): no burst */
			ct->next_tick_ns = now + TICK_NS;
		if (cpu == 0)
			hpet_keepalive();
	}
	program(ct, ct->next_tick_ns, now); /* the hook may ask for an earlier one */
	tick_hook_t hook = READ_ONCE(tick_hook);
	if (hook)
		hook(trap_from_user(f), tick);
}

/* Start this CPU's timer: one-shot mode, first tick a period from now. */
static void start_cpu_timer(void)
{
	struct cpu_timer *ct = &cpu_timers[this_cpu_id()];
	uint64_t now = time_monotonic_ns();
	ct->next_tick_ns = now + TICK_NS;
	lapic_timer_oneshot(VECTOR_TIMER);
	program(ct, ct->next_tick_ns, now);
}

/* The invariant TSC is the cheapest good clock; without it the TSC may change rate or stop in
 * deep C-states, so the HPET is preferred, and a variable TSC is the last resort. */
static void choose_clocksource(bool have_hpet)
{
	const struct clocksource *cs = &tsc_clock;
	if (!tsc_is_invariant() && have_hpet)
		cs = &hpet_clock;
	else if (!tsc_is_invariant())
		pr_warn("timer: TSC not invariant and no HPET; the clock may drift\n");
	clocksource_register(cs);
	uint64_t khz = tsc_khz();
	pr_info("TSC: %lu.%03lu MHz, %s; clock source %s\n", khz / HZ_PER_KHZ, khz % HZ_PER_KHZ,
		tsc_is_invariant() ? "invariant" : "not invariant", cs->name);
}

static void start_tick(uint64_t lapic_hz, const char *ref_name)
{
	if (lapic_hz / TIMER_HZ == 0)
		panic("timer: LAPIC timer clock of %lu Hz is too slow for %u Hz", lapic_hz, TIMER_HZ);
	lapic_timer_hz = lapic_hz;
	int err = irq_register(VECTOR_TIMER, timer_irq);
	if (err)
		panic("timer: cannot register vector %#x (%d)", VECTOR_TIMER, err);
	start_cpu_timer();
	uint64_t khz = lapic_hz / HZ_PER_KHZ;
	pr_info("LAPIC timer: one-shot, %u Hz tick (%lu.%03lu MHz after /%u; calibrated against "
		"%s)\n", TIMER_HZ, khz / HZ_PER_KHZ, khz % HZ_PER_KHZ, LAPIC_TIMER_DIVIDER,
		ref_name);
}

void timer_init(void)
{
	bool have_hpet = acpi_info.hpet_phys && hpet_init(acpi_info.hpet_phys) == 0;
	enum timer_ref ref = have_hpet ? TIMER_REF_HPET : TIMER_REF_PIT;
	const char *ref_name = have_hpet ? "HPET" : "PIT";
	uint64_t tsc_f, lapic_f;
	int err = timer_calibrate(ref, &tsc_f, &lapic_f);
	if (err)
		panic("timer: no reference clock: %s calibration failed (%d)", ref_name, err);
	tsc_set_hz(tsc_f);
	choose_clocksource(have_hpet);
	start_tick(lapic_f, ref_name);
}

void timer_init_ap(void)
{
	start_cpu_timer();
}

uint64_t timer_ticks(void)
{
	return READ_ONCE(cpu_timers[0].ticks);
}

uint64_t timer_ticks_this_cpu(void)
{
	return READ_ONCE(cpu_timers[this_cpu_id()].ticks);
}

tick_hook_t timer_set_tick_hook(tick_hook_t hook)
{
	return __atomic_exchange_n(&tick_hook, hook, __ATOMIC_ACQ_REL);
}

void udelay(uint64_t us)
{
	if (!clocksource_current()) {
		pit_udelay(us);
		return;
	}
	uint64_t ns = us > UINT64_MAX / NSEC_PER_USEC ? UINT64_MAX : us * NSEC_PER_USEC;
	uint64_t start = time_monotonic_ns();
	while (time_monotonic_ns() - start < ns)
		cpu_relax();
}
