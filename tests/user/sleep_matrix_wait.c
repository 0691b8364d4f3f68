/* The sleep matrix (sleep_matrix.h) for waits on another party: open of a FIFO with no writer,
 * wait4 and waitid for a child, sendfile into a full pipe, and vfork's wait for
 * a child that pauses. On Linux all but vfork restart under SA_RESTART; vfork's wait is
 * killable only (a caught signal waits for the child, and SIGSTOP too, so it has no stop case).
 * Also: sendfile from a pipe fails with EINVAL on Linux, it does not block. */
#include "sleep_matrix.h"
#include <sys/sendfile.h>
#include <sys/stat.h>

static bool prep_fifo(struct sm_ctx *c, char *why, size_t n)
{
	if (!mkfifo(c->path, 0600))
		return true;
	snprintf(why, n, "mkfifo: %s", strerror(errno));
	return false;
}

static long block_open_fifo(struct sm_ctx *c)
{
	return sm_sys(open(c->path, O_RDONLY));
}

/* A writer's open that does not block: it succeeds only with a reader inside open. */
static void wake_open_fifo(struct sm_ctx *c)
{
	c->xfd = open(c->path, O_WRONLY | O_NONBLOCK);
}

/* The child to wait for exits when the driver writes to the pipe (or closes it). */
static void setup_child(struct sm_ctx *c)
{
	pid_t p = fork();
	if (p == 0) {
		char b;
		close(c->fd[1]);
		_exit(read(c->fd[0], &b, 1) == 1 ? 7 : 8);
	}
	c->helper = p;
}

static long block_wait4(struct sm_ctx *c)
{
	(void)c;
	int st;
	return sm_sys(syscall(SYS_wait4, -1, &st, 0, NULL));
}

static long block_waitid(struct sm_ctx *c)
{
	(void)c;
	siginfo_t si;
	return sm_sys(syscall(SYS_waitid, P_ALL, 0, &si, WEXITED, NULL));
}

/* A regular file to send from (xfd), into the pipe the case process fills. */
static bool prep_file(struct sm_ctx *c, char *why, size_t n)
{
	c->xfd = open(c->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (c->xfd >= 0 && write(c->xfd, "data", 4) == 4)
		return true;
	snprintf(why, n, "cannot create %s: %s", c->path, strerror(errno));
	return false;
}

static long block_sendfile(struct sm_ctx *c)
{
	off_t off = 0;
	return sm_sys(sendfile(c->fd[1], c->xfd, &off, 1));
}

/* The vfork child tells its pid (through the shared context) and pauses until killed. */
static long block_vfork(struct sm_ctx *c)
{
	pid_t p = vfork();
	if (p == 0) {
		c->helper = (pid_t)syscall(SYS_getpid);
		syscall(SYS_pause);
		syscall(SYS_exit, 0);
	}
	return p < 0 ? -errno : p;
}

static void wake_vfork(struct sm_ctx *c)
{
	if (c->helper > 0) /* known by now (SM_LATE_HELPER) */
		kill(c->helper, SIGKILL);
}

static const struct sm_call calls[] = {
	{ "open_fifo", SYS_open, prep_fifo, NULL, block_open_fifo, wake_open_fifo,
	  sm_cleanup_path, SM_NONNEG, SM_RESTARTS },
	{ "wait4", SYS_wait4, NULL, setup_child, block_wait4, sm_wake_write, NULL, SM_HELPER,
	  SM_RESTARTS },
	{ "waitid", SYS_waitid, NULL, setup_child, block_waitid, sm_wake_write, NULL, 0,
	  SM_RESTARTS },
	{ "sendfile", SYS_sendfile, prep_file, sm_setup_fill, block_sendfile, sm_wake_drain,
	  sm_cleanup_path, 1, SM_RESTARTS },
	{ "vfork", SYS_vfork, NULL, NULL, block_vfork, wake_vfork, NULL, SM_HELPER,
	  SM_UNINTERRUPTIBLE | SM_NO_STOP | SM_LATE_HELPER },
};

/* sendfile from an empty pipe: Linux refuses a pipe as the source (EINVAL) at once. */
static void sendfile_from_pipe(void)
{
	int p[2], res[2];
	if (pipe(p) || pipe(res)) {
		test_result("sendfile_from_pipe/einval/st", false, "pipe: %s", strerror(errno));
		return;
	}
	pid_t pid = fork();
	if (pid == 0) {
		int null = open("/dev/null", O_WRONLY);
		long r = sm_sys(sendfile(null, p[0], NULL, 1));
		_exit(write(res[1], &r, sizeof(r)) == sizeof(r) ? 0 : 1);
	}
	close(res[1]);
	long r = 0;
	bool done = sm_readable(res[0], SM_BOUND_MS) && read(res[0], &r, sizeof(r)) == sizeof(r);
	kill(pid, SIGKILL);
	struct sm_run run = { .pid = pid };
	bool reaped = sm_reap(&run, SM_BOUND_MS);
	char got[64];
	test_result("sendfile_from_pipe/einval/st", done && r == -EINVAL && reaped,
		    "%s%s", done ? sm_res(r, got, sizeof(got)) : "blocked instead of EINVAL",
		    reaped ? "" : "; and SIGKILL did not end it");
	close(p[0]), close(p[1]), close(res[0]);
}

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), sendfile_from_pipe);
}
