/* Resource limits, usage and times (getrlimit/setrlimit/prlimit64, getrusage, wait4, times,
 * getpriority/setpriority): Linux x86_64 values and layouts. Compiles on the host too. */
#ifndef UAPI_RESOURCE_H
#define UAPI_RESOURCE_H

#include <stdint.h>
#include <stddef.h>

#define RLIMIT_CPU 0
#define RLIMIT_FSIZE 1
#define RLIMIT_DATA 2
#define RLIMIT_STACK 3
#define RLIMIT_CORE 4
#define RLIMIT_RSS 5
#define RLIMIT_NPROC 6
#define RLIMIT_NOFILE 7
#define RLIMIT_MEMLOCK 8
#define RLIMIT_AS 9
#define RLIMIT_LOCKS 10
#define RLIMIT_SIGPENDING 11
#define RLIMIT_MSGQUEUE 12
#define RLIMIT_NICE 13
#define RLIMIT_RTPRIO 14
#define RLIMIT_RTTIME 15
#define RLIM_NLIMITS 16

#define RLIM_INFINITY (~0ULL)

struct rlimit {
	uint64_t rlim_cur; /* soft limit */
	uint64_t rlim_max; /* hard limit: ceiling for rlim_cur */
};
_Static_assert(sizeof(struct rlimit) == 16, "struct rlimit layout");

struct timeval_abi {
	int64_t tv_sec;
	int64_t tv_usec;
};
_Static_assert(sizeof(struct timeval_abi) == 16, "struct timeval layout");

#define RUSAGE_SELF 0
#define RUSAGE_CHILDREN (-1)
#define RUSAGE_THREAD 1

struct rusage {
	struct timeval_abi ru_utime; /* user CPU time */
	struct timeval_abi ru_stime; /* system CPU time */
	int64_t ru_maxrss, ru_ixrss, ru_idrss, ru_isrss, ru_minflt, ru_majflt, ru_nswap;
	int64_t ru_inblock, ru_oublock, ru_msgsnd, ru_msgrcv, ru_nsignals, ru_nvcsw, ru_nivcsw;
};
_Static_assert(sizeof(struct rusage) == 144, "struct rusage layout");
_Static_assert(offsetof(struct rusage, ru_maxrss) == 32, "struct rusage layout");

/* times(2): clock ticks of USER_HZ. */
#define USER_HZ 100
struct tms {
	int64_t tms_utime, tms_stime, tms_cutime, tms_cstime;
};
_Static_assert(sizeof(struct tms) == 32, "struct tms layout");

/* getpriority/setpriority: `which` */
#define PRIO_PROCESS 0
#define PRIO_PGRP 1
#define PRIO_USER 2

#endif
