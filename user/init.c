/* Zero-OS's first user process (pid 1). Its fds 0-2 are /dev/console (it opens them if the
 * kernel did not). With a program named (the kernel passes the words of `run="prog args"`) it
 * runs it, reaps every orphan re-parented to it, and exits with the program's status once the
 * program is gone: the kernel then powers the machine off with that status. Without one, it
 * runs the shell on the console - in its own session, the console its controlling terminal -
 * and starts a new one whenever it exits, so that `make run` gives a prompt. Without a
 * /bin/sh, or if the shell keeps dying at once, init stays up reaping orphans. */
#include <errno.h>
#include <stdbool.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#define SHELL "/bin/sh"
#define CONSOLE "/dev/console"
#define QUICK_EXIT_S 2 /* a shell that fails (127: exec; 128+n: killed) within this long... */
#define QUICK_EXITS_MAX 5 /* ...that many times in a row is not restarted again */

extern char **environ;

static int status_to_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

/* fds 0-2 on the console, for whichever of them is not open. */
static void open_console(void)
{
	for (int fd = 0; fd <= 2; fd++) {
		if (fcntl(fd, F_GETFD) >= 0)
			continue;
		int c = open(CONSOLE, O_RDWR | O_NOCTTY);
		if (c < 0)
			return; /* nowhere to say so */
		if (c != fd) {
			dup2(c, fd);
			close(c);
		}
	}
}

static void __attribute__((noreturn)) idle(void)
{
	for (;;)
		if (wait4(-1, NULL, 0, NULL) < 0 && errno == ECHILD)
			pause();
}

/* Waits for pid, reaping any orphan on the way; its exit code, or -1 if it was lost. */
static int wait_for(pid_t pid)
{
	for (;;) {
		int st;
		pid_t got = wait4(-1, &st, 0, NULL);
		if (got == pid)
			return status_to_code(st);
		if (got < 0 && errno == ECHILD)
			return -1;
	}
}

static void warn(const char *what)
{
	printf("init: %s: %s\n", what, strerror(errno));
}

static pid_t start_shell(void)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	char *argv[] = { SHELL, NULL };
	char *envp[] = { "HOME=/", "PATH=/bin:/sbin:/usr/bin", "TERM=linux", NULL };
	if (setsid() < 0)
		warn("setsid");
	if (ioctl(0, TIOCSCTTY, 0) < 0)
		warn("TIOCSCTTY " CONSOLE);
	else if (tcsetpgrp(0, getpid()) < 0)
		warn("tcsetpgrp");
	execve(SHELL, argv, envp);
	warn("exec " SHELL);
	_exit(127);
}

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

static void __attribute__((noreturn)) run_shells(void)
{
	int quick = 0;
	for (;;) {
		double start = now();
		pid_t pid = start_shell();
		if (pid < 0) {
			warn("fork");
			idle();
		}
		int code = wait_for(pid);
		bool failed = code == 127 || code >= 128 || code < 0;
		quick = failed && now() - start < QUICK_EXIT_S ? quick + 1 : 0;
		if (quick >= QUICK_EXITS_MAX) {
			printf("init: %s keeps exiting at once (status %d); idling\n", SHELL, code);
			idle();
		}
		printf("init: %s exited with status %d; starting a new one\n", SHELL, code);
	}
}

static int run_program(char **prog)
{
	printf("Zero-OS init (pid %d): running %s\n", getpid(), prog[0]);
	pid_t child = fork();
	if (child < 0) {
		warn("fork");
		return 1;
	}
	if (child == 0) {
		execve(prog[0], prog, environ);
		printf("init: cannot run %s: %s\n", prog[0], strerror(errno));
		_exit(127);
	}
	int code = wait_for(child);
	if (code < 0) {
		printf("init: lost track of %s\n", prog[0]);
		return 1;
	}
	printf("init: %s exited with status %d\n", prog[0], code);
	return code;
}

int main(int argc, char **argv)
{
	open_console();
	setvbuf(stdout, NULL, _IONBF, 0); /* nothing buffered to be duplicated by fork */
	if (argc > 1)
		return run_program(argv + 1);
	if (access(SHELL, X_OK) != 0) {
		printf("Zero-OS init (pid %d): no program named and no %s: idling "
		       "(Ctrl-A x leaves QEMU)\n", getpid(), SHELL);
		idle();
	}
	printf("Zero-OS init (pid %d): starting %s on %s\n", getpid(), SHELL, CONSOLE);
	run_shells();
}
