/* Host tests for path_next_component (kernel/fs/path.c, fs/path.h), the pure helper behind
 * path lookup: it skips leading slashes, returns the next component's start and length
 * (pointing into the string, ending at '/' or the end), advances past it, and returns 0 at
 * the end. */
#include "test.h"
#include <string.h>
#include <fs/path.h>

/* Splits path and checks the components against want[] (n of them), then the end. */
static bool splits_as(const char *path, const char *const *want, size_t n)
{
	const char *p = path, *name = NULL;
	for (size_t i = 0; i < n; i++) {
		size_t len = path_next_component(&p, &name);
		if (!EXPECT(len == strlen(want[i]) && name && !strncmp(name, want[i], len)))
			return false;
		if (!EXPECT(name >= path && name + len <= path + strlen(path)))
			return false;
		if (!EXPECT(name[len] == '/' || name[len] == '\0'))
			return false;
	}
	return EXPECT(path_next_component(&p, &name) == 0) &&
	       EXPECT(path_next_component(&p, &name) == 0);
}

static void simple_components(void)
{
	const char *const w[] = { "usr", "bin", "env" };
	CHECK(splits_as("usr/bin/env", w, 3));
	CHECK(splits_as("/usr/bin/env", w, 3));
	const char *const one[] = { "a" };
	CHECK(splits_as("a", one, 1));
}

static void repeated_and_trailing_slashes(void)
{
	const char *const w[] = { "a", "bc" };
	CHECK(splits_as("///a//bc", w, 2));
	CHECK(splits_as("a/bc/", w, 2));
	CHECK(splits_as("//a////bc////", w, 2));
}

static void dots_are_components(void)
{
	const char *const w[] = { ".", "..", "x", "...", ".h" };
	CHECK(splits_as("./../x/.../.h", w, 5));
	const char *const d[] = { ".." };
	CHECK(splits_as("/../", d, 1));
}

static void empty_and_root(void)
{
	CHECK(splits_as("", NULL, 0));
	CHECK(splits_as("/", NULL, 0));
	CHECK(splits_as("////", NULL, 0));
}

static void advances_past_component(void)
{
	const char *path = "/ab/cd";
	const char *p = path, *name;
	CHECK_EQ(path_next_component(&p, &name), 2);
	CHECK_EQ(name - path, 1);
	CHECK(p >= name + 2 && p <= path + 6);
	CHECK_EQ(path_next_component(&p, &name), 2);
	CHECK_EQ(name - path, 4);
	CHECK_EQ(path_next_component(&p, &name), 0);
}

static void long_components(void)
{
	static char path[2 + 300 + 1 + 4096 + 1];
	memset(path, 0, sizeof(path));
	path[0] = '/';
	memset(path + 1, 'x', 300);
	path[301] = '/';
	memset(path + 302, 'y', 4096);
	const char *p = path, *name;
	CHECK_EQ(path_next_component(&p, &name), 300);
	CHECK_EQ(name - path, 1);
	CHECK_EQ(path_next_component(&p, &name), 4096);
	CHECK_EQ(name - path, 302);
	CHECK_EQ(path_next_component(&p, &name), 0);
}

/* Random strings of 'a', '/', '.': the components, joined with '/', give back the path
 * without its extra slashes, and their total length matches the non-slash bytes. */
static void random_paths(void)
{
	test_srand(42);
	for (int iter = 0; iter < 2000; iter++) {
		char path[64], joined[128] = "", canon[64];
		size_t len = test_rand_below(sizeof(path) - 1);
		for (size_t i = 0; i < len; i++)
			path[i] = "a/./"[test_rand_below(4)];
		path[len] = '\0';
		size_t c = 0, nonslash = 0, sum = 0;
		for (size_t i = 0; i < len; i++) {
			nonslash += path[i] != '/';
			if (path[i] != '/' || (c > 0 && canon[c - 1] != '/'))
				canon[c++] = path[i];
		}
		if (c > 0 && canon[c - 1] == '/')
			c--;
		canon[c] = '\0';
		const char *p = path, *name;
		size_t n;
		int guard = 0;
		while ((n = path_next_component(&p, &name)) > 0 && guard++ < 64) {
			if (joined[0])
				strcat(joined, "/");
			strncat(joined, name, n);
			sum += n;
		}
		CHECK(guard <= 64);
		CHECK_EQ(sum, nonslash);
		CHECK_STREQ(joined, canon);
	}
}

TEST_MAIN(TEST(simple_components), TEST(repeated_and_trailing_slashes), TEST(dots_are_components),
	  TEST(empty_and_root), TEST(advances_past_component), TEST(long_components),
	  TEST(random_paths))
