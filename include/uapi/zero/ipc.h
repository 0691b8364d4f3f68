/* Zero-OS endpoints: bounded message queues behind descriptors, one-way messages carrying
 * bytes and capabilities, and synchronous call/reply. Shared by the kernel and user programs
 * (plain C, compiles with musl-gcc); the inline wrappers are the user library. See
 * docs/capabilities.md for every call and errno. */
#ifndef UAPI_ZERO_IPC_H
#define UAPI_ZERO_IPC_H

#include <stdint.h>
#include "cap.h"

#define ZERO_MSG_MAX_CAPS 4 /* capabilities per message */
#define ZERO_EP_MAX_DEPTH 1024 /* system limit on an endpoint's queue depth */
#define ZERO_EP_MAX_MSG 65536 /* system limit on a message's bytes */

/* zero_endpoint_create flags (the values of O_NONBLOCK and O_CLOEXEC). */
#define ZERO_EP_NONBLOCK 04000
#define ZERO_EP_CLOEXEC 02000000
/* zero_send / zero_recv flags. */
#define ZERO_MSG_NONBLOCK 1 /* fail with EAGAIN instead of waiting */
/* zero_reply_recv's result for a request sent by zero_call (the thread now holds its reply);
 * a plain message is 1, as for zero_recv. */
#define ZERO_RECV_CALL 2
/* A timeout (nanoseconds, relative) that never expires. */
#define ZERO_WAIT_FOREVER (-1LL)

/* A message as user space sees it. Sending: data/len are the bytes, caps[0..ncaps) the
 * descriptors to pass (each held with ZERO_CAP_GRANT). Receiving: data/len are the buffer
 * (len becomes the byte count), caps[0..ncaps) the new descriptors, reply_fd the one-shot
 * reply capability of a zero_call request (-1 for a plain message). */
struct zero_msg {
	void *data;
	uint64_t len;
	int32_t caps[ZERO_MSG_MAX_CAPS];
	uint32_t ncaps;
	int32_t reply_fd;
};
_Static_assert(sizeof(struct zero_msg) == 40, "zero_msg ABI");

#define SYS_zero_endpoint_create 1024
#define SYS_zero_send 1025
#define SYS_zero_recv 1026
#define SYS_zero_call 1027
#define SYS_zero_reply 1028
#define SYS_zero_reply_recv 1033

#if __STDC_HOSTED__ /* user programs; the kernel is freestanding */
#include <unistd.h>

/* fds[0]: receive capability, fds[1]: send capability. */
static inline int zero_endpoint_create(uint32_t depth, uint32_t max_msg, int flags, int fds[2])
{
	return (int)syscall(SYS_zero_endpoint_create, depth, max_msg, flags, fds);
}
static inline int zero_send(int fd, const struct zero_msg *m, int flags, int64_t timeout_ns)
{
	return (int)syscall(SYS_zero_send, fd, m, flags, timeout_ns);
}
/* 1: a message arrived (m->len holds its size); 0: end of stream (no sender is left). */
static inline int zero_recv(int fd, struct zero_msg *m, int flags, int64_t timeout_ns)
{
	return (int)syscall(SYS_zero_recv, fd, m, flags, timeout_ns);
}
/* Send req with a reply capability and wait for the answer in *reply. */
static inline int zero_call(int fd, const struct zero_msg *req, struct zero_msg *reply,
			    int64_t timeout_ns)
{
	return (int)syscall(SYS_zero_call, fd, req, reply, timeout_ns);
}
static inline int zero_reply(int reply_fd, const struct zero_msg *m)
{
	return (int)syscall(SYS_zero_reply, reply_fd, m);
}
/* Answer the call this thread received last with *reply (NULL: drop it, its caller gets
 * EPIPE), then receive as zero_recv. 1: a message; ZERO_RECV_CALL: a call, whose reply this
 * thread now holds (m->reply_fd is -1); 0: end of stream. */
static inline int zero_reply_recv(int fd, const struct zero_msg *reply, struct zero_msg *m,
				  int flags, int64_t timeout_ns)
{
	return (int)syscall(SYS_zero_reply_recv, fd, reply, m, flags, timeout_ns);
}
#endif

#endif
