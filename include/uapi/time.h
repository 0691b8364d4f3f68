/* Linux x86_64 time ABI: timespec/timeval as system calls read and write them, clock ids and
 * clock_nanosleep flags. Named linux_* so that host tests can include this next to libc. */
#ifndef UAPI_TIME_H
#define UAPI_TIME_H

#include <stdint.h>

struct linux_timespec {
	int64_t tv_sec;
	int64_t tv_nsec; /* 0..999999999 */
};
_Static_assert(sizeof(struct linux_timespec) == 16, "timespec layout");

struct linux_timeval {
	int64_t tv_sec;
	int64_t tv_usec;
};
_Static_assert(sizeof(struct linux_timeval) == 16, "timeval layout");

struct linux_timezone { /* gettimeofday's obsolete second argument */
	int32_t tz_minuteswest;
	int32_t tz_dsttime;
};
_Static_assert(sizeof(struct linux_timezone) == 8, "timezone layout");

#define CLOCK_REALTIME 0
#define CLOCK_MONOTONIC 1
#define CLOCK_PROCESS_CPUTIME_ID 2
#define CLOCK_THREAD_CPUTIME_ID 3
#define CLOCK_MONOTONIC_RAW 4
#define CLOCK_REALTIME_COARSE 5
#define CLOCK_MONOTONIC_COARSE 6
#define CLOCK_BOOTTIME 7
#define CLOCK_REALTIME_ALARM 8
#define CLOCK_BOOTTIME_ALARM 9
#define CLOCK_TAI 11

#define TIMER_ABSTIME 0x01 /* clock_nanosleep: the request is an absolute time */

#endif
