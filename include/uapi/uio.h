/* struct iovec for readv/writev (Linux <linux/uio.h>). */
#ifndef UAPI_UIO_H
#define UAPI_UIO_H

#include <stdint.h>

#define UIO_MAXIOV 1024 /* most iovecs one call takes (IOV_MAX) */

struct linux_iovec {
	uint64_t iov_base; /* a user address */
	uint64_t iov_len;
};
_Static_assert(sizeof(struct linux_iovec) == 16, "iovec layout");

#endif
