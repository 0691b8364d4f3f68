/* Bug exec_empty_argv: execve with argv NULL or { NULL } must start the program with argc 1 and
 * argv[0] "" (Linux 6.x, after CVE-2021-4034), not argc 0 with the environment where argv[1]
 * would be. The program re-executes itself through /proc/self/exe. */
#include "test.h"
#include <sys/wait.h>

/* Child mode (recognised by the environment, since argv is what is under test). */
static int child_checks(int argc, char **argv)
{
	if (argc != 1)
		return 10 + (argc > 9 ? 9 : argc);
	if (!argv[0] || argv[0][0])
		return 2;
	if (argv[1])
		return 3;
	const char *e = getenv("EMPTY_ARGV_CHILD");
	return e && !strcmp(e, "1") ? 0 : 4;
}

/* The child's exit status after execve(/proc/self/exe, argv, env), or -1. */
static int run(char **argv)
{
	char *envp[] = { "EMPTY_ARGV_CHILD=1", NULL };
	pid_t pid = fork();
	if (pid == 0) {
		execve("/proc/self/exe", argv, envp);
		_exit(100);
	}
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

int main(int argc, char **argv)
{
	if (getenv("EMPTY_ARGV_CHILD"))
		return child_checks(argc, argv);
	test_begin("exec_empty_argv");
	char *empty[] = { NULL };
	int r = run(empty);
	test_result("argv-null-entry", r == 0, "child check %d", r);
	r = run(NULL);
	test_result("argv-null", r == 0, "child check %d", r);
	test_end();
}
