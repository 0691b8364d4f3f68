/* HPET driver: register offsets and bits from the IA-PC HPET specification 1.0a, section 2.3.
 * Only the main counter is used. A 32-bit counter (COUNT_SIZE_CAP clear) is widened in software
 * and must be read at least once per wrap (about 300 s at 14.3 MHz); the timer tick does that. */
#include <arch/x86_64/hpet.h>
#include <core/compiler.h>
#include <core/spinlock.h>
#include <core/printk.h>
#include <mm/vmap.h>
#include <uapi/errno.h>

#define HPET_MMIO_SIZE 0x400
#define HPET_GCAP_ID 0x000
#define HPET_GEN_CONF 0x010
#define HPET_MAIN_COUNTER 0x0f0
#define HPET_TIMER_CONF(n) (0x100 + 0x20 * (n))

#define GCAP_PERIOD_SHIFT 32
#define GCAP_COUNT_64BIT (1ULL << 13)
#define GCAP_NUM_TIMERS(cap) ((((cap) >> 8) & 0x1f) + 1)
#define GEN_CONF_ENABLE (1ULL << 0)
#define GEN_CONF_LEGACY_ROUTE (1ULL << 1)
#define TIMER_CONF_INT_ENABLE (1ULL << 2)

#define HPET_MAX_PERIOD_FS 100000000ULL /* the spec's upper bound: 100 ns */
#define FSEC_PER_NSEC 1000000ULL
#define NS_MULT_SHIFT 32
#define LOW32_MASK 0xffffffffULL

/* Set by hpet_init on the boot CPU, read-only afterwards. */
static volatile uint8_t *regs;
static uint64_t period_fs;
static uint64_t ns_mult; /* ns = ticks * ns_mult >> NS_MULT_SHIFT */
static bool counter_64bit;

/* 32-bit counters only: the last widened value. */
static struct spinlock widen_lock = SPINLOCK_INIT("hpet_widen");
static uint64_t widened_last; /* guarded by widen_lock */

static uint64_t reg_read(uint32_t off)
{
	return *(volatile uint64_t *)(regs + off);
}

static void reg_write(uint32_t off, uint64_t v)
{
	*(volatile uint64_t *)(regs + off) = v;
}

bool hpet_available(void)
{
	return regs != NULL;
}

uint64_t hpet_period_fs(void)
{
	return period_fs;
}

static uint64_t counter_widened(void)
{
	uint64_t f = spin_lock_irqsave(&widen_lock);
	uint32_t now = (uint32_t)reg_read(HPET_MAIN_COUNTER);
	uint64_t v = (widened_last & ~LOW32_MASK) | now;
	if (v < widened_last)
		v += LOW32_MASK + 1;
	widened_last = v;
	spin_unlock_irqrestore(&widen_lock, f);
	return v;
}

uint64_t hpet_counter(void)
{
	return counter_64bit ? reg_read(HPET_MAIN_COUNTER) : counter_widened();
}

void hpet_keepalive(void)
{
	if (regs && !counter_64bit)
		(void)counter_widened();
}

uint64_t hpet_ticks_to_ns(uint64_t ticks)
{
	return (uint64_t)(((unsigned __int128)ticks * ns_mult) >> NS_MULT_SHIFT);
}

uint64_t hpet_read_ns(void)
{
	return hpet_ticks_to_ns(hpet_counter());
}

/* No comparator may interrupt: the kernel routes none of them. Legacy replacement routing is
 * turned off so that ISA IRQ 0 and 8 keep their usual sources. */
static void quiesce_and_start(uint64_t cap)
{
	for (uint32_t n = 0; n < GCAP_NUM_TIMERS(cap); n++)
		reg_write(HPET_TIMER_CONF(n), reg_read(HPET_TIMER_CONF(n)) & ~TIMER_CONF_INT_ENABLE);
	uint64_t conf = reg_read(HPET_GEN_CONF) & ~GEN_CONF_LEGACY_ROUTE;
	reg_write(HPET_GEN_CONF, conf | GEN_CONF_ENABLE);
}

int hpet_init(uint64_t phys)
{
	volatile uint8_t *r = ioremap(phys, HPET_MMIO_SIZE);
	if (!r)
		return -ENODEV;
	uint64_t cap = *(volatile uint64_t *)(r + HPET_GCAP_ID);
	uint64_t period = cap >> GCAP_PERIOD_SHIFT;
	if (period == 0 || period > HPET_MAX_PERIOD_FS) {
		pr_warn("HPET at %#lx: period %lu fs is invalid; not used\n", phys, period);
		return -ENODEV; /* the mapping stays: a few KiB of address space, boot only */
	}
	regs = r;
	period_fs = period;
	ns_mult = (period << NS_MULT_SHIFT) / FSEC_PER_NSEC;
	counter_64bit = cap & GCAP_COUNT_64BIT;
	quiesce_and_start(cap);
	uint64_t khz = 1000000000000ULL / period; /* 10^15 fs/s / period / 1000 */
	pr_info("HPET: %lu.%03lu MHz, %u-bit counter, %u timers\n", khz / 1000, khz % 1000,
		counter_64bit ? 64 : 32, (unsigned)GCAP_NUM_TIMERS(cap));
	return 0;
}
