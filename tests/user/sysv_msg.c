/* System V message queues (msgget(2), msgop(2), msgctl(2)): keys, sizes and types, receiving
 * by type (any, equal, MSG_EXCEPT, lowest up to a bound), E2BIG and MSG_NOERROR, ENOMSG,
 * MSG_COPY, a full queue (EAGAIN, a sender waiting for room), a receiver waiting for a message
 * and its ends (EIDRM, EINTR even under SA_RESTART, SIGKILL), IPC_SET's msg_qbytes limit, the
 * stat and info commands, an unprivileged caller's errors. */
#include "sysv.h"
#include <sys/msg.h>

#ifndef MSG_COPY
#define MSG_COPY 040000 /* <linux/msg.h>; musl does not define it */
#endif

struct mbuf {
	long type;
	char text[64];
};

static int snd(int id, long type, const char *text, int flg)
{
	struct mbuf m = { .type = type };
	snprintf(m.text, sizeof(m.text), "%s", text);
	return msgsnd(id, &m, strlen(text), flg);
}

/* msgrcv into a buffer of bufsz bytes: the length, with the type in *type and text in out. */
static long rcv(int id, long typ, size_t bufsz, int flg, long *type, char *out)
{
	struct mbuf m = { 0 };
	long n = msgrcv(id, &m, bufsz, typ, flg);
	if (n >= 0) {
		*type = m.type;
		memcpy(out, m.text, (size_t)n);
		out[n] = 0;
	}
	return sys_res(n);
}

static struct msqid_ds qstat(int id)
{
	struct msqid_ds ds;
	memset(&ds, 0xff, sizeof(ds));
	msgctl(id, IPC_STAT, &ds);
	return ds;
}

static void test_basic(void)
{
	key_t k = sysv_key();
	EXPECT("no_key", sys_res(msgget(k, 0600)), -ENOENT);
	int id = msgget(k, IPC_CREAT | IPC_EXCL | 0600);
	CHECK("create", id >= 0);
	EXPECT("excl", sys_res(msgget(k, IPC_CREAT | IPC_EXCL | 0600)), -EEXIST);
	EXPECT("same_key", msgget(k, 0), id);
	struct msqid_ds ds = qstat(id);
	test_result("stat_new", ds.msg_qnum == 0 && ds.msg_qbytes == 16384 &&
		    (ds.msg_perm.mode & 0777) == 0600 && ds.msg_stime == 0 && ds.msg_ctime > 0,
		    "qnum %lu qbytes %lu", (unsigned long)ds.msg_qnum,
		    (unsigned long)ds.msg_qbytes);
	EXPECT("type_zero", sys_res(snd(id, 0, "x", 0)), -EINVAL);
	struct mbuf m = { 1, "" };
	EXPECT("too_big", sys_res(msgsnd(id, &m, 8193, 0)), -EINVAL);
	EXPECT("snd_efault", sys_res(msgsnd(id, (void *)8, 1, 0)), -EFAULT);
	EXPECT("send", snd(id, 1, "hello", 0), 0);
	EXPECT("send_empty", snd(id, 2, "", 0), 0);
	ds = qstat(id);
	test_result("stat_sent", ds.msg_qnum == 2 && ds.msg_cbytes == 5 &&
		    ds.msg_lspid == getpid() && ds.msg_stime > 0, "qnum %lu cbytes %lu",
		    (unsigned long)ds.msg_qnum, (unsigned long)ds.msg_cbytes);
	long type;
	char out[80];
	EXPECT("recv", rcv(id, 0, 64, 0, &type, out), 5);
	test_result("recv_text", type == 1 && strcmp(out, "hello") == 0, "%ld %s", type, out);
	EXPECT("recv_empty", rcv(id, 0, 64, 0, &type, out), 0);
	EXPECT("lrpid", qstat(id).msg_lrpid, getpid());
	EXPECT("enomsg", rcv(id, 0, 64, IPC_NOWAIT, &type, out), -ENOMSG);
	EXPECT("rmid", msgctl(id, IPC_RMID, NULL), 0);
	EXPECT("stale", sys_res(msgctl(id, IPC_STAT, &ds)), -EINVAL);
	EXPECT("stale_snd", sys_res(snd(id, 1, "x", 0)), -EINVAL);
}

static void test_types(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	snd(id, 3, "three", 0);
	snd(id, 1, "one", 0);
	snd(id, 2, "two", 0);
	snd(id, 1, "uno", 0);
	long type;
	char out[80];
	struct mbuf cp;
	EXPECT("copy", msgrcv(id, &cp, 64, 1, MSG_COPY | IPC_NOWAIT), 3);
	test_result("copy_which", cp.type == 1 && qstat(id).msg_qnum == 4, "type %ld", cp.type);
	EXPECT("copy_past_end", sys_res(msgrcv(id, &cp, 64, 4, MSG_COPY | IPC_NOWAIT)), -ENOMSG);
	EXPECT("copy_wait", sys_res(msgrcv(id, &cp, 64, 0, MSG_COPY)), -EINVAL);
	EXPECT("copy_except", sys_res(msgrcv(id, &cp, 64, 0, MSG_COPY | MSG_EXCEPT | IPC_NOWAIT)),
	       -EINVAL);
	EXPECT("equal", rcv(id, 2, 64, 0, &type, out), 3);
	test_result("equal_text", type == 2 && strcmp(out, "two") == 0, "%ld %s", type, out);
	EXPECT("lesseq", rcv(id, -2, 64, 0, &type, out), 3);
	test_result("lesseq_text", type == 1 && strcmp(out, "one") == 0, "%ld %s", type, out);
	EXPECT("except", rcv(id, 1, 64, MSG_EXCEPT, &type, out), 5);
	test_result("except_text", type == 3, "%ld %s", type, out);
	EXPECT("equal_none", rcv(id, 7, 64, IPC_NOWAIT, &type, out), -ENOMSG);
	EXPECT("e2big", rcv(id, 0, 2, 0, &type, out), -E2BIG);
	EXPECT("e2big_kept", (long)qstat(id).msg_qnum, 1);
	EXPECT("noerror", rcv(id, 0, 2, MSG_NOERROR, &type, out), 2);
	test_result("noerror_text", strcmp(out, "un") == 0 && qstat(id).msg_qnum == 0, "%s", out);
	EXPECT("rcv_neg_size", sys_res(msgrcv(id, &cp, (size_t)-1, 0, IPC_NOWAIT)), -EINVAL);
	msgctl(id, IPC_RMID, NULL);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* A child blocked in msgrcv (or msgsnd of 60 bytes with `send`); its exit status is its
 * errno (0: done). */
static pid_t child_block(int id, bool send, bool handler)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (handler) {
			struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
			sigaction(SIGUSR1, &sa, NULL);
		}
		struct mbuf m = { 5, "" };
		long r = send ? msgsnd(id, &m, 60, 0) : msgrcv(id, &m, 64, 5, 0);
		_exit(sysv_errno(r));
	}
	return pid;
}

/* Wait up to 5 s for the child to sleep (its state in /proc, or on Linux the same). */
static bool sleeping(pid_t pid)
{
	char path[64], buf[256];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	for (long end = sysv_now_ms() + 5000; sysv_now_ms() < end; sched_yield()) {
		FILE *f = fopen(path, "r");
		size_t n = f ? fread(buf, 1, sizeof(buf) - 1, f) : 0;
		if (f)
			fclose(f);
		buf[n] = 0;
		char *p = strrchr(buf, ')');
		if (p && p[1] == ' ' && p[2] == 'S')
			return true;
	}
	return false;
}

static void test_wait(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	pid_t pid = child_block(id, false, false);
	CHECK("rcv_sleeps", sleeping(pid));
	snd(id, 4, "other", 0);
	snd(id, 5, "mine", 0);
	EXPECT("rcv_woken", sysv_wait(pid), 0);
	EXPECT("rcv_took_one", (long)qstat(id).msg_qnum, 1);
	struct msqid_ds ds = qstat(id);
	ds.msg_qbytes = 100;
	EXPECT("set_qbytes", msgctl(id, IPC_SET, &ds), 0);
	EXPECT("qbytes", (long)qstat(id).msg_qbytes, 100);
	struct mbuf m = { 1, "" };
	EXPECT("fill", msgsnd(id, &m, 60, 0), 0);
	EXPECT("full_nowait", sys_res(msgsnd(id, &m, 60, IPC_NOWAIT)), -EAGAIN);
	pid = child_block(id, true, false);
	CHECK("snd_sleeps", sleeping(pid));
	char out[80];
	long type;
	rcv(id, 1, 64, 0, &type, out);
	EXPECT("snd_woken", sysv_wait(pid), 0);
	pid = child_block(id, true, true);
	sleeping(pid);
	kill(pid, SIGUSR1);
	EXPECT("snd_eintr", sysv_wait(pid), EINTR);
	msgctl(id, IPC_RMID, NULL);

	id = msgget(IPC_PRIVATE, 0600);
	pid = child_block(id, false, true);
	sleeping(pid);
	kill(pid, SIGUSR1);
	EXPECT("rcv_eintr", sysv_wait(pid), EINTR);
	pid = child_block(id, false, false);
	sleeping(pid);
	kill(pid, SIGKILL);
	EXPECT("rcv_sigkill", sysv_wait(pid), -100 - SIGKILL);
	pid = child_block(id, false, false);
	sleeping(pid);
	EXPECT("rmid_wakes", msgctl(id, IPC_RMID, NULL), 0);
	EXPECT("rcv_eidrm", sysv_wait(pid), EIDRM);
}

static void test_info(void)
{
	int id = msgget(IPC_PRIVATE, 0600);
	snd(id, 1, "abc", 0);
	struct msginfo mi;
	int max = msgctl(0, IPC_INFO, (void *)&mi);
	test_result("ipc_info", max >= id % 32768 && mi.msgmax == 8192 && mi.msgmnb == 16384 &&
		    mi.msgmni > 0, "max %d msgmax %d msgmnb %d", max, mi.msgmax, mi.msgmnb);
	int max2 = msgctl(0, MSG_INFO, (void *)&mi);
	test_result("msg_info", max2 == max && mi.msgpool >= 1 && mi.msgmap >= 1 && mi.msgtql >= 3,
		    "max %d pool %d map %d tql %d", max2, mi.msgpool, mi.msgmap, mi.msgtql);
	struct msqid_ds ds;
	EXPECT("msg_stat", msgctl(id % 32768, MSG_STAT, &ds), id);
	unsigned long v[7] = { 0 };
	bool listed = sysv_proc_line("msg", id, v, 7);
	test_result("proc_sysvipc", listed && (v[2] & 0777) == 0600 && v[3] == 3 && v[4] == 1 &&
		    v[5] == (unsigned long)getpid(), "listed %d perms %lo cbytes %lu qnum %lu",
		    listed, v[2], v[3], v[4]);
	msgctl(id, IPC_RMID, NULL);
}

static int nobody_ops(long id)
{
	struct msqid_ds ds;
	struct mbuf m = { 1, "" };
	if (msgsnd((int)id, &m, 1, IPC_NOWAIT) == 0 || errno != EACCES)
		return 1;
	if (msgrcv((int)id, &m, 1, 0, IPC_NOWAIT) >= 0 || errno != EACCES)
		return 2;
	if (msgctl((int)id, IPC_STAT, &ds) == 0 || errno != EACCES)
		return 3;
	if (msgctl((int)id, IPC_RMID, NULL) == 0 || errno != EPERM)
		return 4;
	int own = msgget(IPC_PRIVATE, 0600);
	msgctl(own, IPC_STAT, &ds);
	ds.msg_qbytes = 16385;
	int r = msgctl(own, IPC_SET, &ds) == 0 || errno != EPERM ? 5 : 0;
	ds.msg_qbytes = 100;
	if (!r && msgctl(own, IPC_SET, &ds) != 0)
		r = 6;
	msgctl(own, IPC_RMID, NULL);
	return r;
}

int main(void)
{
	test_begin("sysv_msg");
	test_basic();
	test_types();
	test_wait();
	test_info();
	int id = msgget(IPC_PRIVATE, 0600);
	EXPECT("nobody", sysv_as_nobody(nobody_ops, id), 0);
	msgctl(id, IPC_RMID, NULL);
	test_end();
}
