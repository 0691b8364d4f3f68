/* The sleep matrix (sleep_matrix.h) for issue 16's event-loop calls: read on an inotify
 * instance with no event (Linux restarts it under SA_RESTART). pidfds add no sleep of their
 * own: poll and waitid(P_PIDFD) are the rows of sleep_matrix_fd.c and sleep_matrix_wait.c. */
#include "sleep_matrix.h"
#include <fcntl.h>
#include <sys/inotify.h>

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

static const struct sm_call calls[] = {
	{ "read_inotify", SYS_read, prep_inotify, NULL, block_read_inotify, wake_inotify,
	  cleanup_inotify, 32, SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
