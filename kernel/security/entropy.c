/* Entropy sources for the CSPRNG: the CPU's RDSEED and RDRAND instructions, and, where the CPU
 * has neither, timing jitter between the TSC and the monotonic clock's source. */
#include <security/entropy.h>
#include <arch/x86_64/cpu.h>
#include <arch/x86_64/cpu_features.h>
#include <core/time.h>
#include <core/compiler.h>
#include <lib/string.h>

#define HW_RETRIES 32
#define JITTER_SAMPLES_PER_BYTE 16

static bool rdseed64(uint64_t *v)
{
	for (int i = 0; i < HW_RETRIES; i++) {
		bool ok;
		__asm__ volatile("rdseed %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
		cpu_relax();
	}
	return false;
}

static bool rdrand64(uint64_t *v)
{
	for (int i = 0; i < HW_RETRIES; i++) {
		bool ok;
		__asm__ volatile("rdrand %0" : "=r"(*v), "=@ccc"(ok));
		if (ok)
			return true;
	}
	return false;
}

/* One byte from the jitter of waiting for the clock to move, folded over many samples. */
static uint8_t jitter_byte(void)
{
	uint64_t acc = 0;
	for (int i = 0; i < JITTER_SAMPLES_PER_BYTE; i++) {
		uint64_t start = time_monotonic_ns(), t0 = rdtsc();
		while (time_monotonic_ns() == start)
			cpu_relax();
		uint64_t d = rdtsc() - t0;
		acc = (acc << 5 | acc >> 59) ^ d;
	}
	return (uint8_t)(acc ^ acc >> 8 ^ acc >> 16 ^ acc >> 24);
}

enum entropy_source entropy_collect(uint8_t out[ENTROPY_BYTES])
{
	uint64_t words[ENTROPY_BYTES / 8];
	bool ok = cpu_features.rdseed;
	for (unsigned i = 0; ok && i < ARRAY_SIZE(words); i++)
		ok = rdseed64(&words[i]);
	if (ok) {
		memcpy(out, words, ENTROPY_BYTES);
		return ENTROPY_RDSEED;
	}
	ok = cpu_features.rdrand;
	for (unsigned i = 0; ok && i < ARRAY_SIZE(words); i++)
		ok = rdrand64(&words[i]);
	if (ok) {
		memcpy(out, words, ENTROPY_BYTES);
		return ENTROPY_RDRAND;
	}
	for (unsigned i = 0; i < ENTROPY_BYTES; i++)
		out[i] = jitter_byte();
	return ENTROPY_JITTER;
}

const char *entropy_source_name(enum entropy_source s)
{
	switch (s) {
	case ENTROPY_RDSEED:
		return "RDSEED";
	case ENTROPY_RDRAND:
		return "RDRAND";
	default:
		return "timer jitter";
	}
}
