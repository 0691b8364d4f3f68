/* In-kernel self-tests (KUnit-style). A test is registered in the .ktest linker section with
 * KTEST(name) { ... } and checks with KEXPECT; "ktest" on the command line runs them all at boot
 * ("ktest=prefix" runs those whose name starts with prefix). Each prints one line,
 * "PASS: kernel/<name>" or "FAIL: kernel/<name>: <why>", which the QEMU runner counts. */
#ifndef CORE_KTEST_H
#define CORE_KTEST_H

#include <stdbool.h>
#include <core/compiler.h>

struct ktest_ctx {
	const char *name;
	int failures;
};

/* Aligned explicitly so that the linker-section array has no padding the loop would trip on. */
struct ktest {
	const char *name;
	void (*fn)(struct ktest_ctx *t);
} __aligned(16);

#define KTEST(tname)                                                                             \
	static void ktest_fn_##tname(struct ktest_ctx *t);                                       \
	static const struct ktest ktest_desc_##tname __section(".ktest") __attribute__((used)) = { \
		#tname, ktest_fn_##tname                                                         \
	};                                                                                       \
	static void ktest_fn_##tname(struct ktest_ctx *t)

/* Record a failed check (the first one is reported); returns cond so tests can bail out. */
bool ktest_check(struct ktest_ctx *t, bool cond, const char *expr, const char *file, int line);
#define KEXPECT(cond) ktest_check(t, (cond), #cond, __FILE__, __LINE__)

/* Run the registered tests selected by the command line; returns the number that failed. */
int ktest_run_all(const char *prefix);

#endif
