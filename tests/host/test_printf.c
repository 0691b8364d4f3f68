/* Host tests for kernel/lib/printf.c: fixed expectations for every conversion, flag and length
 * modifier, truncation and return values, the refusal of unsupported conversions, saturation of
 * huge widths, and a randomized differential test against the host C library's vsnprintf. */
#include "test.h"
#include <lib/printf.h>
#include <uapi/errno.h>
#include <limits.h>
#include <string.h>
#include <wchar.h>

#define BUF_SIZE 256
#define GUARD 0x5a
#define DIFF_ITERATIONS 50000

/* Formats with kvsnprintf into a buffer whose unused tail is checked for stray writes. */
static char out[BUF_SIZE];
static int out_len;

static bool guard_intact(const char *buf, size_t from, size_t to)
{
	for (size_t i = from; i < to; i++)
		if ((unsigned char)buf[i] != GUARD)
			return false;
	return true;
}

/* No format attribute: lets tests pass malformed formats that the compiler would reject. */
static int fmt_nocheck(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

/* fn is ksnprintf (format checked by the compiler) or fmt_nocheck (for formats that GCC warns
 * about on purpose: redundant flags, NULL %s, results beyond INT_MAX). */
#define FMT_WITH(fn, ...)                                   \
	do {                                                \
		memset(out, GUARD, sizeof(out));            \
		out_len = fn(out, sizeof(out), __VA_ARGS__); \
	} while (0)
#define FMT(...) FMT_WITH(ksnprintf, __VA_ARGS__)

#define CHECK_FMT_WITH(fn, expect, ...)                                   \
	do {                                                              \
		FMT_WITH(fn, __VA_ARGS__);                                \
		CHECK_STREQ(out, expect);                                 \
		CHECK_EQ(out_len, strlen(expect));                        \
		CHECK(guard_intact(out, strlen(expect) + 1, sizeof(out))); \
	} while (0)
#define CHECK_FMT(expect, ...) CHECK_FMT_WITH(ksnprintf, expect, __VA_ARGS__)
#define CHECK_FMT_NC(expect, ...) CHECK_FMT_WITH(fmt_nocheck, expect, __VA_ARGS__)

static void signed_decimal(void)
{
	CHECK_FMT("0", "%d", 0);
	CHECK_FMT("-1", "%d", -1);
	CHECK_FMT("42", "%i", 42);
	CHECK_FMT("-2147483648", "%d", INT_MIN);
	CHECK_FMT("2147483647", "%d", INT_MAX);
	CHECK_FMT("-9223372036854775808", "%lld", LLONG_MIN);
	CHECK_FMT("9223372036854775807", "%ld", LONG_MAX);
	CHECK_FMT("-1", "%hhd", 255);
	CHECK_FMT("-128", "%hhd", 128);
	CHECK_FMT("-1", "%hd", 65535);
	CHECK_FMT("-5", "%zd", (ptrdiff_t)-5);
	CHECK_FMT("-7", "%td", (ptrdiff_t)-7);
	CHECK_FMT("-9223372036854775808", "%jd", INTMAX_MIN);
}

static void unsigned_conversions(void)
{
	CHECK_FMT("4294967295", "%u", UINT_MAX);
	CHECK_FMT("18446744073709551615", "%llu", ULLONG_MAX);
	CHECK_FMT("18446744073709551615", "%zu", SIZE_MAX);
	CHECK_FMT("18446744073709551615", "%ju", UINTMAX_MAX);
	CHECK_FMT("5", "%hhu", 261);
	CHECK_FMT("4464", "%hu", 70000);
	CHECK_FMT("deadbeef", "%x", 0xdeadbeefu);
	CHECK_FMT("DEADBEEF", "%X", 0xdeadbeefu);
	CHECK_FMT("ffffffffffffffff", "%lx", ULONG_MAX);
	CHECK_FMT("10", "%o", 8u);
	CHECK_FMT("1777777777777777777777", "%llo", ULLONG_MAX);
	CHECK_FMT("ff", "%hhx", 0x1ff);
}

static void flags_width_precision(void)
{
	CHECK_FMT("   42", "%5d", 42);
	CHECK_FMT("42   |", "%-5d|", 42);
	CHECK_FMT("-0042", "%05d", -42);
	CHECK_FMT("+5", "%+d", 5);
	CHECK_FMT(" 5", "% d", 5);
	CHECK_FMT_NC("+5", "%+ d", 5);
	CHECK_FMT("-5", "% d", -5);
	CHECK_FMT_NC("42   ", "%-05d", 42);
	CHECK_FMT("007", "%.3d", 7);
	CHECK_FMT("    -007", "%8.3d", -7);
	CHECK_FMT_NC("     007", "%08.3d", 7); /* '0' is ignored when a precision is given */
	CHECK_FMT("", "%.0d", 0);
	CHECK_FMT("", "%.d", 0);
	CHECK_FMT("     ", "%5.0d", 0);
	CHECK_FMT_NC("5", "%+u", 5u); /* sign flags only apply to signed conversions */
	CHECK_FMT("0", "%#x", 0u);
	CHECK_FMT("0xff", "%#x", 255u);
	CHECK_FMT("0XFF", "%#X", 255u);
	CHECK_FMT("0x0000ff", "%#08x", 255u);
	CHECK_FMT("0x00ff", "%#.4x", 255u);
	CHECK_FMT("010", "%#o", 8u);
	CHECK_FMT("0", "%#o", 0u);
	CHECK_FMT("0", "%#.0o", 0u);
	CHECK_FMT("00010", "%#.5o", 8u);
	CHECK_FMT("", "%#.0x", 0u);
	CHECK_FMT("0000000042", "%010u", 42u);
}

static void star_arguments(void)
{
	CHECK_FMT("   42", "%*d", 5, 42);
	CHECK_FMT("42   |", "%*d|", -5, 42);
	CHECK_FMT("007", "%.*d", 3, 7);
	CHECK_FMT("7", "%.*d", -1, 7);
	CHECK_FMT("  007", "%*.*d", 5, 3, 7);
	CHECK_FMT("ab", "%.*s", 2, "abcdef");
	CHECK_FMT("abcdef", "%.*s", -3, "abcdef");
}

static void characters_and_strings(void)
{
	CHECK_FMT("A", "%c", 'A');
	CHECK_FMT("  A", "%3c", 'A');
	CHECK_FMT("A  |", "%-3c|", 'A');
	CHECK_FMT("A", "%c", 0x141); /* converted to unsigned char */
	CHECK_FMT("x", "%lc", (wint_t)'x');
	CHECK_FMT("hi", "%s", "hi");
	CHECK_FMT("   hi", "%5s", "hi");
	CHECK_FMT("hi   |", "%-5s|", "hi");
	CHECK_FMT("h", "%.1s", "hi");
	CHECK_FMT("", "%s", "");
	CHECK_FMT_NC("(null)", "%s", (char *)NULL);
	CHECK_FMT_NC("   (null)", "%9s", (char *)NULL);
	CHECK_FMT("%", "%%");
	CHECK_FMT("100% sure", "100%% %s", "sure");

	/* A %c of 0 is stored and counted like any character. */
	FMT("a%cb", 0);
	CHECK_EQ(out_len, 3);
	CHECK_MEMEQ(out, "a\0b\0", 4);
}

/* %.Ns must not read past N bytes: an unterminated heap buffer lets ASan catch an overread. */
static void string_precision_bounds_reads(void)
{
	char *raw = malloc(3);
	CHECK(raw);
	memcpy(raw, "xyz", 3);
	FMT("[%.3s]", raw);
	free(raw);
	CHECK_STREQ(out, "[xyz]");
}

static void pointers(void)
{
	CHECK_FMT("(nil)", "%p", (void *)NULL);
	CHECK_FMT("0x1234", "%p", (void *)0x1234);
	CHECK_FMT("0xffffffff80000000", "%p", (void *)0xffffffff80000000ULL);
	CHECK_FMT("    0x1234", "%10p", (void *)0x1234);
	CHECK_FMT("0x1234    |", "%-10p|", (void *)0x1234);
	CHECK_FMT("     (nil)", "%10p", (void *)NULL);
}

static void truncation_and_return_value(void)
{
	char buf[16];

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(ksnprintf(buf, 5, "%s", "hello world"), 11);
	CHECK_STREQ(buf, "hell");
	CHECK(guard_intact(buf, 5, sizeof(buf)));

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(ksnprintf(buf, 1, "%d", 12345), 5);
	CHECK_EQ(buf[0], 0);
	CHECK(guard_intact(buf, 1, sizeof(buf)));

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(ksnprintf(buf, 0, "%d", 12345), 5);
	CHECK(guard_intact(buf, 0, sizeof(buf)));
	CHECK_EQ(ksnprintf(NULL, 0, "%s-%d", "ab", -3), 5);

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(ksnprintf(buf, 6, "%5d", 7), 5); /* exact fit */
	CHECK_STREQ(buf, "    7");
	CHECK(guard_intact(buf, 6, sizeof(buf)));

	memset(buf, GUARD, sizeof(buf));
	CHECK_EQ(ksnprintf(buf, 4, "%#x", 0xabcdu), 6); /* cut inside a number */
	CHECK_STREQ(buf, "0xa");
}

/* Unsupported conversions come out verbatim with the rest of the format, reading no argument. */
static void unsupported_conversions_stop(void)
{
	int n = 0;
	CHECK_FMT("a %n b %d", "a %n b %d", &n, 5);
	CHECK_EQ(n, 0);
	CHECK_FMT("x=%f y=%d", "x=%f y=%d", 1.5, 2);
	CHECK_FMT("1 %ls", "%d %ls", 1, L"wide");

	memset(out, GUARD, sizeof(out));
	CHECK_EQ(fmt_nocheck(out, sizeof(out), "abc%"), 4);
	CHECK_STREQ(out, "abc%");
	CHECK_EQ(fmt_nocheck(out, sizeof(out), "%d%l", 7), 3);
	CHECK_STREQ(out, "7%l");
	CHECK_EQ(fmt_nocheck(out, sizeof(out), "%q %s", "never read"), 5);
	CHECK_STREQ(out, "%q %s");
	CHECK_EQ(fmt_nocheck(out, sizeof(out), "%hhs", "x"), 4);
	CHECK_STREQ(out, "%hhs");
}

/* Widths are clamped to INT_MAX and padding beyond the buffer is only counted, not looped over
 * byte by byte; a total beyond INT_MAX is -EOVERFLOW. */
static void huge_widths_saturate(void)
{
	char buf[8];

	CHECK_EQ(fmt_nocheck(buf, sizeof(buf), "%*d", INT_MIN, 1), INT_MAX);
	CHECK_STREQ(buf, "1      ");
	CHECK_EQ(fmt_nocheck(buf, sizeof(buf), "%99999999999999999999d", 1), INT_MAX);
	CHECK_STREQ(buf, "       ");
	CHECK_EQ(fmt_nocheck(buf, sizeof(buf), "%.*d", INT_MAX, 1), INT_MAX);
	CHECK_STREQ(buf, "0000000");
	CHECK_EQ(fmt_nocheck(buf, sizeof(buf), "%*d%d", INT_MAX, 1, 2), -EOVERFLOW);
	CHECK_EQ(buf[sizeof(buf) - 1], 0);
}

/* ---- differential test against the host's vsnprintf ---------------------------------------- */

typedef int (*vformat_fn)(char *, size_t, const char *, va_list);

static int run_format(vformat_fn f, char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	int n = f(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

enum arg_kind { K_INT, K_LONG, K_LLONG, K_SIZE, K_PTRDIFF, K_INTMAX, K_STR, K_PTR };

struct diff_case {
	char fmt[64];
	size_t size;
	int nstar, star[2];
	enum arg_kind kind;
	long long value;
	const char *str;
};

static const char *const diff_strings[] = { "", "a", "hello", "Zero-OS kernel", "\x7f\x80\xff" };

static void append(char *fmt, size_t *len, const char *s)
{
	while (*s)
		fmt[(*len)++] = *s++;
	fmt[*len] = '\0';
}

static void random_flags(struct diff_case *c, size_t *len, bool numeric)
{
	static const char flags[] = "-0+ #";
	for (int i = 0; i < 5; i++)
		if (test_rand_below(4) == 0 && (numeric || flags[i] == '-'))
			c->fmt[(*len)++] = flags[i];
	c->fmt[*len] = '\0';
}

/* Width: none, digits, or '*' with a random (possibly negative) int argument. */
static void random_width(struct diff_case *c, size_t *len)
{
	char num[16];

	switch (test_rand_below(3)) {
	case 0: return;
	case 1:
		snprintf(num, sizeof(num), "%d", (int)test_rand_below(25));
		append(c->fmt, len, num);
		return;
	default:
		append(c->fmt, len, "*");
		c->star[c->nstar++] = (int)test_rand_below(50) - 20;
	}
}

/* Precision: none, '.' alone, '.' and digits, or ".*" with a random int argument. */
static void random_precision(struct diff_case *c, size_t *len)
{
	char num[16];

	switch (test_rand_below(4)) {
	case 0: return;
	case 1: append(c->fmt, len, "."); return;
	case 2:
		snprintf(num, sizeof(num), ".%d", (int)test_rand_below(25));
		append(c->fmt, len, num);
		return;
	default:
		append(c->fmt, len, ".*");
		c->star[c->nstar++] = (int)test_rand_below(30) - 5;
	}
}

static const char *const int_lengths[] = { "", "hh", "h", "l", "ll", "z", "t", "j" };
static const enum arg_kind int_kinds[] = { K_INT, K_INT, K_INT, K_LONG, K_LLONG, K_SIZE,
					   K_PTRDIFF, K_INTMAX };

static long long random_value(void)
{
	switch (test_rand_below(4)) {
	case 0: return (long long)test_rand_below(20) - 10;
	case 1: return (long long)test_rand();
	case 2: return (int)test_rand();
	default: return test_rand_below(2) ? LLONG_MIN : LLONG_MAX;
	}
}

static void random_case(struct diff_case *c)
{
	static const char convs[] = "diouxXcsp";
	char conv = convs[test_rand_below(sizeof(convs) - 1)];
	bool numeric = conv != 'c' && conv != 's' && conv != 'p';
	size_t len = 0;

	memset(c, 0, sizeof(*c));
	append(c->fmt, &len, test_rand_below(2) ? "<" : "");
	c->fmt[len++] = '%';
	random_flags(c, &len, numeric);
	random_width(c, &len);
	if (conv != 'c' && conv != 'p')
		random_precision(c, &len);
	c->kind = conv == 's' ? K_STR : conv == 'p' ? K_PTR : K_INT;
	if (numeric) {
		unsigned l = (unsigned)test_rand_below(8);
		append(c->fmt, &len, int_lengths[l]);
		c->kind = int_kinds[l];
	}
	c->fmt[len++] = conv;
	c->fmt[len] = '\0';
	append(c->fmt, &len, test_rand_below(2) ? ">" : "");
	c->value = conv == 'c' ? 32 + (long long)test_rand_below(95) : random_value();
	c->str = diff_strings[test_rand_below(sizeof(diff_strings) / sizeof(diff_strings[0]))];
	c->size = test_rand_below(4) ? BUF_SIZE : test_rand_below(12);
}

#define RUN_WITH_STARS(f, buf, c, v)                                                          \
	((c)->nstar == 0   ? run_format(f, buf, (c)->size, (c)->fmt, v)                        \
	 : (c)->nstar == 1 ? run_format(f, buf, (c)->size, (c)->fmt, (c)->star[0], v)          \
			   : run_format(f, buf, (c)->size, (c)->fmt, (c)->star[0], (c)->star[1], v))

/* Calls f with the value passed as exactly the type the length modifier names. */
static int run_case(vformat_fn f, char *buf, const struct diff_case *c)
{
	switch (c->kind) {
	case K_INT: return RUN_WITH_STARS(f, buf, c, (int)c->value);
	case K_LONG: return RUN_WITH_STARS(f, buf, c, (long)c->value);
	case K_LLONG: return RUN_WITH_STARS(f, buf, c, (long long)c->value);
	case K_SIZE: return RUN_WITH_STARS(f, buf, c, (size_t)c->value);
	case K_PTRDIFF: return RUN_WITH_STARS(f, buf, c, (ptrdiff_t)c->value);
	case K_INTMAX: return RUN_WITH_STARS(f, buf, c, (intmax_t)c->value);
	case K_STR: return RUN_WITH_STARS(f, buf, c, c->str);
	default: return RUN_WITH_STARS(f, buf, c, (void *)(uintptr_t)c->value);
	}
}

static void matches_host_vsnprintf(void)
{
	char mine[BUF_SIZE], libc[BUF_SIZE];
	struct diff_case c;

	test_srand(0x5eed0001);
	for (int i = 0; i < DIFF_ITERATIONS; i++) {
		random_case(&c);
		memset(mine, GUARD, sizeof(mine));
		memset(libc, GUARD, sizeof(libc));
		int a = run_case(kvsnprintf, mine, &c);
		int b = run_case(vsnprintf, libc, &c);
		if (a != b || memcmp(mine, libc, sizeof(mine)) != 0) {
			test_fail(__FILE__, __LINE__,
				  "fmt \"%s\" size %zu stars %d,%d value %lld: ours %d \"%.*s\", libc %d \"%.*s\"",
				  c.fmt, c.size, c.star[0], c.star[1], c.value, a,
				  (int)(c.size ? c.size : 1), mine, b, (int)(c.size ? c.size : 1), libc);
			return;
		}
	}
}

TEST_MAIN(TEST(signed_decimal), TEST(unsigned_conversions), TEST(flags_width_precision),
	  TEST(star_arguments), TEST(characters_and_strings), TEST(string_precision_bounds_reads),
	  TEST(pointers), TEST(truncation_and_return_value), TEST(unsupported_conversions_stop),
	  TEST(huge_widths_saturate), TEST(matches_host_vsnprintf))
