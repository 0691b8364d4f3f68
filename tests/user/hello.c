/* The simplest end-to-end checks: a static musl program runs, writes to the console, and its
 * exit status reaches its parent (through /bin/hello, run with a status to exit with). */
#include "test.h"
#include <sys/wait.h>

static int run_prog(char *prog, char *arg)
{
	char *argv[] = { prog, arg, NULL };
	char *envp[] = { NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execve(argv[0], argv, envp);
		_exit(99);
	}
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid)
		return -1;
	return st;
}

int main(void)
{
	test_begin("hello");
	CHECK("printf", printf("hello from a test\n") == 18);
	int st = run_prog("/bin/hello", "0");
	CHECK("exit-0", WIFEXITED(st) && WEXITSTATUS(st) == 0);
	st = run_prog("/bin/hello", "42");
	CHECK("exit-42", WIFEXITED(st) && WEXITSTATUS(st) == 42 && st == 42 << 8);
	st = run_prog("/bin/hello", "255");
	CHECK("exit-255", WIFEXITED(st) && WEXITSTATUS(st) == 255);
	st = run_prog("/bin/hello-pie", "5");
	CHECK("static-pie", WIFEXITED(st) && WEXITSTATUS(st) == 5);
	test_end();
}
