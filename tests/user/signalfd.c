/* signalfd and signalfd4 (signalfd(2)): flags and errors, the 128-byte signalfd_siginfo (kill,
 * tgkill, SIGCHLD), several signals in one read, the mask of an existing signalfd replaced,
 * thread-directed signals, poll and epoll readiness, a blocking read woken by a signal of the
 * set and ended by another signal and by SIGKILL. */
#include "evfd.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/signalfd.h>

static bool fails(long r, int err)
{
	return r < 0 && errno == err;
}

static sigset_t set_of(int a, int b)
{
	sigset_t s;
	sigemptyset(&s);
	if (a)
		sigaddset(&s, a);
	if (b)
		sigaddset(&s, b);
	return s;
}

static long rd(int fd, struct signalfd_siginfo *si)
{
	return read(fd, si, sizeof(*si));
}

static void test_create(void)
{
	sigset_t s = set_of(SIGUSR1, 0);
	int fd = signalfd(-1, &s, SFD_NONBLOCK | SFD_CLOEXEC);
	CHECK("create", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
				(fcntl(fd, F_GETFL) & O_NONBLOCK));
	CHECK("bad_flags", fails(signalfd(-1, &s, 1), EINVAL));
	CHECK("bad_sizemask", fails(syscall(SYS_signalfd4, -1, &s, 4, 0), EINVAL));
	CHECK("efault", fails(syscall(SYS_signalfd4, -1, KERNEL_PTR, 8, 0), EFAULT));
	CHECK("ebadf", fails(signalfd(1000, &s, 0), EBADF));
	int p[2];
	pipe(p);
	CHECK("not_signalfd", fails(signalfd(p[0], &s, 0), EINVAL));
	close(p[0]);
	close(p[1]);
	int old = syscall(SYS_signalfd, -1, &s, 8);
	CHECK("signalfd_v1", old >= 0 && (fcntl(old, F_GETFL) & O_NONBLOCK) == 0);
	close(old);
	struct signalfd_siginfo si;
	CHECK("empty_eagain", fails(rd(fd, &si), EAGAIN));
	char small[100];
	CHECK("short_read", fails(read(fd, small, sizeof(small)), EINVAL));
	close(fd);
}

static void test_read(void)
{
	sigset_t s = set_of(SIGUSR1, SIGUSR2);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int fd = signalfd(-1, &s, SFD_NONBLOCK);
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	CHECK("poll_idle", poll(&pf, 1, 0) == 0);
	kill(getpid(), SIGUSR1);
	CHECK("poll_ready", poll(&pf, 1, 0) == 1 && pf.revents == POLLIN);
	struct signalfd_siginfo si;
	CHECK("read_kill", rd(fd, &si) == 128 && si.ssi_signo == SIGUSR1 &&
				   si.ssi_code == SI_USER && si.ssi_pid == (uint32_t)getpid() &&
				   si.ssi_uid == getuid());
	sigset_t pend;
	sigpending(&pend);
	CHECK("dequeued", !sigismember(&pend, SIGUSR1));
	kill(getpid(), SIGUSR2); /* (sigqueue: rt_sigqueueinfo is not in Zero-OS yet) */
	CHECK("read_second", rd(fd, &si) == 128 && si.ssi_signo == SIGUSR2);
	kill(getpid(), SIGUSR1);
	kill(getpid(), SIGUSR2);
	struct signalfd_siginfo two[3];
	CHECK("read_two", read(fd, two, sizeof(two)) == 256);
	syscall(SYS_tgkill, getpid(), syscall(SYS_gettid), SIGUSR1);
	CHECK("read_tgkill", rd(fd, &si) == 128 && si.ssi_signo == SIGUSR1 &&
				     si.ssi_code == SI_TKILL);
	sigset_t only2 = set_of(SIGUSR2, 0);
	CHECK("update_mask", signalfd(fd, &only2, 0) == fd);
	kill(getpid(), SIGUSR1);
	CHECK("update_excludes", fails(rd(fd, &si), EAGAIN));
	sigset_t both = set_of(SIGUSR1, 0);
	signalfd(fd, &both, 0);
	CHECK("update_includes", rd(fd, &si) == 128 && si.ssi_signo == SIGUSR1);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 5 };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	CHECK("epoll_idle", epoll_wait(ep, &ev, 1, 0) == 0);
	kill(getpid(), SIGUSR1);
	CHECK("epoll_ready", epoll_wait(ep, &ev, 1, 0) == 1 && ev.data.u64 == 5);
	rd(fd, &si);
	close(ep);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

static void test_sigchld(void)
{
	sigset_t s = set_of(SIGCHLD, 0);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int fd = signalfd(-1, &s, 0);
	pid_t pid = fork();
	if (pid == 0)
		_exit(3);
	struct signalfd_siginfo si;
	CHECK("sigchld", rd(fd, &si) == 128 && si.ssi_signo == SIGCHLD &&
				 si.ssi_code == CLD_EXITED && si.ssi_pid == (uint32_t)pid &&
				 si.ssi_status == 3);
	waitpid(pid, NULL, 0);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
}

struct sender {
	pid_t tid;
};

static void *send_later(void *arg)
{
	struct sender *sd = arg;
	if (evfd_wait_sleeping(getpid(), sd->tid))
		kill(getpid(), SIGUSR2);
	return NULL;
}

/* Block SIGUSR2 and read it through a signalfd: SIGUSR1 (caught) interrupts. */
static long block_read(void *arg)
{
	(void)arg;
	sigset_t s = set_of(SIGUSR2, 0);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int fd = signalfd(-1, &s, 0);
	struct signalfd_siginfo si;
	return rd(fd, &si);
}

static void test_blocking(void)
{
	sigset_t s = set_of(SIGUSR2, 0);
	sigprocmask(SIG_BLOCK, &s, NULL);
	int fd = signalfd(-1, &s, 0);
	struct sender sd = { .tid = syscall(SYS_gettid) };
	pthread_t t;
	pthread_create(&t, NULL, send_later, &sd);
	struct signalfd_siginfo si;
	CHECK("blocking_read_woken", rd(fd, &si) == 128 && si.ssi_signo == SIGUSR2);
	pthread_join(t, NULL);
	close(fd);
	sigprocmask(SIG_UNBLOCK, &s, NULL);
	CHECK("read_eintr", evfd_exited_with(evfd_interrupt(block_read, NULL, SIGUSR1), EINTR));
	CHECK("read_gets_sig",
	      evfd_exited_with(evfd_interrupt(block_read, NULL, SIGUSR2), EVFD_CHILD_OK));
	CHECK("read_sigkill", evfd_killed_by(evfd_interrupt(block_read, NULL, SIGKILL), SIGKILL));
}

int main(void)
{
	test_begin("signalfd");
	test_create();
	test_read();
	test_sigchld();
	test_blocking();
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGUSR1);
	int fd = signalfd(-1, &set, 0);
	CHECK("fdinfo", fdinfo_has(fd, "sigmask:\t0000000000000200\n"));
	close(fd);
	test_end();
}
