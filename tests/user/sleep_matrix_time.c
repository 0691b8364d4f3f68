/* The sleep matrix (sleep_matrix.h) for the calls that wait for a signal or a time:
 * rt_sigtimedwait, nanosleep, clock_nanosleep (relative and TIMER_ABSTIME), and poll (without
 * and with a timeout). On Linux a caught signal ends each of them with EINTR, SA_RESTART or not
 * (nanosleep writing the time left); stopped and continued, they sleep on to their time, but
 * for rt_sigtimedwait, which fails with EINTR (signal(7), "interruption by stop signals"). */
#include "sleep_matrix.h"

static long block_sigtimedwait(struct sm_ctx *c)
{
	uint64_t set = 1ull << (SIGUSR2 - 1); /* blocked in every thread: only this call takes it */
	struct timespec ts = sm_ts(c->dur_ns);
	return sm_sys(syscall(SYS_rt_sigtimedwait, &set, NULL, &ts, sizeof(set)));
}

static long block_nanosleep(struct sm_ctx *c)
{
	struct timespec ts = sm_ts(c->dur_ns), rem = { 0, 0 };
	long r = sm_sys(syscall(SYS_nanosleep, &ts, &rem));
	c->rem_ns = rem.tv_sec * 1000000000L + rem.tv_nsec;
	return r;
}

static long block_clock_nanosleep(struct sm_ctx *c)
{
	struct timespec ts = sm_ts(c->dur_ns), rem = { 0, 0 };
	long r = sm_sys(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, &ts, &rem));
	c->rem_ns = rem.tv_sec * 1000000000L + rem.tv_nsec;
	return r;
}

static long block_clock_nanosleep_abs(struct sm_ctx *c)
{
	struct timespec ts = sm_deadline(c->dur_ns);
	return sm_sys(syscall(SYS_clock_nanosleep, CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, NULL));
}

static long block_poll(struct sm_ctx *c)
{
	struct pollfd p = { .fd = c->fd[0], .events = POLLIN };
	return sm_sys(syscall(SYS_poll, &p, 1, -1));
}

static long block_poll_timeout(struct sm_ctx *c)
{
	struct pollfd p = { .fd = c->fd[0], .events = POLLIN };
	return sm_sys(syscall(SYS_poll, &p, 1, (int)(c->dur_ns / 1000000)));
}

static const struct sm_call calls[] = {
	{ "rt_sigtimedwait", SYS_rt_sigtimedwait, NULL, NULL, block_sigtimedwait, sm_wake_usr2,
	  NULL, SIGUSR2, SM_STOP_EINTR },
	{ "nanosleep", SYS_nanosleep, NULL, NULL, block_nanosleep, NULL, NULL, 0, SM_REM },
	{ "clock_nanosleep", SYS_clock_nanosleep, NULL, NULL, block_clock_nanosleep, NULL, NULL, 0,
	  SM_REM },
	{ "clock_nanosleep_abs", SYS_clock_nanosleep, NULL, NULL, block_clock_nanosleep_abs, NULL,
	  NULL, 0, 0 },
	{ "poll", SYS_poll, NULL, NULL, block_poll, sm_wake_write, NULL, 1, 0 },
	{ "poll_timeout", SYS_poll, NULL, NULL, block_poll_timeout, sm_wake_write, NULL, 1, 0 },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
