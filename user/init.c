/* Zero-OS's first user process (pid 1). Until the VFS exists, fds 0/1/2 already are the
 * console. It prints a banner, runs the program its arguments name (the kernel passes the
 * words of `run="prog args"`), or /bin/sh by default, reaps every process that ends up as its
 * child (orphans are re-parented to init), and exits with the program's status once the program
 * is gone: the kernel then powers the machine off with that status. Without a named program
 * and without a /bin/sh (the shell comes with the file-system work), init stays up and keeps
 * reaping, so that `make run` leaves a running system rather than powering off. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <signal.h>
#include <sys/wait.h>
#include <unistd.h>

extern char **environ;

static int status_to_code(int st)
{
	if (WIFEXITED(st))
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		return 128 + WTERMSIG(st);
	return 255;
}

int main(int argc, char **argv)
{
	char *def[] = { "/bin/sh", NULL };
	char **prog = argc > 1 ? argv + 1 : def;

	if (argc <= 1 && access(def[0], X_OK) != 0) {
		printf("Zero-OS init (pid %d): no program named and no %s yet; idling "
		       "(Ctrl-A x leaves QEMU)\n", getpid(), def[0]);
		for (;;)
			if (wait4(-1, NULL, 0, NULL) < 0)
				pause();
	}

	printf("Zero-OS init (pid %d): running %s\n", getpid(), prog[0]);
	fflush(stdout);
	pid_t child = fork();
	if (child < 0) {
		printf("init: fork failed: %s\n", strerror(errno));
		return 1;
	}
	if (child == 0) {
		execve(prog[0], prog, environ);
		printf("init: cannot run %s: %s\n", prog[0], strerror(errno));
		_exit(127);
	}
	for (;;) {
		int st;
		pid_t pid = wait4(-1, &st, 0, NULL);
		if (pid == child) {
			int code = status_to_code(st);
			printf("init: %s exited with status %d\n", prog[0], code);
			return code;
		}
		if (pid < 0 && errno == ECHILD) {
			printf("init: lost track of %s\n", prog[0]);
			return 1;
		}
		/* Any other pid: an orphan reaped. */
	}
}
