/* Sessions, process groups and job control on the terminal: signal characters reaching the
 * foreground group only, SIGTTIN/SIGTTOU for background readers, writers (TOSTOP) and settings
 * changes, EIO for an orphaned group or an ignored SIGTTIN, the TIOCSPGRP/TIOCGPGRP/TIOCSCTTY
 * rules, setsid/setpgid/getsid/getpgid errors (EACCES after exec), TIOCNOTTY, and the hang-up
 * a session leader's TIOCNOTTY sends to its foreground group. */
#include "tty_test.h"
#include <poll.h>

#define EXEC_CHILD_ARG "--exec-child"
#define EXEC_CHILD_FD 3

static const char *self_path;

/* Run fn in a child (in our group / in a background group of its own); the child exits with
 * fn's result. */
static pid_t child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(fn());
	return pid;
}

static pid_t bg_child(int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		setpgid(0, 0);
		_exit(fn());
	}
	if (pid > 0)
		setpgid(pid, pid);
	return pid;
}

/* The child stopped with sig (then it is killed). */
static bool stops_with(pid_t pid, int sig)
{
	int st;
	bool ok = waitpid(pid, &st, WUNTRACED) == pid && WIFSTOPPED(st) && WSTOPSIG(st) == sig;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	return ok;
}

/* The child exited with status 0. */
static bool exits_ok(pid_t pid)
{
	int st;
	return waitpid(pid, &st, WUNTRACED) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static int do_read(void)
{
	char c;
	return read(tty_fd, &c, 1) < 0 ? errno : 0;
}

static int read_with_sigttin_ignored(void)
{
	signal(SIGTTIN, SIG_IGN);
	char c;
	return read(tty_fd, &c, 1) < 0 && errno == EIO ? 0 : 1;
}

static int write_newline(void)
{
	return write(tty_fd, "\n", 1) == 1 ? 0 : 1;
}

static int set_termios(void)
{
	struct termios t;
	tcgetattr(tty_fd, &t);
	return tcsetattr(tty_fd, TCSANOW, &t) == 0 ? 0 : 1;
}

static int set_termios_sigttou_ignored(void)
{
	signal(SIGTTOU, SIG_IGN);
	return set_termios();
}

static int set_pgrp_self(void)
{
	return tcsetpgrp(tty_fd, getpgrp()) == 0 ? 0 : 1;
}

static int orphan_pipe[2];

/* In an orphaned group (its parent exited): a read is EIO, not SIGTTIN. The grandchild reports
 * through orphan_pipe once it has been adopted. */
static int orphan_read(void)
{
	pid_t parent = getpid();
	pid_t g = fork();
	if (g == 0) {
		close(orphan_pipe[0]);
		for (int i = 0; i < 5000 && getppid() == parent; i++)
			usleep(1000); /* until our parent has exited */
		char c, r = read(tty_fd, &c, 1) < 0 && errno == EIO ? 'y' : 'n';
		write(orphan_pipe[1], &r, 1);
		_exit(0);
	}
	return g > 0 ? 0 : 1;
}

static void test_isig(void)
{
	int p[2];
	CHECK("isig/pipe", pipe(p) == 0);
	signal(SIGTTOU, SIG_IGN); /* to take the foreground back from the background */
	pid_t fg = spawn_group(p[1]), bg = spawn_group(p[1]);
	CHECK("isig/children", fg > 0 && bg > 0 && wait_ready(p[0], 2));
	int st = 0;
	CHECK("isig/tcsetpgrp", tcsetpgrp(tty_fd, fg) == 0 && tcgetpgrp(tty_fd) == fg);
	TYPE("\003");
	CHECK("isig/sigint_fg",
	      waitpid(fg, &st, 0) == fg && WIFSIGNALED(st) && WTERMSIG(st) == SIGINT);
	CHECK("isig/not_bg", waitpid(bg, &st, WNOHANG) == 0);

	fg = spawn_group(p[1]);
	wait_ready(p[0], 1);
	tcsetpgrp(tty_fd, fg);
	TYPE("\032");
	CHECK("isig/sigtstp_stops", stops_with(fg, SIGTSTP));

	fg = spawn_group(p[1]);
	wait_ready(p[0], 1);
	tcsetpgrp(tty_fd, fg);
	TYPE("\034");
	CHECK("isig/sigquit",
	      waitpid(fg, &st, 0) == fg && WIFSIGNALED(st) && WTERMSIG(st) == SIGQUIT);
	CHECK("isig/bg_still_alive", waitpid(bg, &st, WNOHANG) == 0);
	CHECK("isig/foreground_back",
	      tcsetpgrp(tty_fd, getpgrp()) == 0 && tcgetpgrp(tty_fd) == getpgrp());
	kill(bg, SIGKILL);
	waitpid(bg, &st, 0);
	signal(SIGTTOU, SIG_DFL);
	close(p[0]);
	close(p[1]);
}

static void test_background(void)
{
	CHECK("bg/read_sigttin", stops_with(bg_child(do_read), SIGTTIN));
	CHECK("bg/read_sigttin_ignored_eio", exits_ok(bg_child(read_with_sigttin_ignored)));
	CHECK("bg/write_without_tostop", exits_ok(bg_child(write_newline)));
	CHECK("bg/tostop_set", tty_mode(TOSTOP, 0, -1, -1));
	CHECK("bg/write_tostop_sigttou", stops_with(bg_child(write_newline), SIGTTOU));
	CHECK("bg/tostop_clear", tty_mode(0, TOSTOP, -1, -1));
	CHECK("bg/tcsetattr_sigttou", stops_with(bg_child(set_termios), SIGTTOU));
	CHECK("bg/tcsetattr_sigttou_ignored", exits_ok(bg_child(set_termios_sigttou_ignored)));
	CHECK("bg/tcsetpgrp_sigttou", stops_with(bg_child(set_pgrp_self), SIGTTOU));
	CHECK("bg/fg_unchanged", tcgetpgrp(tty_fd) == getpgrp());

	CHECK("bg/orphan_pipe", pipe(orphan_pipe) == 0);
	CHECK("bg/orphan_parent_exits", exits_ok(bg_child(orphan_read)));
	close(orphan_pipe[1]);
	struct pollfd pf = { .fd = orphan_pipe[0], .events = POLLIN };
	char r = 0;
	CHECK("bg/orphan_read_eio", poll(&pf, 1, 10000) == 1 && read(orphan_pipe[0], &r, 1) == 1 &&
					    r == 'y');
	close(orphan_pipe[0]);
}

/* A child without a controlling terminal (a session of its own) checks what it cannot do. */
static int no_ctty_checks(void)
{
	int pg;
	if (setsid() < 0)
		return 1;
	if (ioctl(tty_fd, TIOCGPGRP, &pg) == 0 || errno != ENOTTY)
		return 2;
	pg = getpgrp();
	if (ioctl(tty_fd, TIOCSPGRP, &pg) == 0 || errno != ENOTTY)
		return 3;
	if (open("/dev/tty", O_RDWR) >= 0 || errno != ENXIO)
		return 4;
	if (ioctl(tty_fd, TIOCSCTTY, 0) == 0 || errno != EPERM) /* another session has it */
		return 5;
	if (ioctl(tty_fd, TIOCNOTTY) == 0 || errno != ENOTTY)
		return 6;
	return 0;
}

/* A member of our session (not its leader) drops the terminal: only it loses /dev/tty. */
static int notty_member(void)
{
	if (ioctl(tty_fd, TIOCNOTTY) < 0)
		return 1;
	return open("/dev/tty", O_RDWR) < 0 && errno == ENXIO ? 0 : 2;
}

static void test_ctty_ioctls(void)
{
	int v = 0;
	CHECK("ctty/tiocgsid", ioctl(tty_fd, TIOCGSID, &v) == 0 && v == getpid());
	CHECK("ctty/tiocsctty_again", ioctl(tty_fd, TIOCSCTTY, 0) == 0);
	CHECK("ctty/without_ctty", exits_ok(child(no_ctty_checks)));
	CHECK("ctty/notty_member", exits_ok(child(notty_member)));
	int fd = open("/dev/tty", O_RDWR);
	CHECK("ctty/leader_keeps_it", fd >= 0);
	close(fd);

	errno = 0;
	v = -1;
	CHECK("tiocspgrp/negative", ioctl(tty_fd, TIOCSPGRP, &v) < 0 && errno == EINVAL);
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	int st;
	waitpid(gone, &st, 0);
	errno = 0;
	CHECK("tiocspgrp/no_such_group", ioctl(tty_fd, TIOCSPGRP, &gone) < 0 && errno == ESRCH);
	int p[2];
	CHECK("tiocspgrp/pipe", pipe(p) == 0);
	pid_t s = fork();
	if (s == 0) {
		setsid();
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	errno = 0;
	CHECK("tiocspgrp/other_session", wait_ready(p[0], 1) && ioctl(tty_fd, TIOCSPGRP, &s) < 0 &&
						 errno == EPERM);
	kill(s, SIGKILL);
	waitpid(s, &st, 0);
	close(p[0]);
	close(p[1]);
}

static void test_ids(void)
{
	errno = 0;
	CHECK("setsid/leader_eperm", setsid() < 0 && errno == EPERM);
	CHECK("getsid/self", getsid(0) == getpid() && getpgid(0) == getpid() && getpgrp() == getpid());
	pid_t gone = fork();
	if (gone == 0)
		_exit(0);
	int st;
	waitpid(gone, &st, 0);
	errno = 0;
	CHECK("getsid/esrch", getsid(gone) < 0 && errno == ESRCH);
	errno = 0;
	CHECK("getpgid/esrch", getpgid(gone) < 0 && errno == ESRCH);
	errno = 0;
	CHECK("setpgid/einval", setpgid(0, -1) < 0 && errno == EINVAL);
	errno = 0;
	CHECK("setpgid/esrch", setpgid(gone, 0) < 0 && errno == ESRCH);
	errno = 0;
	CHECK("setpgid/not_child_esrch", setpgid(1, 0) < 0 && errno == ESRCH);
	errno = 0;
	CHECK("setpgid/session_leader_eperm", setpgid(0, 0) < 0 && errno == EPERM);
}

/* setpgid on children: into an existing group, not into a missing one, not across sessions,
 * not after exec. */
static void test_setpgid_children(void)
{
	int p[2];
	CHECK("setpgid/pipe", pipe(p) == 0);
	pid_t a = spawn_group(p[1]), b = spawn_group(p[1]);
	CHECK("setpgid/children", a > 0 && b > 0 && wait_ready(p[0], 2));
	CHECK("setpgid/join_group", setpgid(b, a) == 0 && getpgid(b) == a && getsid(b) == getpid());
	errno = 0;
	CHECK("setpgid/missing_group_eperm", setpgid(b, b + 100000) < 0 && errno == EPERM);
	kill(a, SIGKILL);
	kill(b, SIGKILL);
	int st;
	waitpid(a, &st, 0);
	waitpid(b, &st, 0);

	pid_t s = fork();
	if (s == 0) {
		setsid();
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	wait_ready(p[0], 1);
	errno = 0;
	CHECK("setpgid/other_session_eperm", setpgid(s, s) < 0 && errno == EPERM);
	kill(s, SIGKILL);
	waitpid(s, &st, 0);

	pid_t e = fork();
	if (e == 0) {
		dup2(p[1], EXEC_CHILD_FD);
		execl(self_path, self_path, EXEC_CHILD_ARG, (char *)NULL);
		_exit(1);
	}
	errno = 0;
	CHECK("setpgid/after_exec_eacces", wait_ready(p[0], 1) && setpgid(e, e) < 0 && errno == EACCES);
	kill(e, SIGKILL);
	waitpid(e, &st, 0);
	close(p[0]);
	close(p[1]);
}

/* The leader gives the terminal up: its foreground group (ours, with a child in it) gets
 * SIGHUP, and the terminal is no one's. */
static void test_leader_notty(void)
{
	int p[2];
	CHECK("hangup/pipe", pipe(p) == 0);
	pid_t c = fork();
	if (c == 0) {
		write(p[1], "r", 1);
		for (;;)
			pause();
	}
	wait_ready(p[0], 1);
	signal(SIGHUP, SIG_IGN);
	CHECK("hangup/tiocnotty", ioctl(tty_fd, TIOCNOTTY) == 0);
	int st;
	CHECK("hangup/fg_group_sighup",
	      waitpid(c, &st, 0) == c && WIFSIGNALED(st) && WTERMSIG(st) == SIGHUP);
	int v;
	errno = 0;
	CHECK("hangup/no_ctty", ioctl(tty_fd, TIOCGPGRP, &v) < 0 && errno == ENOTTY);
	errno = 0;
	CHECK("hangup/dev_tty_enxio", open("/dev/tty", O_RDWR) < 0 && errno == ENXIO);
	CHECK("hangup/take_back", ioctl(tty_fd, TIOCSCTTY, 0) == 0);
	close(p[0]);
	close(p[1]);
}

int main(int argc, char **argv)
{
	if (argc > 1 && strcmp(argv[1], EXEC_CHILD_ARG) == 0) {
		write(EXEC_CHILD_FD, "e", 1); /* exec'ed: the parent may try setpgid now */
		for (;;)
			pause();
	}
	self_path = argv[0];
	tty_test_begin("tty_jobs", argc, argv);
	CHECK("echo_off", tty_mode(0, ECHO, -1, -1));
	test_isig();
	test_background();
	test_ctty_ioctls();
	test_ids();
	test_setpgid_children();
	test_leader_notty();
	tty_test_end();
}
