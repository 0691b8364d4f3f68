/* Linux x86_64 POSIX message queue ABI (mq_overview(7), <linux/mqueue.h>, struct sigevent of
 * <asm-generic/siginfo.h> as mq_notify reads it). Values and layouts are the ABI. */
#ifndef UAPI_MQUEUE_H
#define UAPI_MQUEUE_H

#include <stddef.h>
#include <stdint.h>

#define MQ_PRIO_MAX 32768
#define MQ_NAME_MAX 255 /* NAME_MAX: a queue's name, without the leading '/' musl strips */

/* Defaults and ceilings (/proc/sys/fs/mqueue/...) */
#define MQ_QUEUES_MAX 256
#define MQ_MSG_MAX 10 /* msg_max and msg_default */
#define MQ_MSGSIZE_MAX 8192 /* msgsize_max and msgsize_default */
#define MQ_HARD_MSGMAX 65536 /* what root may ask for */
#define MQ_HARD_MSGSIZEMAX (16 * 1024 * 1024)

struct mq_attr {
	int64_t mq_flags; /* O_NONBLOCK only */
	int64_t mq_maxmsg;
	int64_t mq_msgsize;
	int64_t mq_curmsgs;
	int64_t reserved[4];
};
_Static_assert(sizeof(struct mq_attr) == 64, "mq_attr layout");

/* struct sigevent */
#define SIGEV_SIGNAL 0
#define SIGEV_NONE 1
#define SIGEV_THREAD 2
#define SIGEV_THREAD_ID 4 /* timer_create: signal the thread sigev_tid (musl's SIGEV_THREAD) */

struct k_sigevent {
	uint64_t sigev_value; /* union sigval */
	int32_t sigev_signo;
	int32_t sigev_notify;
	int32_t sigev_tid; /* SIGEV_THREAD_ID's target (the union's first member on Linux) */
	uint8_t pad[44];
};
_Static_assert(sizeof(struct k_sigevent) == 64, "sigevent layout");
_Static_assert(offsetof(struct k_sigevent, sigev_notify) == 12, "sigev_notify offset");
_Static_assert(offsetof(struct k_sigevent, sigev_tid) == 16, "sigev_notify_thread_id offset");

#endif
