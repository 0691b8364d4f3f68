/* Linux x86_64 epoll ABI (<linux/eventpoll.h>): the event bits, epoll_ctl's operations and the
 * packed struct epoll_event. Values are the ABI: never renumber. */
#ifndef UAPI_EPOLL_H
#define UAPI_EPOLL_H

#include <stddef.h>
#include <stdint.h>

#define EPOLL_CLOEXEC 02000000 /* O_CLOEXEC */

#define EPOLL_CTL_ADD 1
#define EPOLL_CTL_DEL 2
#define EPOLL_CTL_MOD 3

/* The readiness bits are poll's (<uapi/poll.h>). */
#define EPOLLIN 0x00000001u
#define EPOLLPRI 0x00000002u
#define EPOLLOUT 0x00000004u
#define EPOLLERR 0x00000008u
#define EPOLLHUP 0x00000010u
#define EPOLLNVAL 0x00000020u
#define EPOLLRDNORM 0x00000040u
#define EPOLLRDBAND 0x00000080u
#define EPOLLWRNORM 0x00000100u
#define EPOLLWRBAND 0x00000200u
#define EPOLLMSG 0x00000400u
#define EPOLLRDHUP 0x00002000u
/* Input flags. */
#define EPOLLEXCLUSIVE (1u << 28)
#define EPOLLWAKEUP (1u << 29)
#define EPOLLONESHOT (1u << 30)
#define EPOLLET (1u << 31)

/* x86_64 packs it (12 bytes), for compatibility with 32-bit x86. */
struct linux_epoll_event {
	uint32_t events;
	uint64_t data;
} __attribute__((packed));
_Static_assert(sizeof(struct linux_epoll_event) == 12, "epoll_event layout");
_Static_assert(offsetof(struct linux_epoll_event, data) == 4, "epoll_event data offset");

#endif
