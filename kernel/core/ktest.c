/* Runs the in-kernel self-tests registered in the .ktest section and reports each on the console
 * in the format the test runner counts. */
#include <core/ktest.h>
#include <core/printk.h>
#include <lib/string.h>

extern const struct ktest __ktest_start[], __ktest_end[];

bool ktest_check(struct ktest_ctx *t, bool cond, const char *expr, const char *file, int line)
{
	if (!cond) {
		if (t->failures == 0)
			pr_info("FAIL: kernel/%s: %s (%s:%d)\n", t->name, expr, file, line);
		t->failures++;
	}
	return cond;
}

int ktest_run_all(const char *prefix)
{
	int passed = 0, failed = 0;
	size_t plen = prefix ? strlen(prefix) : 0;

	for (const struct ktest *k = __ktest_start; k < __ktest_end; k++) {
		if (plen && strncmp(k->name, prefix, plen) != 0)
			continue;
		struct ktest_ctx ctx = { .name = k->name, .failures = 0 };
		k->fn(&ctx);
		if (ctx.failures == 0) {
			pr_info("PASS: kernel/%s\n", k->name);
			passed++;
		} else {
			failed++;
		}
	}
	pr_info("ktest: %d passed, %d failed\n", passed, failed);
	return failed;
}
