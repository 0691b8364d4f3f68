/* Linux x86_64 pidfd ABI (pidfd_open(2), pidfd_send_signal(2), pidfd_getfd(2), <linux/pidfd.h>). */
#ifndef UAPI_PIDFD_H
#define UAPI_PIDFD_H

#define PIDFD_NONBLOCK 00004000 /* O_NONBLOCK */
#define PIDFD_THREAD 00000200 /* O_EXCL: a pidfd for one thread (not supported: EINVAL) */

/* pidfd_send_signal's scope: at most one. */
#define PIDFD_SIGNAL_THREAD (1u << 0)
#define PIDFD_SIGNAL_THREAD_GROUP (1u << 1)
#define PIDFD_SIGNAL_PROCESS_GROUP (1u << 2)
#define PIDFD_SIGNAL_FLAGS                                                                       \
	(PIDFD_SIGNAL_THREAD | PIDFD_SIGNAL_THREAD_GROUP | PIDFD_SIGNAL_PROCESS_GROUP)

#endif
