/* Memory locks: mlock/munlock/mlock2 (MLOCK_ONFAULT), mlockall (MCL_CURRENT, MCL_FUTURE) and
 * munlockall, mmap(MAP_LOCKED), as /proc/self/status's VmLck counts them; ENOMEM for unmapped
 * ranges, EINVAL for bad flags, MADV_DONTNEED refused on locked pages, nothing inherited by
 * fork, and RLIMIT_MEMLOCK for an unprivileged caller (EPERM at 0, ENOMEM beyond it).
 * Expectations are Linux's: runs on the host too. */
#define _GNU_SOURCE
#include "test.h"
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>

#define PG 4096L

static long vmlck_kb(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	char line[128];
	long kb = -1;
	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmLck: %ld kB", &kb) == 1)
			break;
	if (f)
		fclose(f);
	return kb;
}

static void test_ranges(char *p, long base)
{
	EXPECT("mlock", sys_res(mlock(p + 1, 3 * PG - 1)), 0); /* the start rounds down */
	EXPECT("vmlck-counts-three-pages", vmlck_kb() - base, 12);
	EXPECT("madvise-dontneed-locked-einval", sys_res(madvise(p, PG, MADV_DONTNEED)), -EINVAL);
	EXPECT("munlock", sys_res(munlock(p, 3 * PG)), 0);
	EXPECT("vmlck-back", vmlck_kb() - base, 0);
	EXPECT("mlock2-onfault", sys_res(syscall(SYS_mlock2, p, 2 * PG, MLOCK_ONFAULT)), 0);
	EXPECT("vmlck-onfault-counts", vmlck_kb() - base, 8);
	munlock(p, 2 * PG);
	EXPECT("mlock2-bad-flags-einval", sys_res(syscall(SYS_mlock2, p, PG, 2)), -EINVAL);
	munmap(p + 4 * PG, PG);
	EXPECT("mlock-hole-enomem", sys_res(mlock(p, 6 * PG)), -ENOMEM);
	EXPECT("munlock-hole-enomem", sys_res(munlock(p, 6 * PG)), -ENOMEM);
}

static void test_all(long base)
{
	EXPECT("mlockall-zero-einval", sys_res(mlockall(0)), -EINVAL);
	EXPECT("mlockall-onfault-alone-einval", sys_res(mlockall(MCL_ONFAULT)), -EINVAL);
	EXPECT("mlockall-future", sys_res(mlockall(MCL_FUTURE)), 0);
	char *q = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	/* At least the new mapping: reading /proc may map memory of its own, locked too. */
	test_result("future-mapping-locked", q != MAP_FAILED && vmlck_kb() - base >= 8,
		    "VmLck %ld kB", vmlck_kb());
	EXPECT("munlockall", sys_res(munlockall()), 0);
	EXPECT("munlockall-unlocks", vmlck_kb() - base, 0);
	munmap(q, 2 * PG);
	q = mmap(NULL, PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_LOCKED, -1, 0);
	EXPECT("map-locked", vmlck_kb() - base, 4);
	munmap(q, PG);
	EXPECT("mlockall-current", sys_res(mlockall(MCL_CURRENT)), 0);
	test_result("current-mappings-locked", vmlck_kb() - base > 16, "VmLck %ld kB", vmlck_kb());
	munlockall();
}

static int fork_child(void)
{
	return vmlck_kb() != 0;
}

/* As nobody: RLIMIT_MEMLOCK 0 is EPERM, one page allows one page and no more. */
static int limits_child(void)
{
	char *p = mmap(NULL, 2 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	struct rlimit zero = { 0, 0 }, one = { PG, PG };
	if (setrlimit(RLIMIT_MEMLOCK, &one) || setuid(65534))
		return 1;
	if (sys_res(mlock(p, 2 * PG)) != -ENOMEM)
		return 2;
	if (sys_res(mlock(p, PG)) != 0)
		return 4;
	munlock(p, PG);
	if (setrlimit(RLIMIT_MEMLOCK, &zero) || sys_res(mlock(p, PG)) != -EPERM)
		return 8;
	return 0;
}

int main(void)
{
	test_begin("mlock");
	long base = vmlck_kb();
	char *p = mmap(NULL, 6 * PG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (base < 0 || p == MAP_FAILED) {
		test_result("setup", false, "VmLck %ld, errno %d", base, errno);
		test_end();
	}
	test_ranges(p, base);
	mlock(p, PG);
	test_in_child("not-inherited-by-fork", fork_child);
	munlock(p, PG);
	test_all(base);
	test_in_child("rlimit-memlock-unprivileged", limits_child);
	test_end();
}
