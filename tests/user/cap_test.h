/* Shared helpers of the capability tests (cap_ipc.c, cap_rights.c): building messages. */
#ifndef TESTS_USER_CAP_TEST_H
#define TESTS_USER_CAP_TEST_H

#include "test.h"
#include "../../include/uapi/zero/ipc.h"

/* A message over len bytes at data, with no capabilities. */
static struct zero_msg msg(void *data, uint64_t len)
{
	struct zero_msg m = { .data = data, .len = len, .reply_fd = -1 };
	for (int i = 0; i < ZERO_MSG_MAX_CAPS; i++)
		m.caps[i] = -1;
	return m;
}

static int send_str(int fd, const char *s, int flags, int64_t timeout)
{
	struct zero_msg m = msg((void *)s, strlen(s));
	return zero_send(fd, &m, flags, timeout);
}

#endif
