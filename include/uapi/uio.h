/* struct iovec for readv/writev (Linux <linux/uio.h>). */
#ifndef UAPI_UIO_H
#define UAPI_UIO_H

#include <stdint.h>

#define UIO_MAXIOV 1024 /* most iovecs one call takes (IOV_MAX) */

/* preadv2/pwritev2 flags (<linux/fs.h>). */
#define RWF_HIPRI 0x01 /* poll for completion: a hint */
#define RWF_DSYNC 0x02 /* as O_DSYNC, for this write */
#define RWF_SYNC 0x04 /* as O_SYNC, for this write */
#define RWF_NOWAIT 0x08 /* as O_NONBLOCK, for this call */
#define RWF_APPEND 0x10 /* as O_APPEND, for this write */
#define RWF_NOAPPEND 0x20 /* ignore O_APPEND, for this write */
#define RWF_ATOMIC 0x40 /* untorn write (needs O_DIRECT and device support) */
#define RWF_DONTCACHE 0x80 /* drop the pages from the cache after the I/O */

struct linux_iovec {
	uint64_t iov_base; /* a user address */
	uint64_t iov_len;
};
_Static_assert(sizeof(struct linux_iovec) == 16, "iovec layout");

#endif
