/* The sleep matrix (sleep_matrix.h) for pseudo-terminals: read on a slave with no input, and
 * write on a slave whose master's input is full (the master's reader wakes it). On Linux both
 * restart under SA_RESTART. */
#include "sleep_matrix.h"
#include <poll.h>

static bool prep_pty(struct sm_ctx *c, char *why, size_t n)
{
	c->xfd = posix_openpt(O_RDWR | O_NOCTTY);
	if (c->xfd < 0 || grantpt(c->xfd) || unlockpt(c->xfd) ||
	    ptsname_r(c->xfd, c->path, sizeof(c->path))) {
		snprintf(why, n, "no pty here (/dev/ptmx: %s)", strerror(errno));
		sm_close(&c->xfd);
		return false;
	}
	return true;
}

static void setup_pty(struct sm_ctx *c)
{
	c->cfd = open(c->path, O_RDWR | O_NOCTTY);
}

/* The slave's output fills the master's input: the next write waits for the master's reader.
 * Linux moves a pty's bytes to the master asynchronously, so room can appear after the first
 * EAGAIN: fill until the slave stays unwritable for a while. */
#define PTY_SETTLE_MS 200

static void setup_pty_full(struct sm_ctx *c)
{
	setup_pty(c);
	struct pollfd p = { .fd = c->cfd, .events = POLLOUT };
	do
		sm_fill_pipe(c->cfd);
	while (poll(&p, 1, PTY_SETTLE_MS) == 1);
}

static long block_write_pty(struct sm_ctx *c)
{
	return sm_sys(write(c->cfd, "x", 1));
}

/* Read the master empty (Linux refills it from its buffers asynchronously: until it stays
 * empty for a while). */
static void wake_drain_master(struct sm_ctx *c)
{
	static char buf[1 << 16];
	struct pollfd p = { .fd = c->xfd, .events = POLLIN };
	while (poll(&p, 1, PTY_SETTLE_MS) == 1 && read(c->xfd, buf, sizeof(buf)) > 0)
		;
}

static void cleanup_pty(struct sm_ctx *c)
{
	sm_close(&c->xfd);
}

static const struct sm_call calls[] = {
	{ "read_pty", SYS_read, prep_pty, setup_pty, sm_block_read_cfd, sm_wake_xfd, cleanup_pty,
	  1, SM_RESTARTS },
	{ "write_pty", SYS_write, prep_pty, setup_pty_full, block_write_pty, wake_drain_master,
	  cleanup_pty, 1, SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
