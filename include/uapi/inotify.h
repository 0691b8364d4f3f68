/* Linux x86_64 inotify ABI (inotify(7), <linux/inotify.h>). */
#ifndef UAPI_INOTIFY_H
#define UAPI_INOTIFY_H

#include <stddef.h>
#include <stdint.h>

/* Events a watch can ask for. */
#define IN_ACCESS 0x00000001
#define IN_MODIFY 0x00000002
#define IN_ATTRIB 0x00000004
#define IN_CLOSE_WRITE 0x00000008
#define IN_CLOSE_NOWRITE 0x00000010
#define IN_OPEN 0x00000020
#define IN_MOVED_FROM 0x00000040
#define IN_MOVED_TO 0x00000080
#define IN_CREATE 0x00000100
#define IN_DELETE 0x00000200
#define IN_DELETE_SELF 0x00000400
#define IN_MOVE_SELF 0x00000800
#define IN_ALL_EVENTS 0x00000fff
/* Sent whether asked for or not. */
#define IN_UNMOUNT 0x00002000
#define IN_Q_OVERFLOW 0x00004000
#define IN_IGNORED 0x00008000
/* inotify_add_watch flags. */
#define IN_ONLYDIR 0x01000000
#define IN_DONT_FOLLOW 0x02000000
#define IN_EXCL_UNLINK 0x04000000
#define IN_MASK_CREATE 0x10000000
#define IN_MASK_ADD 0x20000000
#define IN_ISDIR 0x40000000
#define IN_ONESHOT 0x80000000
#define IN_WATCH_FLAGS (IN_ONLYDIR | IN_DONT_FOLLOW | IN_EXCL_UNLINK | IN_MASK_CREATE | \
			IN_MASK_ADD | IN_ONESHOT)

/* inotify_init1 flags. */
#define IN_CLOEXEC 02000000
#define IN_NONBLOCK 00004000

struct inotify_event_hdr {
	int32_t wd;
	uint32_t mask;
	uint32_t cookie;
	uint32_t len; /* of the name that follows, NUL-padded to a multiple of 16 */
};
_Static_assert(sizeof(struct inotify_event_hdr) == 16, "struct inotify_event is 16 bytes");

#endif
