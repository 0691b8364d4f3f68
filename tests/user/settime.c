/* Setting the wall clock: clock_settime(CLOCK_REALTIME) and settimeofday (set to the time it
 * already is, so that the machine running the test keeps its clock), the time zone
 * settimeofday keeps for gettimeofday, and Linux's errors: EINVAL for other clocks, bad values
 * and times before boot, EFAULT, EPERM without privilege. Expectations are Linux's: runs on the
 * host too. */
#include "test.h"
#include <sys/time.h>
#include <sys/wait.h>
#include <sys/syscall.h>
#include <time.h>

static long settime_errors_as_nobody(void)
{
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	if (setuid(65534))
		return 1;
	if (sys_res(clock_settime(CLOCK_REALTIME, &now)) != -EPERM)
		return 2;
	struct timeval tv = { now.tv_sec, 0 };
	if (sys_res(settimeofday(&tv, NULL)) != -EPERM)
		return 3;
	struct timespec bad = { 0, -1 };
	if (sys_res(clock_settime(CLOCK_REALTIME, &bad)) != -EINVAL)
		return 4; /* the value is checked before the privilege */
	return 0;
}

static void test_set_to_now(void)
{
	struct timespec now, after;
	clock_gettime(CLOCK_REALTIME, &now);
	EXPECT("clock-settime-realtime", sys_res(clock_settime(CLOCK_REALTIME, &now)), 0);
	clock_gettime(CLOCK_REALTIME, &after);
	bool ok = after.tv_sec >= now.tv_sec && after.tv_sec <= now.tv_sec + 5;
	test_result("clock-runs-on-from-set-value", ok, "set %ld, read %ld", (long)now.tv_sec,
		    (long)after.tv_sec);
	struct timeval tv;
	gettimeofday(&tv, NULL);
	EXPECT("settimeofday", sys_res(settimeofday(&tv, NULL)), 0);
}

/* musl's settimeofday and gettimeofday leave the time zone out: the system calls are used. The
 * zone is always set together with the time: Linux's first settimeofday with a zone and no
 * time shifts the clock by the zone (an RTC kept in local time), which a test must not do. */
static long set_zone(int minutes_west)
{
	struct timezone tz = { .tz_minuteswest = minutes_west, .tz_dsttime = 0 };
	struct timeval tv;
	gettimeofday(&tv, NULL);
	return sys_res(syscall(SYS_settimeofday, &tv, &tz));
}

static void test_time_zone(void)
{
	struct timezone got = { 0, 0 };
	struct timeval tv;
	EXPECT("settimeofday-with-zone", set_zone(-60), 0);
	syscall(SYS_gettimeofday, &tv, &got);
	EXPECT("gettimeofday-returns-zone", got.tz_minuteswest, -60);
	EXPECT("zone-out-of-range-einval", set_zone(16 * 60), -EINVAL);
	EXPECT("zone-back-to-utc", set_zone(0), 0);
}

static void test_errors(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	EXPECT("monotonic-einval", sys_res(clock_settime(CLOCK_MONOTONIC, &ts)), -EINVAL);
	EXPECT("boottime-einval", sys_res(clock_settime(CLOCK_BOOTTIME, &ts)), -EINVAL);
	EXPECT("cpu-clock-einval", sys_res(clock_settime(CLOCK_PROCESS_CPUTIME_ID, &ts)),
	       -EINVAL);
	EXPECT("unknown-clock-einval", sys_res(clock_settime(100, &ts)), -EINVAL);
	EXPECT("bad-pointer-efault", sys_res(clock_settime(CLOCK_REALTIME, UNMAPPED_PTR)),
	       -EFAULT);
	struct timespec bad = { ts.tv_sec, 1000000000 };
	EXPECT("nanoseconds-einval", sys_res(clock_settime(CLOCK_REALTIME, &bad)), -EINVAL);
	bad = (struct timespec){ -1, 0 };
	EXPECT("negative-einval", sys_res(clock_settime(CLOCK_REALTIME, &bad)), -EINVAL);
	bad = (struct timespec){ 0, 0 }; /* 1970: before this system started */
	EXPECT("before-boot-einval", sys_res(clock_settime(CLOCK_REALTIME, &bad)), -EINVAL);
	struct timeval tv = { ts.tv_sec, 1000000 };
	EXPECT("microseconds-einval", sys_res(settimeofday(&tv, NULL)), -EINVAL);
	pid_t pid = fork();
	if (pid == 0)
		_exit((int)settime_errors_as_nobody());
	int status = 0;
	waitpid(pid, &status, 0);
	test_result("unprivileged-eperm", WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "check %d failed (status %#x)", WEXITSTATUS(status), status);
}

int main(void)
{
	test_begin("settime");
	test_errors();
	test_set_to_now();
	test_time_zone();
	test_end();
}
