/* POSIX message queues (mq_overview(7)) through musl: names and their errors, attributes and
 * their limits, priority order, EMSGSIZE, O_NONBLOCK and mq_setattr, absolute timeouts, a
 * receiver woken by another process, poll, the status line read(2) gives, mq_notify with a
 * signal (SI_MESGQ, EBUSY for a second process), unlink while open, the descriptor's access
 * mode, an unprivileged caller's EACCES. */
#include "sysv.h"
#include <fcntl.h>
#include <mqueue.h>
#include <poll.h>
#include <sys/mount.h>
#include <sys/resource.h>
#include <sys/stat.h>

static char qname[64];

static mqd_t mk(int maxmsg, int msgsize, int oflag)
{
	struct mq_attr a = { .mq_maxmsg = maxmsg, .mq_msgsize = msgsize };
	return mq_open(qname, O_CREAT | oflag, 0600, &a);
}

static struct timespec in_ms(long ms)
{
	struct timespec ts;
	clock_gettime(CLOCK_REALTIME, &ts);
	ts.tv_nsec += (ms % 1000) * 1000000;
	ts.tv_sec += ms / 1000 + ts.tv_nsec / 1000000000;
	ts.tv_nsec %= 1000000000;
	return ts;
}

static void test_open(void)
{
	char longname[300];
	memset(longname, 'x', sizeof(longname));
	longname[0] = '/';
	longname[sizeof(longname) - 1] = 0;
	EXPECT("no_queue", sys_res(mq_open(qname, O_RDWR)), -ENOENT);
	EXPECT("too_long", sys_res(mq_open(longname, O_RDWR | O_CREAT, 0600, NULL)),
	       -ENAMETOOLONG);
	EXPECT("bad_attr", sys_res(mk(0, 64, O_RDWR)), -EINVAL);
	mqd_t q = mk(4, 64, O_RDWR | O_EXCL);
	CHECK("create", q >= 0);
	EXPECT("excl", sys_res(mk(4, 64, O_RDWR | O_EXCL)), -EEXIST);
	mqd_t q2 = mq_open(qname, O_WRONLY);
	CHECK("open_existing", q2 >= 0);
	struct mq_attr a;
	EXPECT("getattr", mq_getattr(q2, &a), 0);
	test_result("attr", a.mq_maxmsg == 4 && a.mq_msgsize == 64 && a.mq_curmsgs == 0 &&
		    a.mq_flags == 0, "maxmsg %ld msgsize %ld", a.mq_maxmsg, a.mq_msgsize);
	char buf[64];
	EXPECT("wronly_receive", sys_res(mq_receive(q2, buf, 64, NULL)), -EBADF);
	int p[2];
	if (pipe(p) == 0) {
		EXPECT("not_mq", sys_res(mq_send(p[1], "x", 1, 0)), -EBADF);
		close(p[0]);
		close(p[1]);
	}
	mq_close(q2);
	mq_close(q);
}

static void test_messages(void)
{
	mqd_t q = mq_open(qname, O_RDWR);
	char buf[80];
	unsigned prio = 0;
	EXPECT("send_a", mq_send(q, "a", 1, 1), 0);
	EXPECT("send_b", mq_send(q, "bb", 2, 5), 0);
	EXPECT("send_c", mq_send(q, "ccc", 3, 1), 0);
	EXPECT("too_long", sys_res(mq_send(q, buf, 65, 0)), -EMSGSIZE);
	EXPECT("bad_prio", sys_res(mq_send(q, "x", 1, 32768)), -EINVAL);
	EXPECT("small_buffer", sys_res(mq_receive(q, buf, 63, NULL)), -EMSGSIZE);
	EXPECT("recv_high", mq_receive(q, buf, 64, &prio), 2);
	test_result("high_first", prio == 5 && buf[0] == 'b', "prio %u", prio);
	EXPECT("recv_fifo", mq_receive(q, buf, 64, &prio), 1);
	EXPECT("recv_fifo2", mq_receive(q, buf, 64, &prio), 3);
	struct timespec ts = in_ms(100);
	long t0 = sysv_now_ms();
	EXPECT("timeout", sys_res(mq_timedreceive(q, buf, 64, NULL, &ts)), -ETIMEDOUT);
	CHECK("timeout_waited", sysv_now_ms() - t0 >= 90);
	ts.tv_nsec = 1000000000;
	EXPECT("bad_timeout", sys_res(mq_timedreceive(q, buf, 64, NULL, &ts)), -EINVAL);
	struct mq_attr nb = { .mq_flags = O_NONBLOCK }, old;
	EXPECT("setattr", mq_setattr(q, &nb, &old), 0);
	EXPECT("empty_eagain", sys_res(mq_receive(q, buf, 64, NULL)), -EAGAIN);
	for (int i = 0; i < 4; i++)
		mq_send(q, "f", 1, 0);
	EXPECT("full_eagain", sys_res(mq_send(q, "f", 1, 0)), -EAGAIN);
	struct pollfd pfd = { .fd = q, .events = POLLIN | POLLOUT };
	EXPECT("poll_full", poll(&pfd, 1, 0) == 1 ? pfd.revents : -1, POLLIN);
	ssize_t n = read(q, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	test_result("status", strncmp(buf, "QSIZE:4 ", 8) == 0, "%s", buf);
	nb.mq_flags = 0;
	mq_setattr(q, &nb, NULL);
	while (mq_timedreceive(q, buf, 64, NULL, &(struct timespec){ 0, 0 }) >= 0)
		;
	EXPECT("poll_empty", poll(&pfd, 1, 0) == 1 ? pfd.revents : -1, POLLOUT);
	pid_t pid = fork();
	if (pid == 0) {
		mqd_t c = mq_open(qname, O_WRONLY);
		struct timespec d = { 0, 50000000 };
		nanosleep(&d, NULL);
		_exit(mq_send(c, "late", 4, 2) == 0 ? 0 : 1);
	}
	EXPECT("woken", mq_receive(q, buf, 64, &prio), 4);
	EXPECT("sender", sysv_wait(pid), 0);
	mq_close(q);
}

static volatile siginfo_t got;

static void on_usr1(int sig, siginfo_t *si, void *uc)
{
	(void)sig;
	(void)uc;
	got = *si;
}

static int child_notify(long q)
{
	struct sigevent ev = { .sigev_notify = SIGEV_NONE };
	return sysv_errno(mq_notify((mqd_t)q, &ev));
}

static void test_notify(void)
{
	mqd_t q = mq_open(qname, O_RDWR);
	struct sigaction sa = { .sa_sigaction = on_usr1, .sa_flags = SA_SIGINFO };
	sigaction(SIGUSR1, &sa, NULL);
	struct sigevent ev = { .sigev_notify = SIGEV_SIGNAL, .sigev_signo = SIGUSR1 };
	ev.sigev_value.sival_int = 77;
	EXPECT("notify", mq_notify(q, &ev), 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(child_notify(q));
	EXPECT("notify_busy", sysv_wait(pid), EBUSY);
	EXPECT("notify_again", sys_res(mq_notify(q, &ev)), -EBUSY);
	mq_send(q, "n", 1, 0);
	test_result("notified", got.si_signo == SIGUSR1 && got.si_code == SI_MESGQ &&
		    got.si_value.sival_int == 77 && got.si_pid == getpid(),
		    "signo %d code %d value %d", got.si_signo, got.si_code, got.si_value.sival_int);
	EXPECT("notify_once", mq_notify(q, &ev), 0);
	EXPECT("unregister", mq_notify(q, NULL), 0);
	pid = fork();
	if (pid == 0) {
		struct sigevent none = { .sigev_notify = SIGEV_NONE };
		_exit(sysv_errno(mq_notify(q, &none)));
	}
	EXPECT("child_registers", sysv_wait(pid), 0);
	EXPECT("owner_exit_frees", mq_notify(q, &ev), 0);
	mq_notify(q, NULL);
	EXPECT("bad_notify", sys_res(mq_notify(q, &(struct sigevent){ .sigev_notify = 99 })),
	       -EINVAL);
	mq_close(q);
}

/* The mqueue file system: the queues are its files. */
static void test_fs(void)
{
	char dir[64], path[192], other[192], buf[128];
	snprintf(dir, sizeof(dir), "/tmp/zero-mqfs-%d", getpid());
	snprintf(path, sizeof(path), "%s%s", dir, qname);
	snprintf(other, sizeof(other), "%s%s-fs", dir, qname);
	mkdir(dir, 0700);
	if (!CHECK("fs_mount", mount("mqueue", dir, "mqueue", 0, NULL) == 0)) {
		rmdir(dir);
		return;
	}
	struct stat st;
	test_result("fs_file", stat(path, &st) == 0 && S_ISREG(st.st_mode) &&
		    (st.st_mode & 0777) == 0600 && st.st_uid == geteuid(), "mode %o (%s)",
		    st.st_mode, strerror(errno));
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	buf[n > 0 ? n : 0] = 0;
	test_result("fs_read", n >= 6 && memcmp(buf, "QSIZE:", 6) == 0, "%s", buf);
	EXPECT("fs_fd_is_queue", fd >= 0 ? sys_res(mq_send(fd, "x", 1, 0)) : -999, -EBADF);
	close(fd);
	fd = open(other, O_CREAT | O_EXCL | O_RDWR, 0640);
	CHECK("fs_create", fd >= 0);
	EXPECT("fs_send", mq_send(fd, "x", 1, 0), 0);
	mqd_t q = mq_open(strrchr(other, '/'), O_RDONLY);
	EXPECT("fs_created_is_queue", mq_receive(q, buf, sizeof(buf), NULL) == -1 ? -errno : 0,
	       -EMSGSIZE);
	mq_close(q);
	close(fd);
	EXPECT("fs_unlink", unlink(other), 0);
	EXPECT("fs_unlinked", sys_res(mq_open(strrchr(other, '/'), O_RDONLY)), -ENOENT);
	EXPECT("fs_umount", umount(dir), 0);
	rmdir(dir);
}

static int nobody_open(long unused)
{
	(void)unused;
	if (mq_open(qname, O_RDONLY) >= 0 || errno != EACCES)
		return 1;
	if (mq_unlink(qname) == 0 || errno != EACCES)
		return 2;
	struct mq_attr a = { .mq_maxmsg = 11, .mq_msgsize = 8 };
	if (mq_open("/zero-mq-nobody-big", O_CREAT | O_RDWR, 0600, &a) >= 0 || errno != EINVAL)
		return 3;
	/* RLIMIT_MSGQUEUE: a slot costs a pointer and a tree node (56 bytes) and its text. */
	struct rlimit rl = { 1000, 1000 };
	char n1[80], n2[80];
	snprintf(n1, sizeof(n1), "%s-rl1", qname);
	snprintf(n2, sizeof(n2), "%s-rl2", qname);
	a = (struct mq_attr){ .mq_maxmsg = 1, .mq_msgsize = 900 };
	if (setrlimit(RLIMIT_MSGQUEUE, &rl))
		return 4;
	mqd_t q = mq_open(n1, O_CREAT | O_RDWR, 0600, &a);
	int r = q < 0 ? 5 : mq_open(n2, O_CREAT | O_RDWR, 0600, &a) >= 0 || errno != EMFILE ? 6 : 0;
	mq_unlink(n1);
	mq_unlink(n2);
	return r;
}

int main(void)
{
	snprintf(qname, sizeof(qname), "/zero-mq-test-%d", getpid());
	test_begin("posix_mq");
	test_open();
	test_messages();
	test_notify();
	test_fs();
	EXPECT("nobody", sysv_as_nobody(nobody_open, 0), 0);
	mqd_t q = mq_open(qname, O_RDWR);
	EXPECT("unlink", mq_unlink(qname), 0);
	EXPECT("unlink_gone", sys_res(mq_unlink(qname)), -ENOENT);
	EXPECT("open_after_unlink", mq_send(q, "z", 1, 0), 0);
	mq_close(q);
	test_end();
}
