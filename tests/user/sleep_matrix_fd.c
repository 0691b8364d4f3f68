/* The sleep matrix (sleep_matrix.h) for waits on descriptors: ppoll, select without a timeout,
 * pselect6, read on an empty pipe, write to a full pipe, read on an empty FIFO. On Linux the
 * multiplexers give EINTR whatever SA_RESTART says; pipe and FIFO reads and writes restart
 * under SA_RESTART. */
#include "sleep_matrix.h"
#include <sys/select.h>
#include <sys/stat.h>

static long block_ppoll(struct sm_ctx *c)
{
	struct pollfd p = { .fd = c->fd[0], .events = POLLIN };
	struct timespec ts = sm_ts(c->dur_ns);
	return sm_sys(syscall(SYS_ppoll, &p, 1, &ts, NULL, 8));
}

static long block_select(struct sm_ctx *c)
{
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(c->fd[0], &rd);
	return sm_sys(syscall(SYS_select, c->fd[0] + 1, &rd, NULL, NULL, NULL));
}

static long block_pselect(struct sm_ctx *c)
{
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(c->fd[0], &rd);
	struct timespec ts = sm_ts(c->dur_ns);
	return sm_sys(syscall(SYS_pselect6, c->fd[0] + 1, &rd, NULL, NULL, &ts, NULL));
}

static long block_read_pipe(struct sm_ctx *c)
{
	char b;
	return sm_sys(read(c->fd[0], &b, 1));
}

static long block_write_pipe(struct sm_ctx *c)
{
	return sm_sys(write(c->fd[1], "y", 1));
}

/* The driver holds the FIFO's write end (xfd), so that the case process opens it for reading
 * at once and its read blocks for data. */
static bool prep_fifo_writer(struct sm_ctx *c, char *why, size_t n)
{
	if (mkfifo(c->path, 0600)) {
		snprintf(why, n, "mkfifo: %s", strerror(errno));
		return false;
	}
	int rd = open(c->path, O_RDONLY | O_NONBLOCK);
	c->xfd = open(c->path, O_WRONLY);
	close(rd);
	return true;
}

static void setup_fifo_reader(struct sm_ctx *c)
{
	c->cfd = open(c->path, O_RDONLY);
}

static const struct sm_call calls[] = {
	{ "ppoll", SYS_ppoll, NULL, NULL, block_ppoll, sm_wake_write, NULL, 1, 0 },
	{ "select", SYS_select, NULL, NULL, block_select, sm_wake_write, NULL, 1, 0 },
	{ "pselect6", SYS_pselect6, NULL, NULL, block_pselect, sm_wake_write, NULL, 1, 0 },
	{ "read_pipe", SYS_read, NULL, NULL, block_read_pipe, sm_wake_write, NULL, 1,
	  SM_RESTARTS },
	{ "write_pipe", SYS_write, NULL, sm_setup_fill, block_write_pipe, sm_wake_drain, NULL,
	  1, SM_RESTARTS },
	{ "read_fifo", SYS_read, prep_fifo_writer, setup_fifo_reader, sm_block_read_cfd,
	  sm_wake_xfd, sm_cleanup_path, 1, SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
