/* Linux x86_64 System V message queue ABI (msgget(2), msgop(2), msgctl(2), <linux/msg.h>).
 * Values and layouts are the ABI: never renumber. */
#ifndef UAPI_MSG_H
#define UAPI_MSG_H

#include <uapi/ipc.h>

/* Default limits (/proc/sys/kernel/msg*) */
#define MSGMNI 32000
#define MSGMAX 8192 /* bytes in one message */
#define MSGMNB 16384 /* bytes in one queue */
#define MSGPOOL (MSGMNI * MSGMNB / 1024)
#define MSGTQL MSGMNB
#define MSGMAP MSGMNB
#define MSGSSZ 16
#define MSGSEG 0xffff

/* msgrcv flags */
#define MSG_NOERROR 010000
#define MSG_EXCEPT 020000
#define MSG_COPY 040000

/* msgctl commands beyond IPC_* */
#define MSG_STAT 11
#define MSG_INFO 12
#define MSG_STAT_ANY 13

struct msqid64_ds {
	struct ipc64_perm msg_perm;
	int64_t msg_stime, msg_rtime, msg_ctime;
	uint64_t msg_cbytes, msg_qnum, msg_qbytes;
	int32_t msg_lspid, msg_lrpid;
	uint64_t unused4, unused5;
};
_Static_assert(sizeof(struct msqid64_ds) == 120, "msqid64_ds layout");
_Static_assert(offsetof(struct msqid64_ds, msg_lspid) == 96, "msqid64_ds.msg_lspid");

/* IPC_INFO, MSG_INFO */
struct msginfo {
	int32_t msgpool, msgmap, msgmax, msgmnb, msgmni, msgssz, msgtql;
	uint16_t msgseg;
};
_Static_assert(sizeof(struct msginfo) == 32, "msginfo layout");

#endif
