/* A tiny unit-test framework for host tests of pure kernel code. Each case prints exactly one line,
 * "PASS: host/<area>/<case>" or "FAIL: host/<area>/<case>: <first failed check>", where <area>
 * is the test file's name without "test_" and ".c". Checks print nothing on success. The
 * process exits 0 if every case passed, TEST_EXIT_FAILED if any failed (anything else, e.g.
 * ASan's 1 or a signal, means the binary crashed; host.mk reports that separately). */
#ifndef TESTS_HOST_TEST_H
#define TESTS_HOST_TEST_H

#include <inttypes.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define TEST_EXIT_FAILED 3
#define TEST_REASON_MAX 512

struct test_case {
	const char *name;
	void (*fn)(void);
};

static bool test_case_failed;
static char test_reason[TEST_REASON_MAX];

/* Records the first failure of the current case (later ones are usually consequences). */
__attribute__((format(printf, 3, 4))) static inline void test_fail(const char *file, int line,
								   const char *fmt, ...)
{
	const char *base = file;
	va_list ap;

	if (test_case_failed)
		return;
	test_case_failed = true;
	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	int n = snprintf(test_reason, sizeof(test_reason), "%s:%d: ", base, line);
	if (n < 0 || (size_t)n >= sizeof(test_reason))
		return;
	va_start(ap, fmt);
	vsnprintf(test_reason + n, sizeof(test_reason) - (size_t)n, fmt, ap);
	va_end(ap);
}

static inline bool test_expect(bool ok, const char *file, int line, const char *text)
{
	if (!ok)
		test_fail(file, line, "check failed: %s", text);
	return ok;
}

/* EXPECT records a failure and evaluates to the condition, for helpers that must go on or
 * return a value; CHECK* return from the current (void) function on failure. */
#define EXPECT(cond) test_expect(!!(cond), __FILE__, __LINE__, #cond)

#define CHECK(cond)                  \
	do {                         \
		if (!EXPECT(cond))   \
			return;      \
	} while (0)

/* Integers (or pointers) compared as 64-bit values, printed signed and in hex. */
#define CHECK_EQ(a, b)                                                                          \
	do {                                                                                    \
		unsigned long long a_ = (unsigned long long)(a), b_ = (unsigned long long)(b);  \
		if (a_ != b_) {                                                                 \
			test_fail(__FILE__, __LINE__, "%s == %s: %lld (%#llx) != %lld (%#llx)", \
				  #a, #b, (long long)a_, a_, (long long)b_, b_);                \
			return;                                                                 \
		}                                                                               \
	} while (0)

static inline bool test_str_equal(const char *a, const char *b)
{
	if (!a || !b)
		return a == b;
	while (*a && *a == *b)
		a++, b++;
	return *a == *b;
}

#define CHECK_STREQ(a, b)                                                                  \
	do {                                                                               \
		const char *sa_ = (a), *sb_ = (b);                                         \
		if (!test_str_equal(sa_, sb_)) {                                           \
			test_fail(__FILE__, __LINE__, "%s == %s: \"%s\" != \"%s\"", #a, #b, \
				  sa_ ? sa_ : "(NULL)", sb_ ? sb_ : "(NULL)");             \
			return;                                                            \
		}                                                                          \
	} while (0)

/* Index of the first differing byte, or -1. */
static inline long test_mem_diff(const void *a, const void *b, size_t n)
{
	const unsigned char *p = a, *q = b;

	for (size_t i = 0; i < n; i++)
		if (p[i] != q[i])
			return (long)i;
	return -1;
}

#define CHECK_MEMEQ(a, b, n)                                                                 \
	do {                                                                                 \
		long d_ = test_mem_diff((a), (b), (n));                                      \
		if (d_ >= 0) {                                                               \
			test_fail(__FILE__, __LINE__, "%s == %s (%zu bytes): differ at %ld", \
				  #a, #b, (size_t)(n), d_);                                  \
			return;                                                              \
		}                                                                            \
	} while (0)

/* Deterministic pseudo-random numbers (xorshift64*) so failures reproduce. */
static uint64_t test_rng_state = 0x9e3779b97f4a7c15ULL;

static inline void test_srand(uint64_t seed)
{
	test_rng_state = seed ? seed : 0x9e3779b97f4a7c15ULL;
}

static inline uint64_t test_rand(void)
{
	test_rng_state ^= test_rng_state >> 12;
	test_rng_state ^= test_rng_state << 25;
	test_rng_state ^= test_rng_state >> 27;
	return test_rng_state * 0x2545f4914f6cdd1dULL;
}

/* Uniform enough in [0, n) for tests; n > 0. */
static inline uint64_t test_rand_below(uint64_t n)
{
	return test_rand() % n;
}

/* "tests/host/test_elf.c" -> "elf" (pointer and length into file). */
static inline void test_area(const char *file, const char **name, int *len)
{
	const char *base = file, *end;

	for (const char *p = file; *p; p++)
		if (*p == '/')
			base = p + 1;
	if (base[0] == 't' && base[1] == 'e' && base[2] == 's' && base[3] == 't' && base[4] == '_')
		base += 5;
	for (end = base; *end && *end != '.'; end++)
		;
	*name = base;
	*len = (int)(end - base);
}

static inline int test_run(const char *file, const struct test_case *cases, size_t n)
{
	const char *area;
	int area_len, failed = 0;

	test_area(file, &area, &area_len);
	setvbuf(stdout, NULL, _IOLBF, 0); /* each line out before a later case can crash */
	for (size_t i = 0; i < n; i++) {
		test_case_failed = false;
		test_reason[0] = '\0';
		cases[i].fn();
		if (test_case_failed) {
			failed++;
			printf("FAIL: host/%.*s/%s: %s\n", area_len, area, cases[i].name, test_reason);
		} else {
			printf("PASS: host/%.*s/%s\n", area_len, area, cases[i].name);
		}
	}
	return failed ? TEST_EXIT_FAILED : 0;
}

#define TEST(fn) { #fn, fn }

/* Defines main() running the given TEST(...) entries in order. */
#define TEST_MAIN(...)                                                                     \
	int main(void)                                                                     \
	{                                                                                  \
		static const struct test_case cases_[] = { __VA_ARGS__ };                  \
		return test_run(__FILE__, cases_, sizeof(cases_) / sizeof(cases_[0]));    \
	}

#endif
