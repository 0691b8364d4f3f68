/* Linux x86_64 poll/select ABI: the POLL* event bits, struct pollfd and select's fd_set
 * (<asm-generic/poll.h>, <linux/posix_types.h>). Values are the ABI: never renumber. */
#ifndef UAPI_POLL_H
#define UAPI_POLL_H

#include <stdint.h>

#define POLLIN 0x1
#define POLLPRI 0x2
#define POLLOUT 0x4
#define POLLERR 0x8
#define POLLHUP 0x10
#define POLLNVAL 0x20
#define POLLRDNORM 0x40
#define POLLRDBAND 0x80
#define POLLWRNORM 0x100
#define POLLWRBAND 0x200
#define POLLMSG 0x400
#define POLLRDHUP 0x2000

struct linux_pollfd {
	int32_t fd;
	int16_t events;
	int16_t revents;
};
_Static_assert(sizeof(struct linux_pollfd) == 8, "pollfd layout");

#define LINUX_FD_SETSIZE 1024
#define FD_SET_WORD_BITS 64

typedef struct {
	uint64_t bits[LINUX_FD_SETSIZE / FD_SET_WORD_BITS];
} linux_fd_set;
_Static_assert(sizeof(linux_fd_set) == 128, "fd_set layout");

/* pselect6's sixth argument: the signal mask and its size, packed. */
struct linux_pselect_sigmask {
	uint64_t ss; /* const sigset_t __user * */
	uint64_t ss_len;
};
_Static_assert(sizeof(struct linux_pselect_sigmask) == 16, "pselect6 sigmask pack layout");

#endif
