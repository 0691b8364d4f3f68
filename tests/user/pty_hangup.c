/* Pseudo-terminals and sessions (pty(7), credentials(7)): a child in a session of its own
 * acquires the slave as its controlling terminal by opening it; ^C and ^\ typed on the master
 * signal it (and so does TIOCSIG), a window size change sends SIGWINCH, /dev/tty reaches the
 * slave, the master's TIOCGPGRP/TIOCGSID report it; TIOCSCTTY, TIOCSPGRP and TIOCNOTTY on it;
 * the master's close hangs the slave up (SIGHUP to the session leader, reads 0, writes and
 * ioctls EIO, the node gone); after the slave's last close the master reads the rest, then
 * EIO, and polls POLLHUP; a shell run through forkpty. */
#include "pty_test.h"
#include <pty.h>

/* ---- a child in a session of its own on the slave ----------------------------------------- */

/* Fork a child that closes the master, starts a session, opens the slave (without O_NOCTTY:
 * it becomes the controlling terminal), says so on the pipe and runs fn. */
static pid_t session_child(int master, const char *name, int (*fn)(int s))
{
	int p[2];
	if (pipe(p))
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		close(master);
		setsid();
		int s = open(name, O_RDWR);
		char c = s >= 0 && tcgetpgrp(s) == getpid() ? 'y' : 'n';
		(void)!write(p[1], &c, 1);
		close(p[1]);
		_exit(c == 'y' ? fn(s) : 90);
	}
	close(p[1]);
	char c = 0;
	if (!readable(p[0]) || read(p[0], &c, 1) != 1 || c != 'y') {
		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		pid = -1;
	}
	close(p[0]);
	return pid;
}

static int block_reading(int s)
{
	char buf[8];
	for (;;)
		if (read(s, buf, sizeof(buf)) <= 0)
			return 3;
}

static int wait_winch(int s)
{
	(void)s;
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	struct timespec ts = { .tv_sec = WAIT_MS / 1000 };
	return sigtimedwait(&set, NULL, &ts) == SIGWINCH ? 0 : 4;
}

static int devtty_write(int s)
{
	int t = open("/dev/tty", O_RDWR);
	if (t < 0)
		return 5;
	close(s);
	(void)!write(t, "via-tty", 7);
	return 0;
}

static bool killed_by(pid_t pid, int sig)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFSIGNALED(st) && WTERMSIG(st) == sig;
}

static void test_signals(void)
{
	char name[64];
	int m = new_pair(0, NULL, 0, name, sizeof(name));
	if (!CHECK("pair_sig", m >= 0))
		return;
	pid_t pid = session_child(m, name, block_reading);
	int pgrp = -1, sid = -1;
	CHECK("ctty_acquired_by_open", pid > 0);
	CHECK("master_tiocgpgrp", ioctl(m, TIOCGPGRP, &pgrp) == 0 && pgrp == pid);
	CHECK("master_tiocgsid", ioctl(m, TIOCGSID, &sid) == 0 && sid == pid);
	put(m, "\x03");
	CHECK("ctrl_c_sigint", killed_by(pid, SIGINT));
	pid = session_child(m, name, block_reading);
	EXPECT("tiocsig_sigterm_einval", sys_res(ioctl(m, TIOCSIG, SIGTERM)), -EINVAL);
	CHECK("tiocsig_sigint", ioctl(m, TIOCSIG, SIGINT) == 0 && killed_by(pid, SIGINT));
	pid = session_child(m, name, block_reading);
	put(m, "\x1c");
	CHECK("ctrl_backslash_sigquit", killed_by(pid, SIGQUIT));
	sigset_t set, old;
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, &old); /* the child inherits the mask: no lost SIGWINCH */
	pid = session_child(m, name, wait_winch);
	sigprocmask(SIG_SETMASK, &old, NULL);
	struct winsize w = { .ws_row = 10, .ws_col = 20 };
	ioctl(m, TIOCSWINSZ, &w);
	EXPECT("sigwinch_to_foreground", wait_status(pid), 0);
	drained(m); /* the echo of ^C and ^\ */
	pid = session_child(m, name, devtty_write);
	bool exited = exits_zero(pid);
	CHECK("dev_tty_is_slave", exited && read_is(m, "via-tty"));
	close(m);
}

/* A child in a new session: O_NOCTTY leaves it without a terminal; TIOCSCTTY takes the slave,
 * TIOCGSID and TIOCSPGRP work on it, TIOCNOTTY gives it up. The exit status says which step
 * failed. */
static int sctty_steps(int m, const char *name)
{
	close(m);
	setsid();
	int s = open(name, O_RDWR | O_NOCTTY);
	if (s < 0 || open("/dev/tty", O_RDWR) >= 0)
		return 1;
	if (ioctl(s, TIOCSCTTY, 0) || tcgetsid(s) != getpid())
		return 2;
	if (tcsetpgrp(s, getpid()) || tcgetpgrp(s) != getpid())
		return 3;
	signal(SIGHUP, SIG_IGN); /* TIOCNOTTY by a session leader hangs its group up */
	if (ioctl(s, TIOCNOTTY) || open("/dev/tty", O_RDWR) >= 0 || errno != ENXIO)
		return 4;
	return 0;
}

static void test_sctty(void)
{
	char name[64];
	int m = new_pair(0, NULL, 0, name, sizeof(name));
	pid_t pid = m < 0 ? -1 : fork();
	if (pid == 0)
		_exit(sctty_steps(m, name));
	EXPECT("tiocsctty_tiocnotty", wait_status(pid), 0);
	close(m);
}

static void test_hangup(void)
{
	char name[64], buf[8];
	int m = new_pair(0, NULL, 0, name, sizeof(name));
	if (!CHECK("pair_hup", m >= 0))
		return;
	pid_t pid = session_child(m, name, block_reading);
	int s = open(name, O_RDWR | O_NOCTTY);
	close(m);
	CHECK("master_close_sighup", killed_by(pid, SIGHUP));
	EXPECT("slave_node_gone", sys_res(access(name, F_OK)), -ENOENT);
	EXPECT("hungup_read_zero", sys_res(read(s, buf, sizeof(buf))), 0);
	EXPECT("hungup_write_eio", sys_res(write(s, "x", 1)), -EIO);
	struct pollfd p = { .fd = s, .events = POLLIN | POLLOUT };
	CHECK("hungup_poll", poll(&p, 1, 0) == 1 && (p.revents & POLLHUP));
	EXPECT("hungup_ioctl_eio", sys_res(tcgetattr(s, &(struct termios){ 0 })), -EIO);
	close(s);

	m = new_pair(0, &s, 0, name, sizeof(name));
	put(s, "bye");
	close(s);
	CHECK("data_before_eio", read_is(m, "bye"));
	EXPECT("master_eio_after_slave_close", sys_res(read(m, buf, sizeof(buf))), -EIO);
	p = (struct pollfd){ .fd = m, .events = POLLIN };
	CHECK("master_pollhup", poll(&p, 1, WAIT_MS) == 1 && (p.revents & POLLHUP));
	s = open(name, O_RDWR | O_NOCTTY);
	put(s, "again");
	CHECK("reopened_slave", read_is(m, "again"));
	close(s);
	close(m);
}

/* Everything the master reads until the slave's last close (EIO), NUL-terminated. */
static size_t read_until_eio(int m, char *buf, size_t size)
{
	size_t got = 0;
	while (got + 1 < size && readable(m)) {
		ssize_t r = read(m, buf + got, size - 1 - got);
		if (r <= 0)
			break;
		got += (size_t)r;
	}
	buf[got] = 0;
	return got;
}

/* A shell on the slave (forkpty): tty(1) names the slave, stty(1) sees the window size. */
static void test_shell(void)
{
	int m;
	char name[64], out[512];
	struct winsize w = { .ws_row = 24, .ws_col = 80 };
	pid_t pid = forkpty(&m, name, NULL, &w);
	if (pid == 0) {
		execl("/bin/sh", "sh", "-c", "tty; stty size", (char *)NULL);
		_exit(127);
	}
	if (!CHECK("forkpty_shell", pid > 0))
		return;
	char want[128];
	snprintf(want, sizeof(want), "%s\r\n24 80\r\n", name);
	read_until_eio(m, out, sizeof(out));
	test_result("shell_tty_stty", strstr(out, want) != NULL, "got \"%s\"", out);
	CHECK("shell_exit", exits_zero(pid));
	close(m);
}

int main(void)
{
	test_begin("pty_hangup");
	test_signals();
	test_hangup();
	test_sctty();
	test_shell();
	test_end();
}
