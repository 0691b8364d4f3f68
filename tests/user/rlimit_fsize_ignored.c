/* Bug rlimit_fsize_ignored: RLIMIT_FSIZE was not enforced. A write crossing it is cut at the
 * limit, one at or past it fails with EFBIG and raises SIGXFSZ (which kills by default), and
 * growing a file past it with truncate/ftruncate is EFBIG too; shrinking is fine; a writev
 * whose first vector ends at the limit is a short write without a signal. Also bug
 * rlimit_nofile_ceiling: RLIMIT_NOFILE above fs.nr_open (1048576) is EPERM even for root. */
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <time.h>
#include <sys/resource.h>
#include <sys/uio.h>
#include <sys/wait.h>

#define LIMIT 100

static char path[64];

/* In a child with RLIMIT_FSIZE = LIMIT and SIGXFSZ blocked: a bit per failed step. */
static int limited_child(void)
{
	int bad = 0;
	char buf[150];
	memset(buf, 'x', sizeof(buf));
	sigset_t set, pend;
	sigemptyset(&set);
	sigaddset(&set, SIGXFSZ);
	sigprocmask(SIG_BLOCK, &set, NULL);
	if (setrlimit(RLIMIT_FSIZE, &(struct rlimit){ LIMIT, LIMIT }) < 0)
		return 0x80;
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (write(fd, buf, sizeof(buf)) != LIMIT)
		bad |= 1; /* cut at the limit */
	sigpending(&pend);
	if (sigismember(&pend, SIGXFSZ))
		bad |= 2; /* a cut write raises nothing */
	errno = 0;
	if (write(fd, buf, 1) != -1 || errno != EFBIG)
		bad |= 4;
	sigpending(&pend);
	if (!sigismember(&pend, SIGXFSZ))
		bad |= 8;
	errno = 0;
	if (ftruncate(fd, LIMIT + 1) != -1 || errno != EFBIG)
		bad |= 16;
	if (ftruncate(fd, 10) != 0 || truncate(path, LIMIT) != 0)
		bad |= 32; /* shrinking, and growing up to the limit */
	errno = 0;
	if (truncate(path, 2 * LIMIT) != -1 || errno != EFBIG)
		bad |= 64;
	/* writev reaching the limit exactly at a vector's end: a short write, no signal. */
	struct timespec none = { 0, 0 };
	while (sigtimedwait(&set, NULL, &none) > 0)
		; /* the SIGXFSZ of the steps above */
	struct iovec iov[2] = { { buf, LIMIT / 2 }, { buf, LIMIT / 2 } };
	lseek(fd, LIMIT / 2, SEEK_SET);
	ssize_t w = writev(fd, iov, 2);
	sigpending(&pend);
	if (w != LIMIT / 2 || sigismember(&pend, SIGXFSZ))
		bad |= 128;
	close(fd);
	return bad;
}

/* With SIGXFSZ at its default action, a write past the limit kills the writer. */
static int killed_child(void)
{
	setrlimit(RLIMIT_FSIZE, &(struct rlimit){ LIMIT, LIMIT });
	int fd = open(path, O_RDWR);
	lseek(fd, LIMIT, SEEK_SET);
	(void)!write(fd, "y", 1);
	return 0;
}

static int run_child(int (*fn)(void), int *st)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	return waitpid(pid, st, 0) == pid ? 0 : -1;
}

int main(void)
{
	test_begin("rlimit_fsize_ignored");
	snprintf(path, sizeof(path), "/tmp/rlimit_fsize_%d", (int)getpid());
	int st = -1;
	bool ok = run_child(limited_child, &st) == 0 && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	test_result("write-truncate-efbig", ok, "status %#x (failed steps mask in bits 8-15)", st);
	ok = run_child(killed_child, &st) == 0 && WIFSIGNALED(st) && WTERMSIG(st) == SIGXFSZ;
	test_result("sigxfsz-kills", ok, "status %#x", st);
	unlink(path);

	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	errno = 0;
	CHECK("rlimit_nofile_ceiling",
	      setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 1048577, 1048577 }) == -1 &&
		      errno == EPERM);
	struct rlimit now;
	bool same = getrlimit(RLIMIT_NOFILE, &now) == 0 && now.rlim_cur == rl.rlim_cur;
	CHECK("nofile-unchanged", same && now.rlim_max == rl.rlim_max);
	test_end();
}
