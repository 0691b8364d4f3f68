/* The sleep matrix (sleep_matrix.h) for waits on file locks: fcntl F_SETLKW and flock on a
 * file whose lock another process holds. On Linux both restart under SA_RESTART
 * (-ERESTARTSYS) and give EINTR to a handler without it. */
#include "sleep_matrix.h"
#include <fcntl.h>
#include <sys/file.h>

/* The driver holds a POSIX write lock and a flock lock on a file (xfd); the case process opens
 * it itself (cfd) and blocks taking one of them; the driver's unlock wakes it. */
static bool prep_locked_file(struct sm_ctx *c, char *why, size_t n)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	c->xfd = open(c->path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (c->xfd < 0 || fcntl(c->xfd, F_SETLK, &fl) || flock(c->xfd, LOCK_EX)) {
		snprintf(why, n, "locking the file: %s", strerror(errno));
		return false;
	}
	return true;
}

static void setup_open_file(struct sm_ctx *c)
{
	c->cfd = open(c->path, O_RDWR);
}

static long block_setlkw(struct sm_ctx *c)
{
	struct flock fl = { .l_type = F_WRLCK, .l_whence = SEEK_SET };
	return sm_sys(fcntl(c->cfd, F_SETLKW, &fl));
}

static long block_flock(struct sm_ctx *c)
{
	return sm_sys(flock(c->cfd, LOCK_EX));
}

static void wake_unlock(struct sm_ctx *c)
{
	struct flock fl = { .l_type = F_UNLCK, .l_whence = SEEK_SET };
	fcntl(c->xfd, F_SETLK, &fl);
	flock(c->xfd, LOCK_UN);
}

static const struct sm_call calls[] = {
	{ "fcntl_setlkw", SYS_fcntl, prep_locked_file, setup_open_file, block_setlkw, wake_unlock,
	  sm_cleanup_path, 0, SM_RESTARTS },
	{ "flock", SYS_flock, prep_locked_file, setup_open_file, block_flock, wake_unlock,
	  sm_cleanup_path, 0, SM_RESTARTS },
};

int main(int argc, char **argv)
{
	return sm_main(argc, argv, calls, sizeof(calls) / sizeof(calls[0]), NULL);
}
