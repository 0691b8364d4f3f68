/* Host tests for kernel/lib/cmdline.c: flags, key=value, quoting, prefixes that must not match,
 * truncation. */
#include "test.h"
#include <lib/cmdline.h>

static void flags_and_values(void)
{
	const char *c = "ktest exit loglevel=7 init=/bin/sh";
	char v[32];
	CHECK(cmdline_has(c, "ktest"));
	CHECK(cmdline_has(c, "exit"));
	CHECK(cmdline_has(c, "loglevel"));
	CHECK(!cmdline_has(c, "log"));
	CHECK(!cmdline_has(c, "exi"));
	CHECK(!cmdline_has(c, "sh"));
	CHECK_EQ(cmdline_get(c, "loglevel", v, sizeof(v)), 1);
	CHECK_STREQ(v, "7");
	CHECK_EQ(cmdline_get(c, "init", v, sizeof(v)), 7);
	CHECK_STREQ(v, "/bin/sh");
	CHECK_EQ(cmdline_get(c, "ktest", v, sizeof(v)), -1); /* present, but without a value */
	CHECK_EQ(cmdline_get(c, "missing", v, sizeof(v)), -1);
}

static void quoted_values_keep_spaces(void)
{
	const char *c = "run=\"/bin/echo hello world\" quiet";
	char v[64];
	CHECK_EQ(cmdline_get(c, "run", v, sizeof(v)), 21);
	CHECK_STREQ(v, "/bin/echo hello world");
	CHECK(cmdline_has(c, "quiet"));
	CHECK(!cmdline_has(c, "hello")); /* inside quotes: not a word of its own */
	CHECK(!cmdline_has(c, "world\""));
}

static void truncation_and_spacing(void)
{
	const char *c = "   a=0123456789   b  ";
	char v[5];
	CHECK_EQ(cmdline_get(c, "a", v, sizeof(v)), 10);
	CHECK_STREQ(v, "0123");
	CHECK(cmdline_has(c, "b"));
	CHECK(!cmdline_has("", "b"));
	CHECK_EQ(cmdline_get("a=", "a", v, sizeof(v)), 0);
	CHECK_STREQ(v, "");
}

TEST_MAIN(TEST(flags_and_values), TEST(quoted_values_keep_spaces), TEST(truncation_and_spacing))
