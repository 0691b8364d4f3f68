/* Helpers of the pseudo-terminal tests (tests/user/pty.c, pty_hangup.c): making a pair,
 * reading with a timeout, draining. */
#ifndef TESTS_USER_PTY_TEST_H
#define TESTS_USER_PTY_TEST_H

#define _GNU_SOURCE
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <pty.h>
#include <signal.h>
#include <termios.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>

#define WAIT_MS 5000
#define MANY 32

/* A new pair: the master (O_NOCTTY, flags added), slave unlocked; *slave opened with sflags
 * unless slave is NULL. */
static inline int new_pair(int flags, int *slave, int sflags, char *name, size_t len)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | flags);
	if (m < 0)
		return -1;
	if (grantpt(m) || unlockpt(m) || ptsname_r(m, name, len)) {
		close(m);
		return -1;
	}
	if (slave && (*slave = open(name, O_RDWR | O_NOCTTY | sflags)) < 0) {
		close(m);
		return -1;
	}
	return m;
}

/* Input (or a hang-up, after which Linux may still have the last bytes in flight) within
 * WAIT_MS. */
static inline bool readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	return poll(&p, 1, WAIT_MS) == 1 && (p.revents & (POLLIN | POLLHUP));
}

/* Read exactly n bytes (waiting up to WAIT_MS for each piece): true when they came. */
static inline bool read_all(int fd, char *buf, size_t n)
{
	size_t got = 0;
	while (got < n) {
		if (!readable(fd))
			return false;
		ssize_t r = read(fd, buf + got, n - got);
		if (r <= 0)
			return false;
		got += (size_t)r;
	}
	return true;
}

static inline bool read_is(int fd, const char *want)
{
	char buf[256];
	size_t n = strlen(want);
	return read_all(fd, buf, n) && !memcmp(buf, want, n);
}

static inline void put(int fd, const char *s)
{
	(void)!write(fd, s, strlen(s));
}

static inline bool drained(int fd)
{
	char buf[256];
	struct pollfd p = { .fd = fd, .events = POLLIN };
	while (poll(&p, 1, 50) == 1 && (p.revents & POLLIN))
		if (read(fd, buf, sizeof(buf)) <= 0)
			break;
	return true;
}

/* The child's wait status, or -1. */
static inline int wait_status(pid_t pid)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid ? st : -1;
}

/* The child exited with status 0. */
static inline bool exits_zero(pid_t pid)
{
	return wait_status(pid) == 0;
}

#endif
