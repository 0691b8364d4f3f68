/* Shared set-up of the terminal tests (tty.c, tty_jobs.c): the cases run in a child that makes
 * a session of its own and takes the console as its controlling terminal (stealing it as root
 * if another session has it), so that the test driver's session is left alone; the parent
 * passes the child's exit status on. Run on Linux with the argument "pty", the terminal is a
 * fresh pseudo-terminal instead (the parent drains its master side), which is how the
 * expectations were checked against Linux. */
#ifndef TESTS_USER_TTY_TEST_H
#define TESTS_USER_TTY_TEST_H

#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>

static int tty_fd = -1; /* the terminal, our controlling one */
static struct termios tty_saved; /* restored at the end */

/* The terminal's file: the console, or the slave of a new pseudo-terminal. */
static int tty_open_terminal(int master)
{
	if (master < 0)
		return open("/dev/console", O_RDWR | O_NOCTTY);
	return open(ptsname(master), O_RDWR | O_NOCTTY);
}

/* In the child: new session, the terminal as controlling terminal. Returns false (after a
 * FAIL line) when that cannot be done. */
static bool tty_session_setup(int master)
{
	if (!CHECK("session/setsid", setsid() == getpid()))
		return false;
	tty_fd = tty_open_terminal(master);
	if (!CHECK("session/open", tty_fd >= 0))
		return false;
	int r = ioctl(tty_fd, TIOCSCTTY, 0);
	if (r < 0 && errno == EPERM)
		r = ioctl(tty_fd, TIOCSCTTY, 1); /* another session has it: steal it as root */
	if (!CHECK("session/tiocsctty", r == 0))
		return false;
	return CHECK("session/tcgetattr", tcgetattr(tty_fd, &tty_saved) == 0);
}

/* Fork the child that runs the cases (returns in it); the parent waits and exits with the
 * child's status. */
static void tty_test_begin(const char *area, int argc, char **argv)
{
	test_begin(area);
	int master = -1;
	if (argc > 1 && strcmp(argv[1], "pty") == 0) {
		master = posix_openpt(O_RDWR | O_NOCTTY);
		if (master < 0 || grantpt(master) < 0 || unlockpt(master) < 0) {
			printf("FAIL: user/%s/pty: %s\n", area, strerror(errno));
			exit(1 << 6);
		}
	}
	pid_t pid = fork();
	if (pid == 0) {
		if (!tty_session_setup(master))
			test_end();
		return;
	}
	if (master >= 0) { /* drain echo until every slave descriptor is closed */
		char buf[256];
		while (read(master, buf, sizeof(buf)) > 0)
			;
	}
	int st;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st)) {
		printf("FAIL: user/%s/child: did not exit normally\n", area);
		exit(1 << 6);
	}
	exit(WEXITSTATUS(st));
}

/* Restore the settings and give the terminal up (our session ends with us anyway). */
static void tty_test_end(void)
{
	tcsetattr(tty_fd, TCSANOW, &tty_saved);
	test_end();
}

/* Inject bytes as if typed. */
static bool tty_type(const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (ioctl(tty_fd, TIOCSTI, s + i) < 0)
			return false;
	return true;
}

#define TYPE(s) tty_type((s), sizeof(s) - 1)

/* Change local and input flags and cc entries (-1: leave). */
static bool tty_mode(tcflag_t lon, tcflag_t loff, int vmin, int vtime)
{
	struct termios t;
	if (tcgetattr(tty_fd, &t) < 0)
		return false;
	t.c_lflag = (t.c_lflag | lon) & ~loff;
	if (vmin >= 0)
		t.c_cc[VMIN] = (cc_t)vmin;
	if (vtime >= 0)
		t.c_cc[VTIME] = (cc_t)vtime;
	return tcsetattr(tty_fd, TCSANOW, &t) == 0;
}

static int tty_inq(void)
{
	int n = -1;
	return ioctl(tty_fd, FIONREAD, &n) < 0 ? -1 : n;
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A child in a process group of its own that says it is ready on ready_fd, then waits (with
 * default signal actions for SIGINT). */
static pid_t spawn_group(int ready_fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		signal(SIGINT, SIG_DFL);
		if (write(ready_fd, "r", 1) != 1)
			_exit(2);
		for (;;)
			pause();
	}
	if (pid > 0)
		setpgid(pid, pid);
	return pid;
}

/* n children said they are ready. */
static bool wait_ready(int fd, int n)
{
	char c;
	for (int i = 0; i < n; i++)
		if (read(fd, &c, 1) != 1)
			return false;
	return true;
}

#endif
