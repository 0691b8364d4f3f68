/* pidfds (pidfd_open(2), pidfd_send_signal(2), pidfd_getfd(2), waitid(P_PIDFD), CLONE_PIDFD):
 * flags, poll and epoll readiness when the process exits, signals with and without a siginfo
 * (and through an open /proc/<pid> directory), waiting, taking a descriptor, and the errors. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef PIDFD_NONBLOCK
#define PIDFD_NONBLOCK O_NONBLOCK
#endif
#ifndef P_PIDFD
#define P_PIDFD 3
#endif
#define NOBODY 65534

static long p_open(int pid, unsigned flags)
{
	return sys_res(syscall(SYS_pidfd_open, pid, flags));
}

static long p_send(int fd, int sig, siginfo_t *info, unsigned flags)
{
	return sys_res(syscall(SYS_pidfd_send_signal, fd, sig, info, flags));
}

static long p_getfd(int fd, int target, unsigned flags)
{
	return sys_res(syscall(SYS_pidfd_getfd, fd, target, flags));
}

static int poll_fd(int fd, int ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, ms) == 1 ? p.revents : 0;
}

/* A child that waits for a byte on *go (then exits with status 7); its pid. */
static pid_t child_waiting(int go[2])
{
	if (pipe(go))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		char c;
		close(go[1]);
		_exit(read(go[0], &c, 1) >= 0 ? 7 : 1); /* a byte or EOF */
	}
	close(go[0]);
	return pid;
}

static void test_open(void)
{
	int fd = (int)p_open(getpid(), 0);
	CHECK("open_self", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
				   !(fcntl(fd, F_GETFL) & O_NONBLOCK));
	char buf[8];
	CHECK("read_einval", read(fd, buf, sizeof(buf)) < 0 && errno == EINVAL);
	CHECK("lseek_espipe", lseek(fd, 0, SEEK_SET) < 0 && errno == ESPIPE);
	CHECK("poll_alive_not_ready", poll_fd(fd, 0) == 0);
	close(fd);
	fd = (int)p_open(getpid(), PIDFD_NONBLOCK);
	CHECK("open_nonblock", fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK));
	close(fd);
	EXPECT("open_pid0", p_open(0, 0), -EINVAL);
	EXPECT("open_pid_neg", p_open(-1, 0), -EINVAL);
	EXPECT("open_bad_flags", p_open(getpid(), 1), -EINVAL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	waitpid(pid, NULL, 0);
	EXPECT("open_reaped", p_open(pid, 0), -ESRCH);
}

static int thread_tid;

static void *idle_thread(void *arg)
{
	__atomic_store_n(&thread_tid, gettid(), __ATOMIC_RELEASE);
	char c;
	return read(*(int *)arg, &c, 1) ? NULL : arg;
}

static void test_open_thread(void)
{
	int p[2];
	pthread_t th;
	if (pipe(p))
		return;
	pthread_create(&th, NULL, idle_thread, &p[0]);
	while (!__atomic_load_n(&thread_tid, __ATOMIC_ACQUIRE))
		sched_yield();
	EXPECT("open_thread_enoent", p_open(thread_tid, 0), -ENOENT);
	close(p[1]);
	pthread_join(th, NULL);
	close(p[0]);
}

/* Readiness: not while the child runs, POLLIN once it is a zombie, POLLHUP too once reaped. */
static void test_poll(void)
{
	int go[2];
	pid_t pid = child_waiting(go);
	int fd = (int)p_open(pid, 0);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN }, out;
	CHECK("epoll_add", epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev) == 0);
	CHECK("poll_running", poll_fd(fd, 0) == 0);
	CHECK("epoll_running", epoll_wait(ep, &out, 1, 0) == 0);
	close(go[1]);
	CHECK("poll_exited", poll_fd(fd, 5000) == POLLIN);
	CHECK("epoll_exited", epoll_wait(ep, &out, 1, 5000) == 1 && (out.events & EPOLLIN));
	siginfo_t si;
	memset(&si, 0, sizeof(si));
	int wr = waitid(P_PIDFD, fd, &si, WEXITED);
	CHECK("waitid_pidfd", wr == 0 && si.si_pid == pid &&
				      si.si_code == CLD_EXITED && si.si_status == 7);
	CHECK("poll_reaped_hup", poll_fd(fd, 0) == (POLLIN | POLLHUP));
	CHECK("waitid_reaped_echild", waitid(P_PIDFD, fd, &si, WEXITED) < 0 && errno == ECHILD);
	EXPECT("send_reaped_esrch", p_send(fd, SIGTERM, NULL, 0), -ESRCH);
	EXPECT("getfd_reaped_esrch", p_getfd(fd, 0, 0), -ESRCH);
	close(ep);
	close(fd);
}

static void test_waitid(void)
{
	int go[2];
	pid_t pid = child_waiting(go);
	int fd = (int)p_open(pid, PIDFD_NONBLOCK);
	siginfo_t si;
	CHECK("waitid_nonblock_eagain", waitid(P_PIDFD, fd, &si, WEXITED) < 0 && errno == EAGAIN);
	int bfd = (int)p_open(pid, 0);
	memset(&si, 0, sizeof(si));
	CHECK("waitid_wnohang_nothing",
	      waitid(P_PIDFD, bfd, &si, WEXITED | WNOHANG) == 0 && si.si_pid == 0);
	close(go[1]);
	CHECK("waitid_blocking", waitid(P_PIDFD, bfd, &si, WEXITED) == 0 && si.si_pid == pid);
	close(fd);
	close(bfd);
	int me = (int)p_open(getpid(), 0);
	CHECK("waitid_self_echild", waitid(P_PIDFD, me, &si, WEXITED | WNOHANG) < 0 &&
					    errno == ECHILD);
	close(me);
	CHECK("waitid_neg_einval", waitid(P_PIDFD, -1, &si, WEXITED) < 0 && errno == EINVAL);
	CHECK("waitid_not_pidfd", waitid(P_PIDFD, 0, &si, WEXITED) < 0 && errno == EBADF);
}

static void test_send(void)
{
	int me = (int)p_open(getpid(), 0);
	siginfo_t info, got;
	memset(&info, 0, sizeof(info));
	info.si_signo = SIGUSR1;
	info.si_code = SI_QUEUE;
	info.si_value.sival_int = 777;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	sigprocmask(SIG_BLOCK, &set, NULL);
	struct timespec ts = { 2, 0 };
	CHECK("send_queue_self", p_send(me, SIGUSR1, &info, 0) == 0 &&
					 sigtimedwait(&set, &got, &ts) == SIGUSR1 &&
					 got.si_code == SI_QUEUE && got.si_value.sival_int == 777);
	CHECK("send_plain_self", p_send(me, SIGUSR1, NULL, 0) == 0 &&
					 sigtimedwait(&set, &got, &ts) == SIGUSR1 &&
					 got.si_code == SI_USER && got.si_pid == getpid());
	EXPECT("send_sig0", p_send(me, 0, NULL, 0), 0);
	EXPECT("send_thread_group_flag", p_send(me, 0, NULL, 2 /* PIDFD_SIGNAL_THREAD_GROUP */), 0);
	EXPECT("send_bad_flags", p_send(me, 0, NULL, 0x10), -EINVAL);
	EXPECT("send_two_scopes", p_send(me, 0, NULL, 3), -EINVAL);
	EXPECT("send_signo_mismatch", p_send(me, SIGUSR2, &info, 0), -EINVAL);
	EXPECT("send_bad_sig", p_send(me, 100, NULL, 0), -EINVAL);
	EXPECT("send_bad_info", p_send(me, SIGUSR1, UNMAPPED_PTR, 0), -EFAULT);
	EXPECT("send_bad_fd", p_send(-1, 0, NULL, 0), -EBADF);
	EXPECT("send_not_pidfd", p_send(0, 0, NULL, 0), -EBADF);
	int dir = open("/proc/self", O_DIRECTORY | O_RDONLY);
	CHECK("send_proc_dir", p_send(dir, SIGUSR1, NULL, 0) == 0 &&
				       sigtimedwait(&set, &got, &ts) == SIGUSR1);
	close(dir);
	close(me);

	int go[2];
	pid_t pid = child_waiting(go);
	int fd = (int)p_open(pid, 0);
	info.si_code = SI_USER;
	EXPECT("send_forged_si_user", p_send(fd, SIGUSR1, &info, 0), -EPERM);
	EXPECT("send_kill_child", p_send(fd, SIGKILL, NULL, 0), 0);
	siginfo_t si;
	CHECK("child_killed", waitid(P_PIDFD, fd, &si, WEXITED | WNOWAIT) == 0 &&
				      si.si_code == CLD_KILLED && si.si_status == SIGKILL);
	EXPECT("send_zombie_ok", p_send(fd, SIGUSR1, NULL, 0), 0);
	EXPECT("send_zombie_bad_sig", p_send(fd, 100, NULL, 0), -EINVAL);
	waitpid(pid, NULL, 0);
	close(go[1]);
	close(fd);
}

/* As an unprivileged user: no signal and no descriptor of root's process. */
static int as_nobody(void)
{
	int fd = (int)p_open(getppid(), 0);
	if (fd < 0 || setuid(NOBODY))
		return 1;
	int bad = 0;
	bad |= (p_send(fd, SIGUSR1, NULL, 0) != -EPERM) << 1;
	bad |= (p_getfd(fd, 0, 0) != -EPERM) << 2;
	return bad;
}

static void test_getfd(void)
{
	int p[2];
	if (pipe(p))
		return;
	int go[2];
	pid_t pid = child_waiting(go);
	int fd = (int)p_open(pid, 0);
	int got = (int)p_getfd(fd, p[1], 0); /* the child's copy of the pipe's write end */
	struct stat a, b;
	CHECK("getfd", got >= 0 && (fcntl(got, F_GETFD) & FD_CLOEXEC) && !fstat(got, &a) &&
			       !fstat(p[1], &b) && a.st_ino == b.st_ino);
	CHECK("getfd_same_file", write(got, "x", 1) == 1);
	close(got);
	EXPECT("getfd_bad_flags", p_getfd(fd, 0, 1), -EINVAL);
	EXPECT("getfd_bad_target", p_getfd(fd, -1, 0), -EBADF);
	EXPECT("getfd_closed_target", p_getfd(fd, 1000, 0), -EBADF);
	EXPECT("getfd_bad_pidfd", p_getfd(-1, 0, 0), -EBADF);
	EXPECT("getfd_not_pidfd", p_getfd(p[0], 0, 0), -EBADF);
	close(go[1]);
	poll_fd(fd, 5000);
	EXPECT("getfd_zombie_esrch", p_getfd(fd, 0, 0), -ESRCH);
	waitpid(pid, NULL, 0);
	close(fd);
	close(p[0]);
	close(p[1]);
	test_in_child("nobody_eperm", as_nobody);
}

/* A pidfd's /proc/self/fdinfo says whose it is: -1 once reaped. */
static int fdinfo_pid(int fd)
{
	char path[64], text[256] = "";
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	test_read_text(path, text, sizeof(text));
	char *p = strstr(text, "Pid:\t");
	return p ? atoi(p + 5) : -100;
}

static void test_fdinfo(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(0);
	int fd = (int)p_open(pid, 0);
	EXPECT("fdinfo_pid", fdinfo_pid(fd), pid);
	waitpid(pid, NULL, 0);
	EXPECT("fdinfo_pid_reaped", fdinfo_pid(fd), -1);
	close(fd);
}

/* kernel.ns_last_pid chooses the next pid (pidfd tests use it to recycle one); another
 * process may fork in between on a busy host: a few tries. */
static void test_ns_last_pid(void)
{
	char text[32];
	test_read_text("/proc/sys/kernel/ns_last_pid", text, sizeof(text));
	int last = atoi(text);
	bool ok = false;
	for (int i = 0; i < 5 && !ok && last > 0; i++) {
		int want = 300 + (last + 1000 * (i + 1)) % 20000;
		FILE *fp = fopen("/proc/sys/kernel/ns_last_pid", "w");
		if (!fp || fprintf(fp, "%d", want - 1) < 0 || fclose(fp))
			break;
		pid_t pid = fork();
		if (pid == 0)
			_exit(0);
		waitpid(pid, NULL, 0);
		ok = pid == want;
	}
	test_result("ns_last_pid", ok, "last %d", last);
}

static void test_clone_pidfd(void)
{
	int pidfd = -1;
	long pid = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, &pidfd, NULL, 0);
	if (pid == 0)
		_exit(5);
	CHECK("clone_pidfd", pid > 0 && pidfd >= 0 && (fcntl(pidfd, F_GETFD) & FD_CLOEXEC));
	CHECK("clone_pidfd_poll", poll_fd(pidfd, 5000) == POLLIN);
	siginfo_t si;
	CHECK("clone_pidfd_waitid", waitid(P_PIDFD, pidfd, &si, WEXITED) == 0 && si.si_pid == pid &&
					    si.si_status == 5);
	close(pidfd);
	long r = syscall(SYS_clone, CLONE_PIDFD | CLONE_PARENT_SETTID | SIGCHLD, 0, &pidfd, NULL,
			 0);
	if (r == 0)
		_exit(0);
	EXPECT("clone_pidfd_settid", sys_res(r), -EINVAL);
	r = syscall(SYS_clone, CLONE_PIDFD | SIGCHLD, 0, UNMAPPED_PTR, NULL, 0);
	if (r == 0)
		_exit(0);
	EXPECT("clone_pidfd_efault", sys_res(r), -EFAULT);
	CHECK("clone_efault_no_child", waitpid(-1, NULL, WNOHANG) < 0 && errno == ECHILD);
}

int main(void)
{
	test_begin("pidfd");
	test_open();
	test_open_thread();
	test_poll();
	test_waitid();
	test_send();
	test_getfd();
	test_fdinfo();
	test_ns_last_pid();
	test_clone_pidfd();
	test_end();
}
