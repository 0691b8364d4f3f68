/* Shared helpers of the user-space tests (tests/user/<area>.c): each case prints one line,
 * "PASS: user/<area>/<case>" or "FAIL: user/<area>/<case>: <why>", which the QEMU runner counts.
 * A test program's exit status tells the driver (runall) its counts: bits 0-5 the cases passed
 * (at most 63 per program), bits 6-7 the cases failed (saturating at 3). */
#ifndef TESTS_USER_TEST_H
#define TESTS_USER_TEST_H

#include <errno.h>
#include <stdarg.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>
#include <sys/vfs.h>

static const char *test_area = "?";
static int test_passed, test_failed;

static inline void test_begin(const char *area)
{
	test_area = area;
	setvbuf(stdout, NULL, _IONBF, 0); /* lines must not be lost or repeated across fork */
}

static inline bool test_result(const char *name, bool ok, const char *fmt, ...)
{
	if (ok) {
		printf("PASS: user/%s/%s\n", test_area, name);
		test_passed++;
	} else {
		char why[200];
		va_list ap;
		va_start(ap, fmt);
		vsnprintf(why, sizeof(why), fmt, ap);
		va_end(ap);
		printf("FAIL: user/%s/%s: %s\n", test_area, name, why);
		test_failed++;
	}
	return ok;
}

/* CHECK(name, cond): the reason printed on failure is the condition and errno. */
#define CHECK(name, cond) test_result((name), (cond), "%s (errno %d %s)", #cond, errno, strerror(errno))

/* A call's result as one number: its value, or -errno when it returned -1 (or any negative
 * value) and set errno. */
static inline long sys_res(long r)
{
	return r < 0 ? -errno : r;
}

/* EXPECT(name, got, want): got (a value, or -errno through sys_res) must equal want; both are
 * printed on failure with the expression that gave got. */
#define EXPECT(name, got, want)                                                                 \
	do {                                                                                    \
		long got_ = (got);                                                              \
		test_result((name), got_ == (long)(want), "%s = %ld, want %ld", #got, got_,     \
			    (long)(want));                                                      \
	} while (0)

/* A directory on a tmpfs (/tmp in Zero-OS, /dev/shm on most Linux hosts), for tests of what
 * tmpfs does on both systems; NULL when there is none. */
static inline const char *test_tmpfs_dir(void)
{
	static const char *const dirs[] = { "/tmp", "/dev/shm" };
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct statfs st;
		if (statfs(dirs[i], &st) == 0 && st.f_type == 0x01021994 /* TMPFS_MAGIC */)
			return dirs[i];
	}
	return NULL;
}

/* Run fn in a child process (for steps that change the process: ids, limits, masks) and
 * report case `name`: passed when the child exits with 0; fn returns a bit per failed step. */
static inline bool test_in_child(const char *name, int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	int st = -1;
	bool ok = pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
	return test_result(name, ok, "status %#x (failed steps in bits 8-15)", st);
}

/* The text of a small file (a /proc file), NUL-terminated in buf (empty when it cannot be
 * read): its length. */
static inline size_t test_read_text(const char *path, char *buf, size_t size)
{
	FILE *fp = fopen(path, "r");
	size_t n = fp ? fread(buf, 1, size - 1, fp) : 0;
	if (fp)
		fclose(fp);
	buf[n] = 0;
	return n;
}

static inline int test_exit_code(void)
{
	int p = test_passed > 63 ? 63 : test_passed;
	int f = test_failed > 3 ? 3 : test_failed;
	return p | f << 6;
}

static inline void test_end(void)
{
	exit(test_exit_code());
}

/* A kernel address and an unmapped user address, for EFAULT tests. */
#define KERNEL_PTR ((void *)0xffffffff80000000UL)
#define UNMAPPED_PTR ((void *)0x1000UL)

#endif
