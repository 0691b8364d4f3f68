/* The user-test driver: runs every test program in /tests in turn (the list is fixed at build
 * time: USER_TESTS), adds up the counts their exit statuses carry (test.h), reports a program
 * that crashed or could not run as one failure, and ends with "usertest: N passed, M failed".
 * Exits 1 if anything failed, so that init powers the machine off with that status. With
 * arguments, runs only the programs they name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

static const char *const tests[] = { USER_TESTS };

int main(int argc, char **argv)
{
	int passed = 0, failed = 0;
	const char *const *list = tests;
	size_t count = sizeof(tests) / sizeof(tests[0]);
	if (argc > 1) {
		list = (const char *const *)argv + 1;
		count = (size_t)argc - 1;
	}
	setvbuf(stdout, NULL, _IONBF, 0);
	for (size_t i = 0; i < count; i++) {
		char path[128];
		snprintf(path, sizeof(path), "/tests/%s", list[i]);
		printf("usertest: running %s\n", path);
		pid_t pid = fork();
		if (pid < 0) {
			printf("FAIL: user/%s: fork: %s\n", list[i], strerror(errno));
			failed++;
			continue;
		}
		if (pid == 0) {
			char *argv[] = { path, NULL };
			char *envp[] = { "ZERO_TEST=1", NULL };
			execve(path, argv, envp);
			printf("FAIL: user/%s: exec: %s\n", list[i], strerror(errno));
			_exit(1 << 6); /* counts as one failed case (test.h) */
		}
		int st;
		if (waitpid(pid, &st, 0) != pid) {
			printf("FAIL: user/%s: waitpid: %s\n", list[i], strerror(errno));
			failed++;
			continue;
		}
		if (WIFEXITED(st)) {
			passed += WEXITSTATUS(st) & 63;
			failed += (WEXITSTATUS(st) >> 6) & 3;
		} else {
			printf("FAIL: user/%s: killed by signal %d\n", list[i],
			       WIFSIGNALED(st) ? WTERMSIG(st) : -1);
			failed++;
		}
	}
	printf("usertest: %d passed, %d failed\n", passed, failed);
	return failed ? 1 : 0;
}
