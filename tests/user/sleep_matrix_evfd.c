/* The sleep matrix (sleep_matrix.h) for the event descriptors: read on an empty eventfd,
 * epoll_wait, read on an unexpired timerfd, read on a signalfd with nothing pending. On Linux
 * the reads restart under SA_RESTART; epoll_wait fails with EINTR whatever SA_RESTART says, and
 * also once stopped and continued (signal(7), "interruption by stop signals"). */
#include "sleep_matrix.h"
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>

/* The driver makes the descriptor (xfd), which the case process inherits. */
static bool prep_eventfd(struct sm_ctx *c, char *why, size_t n)
{
	c->xfd = eventfd(0, 0);
	snprintf(why, n, "eventfd: %s", strerror(errno));
	return c->xfd >= 0;
}

static bool prep_epoll(struct sm_ctx *c, char *why, size_t n)
{
	struct epoll_event ev = { .events = EPOLLIN };
	c->xfd = epoll_create1(0);
	snprintf(why, n, "epoll: %s", strerror(errno));
	return c->xfd >= 0 && epoll_ctl(c->xfd, EPOLL_CTL_ADD, c->fd[0], &ev) == 0;
}

static bool prep_timerfd(struct sm_ctx *c, char *why, size_t n)
{
	c->xfd = timerfd_create(CLOCK_MONOTONIC, 0);
	snprintf(why, n, "timerfd_create: %s", strerror(errno));
	return c->xfd >= 0;
}

/* SIGUSR2 is blocked in every thread (sleep_matrix.h): the blocker reads it from its own
 * signalfd. */
static void setup_signalfd(struct sm_ctx *c)
{
	sigset_t usr2;
	sigemptyset(&usr2);
	sigaddset(&usr2, SIGUSR2);
	c->cfd = signalfd(-1, &usr2, 0);
}

static long block_read8(struct sm_ctx *c)
{
	uint64_t v;
	return sm_sys(read(c->xfd, &v, sizeof(v)));
}

static long block_epoll(struct sm_ctx *c)
{
	struct epoll_event ev;
	return sm_sys(syscall(SYS_epoll_wait, c->xfd, &ev, 1, -1));
}

static long block_signalfd(struct sm_ctx *c)
{
	struct signalfd_siginfo si;
	return sm_sys(read(c->cfd, &si, sizeof(si)));
}

static void wake_eventfd(struct sm_ctx *c)
{
	uint64_t one = 1;
	(void)!write(c->xfd, &one, sizeof(one));
}

static void wake_timerfd(struct sm_ctx *c)
{
	struct itimerspec t = { { 0, 0 }, { 0, 1000000 } };
	timerfd_settime(c->xfd, 0, &t, NULL);
}

static void cleanup_xfd(struct sm_ctx *c)
{
	sm_close(&c->xfd);
}

static const struct sm_call calls[] = {
	{ "read_eventfd", SYS_read, prep_eventfd, NULL, block_read8, wake_eventfd, cleanup_xfd, 8,
	  SM_RESTARTS },
	{ "epoll_wait", SYS_epoll_wait, prep_epoll, NULL, block_epoll, sm_wake_write, cleanup_xfd,
	  1, SM_STOP_EINTR },
	{ "read_timerfd", SYS_read, prep_timerfd, NULL, block_read8, wake_timerfd, cleanup_xfd, 8,
	  SM_RESTARTS },
	{ "read_signalfd", SYS_read, NULL, setup_signalfd, block_signalfd, sm_wake_usr2, NULL, 128,
	  SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
