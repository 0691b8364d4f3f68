/* timerfd (timerfd_create(2)): clocks and flags, settime/gettime (relative, TFD_TIMER_ABSTIME,
 * intervals, the old value, disarming), the 8-byte expiration count, EINVAL/EBADF/EFAULT, poll
 * and epoll readiness, a blocking read woken by the timer and ended by a signal and SIGKILL,
 * and TFD_TIMER_CANCEL_ON_SET's ECANCELED when the wall clock is set. */
#include "evfd.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/timerfd.h>

#define MS 1000000L

static struct itimerspec its(long value_ns, long interval_ns)
{
	struct itimerspec t = { { interval_ns / 1000000000L, interval_ns % 1000000000L },
				{ value_ns / 1000000000L, value_ns % 1000000000L } };
	return t;
}

static long rd(int fd, uint64_t *v)
{
	return read(fd, v, sizeof(*v));
}

static bool fails(long r, int err)
{
	return r < 0 && errno == err;
}

static void test_create(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC);
	CHECK("create", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
				(fcntl(fd, F_GETFL) & O_NONBLOCK));
	close(fd);
	fd = timerfd_create(CLOCK_REALTIME, 0);
	CHECK("create_realtime", fd >= 0);
	close(fd);
	fd = timerfd_create(CLOCK_BOOTTIME, 0);
	CHECK("create_boottime", fd >= 0);
	close(fd);
	CHECK("bad_clock", fails(timerfd_create(CLOCK_PROCESS_CPUTIME_ID, 0), EINVAL));
	CHECK("bad_clock_neg", fails(timerfd_create(-1, 0), EINVAL));
	CHECK("bad_flags", fails(timerfd_create(CLOCK_MONOTONIC, 1), EINVAL));
}

static void test_settime(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK);
	struct itimerspec t = its(0, 0), cur, old;
	uint64_t v;
	CHECK("gettime_disarmed", timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 &&
					  cur.it_value.tv_nsec == 0);
	CHECK("read_disarmed_eagain", fails(rd(fd, &v), EAGAIN));
	t = its(10000 * MS, 2000 * MS);
	CHECK("settime", timerfd_settime(fd, 0, &t, NULL) == 0);
	CHECK("gettime_armed", timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec >= 9 &&
				       cur.it_interval.tv_sec == 2);
	t = its(0, 0);
	CHECK("old_value", timerfd_settime(fd, 0, &t, &old) == 0 && old.it_value.tv_sec >= 9 &&
				   old.it_interval.tv_sec == 2);
	CHECK("disarmed", timerfd_gettime(fd, &cur) == 0 && cur.it_value.tv_sec == 0 &&
				  cur.it_value.tv_nsec == 0 && cur.it_interval.tv_sec == 0);
	t = its(1, 0);
	t.it_value.tv_nsec = 1000000000L;
	CHECK("einval_nsec", fails(timerfd_settime(fd, 0, &t, NULL), EINVAL));
	t = its(1 * MS, 0);
	CHECK("einval_flags", fails(timerfd_settime(fd, 4, &t, NULL), EINVAL));
	CHECK("efault", fails(timerfd_settime(fd, 0, KERNEL_PTR, NULL), EFAULT));
	CHECK("ebadf", fails(timerfd_settime(-1, 0, &t, NULL), EBADF));
	int p[2];
	pipe(p);
	CHECK("not_timerfd", fails(timerfd_settime(p[0], 0, &t, NULL), EINVAL) &&
				     fails(timerfd_gettime(p[0], &cur), EINVAL));
	close(p[0]);
	close(p[1]);
	char small[4];
	CHECK("short_read", fails(read(fd, small, sizeof(small)), EINVAL));
	close(fd);
}

static void test_expiry(void)
{
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec t = its(20 * MS, 0);
	timerfd_settime(fd, 0, &t, NULL);
	uint64_t v = 0;
	CHECK("blocking_read_one", rd(fd, &v) == 8 && v == 1);
	struct pollfd pf = { .fd = fd, .events = POLLIN };
	CHECK("oneshot_done", poll(&pf, 1, 0) == 0);
	t = its(10 * MS, 10 * MS);
	timerfd_settime(fd, 0, &t, NULL);
	evfd_pause_ms(100);
	CHECK("interval_count", rd(fd, &v) == 8 && v >= 5);
	t = its(0, 0);
	timerfd_settime(fd, 0, &t, NULL);
	struct timespec now;
	clock_gettime(CLOCK_MONOTONIC, &now);
	t = its(0, 0);
	t.it_value = now; /* already past: expires at once */
	CHECK("abstime_past", timerfd_settime(fd, TFD_TIMER_ABSTIME, &t, NULL) == 0 &&
				      poll(&pf, 1, 0) == 1 && rd(fd, &v) == 8 && v == 1);
	int rt = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	clock_gettime(CLOCK_REALTIME, &now);
	t = its(0, 0);
	t.it_value.tv_sec = now.tv_sec + 100;
	CHECK("abstime_future", timerfd_settime(rt, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET,
						&t, NULL) == 0 && fails(rd(rt, &v), EAGAIN));
	struct itimerspec cur;
	CHECK("abstime_gettime", timerfd_gettime(rt, &cur) == 0 && cur.it_value.tv_sec >= 98 &&
					 cur.it_value.tv_sec <= 100);
	close(rt);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 77 };
	epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
	t = its(20 * MS, 0);
	timerfd_settime(fd, 0, &t, NULL);
	CHECK("epoll_wakes", epoll_wait(ep, &ev, 1, EVFD_BOUND_MS) == 1 && ev.data.u64 == 77);
	close(ep);
	close(fd);
}

static int sig_fd;

static long block_read(void *arg)
{
	(void)arg;
	uint64_t v;
	return rd(sig_fd, &v);
}

static void test_signals(void)
{
	sig_fd = timerfd_create(CLOCK_MONOTONIC, 0);
	CHECK("read_eintr", evfd_exited_with(evfd_interrupt(block_read, NULL, SIGUSR1), EINTR));
	CHECK("read_sigkill", evfd_killed_by(evfd_interrupt(block_read, NULL, SIGKILL), SIGKILL));
	close(sig_fd);
}

/* TFD_TIMER_CANCEL_ON_SET: setting the wall clock (to what it already is) cancels an absolute
 * realtime timer: a read is ECANCELED once, then the timer counts on. */
static void test_cancel_on_set(void)
{
	int fd = timerfd_create(CLOCK_REALTIME, TFD_NONBLOCK);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct itimerspec t = { { 0, 0 }, { now.tv_sec + 3600, 0 } };
	uint64_t v;
	bool ok = timerfd_settime(fd, TFD_TIMER_ABSTIME | TFD_TIMER_CANCEL_ON_SET, &t, NULL) == 0 &&
		  fails(rd(fd, &v), EAGAIN);
	clock_gettime(CLOCK_REALTIME, &now);
	ok = ok && clock_settime(CLOCK_REALTIME, &now) == 0;
	CHECK("cancel_on_set_ecanceled", ok && fails(rd(fd, &v), ECANCELED));
	CHECK("cancel_on_set_once", fails(rd(fd, &v), EAGAIN));
	close(fd);
}

int main(void)
{
	test_begin("timerfd");
	test_create();
	test_settime();
	test_expiry();
	test_signals();
	test_cancel_on_set();
	int fd = timerfd_create(CLOCK_MONOTONIC, 0);
	struct itimerspec t = its(0, 3000 * MS);
	t.it_value.tv_sec = 100;
	timerfd_settime(fd, 0, &t, NULL);
	CHECK("fdinfo", fdinfo_has(fd, "clockid: 1\nticks: 0\nsettime flags: 00\n") &&
				fdinfo_has(fd, "it_interval: (3, 0)\n"));
	close(fd);
	test_end();
}
