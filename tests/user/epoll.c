/* epoll (epoll(7), epoll_ctl(2), epoll_wait(2)): creation and its flags, epoll_ctl's errors
 * (EBADF, EINVAL, EPERM, EEXIST, ENOENT, ELOOP, EXCLUSIVE rules), maxevents and EFAULT,
 * level- and edge-triggered reports, EPOLLONESHOT, hang-ups, the user data returned untouched,
 * the interest kept by a dup and dropped at the last close, nesting, pipes, FIFOs and eventfds,
 * timeouts, a thread's write waking epoll_wait, a signal and SIGKILL ending it, epoll_pwait's
 * mask and epoll_pwait2's timespec. */
#include "evfd.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#define DATA 0xdeadbeefcafebabeULL
#define MAX_NEST 5

static int ep_add(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
}

static int ep_mod(int ep, int fd, uint32_t events, uint64_t data)
{
	struct epoll_event ev = { .events = events, .data.u64 = data };
	return epoll_ctl(ep, EPOLL_CTL_MOD, fd, &ev);
}

/* One epoll_wait: the count, and the first event in *ev. */
static int wait1(int ep, struct epoll_event *ev, int timeout_ms)
{
	struct epoll_event evs[8];
	int n = epoll_wait(ep, evs, 8, timeout_ms);
	if (n > 0 && ev)
		*ev = evs[0];
	return n;
}

static bool fails(long r, int err)
{
	return r < 0 && errno == err;
}

static void test_create(void)
{
	CHECK("create_size0_neg", fails(syscall(SYS_epoll_create, 0), EINVAL) &&
					  fails(syscall(SYS_epoll_create, -1), EINVAL));
	int ep = epoll_create(1);
	CHECK("create", ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC) == 0);
	close(ep);
	ep = epoll_create1(EPOLL_CLOEXEC);
	CHECK("create1_cloexec", ep >= 0 && (fcntl(ep, F_GETFD) & FD_CLOEXEC) != 0);
	close(ep);
	CHECK("create1_badflags", fails(epoll_create1(1), EINVAL));
}

static void test_ctl_errors(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	CHECK("ctl_bad_epfd", fails(ep_add(-1, p[0], EPOLLIN, 0), EBADF));
	CHECK("ctl_bad_fd", fails(ep_add(ep, 1000, EPOLLIN, 0), EBADF));
	CHECK("ctl_not_epoll", fails(ep_add(p[1], p[0], EPOLLIN, 0), EINVAL));
	CHECK("ctl_self", fails(ep_add(ep, ep, EPOLLIN, 0), EINVAL));
	int dir = open("/", O_RDONLY | O_DIRECTORY);
	CHECK("ctl_dir_eperm", fails(ep_add(ep, dir, EPOLLIN, 0), EPERM));
	close(dir);
	mkdir("/tmp", 0777);
	int reg = open("/tmp/epoll_test_file", O_RDWR | O_CREAT, 0600);
	CHECK("ctl_regular_eperm", reg >= 0 && fails(ep_add(ep, reg, EPOLLIN, 0), EPERM));
	close(reg);
	unlink("/tmp/epoll_test_file");
	CHECK("ctl_efault", fails(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], KERNEL_PTR), EFAULT));
	CHECK("ctl_mod_enoent", fails(ep_mod(ep, p[0], EPOLLIN, 0), ENOENT));
	CHECK("ctl_del_enoent", fails(epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL), ENOENT));
	CHECK("ctl_add", ep_add(ep, p[0], EPOLLIN, 0) == 0);
	CHECK("ctl_eexist", fails(ep_add(ep, p[0], EPOLLIN, 0), EEXIST));
	struct epoll_event ev = { .events = EPOLLIN };
	CHECK("ctl_bad_op", fails(epoll_ctl(ep, 99, p[0], &ev), EINVAL));
	CHECK("ctl_mod_exclusive", fails(ep_mod(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0), EINVAL));
	CHECK("ctl_del", epoll_ctl(ep, EPOLL_CTL_DEL, p[0], NULL) == 0);
	CHECK("ctl_excl_oneshot",
	      fails(ep_add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE | EPOLLONESHOT, 0), EINVAL));
	int inner = epoll_create1(0);
	CHECK("ctl_excl_epoll", fails(ep_add(ep, inner, EPOLLIN | EPOLLEXCLUSIVE, 0), EINVAL));
	CHECK("ctl_excl_add", ep_add(ep, p[0], EPOLLIN | EPOLLEXCLUSIVE, 0) == 0);
	CHECK("ctl_mod_of_excl", fails(ep_mod(ep, p[0], EPOLLIN, 0), EINVAL));
	CHECK("ctl_wakeup_accepted", ep_add(ep, p[1], EPOLLOUT | EPOLLWAKEUP, 0) == 0);
	struct epoll_event evs[2];
	CHECK("wait_maxevents", fails(epoll_wait(ep, evs, 0, 0), EINVAL) &&
					fails(epoll_wait(ep, evs, -1, 0), EINVAL));
	CHECK("wait_efault", fails(epoll_wait(ep, KERNEL_PTR, 2, 0), EFAULT));
	CHECK("wait_not_epoll", fails(epoll_wait(p[0], evs, 2, 0), EINVAL));
	CHECK("wait_ebadf", fails(epoll_wait(1000, evs, 2, 0), EBADF));
	close(inner);
	close(p[0]);
	close(p[1]);
	close(ep);
}

static void test_triggers(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	struct epoll_event ev = { 0 };
	ep_add(ep, p[0], EPOLLIN, DATA);
	CHECK("lt_idle", wait1(ep, &ev, 0) == 0);
	write(p[1], "ab", 2);
	CHECK("lt_ready", wait1(ep, &ev, 0) == 1 && ev.events == EPOLLIN && ev.data.u64 == DATA);
	CHECK("lt_again", wait1(ep, &ev, 0) == 1);
	ep_mod(ep, p[0], EPOLLIN | EPOLLET, DATA + 1);
	CHECK("et_first", wait1(ep, &ev, 0) == 1 && ev.data.u64 == DATA + 1);
	CHECK("et_once", wait1(ep, &ev, 0) == 0);
	write(p[1], "c", 1);
	CHECK("et_new_data", wait1(ep, &ev, 0) == 1);
	ep_mod(ep, p[0], EPOLLIN | EPOLLONESHOT, DATA + 2);
	CHECK("oneshot_first", wait1(ep, &ev, 0) == 1 && ev.data.u64 == DATA + 2);
	write(p[1], "d", 1);
	CHECK("oneshot_disabled", wait1(ep, &ev, 0) == 0);
	CHECK("oneshot_still_there", fails(ep_add(ep, p[0], EPOLLIN, 0), EEXIST));
	ep_mod(ep, p[0], EPOLLIN | EPOLLONESHOT, DATA + 3);
	CHECK("oneshot_rearmed", wait1(ep, &ev, 0) == 1 && ev.data.u64 == DATA + 3);
	ep_mod(ep, p[0], EPOLLIN, 0);
	ep_add(ep, p[1], EPOLLOUT, 7);
	CHECK("two_ready", wait1(ep, NULL, 0) == 2);
	struct epoll_event one;
	CHECK("maxevents_1", epoll_wait(ep, &one, 1, 0) == 1);
	close(p[1]);
	char buf[16];
	read(p[0], buf, sizeof(buf));
	ep_mod(ep, p[0], EPOLLOUT, 9); /* HUP is reported though not asked for */
	CHECK("hup", wait1(ep, &ev, 0) == 1 && ev.events == EPOLLHUP && ev.data.u64 == 9);
	close(p[0]);
	close(ep);
}

static void test_close_rule(void)
{
	int ep = epoll_create1(0), p[2];
	pipe(p);
	ep_add(ep, p[0], EPOLLIN, DATA);
	int d = dup(p[0]);
	close(p[0]);
	write(p[1], "x", 1);
	struct epoll_event ev;
	CHECK("dup_keeps_interest", wait1(ep, &ev, 0) == 1 && ev.data.u64 == DATA);
	close(d);
	CHECK("last_close_drops", wait1(ep, &ev, 0) == 0);
	int q[2];
	pipe(q); /* may reuse the numbers: a new file, a new interest */
	CHECK("readd_after_close", ep_add(ep, q[0], EPOLLIN, 1) == 0);
	close(q[0]);
	close(q[1]);
	close(p[1]);
	close(ep);
}

static void test_nesting(void)
{
	int p[2], eps[MAX_NEST + 1];
	pipe(p);
	int inner = p[0];
	bool ok = true;
	for (int i = 0; i < MAX_NEST; i++) {
		eps[i] = epoll_create1(0);
		ok &= ep_add(eps[i], inner, EPOLLIN, (uint64_t)i) == 0;
		inner = eps[i];
	}
	CHECK("nest_5", ok);
	eps[MAX_NEST] = epoll_create1(0);
	CHECK("nest_6_eloop", fails(ep_add(eps[MAX_NEST], eps[MAX_NEST - 1], EPOLLIN, 0), ELOOP));
	CHECK("nest_cycle_eloop", fails(ep_add(eps[0], eps[2], EPOLLIN, 0), ELOOP));
	struct epoll_event ev;
	CHECK("nest_idle", wait1(eps[MAX_NEST - 1], &ev, 0) == 0);
	write(p[1], "n", 1);
	CHECK("nest_ready", wait1(eps[MAX_NEST - 1], &ev, 0) == 1 && ev.data.u64 == MAX_NEST - 1);
	struct pollfd pf = { .fd = eps[0], .events = POLLIN };
	CHECK("poll_epoll", poll(&pf, 1, 0) == 1 && pf.revents == POLLIN);
	for (int i = 0; i <= MAX_NEST; i++)
		close(eps[i]);
	close(p[0]);
	close(p[1]);
}

static void test_kinds(void)
{
	int ep = epoll_create1(0);
	int efd = eventfd(0, EFD_NONBLOCK);
	ep_add(ep, efd, EPOLLIN, 1);
	struct epoll_event ev;
	CHECK("eventfd_idle", wait1(ep, &ev, 0) == 0);
	uint64_t one = 1;
	write(efd, &one, 8);
	CHECK("eventfd_ready", wait1(ep, &ev, 0) == 1 && ev.data.u64 == 1);
	epoll_ctl(ep, EPOLL_CTL_DEL, efd, NULL);
	mkdir("/tmp", 0777);
	unlink("/tmp/epoll_fifo");
	int fifo = -1;
	if (mkfifo("/tmp/epoll_fifo", 0600) == 0)
		fifo = open("/tmp/epoll_fifo", O_RDWR | O_NONBLOCK);
	CHECK("fifo_add", fifo >= 0 && ep_add(ep, fifo, EPOLLIN, 2) == 0);
	write(fifo, "f", 1);
	CHECK("fifo_ready", wait1(ep, &ev, 0) == 1 && ev.data.u64 == 2);
	close(fifo);
	int opath = open("/tmp/epoll_fifo", O_PATH);
	CHECK("o_path_ebadf", opath >= 0 && fails(ep_add(ep, opath, EPOLLIN, 3), EBADF));
	close(opath);
	unlink("/tmp/epoll_fifo");
	long t0 = evfd_now_ms();
	CHECK("timeout", wait1(ep, &ev, 50) == 0 && evfd_now_ms() - t0 >= 45);
	close(efd);
	close(ep);
}

struct producer {
	pid_t tid;
	int fd;
};

static void *produce(void *arg)
{
	struct producer *pr = arg;
	uint64_t v = 5;
	if (evfd_wait_sleeping(getpid(), pr->tid))
		write(pr->fd, &v, 8);
	return NULL;
}

static void test_thread_wakes(void)
{
	int ep = epoll_create1(0);
	struct producer pr = { .tid = syscall(SYS_gettid), .fd = eventfd(0, 0) };
	ep_add(ep, pr.fd, EPOLLIN | EPOLLET, 3);
	pthread_t t;
	pthread_create(&t, NULL, produce, &pr);
	struct epoll_event ev;
	CHECK("thread_wakes_wait", wait1(ep, &ev, EVFD_BOUND_MS) == 1 && ev.data.u64 == 3);
	pthread_join(t, NULL);
	close(pr.fd);
	close(ep);
}

static int sig_ep;

static long block_wait(void *arg)
{
	(void)arg;
	struct epoll_event ev;
	return epoll_wait(sig_ep, &ev, 1, -1);
}

static long block_wait_restart(void *arg)
{
	evfd_catch(SIGUSR1, SA_RESTART); /* epoll_wait is never restarted */
	return block_wait(arg);
}

/* SIGUSR1 blocked, but not during the call: EINTR, then blocked again. */
static long block_pwait(void *arg)
{
	(void)arg;
	sigset_t blocked, during, now;
	sigemptyset(&blocked);
	sigaddset(&blocked, SIGUSR1);
	sigprocmask(SIG_BLOCK, &blocked, NULL);
	sigemptyset(&during);
	struct epoll_event ev;
	long r = epoll_pwait(sig_ep, &ev, 1, -1, &during);
	int e = errno;
	sigprocmask(SIG_BLOCK, NULL, &now);
	if (!sigismember(&now, SIGUSR1))
		_exit(1);
	errno = e;
	return r;
}

static void test_signals(void)
{
	sig_ep = epoll_create1(0);
	int st = evfd_interrupt(block_wait, NULL, SIGUSR1);
	CHECK("wait_eintr", evfd_exited_with(st, EINTR));
	st = evfd_interrupt(block_wait_restart, NULL, SIGUSR1);
	CHECK("wait_eintr_sa_restart", evfd_exited_with(st, EINTR));
	st = evfd_interrupt(block_wait, NULL, SIGKILL);
	CHECK("wait_sigkill", evfd_killed_by(st, SIGKILL));
	st = evfd_interrupt(block_pwait, NULL, SIGUSR1);
	CHECK("pwait_mask", evfd_exited_with(st, EINTR));
	struct epoll_event ev;
	struct timespec zero = { 0, 0 }, bad = { 0, 1000000000 };
	CHECK("pwait2_zero", syscall(SYS_epoll_pwait2, sig_ep, &ev, 1, &zero, NULL, 8) == 0);
	CHECK("pwait2_einval", fails(syscall(SYS_epoll_pwait2, sig_ep, &ev, 1, &bad, NULL, 8),
				     EINVAL));
	close(sig_ep);
}

int main(void)
{
	test_begin("epoll");
	test_create();
	test_ctl_errors();
	test_triggers();
	test_close_rule();
	test_nesting();
	test_kinds();
	test_thread_wakes();
	test_signals();
	test_end();
}
