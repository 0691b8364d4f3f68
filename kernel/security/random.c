/* The kernel CSPRNG around lib/chacha20.c's generator: one instance under an IRQ-safe lock,
 * reseeded (entropy mixed in, never replacing the state) after RESEED_BYTES of output or
 * RESEED_NS of time, whichever comes first. Also seeds the stack-protector canary. */
#include <security/random.h>
#include <security/entropy.h>
#include <lib/chacha20.h>
#include <lib/string.h>
#include <core/spinlock.h>
#include <core/panic.h>
#include <core/printk.h>
#include <core/time.h>

#define RESEED_BYTES (1u << 20)
#define RESEED_NS (60 * NSEC_PER_SEC)

extern uint64_t __stack_chk_guard;

static struct spinlock rng_lock = SPINLOCK_INIT("rng");
/* rng_lock guards everything below. */
static struct chacha_rng rng;
static bool seeded;
static enum entropy_source source;
static uint64_t bytes_since_reseed, last_reseed_ns;

static void reseed_locked(void)
{
	spin_assert_held(&rng_lock);
	uint8_t e[ENTROPY_BYTES];
	entropy_collect(e);
	chacha_rng_reseed(&rng, e);
	memset(e, 0, sizeof(e));
	bytes_since_reseed = 0;
	last_reseed_ns = time_monotonic_ns();
}

/* Must not use the stack protector itself: it changes the canary under its own frame. */
__attribute__((no_stack_protector)) void random_init(void)
{
	uint8_t seed[ENTROPY_BYTES];
	source = entropy_collect(seed);
	uint64_t f = spin_lock_irqsave(&rng_lock);
	chacha_rng_init(&rng, seed);
	memset(seed, 0, sizeof(seed));
	seeded = true;
	last_reseed_ns = time_monotonic_ns();
	/* Generated into a local: the generator's own frame checks the old canary on return. */
	uint64_t canary;
	chacha_rng_generate(&rng, &canary, sizeof(canary));
	/* A zero low byte stops string overflows that copy up to a NUL from reproducing it. */
	__stack_chk_guard = canary & ~0xffULL;
	canary = 0;
	spin_unlock_irqrestore(&rng_lock, f);
	pr_info("random: ChaCha20 CSPRNG seeded from %s%s\n", entropy_source_name(source),
		source == ENTROPY_JITTER ? " (no RDSEED/RDRAND on this CPU)" : "");
}

void get_random_bytes(void *buf, size_t len)
{
	uint64_t f = spin_lock_irqsave(&rng_lock);
	if (!seeded)
		panic("get_random_bytes before random_init");
	if (bytes_since_reseed >= RESEED_BYTES ||
	    time_monotonic_ns() - last_reseed_ns >= RESEED_NS)
		reseed_locked();
	chacha_rng_generate(&rng, buf, len);
	bytes_since_reseed += len;
	spin_unlock_irqrestore(&rng_lock, f);
}

void random_mix_bytes(const void *buf, size_t len)
{
	uint8_t e[ENTROPY_BYTES];
	entropy_collect(e);
	for (size_t i = 0; i < len; i++) /* folded in: never trusted alone, never credited */
		e[i % ENTROPY_BYTES] ^= ((const uint8_t *)buf)[i];
	uint64_t f = spin_lock_irqsave(&rng_lock);
	chacha_rng_reseed(&rng, e);
	bytes_since_reseed = 0;
	spin_unlock_irqrestore(&rng_lock, f);
	memset(e, 0, sizeof(e));
}

const char *random_source(void)
{
	return entropy_source_name(source);
}
