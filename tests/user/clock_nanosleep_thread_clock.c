/* Bug clock_nanosleep_thread_clock: clock_nanosleep on CLOCK_THREAD_CPUTIME_ID (a clock one
 * cannot sleep on) is EOPNOTSUPP from the system call, as Linux, not EINVAL. */
#include "test.h"
#include <sys/syscall.h>
#include <time.h>

int main(void)
{
	test_begin("clock_nanosleep_thread_clock");
	struct timespec ts = { 0, 1000 };
	errno = 0;
	CHECK("thread-cputime-eopnotsupp",
	      syscall(SYS_clock_nanosleep, CLOCK_THREAD_CPUTIME_ID, 0, &ts, NULL) == -1 &&
		      errno == EOPNOTSUPP);
	errno = 0;
	CHECK("bad-clock-einval", syscall(SYS_clock_nanosleep, 99, 0, &ts, NULL) == -1 &&
					  errno == EINVAL);
	test_end();
}
