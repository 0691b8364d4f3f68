/* The sleep matrix (sleep_matrix.h) for System V IPC and POSIX message queues: semop and
 * semtimedop waiting for a semaphore, msgrcv waiting for a message, msgsnd waiting for room in
 * a full queue, mq_timedreceive and mq_timedsend likewise. As on Linux (signal(7)), the System
 * V calls never restart under SA_RESTART: a handler always makes them EINTR; semop and
 * semtimedop fail with EINTR after a stop and continue too, msgrcv and msgsnd go on. The POSIX
 * queue calls restart under SA_RESTART. */
#include "sleep_matrix.h"
#include <fcntl.h>
#include <mqueue.h>
#include <sys/msg.h>
#include <sys/sem.h>

/* The driver's IPC object is kept in xfd (an id, not a descriptor). */
static bool prep_sem(struct sm_ctx *c, char *why, size_t n)
{
	c->xfd = semget(IPC_PRIVATE, 1, 0600);
	snprintf(why, n, "semget: %s", strerror(errno));
	return c->xfd >= 0;
}

static bool prep_msg(struct sm_ctx *c, char *why, size_t n)
{
	c->xfd = msgget(IPC_PRIVATE, 0600);
	snprintf(why, n, "msgget: %s", strerror(errno));
	return c->xfd >= 0;
}

/* A queue of one byte, full. */
static bool prep_msg_full(struct sm_ctx *c, char *why, size_t n)
{
	struct msqid_ds ds;
	struct { long type; char text[1]; } m = { 1, "x" };
	if (!prep_msg(c, why, n) || msgctl(c->xfd, IPC_STAT, &ds))
		return false;
	ds.msg_qbytes = 1;
	snprintf(why, n, "filling the queue: %s", strerror(errno));
	return msgctl(c->xfd, IPC_SET, &ds) == 0 && msgsnd(c->xfd, &m, 1, 0) == 0;
}

/* A POSIX queue of one message (xfd the driver's descriptor; full with `full`). */
static bool prep_mq_common(struct sm_ctx *c, char *why, size_t n, bool full)
{
	struct mq_attr a = { .mq_maxmsg = 1, .mq_msgsize = 8 };
	snprintf(c->path, sizeof(c->path), "/zero-sm-mq-%d", getpid());
	c->xfd = mq_open(c->path, O_CREAT | O_EXCL | O_RDWR, 0600, &a);
	snprintf(why, n, "mq_open: %s", strerror(errno));
	return c->xfd >= 0 && (!full || mq_send(c->xfd, "x", 1, 0) == 0);
}

static bool prep_mq_empty(struct sm_ctx *c, char *why, size_t n)
{
	return prep_mq_common(c, why, n, false);
}

static bool prep_mq_full(struct sm_ctx *c, char *why, size_t n)
{
	return prep_mq_common(c, why, n, true);
}

static long block_mq_receive(struct sm_ctx *c)
{
	char buf[8];
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_sec += SM_LONG_NS / 1000000000L;
	return sm_sys(mq_timedreceive(c->xfd, buf, sizeof(buf), NULL, &ts));
}

static long block_mq_send(struct sm_ctx *c)
{
	return sm_sys(mq_send(c->xfd, "y", 1, 0));
}

static void wake_mq_send(struct sm_ctx *c)
{
	mq_send(c->xfd, "z", 1, 0);
}

static void wake_mq_take(struct sm_ctx *c)
{
	char buf[8];
	mq_receive(c->xfd, buf, sizeof(buf), NULL);
}

static void cleanup_mq(struct sm_ctx *c)
{
	mq_unlink(c->path);
	sm_close(&c->xfd);
}

static long block_semop(struct sm_ctx *c)
{
	struct sembuf b = { 0, -1, 0 };
	return sm_sys(semop(c->xfd, &b, 1));
}

static long block_semtimedop(struct sm_ctx *c)
{
	struct sembuf b = { 0, -1, 0 };
	struct timespec ts = sm_ts(SM_LONG_NS);
	return sm_sys(semtimedop(c->xfd, &b, 1, &ts));
}

static long block_msgrcv(struct sm_ctx *c)
{
	struct { long type; char text[8]; } m;
	return sm_sys(msgrcv(c->xfd, &m, sizeof(m.text), 0, 0));
}

static long block_msgsnd(struct sm_ctx *c)
{
	struct { long type; char text[1]; } m = { 1, "y" };
	return sm_sys(msgsnd(c->xfd, &m, 1, 0));
}

static void wake_sem(struct sm_ctx *c)
{
	struct sembuf b = { 0, 1, 0 };
	semop(c->xfd, &b, 1);
}

static void wake_msg_send(struct sm_ctx *c)
{
	struct { long type; char text[1]; } m = { 1, "z" };
	msgsnd(c->xfd, &m, 1, IPC_NOWAIT);
}

static void wake_msg_take(struct sm_ctx *c)
{
	struct { long type; char text[8]; } m;
	msgrcv(c->xfd, &m, sizeof(m.text), 0, IPC_NOWAIT);
}

static void cleanup_sem(struct sm_ctx *c)
{
	semctl(c->xfd, 0, IPC_RMID);
	c->xfd = -1;
}

static void cleanup_msg(struct sm_ctx *c)
{
	msgctl(c->xfd, IPC_RMID, NULL);
	c->xfd = -1;
}

static const struct sm_call calls[] = {
	{ "semop", SYS_semop, prep_sem, NULL, block_semop, wake_sem, cleanup_sem, 0,
	  SM_STOP_EINTR },
	{ "semtimedop", SYS_semtimedop, prep_sem, NULL, block_semtimedop, wake_sem, cleanup_sem, 0,
	  SM_STOP_EINTR },
	{ "msgrcv", SYS_msgrcv, prep_msg, NULL, block_msgrcv, wake_msg_send, cleanup_msg, 1, 0 },
	{ "msgsnd", SYS_msgsnd, prep_msg_full, NULL, block_msgsnd, wake_msg_take, cleanup_msg, 0,
	  0 },
	{ "mq_timedreceive", SYS_mq_timedreceive, prep_mq_empty, NULL, block_mq_receive,
	  wake_mq_send, cleanup_mq, 1, SM_RESTARTS },
	{ "mq_timedsend", SYS_mq_timedsend, prep_mq_full, NULL, block_mq_send, wake_mq_take,
	  cleanup_mq, 0, SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
