/* Shared helpers of the file-lock tests (tests/user/file_locks*.c): a scratch file per program,
 * children that probe the locks from outside (a fresh open, so another owner), waiting until a
 * child sleeps in a given system call (/proc/<pid>/syscall and the stat state), and cases that
 * expect one errno. */
#ifndef TESTS_USER_FILE_LOCKS_H
#define TESTS_USER_FILE_LOCKS_H

#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define ASLEEP_TRIES 10000 /* x 1 ms: how long a child may take to reach its sleep */

static char lock_path[128];

static void lock_file_init(const char *prog)
{
	snprintf(lock_path, sizeof(lock_path), "/tmp/%s.%d", prog, (int)getpid());
	unlink(lock_path);
}

static int lock_open(int flags)
{
	return open(lock_path, flags | O_CREAT, 0600);
}

/* A case that expects the call to fail with errno want (or want2, when Linux allows both). */
static bool expect_errno2(const char *name, long r, int want, int want2)
{
	int e = errno;
	return test_result(name, r == -1 && (e == want || e == want2),
			   "got %ld, errno %d (%s); want errno %d (%s)", r, r == -1 ? e : 0,
			   r == -1 ? strerror(e) : "-", want, strerror(want));
}
#define ERR(name, call, want) (errno = 0, expect_errno2((name), (long)(call), (want), (want)))
#define ERR2(name, call, w1, w2) (errno = 0, expect_errno2((name), (long)(call), (w1), (w2)))

static bool expect_val(const char *name, long r, long want)
{
	int e = errno;
	return test_result(name, r == want, "got %ld (errno %d %s); want %ld", r, r == -1 ? e : 0,
			   r == -1 ? strerror(e) : "-", want);
}
#define VAL(name, call, want) (errno = 0, expect_val((name), (long)(call), (long)(want)))

/* Read a small /proc file into buf (NUL-terminated): false when it cannot be read. */
static bool read_small(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n < 0)
		return false;
	buf[n] = 0;
	return true;
}

/* Is pid asleep (state S) inside system call nr? */
static bool asleep_in(pid_t pid, long nr)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	if (!read_small(path, buf, sizeof(buf)) || strtol(buf, NULL, 10) != nr)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	if (!read_small(path, buf, sizeof(buf)))
		return false;
	const char *p = strrchr(buf, ')');
	return p && p[1] == ' ' && p[2] == 'S';
}

/* Wait until pid sleeps in system call nr: false after ASLEEP_TRIES ms. */
static bool wait_asleep(pid_t pid, long nr)
{
	for (int i = 0; i < ASLEEP_TRIES; i++) {
		if (asleep_in(pid, nr))
			return true;
		usleep(1000);
	}
	return false;
}

/* A child running fn(arg) and exiting with its result. */
static pid_t spawn(int (*fn)(void *arg), void *arg)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn(arg));
	return pid;
}

/* The child's exit status, or 128 + the signal that ended it, or -1. */
static int reap(pid_t pid)
{
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return WEXITSTATUS(st);
}

static int run_child(int (*fn)(void *arg), void *arg)
{
	return reap(spawn(fn, arg));
}

static struct flock flock_of(short type, off_t start, off_t len)
{
	struct flock fl;
	memset(&fl, 0, sizeof(fl));
	fl.l_type = type;
	fl.l_whence = SEEK_SET;
	fl.l_start = start;
	fl.l_len = len;
	return fl;
}

/* fcntl(fd, cmd) with a SEEK_SET range: the call's result. */
static int lock_range(int fd, int cmd, short type, off_t start, off_t len)
{
	struct flock fl = flock_of(type, start, len);
	return fcntl(fd, cmd, &fl);
}

/* A child's view: what F_GETLK / F_OFD_GETLK (cmd) says about a range through a fresh open. */
struct probe {
	int cmd;
	struct flock fl; /* in: the question; out: the answer */
	int rc;
	int answer_fd; /* the pipe the child writes the answer to */
};

static int probe_child(void *arg)
{
	struct probe *q = arg;
	int fd = lock_open(O_RDWR);
	q->rc = fcntl(fd, q->cmd, &q->fl);
	return write(q->answer_fd, q, sizeof(*q)) == (ssize_t)sizeof(*q) ? 0 : 1;
}

static bool probe(int cmd, short type, off_t start, off_t len, struct flock *out)
{
	int fds[2];
	if (pipe(fds))
		return false;
	struct probe q = { .cmd = cmd, .fl = flock_of(type, start, len), .answer_fd = fds[1] };
	int st = run_child(probe_child, &q);
	bool ok = st == 0 && read(fds[0], &q, sizeof(q)) == (ssize_t)sizeof(q) && !q.rc;
	close(fds[0]);
	close(fds[1]);
	*out = q.fl;
	return ok;
}

/* F_GETLK from another process: does it see the lock described, or F_UNLCK (type F_UNLCK)? */
static bool probe_sees(int cmd, short type, off_t start, off_t len, short want_type,
		       off_t want_start, off_t want_len, pid_t want_pid, char *why, size_t n)
{
	struct flock fl;
	if (!probe(cmd, type, start, len, &fl)) {
		snprintf(why, n, "probe failed");
		return false;
	}
	snprintf(why, n, "type %d start %lld len %lld pid %d whence %d", fl.l_type,
		 (long long)fl.l_start, (long long)fl.l_len, (int)fl.l_pid, fl.l_whence);
	if (want_type == F_UNLCK)
		return fl.l_type == F_UNLCK;
	return fl.l_type == want_type && fl.l_start == want_start && fl.l_len == want_len &&
	       fl.l_pid == want_pid && fl.l_whence == SEEK_SET;
}

#define SEES(name, cmd, type, start, len, wtype, wstart, wlen, wpid)                              \
	do {                                                                                       \
		char why_[160];                                                                    \
		bool ok_ = probe_sees((cmd), (type), (start), (len), (wtype), (wstart), (wlen),    \
				      (wpid), why_, sizeof(why_));                                 \
		test_result((name), ok_, "%s", why_);                                              \
	} while (0)

/* Is there a line in /proc/locks ending with `tail` (after "N: ")? */
static bool proc_locks_has(const char *tail)
{
	static char buf[16384];
	if (!read_small("/proc/locks", buf, sizeof(buf)))
		return false;
	for (char *line = strtok(buf, "\n"); line; line = strtok(NULL, "\n")) {
		char *p = strchr(line, ':');
		if (p && p[1] == ' ' && !strcmp(p + 2, tail))
			return true;
	}
	return false;
}

/* "MAJ:MIN:INO" of the scratch file as /proc/locks writes it. */
static void lock_file_id(char *buf, size_t n)
{
	struct stat st;
	stat(lock_path, &st);
	snprintf(buf, n, "%02x:%02x:%llu", major(st.st_dev), minor(st.st_dev),
		 (unsigned long long)st.st_ino);
}

static volatile sig_atomic_t got_signal;
static int signal_note_fd = -1; /* the handler writes a byte here, when >= 0 */

static void on_signal(int sig)
{
	(void)sig;
	got_signal = 1;
	if (signal_note_fd >= 0)
		(void)!write(signal_note_fd, "s", 1);
}

static void catch_signal(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

#endif
