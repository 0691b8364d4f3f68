/* Self-tests of the simple system calls through the dispatcher, with their buffers in a user
 * page: uname strings, clocks, sleeping, getrandom flags, affinity sizes, sysinfo, arch_prctl
 * limits and the console file descriptors. */
#include <arch/x86_64/smp.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usertest.h>
#include <core/ktest.h>
#include <core/time.h>
#include <lib/string.h>
#include <mm/layout.h>
#include <mm/paging.h>
#include <uapi/errno.h>
#include <uapi/prctl.h>
#include <uapi/random.h>
#include <uapi/sysinfo.h>
#include <uapi/time.h>
#include <uapi/uio.h>
#include <uapi/utsname.h>

#define TEST_VA 0x00005c5c00000000ULL
#define EPOCH_2024 1704067200LL /* 2024-01-01 00:00:00 UTC */
#define NR_READ 0
#define NR_WRITE 1
#define NR_WRITEV 20
#define NR_NANOSLEEP 35
#define NR_UNAME 63
#define NR_SYSINFO 99
#define NR_ARCH_PRCTL 158
#define NR_TIME 201
#define NR_SCHED_GETAFFINITY 204
#define NR_CLOCK_GETTIME 228
#define NR_CLOCK_GETRES 229
#define NR_CLOCK_NANOSLEEP 230
#define NR_GETRANDOM 318
#define SLEEP_NS (5 * NSEC_PER_MSEC)

static long sc(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3)
{
	return syscall_invoke(nr, a0, a1, a2, a3, 0, 0);
}

KTEST(sys_uname_strings)
{
	struct usertest_page p;
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	KEXPECT(sc(NR_UNAME, TEST_VA, 0, 0, 0) == 0);
	const struct linux_utsname *u = (const void *)p.kva;
	KEXPECT(strcmp(u->sysname, "Linux") == 0);
	KEXPECT(strcmp(u->release, "6.1.0-zero") == 0);
	KEXPECT(strcmp(u->machine, "x86_64") == 0);
	KEXPECT(strcmp(u->nodename, "zero") == 0);
	KEXPECT(sc(NR_UNAME, TEST_VA + PAGE_SIZE - 8, 0, 0, 0) == -EFAULT);
	usertest_unmap(&p);
}

KTEST(sys_clocks)
{
	struct usertest_page p;
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	const struct linux_timespec *ts = (const void *)p.kva;
	KEXPECT(sc(NR_CLOCK_GETTIME, CLOCK_REALTIME, TEST_VA, 0, 0) == 0);
	KEXPECT(ts->tv_sec >= EPOCH_2024 && ts->tv_nsec >= 0 && ts->tv_nsec < 1000000000);
	KEXPECT(sc(NR_TIME, 0, 0, 0, 0) >= EPOCH_2024);
	KEXPECT(sc(NR_TIME, TEST_VA + 64, 0, 0, 0) == *(int64_t *)(p.kva + 64));
	KEXPECT(sc(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, TEST_VA, 0, 0) == 0);
	int64_t first = ts->tv_sec * 1000000000LL + ts->tv_nsec;
	KEXPECT(sc(NR_CLOCK_GETTIME, CLOCK_BOOTTIME, TEST_VA, 0, 0) == 0);
	KEXPECT(ts->tv_sec * 1000000000LL + ts->tv_nsec >= first);
	KEXPECT(sc(NR_CLOCK_GETTIME, 42, TEST_VA, 0, 0) == -EINVAL);
	KEXPECT(sc(NR_CLOCK_GETTIME, CLOCK_MONOTONIC, 0xffff800000000000ULL, 0, 0) == -EFAULT);
	KEXPECT(sc(NR_CLOCK_GETRES, CLOCK_MONOTONIC, TEST_VA, 0, 0) == 0);
	KEXPECT(ts->tv_sec == 0 && ts->tv_nsec == 1);
	KEXPECT(sc(NR_CLOCK_GETRES, CLOCK_MONOTONIC, 0, 0, 0) == 0);
	KEXPECT(sc(NR_CLOCK_GETRES, -1, 0, 0, 0) == -EINVAL);
	KEXPECT(syscall_invoke(96, TEST_VA, TEST_VA + 16, 0, 0, 0, 0) == 0); /* gettimeofday */
	KEXPECT(ts->tv_sec >= EPOCH_2024 && ts->tv_nsec < 1000000); /* tv_usec */
	usertest_unmap(&p);
}

KTEST(sys_sleeps)
{
	struct usertest_page p;
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	struct linux_timespec *ts = (void *)p.kva;
	*ts = (struct linux_timespec){ 0, SLEEP_NS };
	uint64_t t0 = time_monotonic_ns();
	KEXPECT(sc(NR_NANOSLEEP, TEST_VA, 0, 0, 0) == 0);
	KEXPECT(time_monotonic_ns() - t0 >= SLEEP_NS);
	ts->tv_nsec = 1000000000;
	KEXPECT(sc(NR_NANOSLEEP, TEST_VA, 0, 0, 0) == -EINVAL);
	*ts = (struct linux_timespec){ -1, 0 };
	KEXPECT(sc(NR_NANOSLEEP, TEST_VA, 0, 0, 0) == -EINVAL);
	KEXPECT(sc(NR_NANOSLEEP, 0, 0, 0, 0) == -EFAULT);
	/* Absolute monotonic deadline, and one already past. */
	uint64_t when = time_monotonic_ns() + SLEEP_NS;
	*ts = (struct linux_timespec){ (int64_t)(when / NSEC_PER_SEC),
				       (int64_t)(when % NSEC_PER_SEC) };
	KEXPECT(sc(NR_CLOCK_NANOSLEEP, CLOCK_MONOTONIC, TIMER_ABSTIME, TEST_VA, 0) == 0);
	KEXPECT(time_monotonic_ns() >= when);
	*ts = (struct linux_timespec){ 1, 0 };
	KEXPECT(sc(NR_CLOCK_NANOSLEEP, CLOCK_REALTIME, TIMER_ABSTIME, TEST_VA, 0) == 0);
	KEXPECT(sc(NR_CLOCK_NANOSLEEP, CLOCK_THREAD_CPUTIME_ID, 0, TEST_VA, 0) == -EOPNOTSUPP);
	KEXPECT(sc(NR_CLOCK_NANOSLEEP, 99, 0, TEST_VA, 0) == -EINVAL);
	usertest_unmap(&p);
}

KTEST(sys_getrandom)
{
	struct usertest_page p;
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	KEXPECT(sc(NR_GETRANDOM, TEST_VA, 600, 0, 0) == 600);
	unsigned nonzero = 0;
	for (int i = 0; i < 600; i++)
		nonzero += p.kva[i] != 0;
	KEXPECT(nonzero > 500);
	KEXPECT(p.kva[600] == 0);
	KEXPECT(sc(NR_GETRANDOM, TEST_VA, 16, GRND_NONBLOCK | GRND_INSECURE, 0) == 16);
	KEXPECT(sc(NR_GETRANDOM, TEST_VA, 16, 0x40, 0) == -EINVAL);
	KEXPECT(sc(NR_GETRANDOM, TEST_VA, 16, GRND_RANDOM | GRND_INSECURE, 0) == -EINVAL);
	KEXPECT(sc(NR_GETRANDOM, 0xffffffff80000000ULL, 16, 0, 0) == -EFAULT);
	/* A fault part-way returns what was copied. */
	KEXPECT(sc(NR_GETRANDOM, TEST_VA + PAGE_SIZE - 300, 600, 0, 0) == 256);
	usertest_unmap(&p);
}

KTEST(sys_affinity_sysinfo_prctl)
{
	struct usertest_page p;
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	KEXPECT(sc(NR_SCHED_GETAFFINITY, 0, 128, TEST_VA, 0) == 8);
	KEXPECT(*(uint64_t *)p.kva == smp_online_mask());
	KEXPECT(sc(NR_SCHED_GETAFFINITY, 0, 4, TEST_VA, 0) == -EINVAL);
	KEXPECT(sc(NR_SCHED_GETAFFINITY, 0, 12, TEST_VA, 0) == -EINVAL);
	KEXPECT(sc(NR_SCHED_GETAFFINITY, (uint64_t)-5, 8, TEST_VA, 0) == -ESRCH);
	KEXPECT(sc(NR_SYSINFO, TEST_VA, 0, 0, 0) == 0);
	const struct linux_sysinfo *si = (const void *)p.kva;
	KEXPECT(si->totalram > 0 && si->freeram <= si->totalram && si->mem_unit == 1);
	KEXPECT(si->uptime >= 0 && si->procs >= 1);
	KEXPECT(sc(NR_ARCH_PRCTL, ARCH_SET_FS, 0xffffffff80000000ULL, 0, 0) == -EPERM);
	KEXPECT(sc(NR_ARCH_PRCTL, ARCH_SET_GS, 0x0000800000000000ULL, 0, 0) == -EPERM);
	KEXPECT(sc(NR_ARCH_PRCTL, 0x9999, 0, 0, 0) == -EINVAL);
	KEXPECT(sc(NR_ARCH_PRCTL, ARCH_GET_FS, 0xffffffff80000000ULL, 0, 0) == -EFAULT);
	usertest_unmap(&p);
}

/* A thread with no process has no descriptor table: every descriptor call is EBADF (the
 * descriptor calls themselves are tested from user space, tests/user/fs_*). */
KTEST(sys_fd_calls_without_process_ebadf)
{
	struct usertest_page p;
	if (!KEXPECT(usertest_map(&p, TEST_VA, PTE_W | PTE_NX) == 0))
		return;
	KEXPECT(sc(NR_WRITE, 1, TEST_VA, 20, 0) == -EBADF);
	KEXPECT(sc(NR_WRITE, (uint64_t)-1, TEST_VA, 20, 0) == -EBADF);
	KEXPECT(sc(NR_READ, 0, TEST_VA, 1, 0) == -EBADF);
	KEXPECT(sc(NR_WRITEV, 1, TEST_VA + 512, 2, 0) == -EBADF);
	usertest_unmap(&p);
}
