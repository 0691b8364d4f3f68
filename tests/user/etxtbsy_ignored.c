/* Bug etxtbsy_ignored: a program file open for writing cannot be executed, and one being
 * executed cannot be opened for writing or truncated: ETXTBSY both ways. Works on a copy of
 * this program in /tmp, run in "hold" mode (it waits on a pipe until told to go). */
#include "test.h"
#include <fcntl.h>
#include <sys/wait.h>

static char copy[64];

static int copy_self(void)
{
	char buf[4096];
	int in = open("/proc/self/exe", O_RDONLY);
	int out = open(copy, O_CREAT | O_WRONLY | O_TRUNC, 0755);
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0) {
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	return in >= 0 && out >= 0 && n == 0 ? 0 : -1;
}

/* Hold mode: say "running" on fd 1 of the pipe pair, then wait for EOF on stdin. */
static int hold(void)
{
	char c = 'r';
	if (write(STDOUT_FILENO, &c, 1) != 1)
		return 1;
	while (read(STDIN_FILENO, &c, 1) > 0)
		;
	return 0;
}

/* Start the copy in hold mode; *go is the pipe end whose closing lets it end. */
static pid_t start_holder(int *go)
{
	int to[2], from[2];
	if (pipe(to) < 0 || pipe(from) < 0)
		return -1;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(to[0], STDIN_FILENO);
		dup2(from[1], STDOUT_FILENO);
		close(to[1]);
		char *argv[] = { copy, "hold", NULL };
		execv(copy, argv);
		_exit(100 + errno);
	}
	close(to[0]);
	close(from[1]);
	char c = 0;
	bool running = read(from[0], &c, 1) == 1 && c == 'r';
	close(from[0]);
	*go = to[1];
	return running ? pid : -1;
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "hold"))
		return hold();
	test_begin("etxtbsy_ignored");
	snprintf(copy, sizeof(copy), "/tmp/etxtbsy_%d", (int)getpid());
	if (copy_self() < 0) {
		test_result("setup", false, "copy errno %d", errno);
		test_end();
	}
	/* Executing a file open for writing. */
	int wfd = open(copy, O_WRONLY);
	pid_t pid = fork();
	if (pid == 0) {
		char *args[] = { copy, "hold", NULL };
		execv(copy, args);
		_exit(errno == ETXTBSY ? 0 : 1);
	}
	int st = -1;
	bool ok = wfd >= 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && !WEXITSTATUS(st);
	test_result("exec-open-for-write", ok, "status %#x", st);
	close(wfd);

	/* Writing a file being executed. */
	int go = -1;
	pid = start_holder(&go);
	test_result("holder-runs", pid > 0, "could not start the copy");
	errno = 0;
	CHECK("open-write-running", open(copy, O_WRONLY) == -1 && errno == ETXTBSY);
	errno = 0;
	CHECK("truncate-running", truncate(copy, 0) == -1 && errno == ETXTBSY);
	int rfd = open(copy, O_RDONLY);
	CHECK("open-read-running", rfd >= 0);
	close(rfd);
	close(go);
	if (pid > 0)
		waitpid(pid, &st, 0);
	wfd = open(copy, O_WRONLY);
	CHECK("open-write-after-exit", wfd >= 0);
	close(wfd);
	unlink(copy);
	test_end();
}
