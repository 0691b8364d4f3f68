/* Linux x86_64 timerfd ABI (<sys/timerfd.h>): flags and struct itimerspec. Values are the ABI:
 * never renumber. */
#ifndef UAPI_TIMERFD_H
#define UAPI_TIMERFD_H

#include <uapi/time.h>

#define TFD_NONBLOCK 00004000 /* O_NONBLOCK */
#define TFD_CLOEXEC 02000000 /* O_CLOEXEC */

#define TFD_TIMER_ABSTIME (1 << 0)
#define TFD_TIMER_CANCEL_ON_SET (1 << 1)

struct linux_itimerspec {
	struct linux_timespec it_interval;
	struct linux_timespec it_value;
};
_Static_assert(sizeof(struct linux_itimerspec) == 32, "itimerspec layout");

#endif
