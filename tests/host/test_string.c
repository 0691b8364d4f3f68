/* Host tests for kernel/lib/string.c. This file and its copy of string.c are compiled with the
 * functions renamed zk_* (see host.mk), so every memcpy/strlen below calls the kernel's code,
 * compared against byte-at-a-time reference loops, with ASan watching the buffer edges. */
#include "test.h"
#include <lib/string.h>

#define SPAN 96 /* lengths 0..SPAN cover the byte head, the word loop and the byte tail */
#define MAX_SHIFT 16 /* every source and destination alignment modulo 8, twice */
#define AREA (SPAN + 2 * MAX_SHIFT)
#define GUARD 0xa5

static unsigned char pattern_byte(size_t i)
{
	return (unsigned char)(i * 37 + 11);
}

static void fill_pattern(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = pattern_byte(i);
}

static void fill_guard(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = GUARD;
}

/* memcpy at every alignment pair and length; bytes outside the destination stay untouched. */
static void memcpy_all_alignments(void)
{
	unsigned char src[AREA], dst[AREA], want[AREA];

	fill_pattern(src, sizeof(src));
	for (size_t so = 0; so < MAX_SHIFT; so++)
		for (size_t d_off = 0; d_off < MAX_SHIFT; d_off++)
			for (size_t n = 0; n <= SPAN; n++) {
				fill_guard(dst, sizeof(dst));
				fill_guard(want, sizeof(want));
				for (size_t i = 0; i < n; i++)
					want[d_off + i] = src[so + i];
				CHECK(memcpy(dst + d_off, src + so, n) == dst + d_off);
				CHECK_MEMEQ(dst, want, sizeof(dst));
			}
}

/* Exactly-sized heap buffers: any read or write past either end is an ASan report. */
static void memcpy_exact_heap_buffers(void)
{
	for (size_t n = 1; n <= 3 * SPAN; n++) {
		unsigned char *src = malloc(n), *dst = malloc(n);
		CHECK(src && dst);
		fill_pattern(src, n);
		memcpy(dst, src, n);
		long diff = test_mem_diff(dst, src, n);
		free(src);
		free(dst);
		CHECK_EQ(diff, -1);
	}
}

/* Reference memmove: through a temporary copy, so overlap cannot matter. */
static void ref_memmove(unsigned char *buf, size_t d, size_t s, size_t n)
{
	unsigned char tmp[AREA];

	for (size_t i = 0; i < n; i++)
		tmp[i] = buf[s + i];
	for (size_t i = 0; i < n; i++)
		buf[d + i] = tmp[i];
}

/* Overlap in both directions, at every distance and alignment, within one buffer. */
static void memmove_overlap_both_directions(void)
{
	unsigned char buf[AREA], want[AREA];

	for (size_t s = 0; s < 2 * MAX_SHIFT; s += 3)
		for (size_t d = 0; d < 2 * MAX_SHIFT; d++)
			for (size_t n = 0; n <= SPAN; n += (n < 20 ? 1 : 7)) {
				fill_pattern(buf, sizeof(buf));
				fill_pattern(want, sizeof(want));
				ref_memmove(want, d, s, n);
				CHECK(memmove(buf + d, buf + s, n) == buf + d);
				CHECK_MEMEQ(buf, want, sizeof(buf));
			}
}

static void memset_values_and_edges(void)
{
	unsigned char buf[AREA], want[AREA];
	static const int values[] = { 0, 0xff, 0x5a, 0x1ab, -1 };

	for (size_t v = 0; v < sizeof(values) / sizeof(values[0]); v++)
		for (size_t off = 0; off < MAX_SHIFT; off++)
			for (size_t n = 0; n <= SPAN; n++) {
				fill_guard(buf, sizeof(buf));
				fill_guard(want, sizeof(want));
				for (size_t i = 0; i < n; i++)
					want[off + i] = (unsigned char)values[v];
				CHECK(memset(buf + off, values[v], n) == buf + off);
				CHECK_MEMEQ(buf, want, sizeof(buf));
			}
}

static void memcmp_orders_as_unsigned(void)
{
	CHECK_EQ(memcmp("abc", "abc", 3), 0);
	CHECK_EQ(memcmp("abc", "abd", 0), 0);
	CHECK(memcmp("abc", "abd", 3) < 0);
	CHECK(memcmp("abd", "abc", 3) > 0);
	CHECK(memcmp("\x80", "\x7f", 1) > 0); /* 0x80 > 0x7f as unsigned char */
	CHECK(memcmp("a\0b", "a\0c", 3) < 0); /* NUL bytes are ordinary bytes */
	CHECK_EQ(memcmp(NULL, NULL, 0), 0);
}

static void strlen_and_strnlen(void)
{
	CHECK_EQ(strlen(""), 0);
	CHECK_EQ(strlen("zero-os"), 7);
	CHECK_EQ(strnlen("zero-os", 3), 3);
	CHECK_EQ(strnlen("zero-os", 100), 7);
	CHECK_EQ(strnlen("abc", 0), 0);

	/* strnlen stops at maxlen: an unterminated 5-byte heap buffer must not be read beyond. */
	char *raw = malloc(5);
	CHECK(raw);
	for (int i = 0; i < 5; i++)
		raw[i] = 'x';
	size_t n = strnlen(raw, 5);
	free(raw);
	CHECK_EQ(n, 5);
}

static void strcmp_and_strncmp(void)
{
	CHECK_EQ(strcmp("", ""), 0);
	CHECK_EQ(strcmp("abc", "abc"), 0);
	CHECK(strcmp("abc", "abd") < 0);
	CHECK(strcmp("abc", "ab") > 0);
	CHECK(strcmp("ab", "abc") < 0);
	CHECK(strcmp("\xff", "a") > 0); /* compared as unsigned char */
	CHECK_EQ(strncmp("abcdef", "abcxyz", 3), 0);
	CHECK(strncmp("abcdef", "abcxyz", 4) < 0);
	CHECK_EQ(strncmp("abc", "xyz", 0), 0);
	CHECK_EQ(strncmp("ab\0x", "ab\0y", 4), 0); /* nothing after the terminator counts */
}

static void strchr_and_strrchr(void)
{
	const char *s = "a/b/c";

	CHECK(strchr(s, '/') == s + 1);
	CHECK(strrchr(s, '/') == s + 3);
	CHECK(strchr(s, 'a') == s);
	CHECK(strrchr(s, 'a') == s);
	CHECK(strchr(s, 'z') == NULL);
	CHECK(strrchr(s, 'z') == NULL);
	CHECK(strchr(s, '\0') == s + 5); /* the terminator is part of the string */
	CHECK(strrchr(s, '\0') == s + 5);
	CHECK(strchr(s, 'b' + 256) == s + 2); /* c is converted to char */
	CHECK(strchr("\xe9t\xe9", 0xe9) != NULL);
	CHECK(strrchr("\xe9t\xe9", 0xe9) != NULL);
}

static void strlcpy_truncates_and_terminates(void)
{
	char buf[8];

	fill_guard((unsigned char *)buf, sizeof(buf));
	CHECK_EQ(strlcpy(buf, "hello", sizeof(buf)), 5);
	CHECK_STREQ(buf, "hello");
	CHECK_EQ((unsigned char)buf[6], GUARD);

	CHECK_EQ(strlcpy(buf, "hello, world", sizeof(buf)), 12); /* >= size: truncated */
	CHECK_STREQ(buf, "hello, ");

	CHECK_EQ(strlcpy(buf, "1234567", sizeof(buf)), 7); /* exact fit */
	CHECK_STREQ(buf, "1234567");

	fill_guard((unsigned char *)buf, sizeof(buf));
	CHECK_EQ(strlcpy(buf, "abc", 0), 3); /* size 0 writes nothing */
	CHECK_EQ((unsigned char)buf[0], GUARD);
	CHECK_EQ(strlcpy(buf, "abc", 1), 3);
	CHECK_EQ(buf[0], '\0');
	CHECK_EQ((unsigned char)buf[1], GUARD);
}

TEST_MAIN(TEST(memcpy_all_alignments), TEST(memcpy_exact_heap_buffers),
	  TEST(memmove_overlap_both_directions), TEST(memset_values_and_edges),
	  TEST(memcmp_orders_as_unsigned), TEST(strlen_and_strnlen), TEST(strcmp_and_strncmp),
	  TEST(strchr_and_strrchr), TEST(strlcpy_truncates_and_terminates))
