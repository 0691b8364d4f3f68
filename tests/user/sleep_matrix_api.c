/* The sleep matrix (sleep_matrix.h) for issue 16's event-loop calls: read on an inotify
 * instance with no event, splice and tee from an empty pipe, vmsplice into a full one (Linux
 * restarts them all under SA_RESTART). pidfds add no sleep of their own: poll and
 * waitid(P_PIDFD) are the rows of sleep_matrix_fd.c and sleep_matrix_wait.c. */
#include "sleep_matrix.h"
#include <fcntl.h>
#include <sys/inotify.h>
#include <sys/uio.h>

/* A fresh directory (on a tmpfs where there is one) watched for IN_CREATE by xfd. */
static bool prep_inotify(struct sm_ctx *c, char *why, size_t n)
{
	const char *tmp = test_tmpfs_dir();
	snprintf(c->path, sizeof(c->path), "%s/smXXXXXX", tmp ? tmp : "/tmp");
	c->xfd = -1;
	if (!mkdtemp(c->path)) {
		snprintf(why, n, "mkdtemp: %s", strerror(errno));
		return false;
	}
	c->xfd = inotify_init1(0);
	snprintf(why, n, "inotify: %s", strerror(errno));
	return c->xfd >= 0 && inotify_add_watch(c->xfd, c->path, IN_CREATE) >= 0;
}

static long block_read_inotify(struct sm_ctx *c)
{
	char buf[64] __attribute__((aligned(8)));
	return sm_sys(read(c->xfd, buf, sizeof(buf)));
}

static char *file_in(struct sm_ctx *c, char *buf, size_t n)
{
	snprintf(buf, n, "%s/w", c->path);
	return buf;
}

/* An IN_CREATE with the name "w": a 16-byte event and a 16-byte name. */
static void wake_inotify(struct sm_ctx *c)
{
	char p[128];
	int fd = open(file_in(c, p, sizeof(p)), O_CREAT | O_WRONLY, 0644);
	if (fd >= 0)
		close(fd);
}

static void cleanup_inotify(struct sm_ctx *c)
{
	char p[128];
	unlink(file_in(c, p, sizeof(p)));
	rmdir(c->path);
	sm_close(&c->xfd);
}

/* The other end of a splice or tee from the shared pipe: a second pipe (xfd writes, cfd
 * reads, so that the writes never meet a pipe without readers). */
static bool prep_pipe2(struct sm_ctx *c, char *why, size_t n)
{
	int q[2];
	snprintf(why, n, "pipe: %s", strerror(errno));
	if (pipe(q))
		return false;
	c->cfd = q[0];
	c->xfd = q[1];
	return true;
}

static long block_splice(struct sm_ctx *c)
{
	return sm_sys(splice(c->fd[0], NULL, c->xfd, NULL, 1, 0));
}

static long block_tee(struct sm_ctx *c)
{
	return sm_sys(tee(c->fd[0], c->xfd, 1, 0));
}

static long block_vmsplice(struct sm_ctx *c)
{
	struct iovec v = { "y", 1 };
	return sm_sys(vmsplice(c->fd[1], &v, 1, 0));
}

static void cleanup_pipe2(struct sm_ctx *c)
{
	sm_close(&c->cfd);
	sm_close(&c->xfd);
}

static const struct sm_call calls[] = {
	{ "read_inotify", SYS_read, prep_inotify, NULL, block_read_inotify, wake_inotify,
	  cleanup_inotify, 32, SM_RESTARTS },
	{ "splice_pipe", SYS_splice, prep_pipe2, NULL, block_splice, sm_wake_write, cleanup_pipe2,
	  1, SM_RESTARTS },
	{ "tee_pipe", SYS_tee, prep_pipe2, NULL, block_tee, sm_wake_write, cleanup_pipe2, 1,
	  SM_RESTARTS },
	{ "vmsplice_full", SYS_vmsplice, NULL, sm_setup_fill, block_vmsplice, sm_wake_drain, NULL, 1,
	  SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
