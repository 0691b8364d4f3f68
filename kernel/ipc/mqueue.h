/* POSIX message queues' tunables (ipc/mqueue.c), the files of /proc/sys/fs/mqueue: read
 * with READ_ONCE, written whole by the /proc/sys table. */
#ifndef IPC_MQUEUE_H
#define IPC_MQUEUE_H

#include <uapi/mqueue.h>

#define MQ_MIN_MSGMAX 1 /* the least msg_max and msg_default may be set to */
#define MQ_MIN_MSGSIZEMAX 128 /* the least msgsize_max and msgsize_default may be set to */

extern int mq_queues_max; /* queues in the system (root is exempt) */
extern int mq_msg_max, mq_msgsize_max; /* what a non-root mq_open may ask for */
extern int mq_msg_default, mq_msgsize_default; /* a queue made without attributes */

/* Boot: the mqueue file system type (mount -t mqueue). */
void mqueue_fs_register(void);

#endif
