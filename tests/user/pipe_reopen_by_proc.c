/* Regression (found by reading: `echo hi | cat /dev/stdin` failed with ENXIO, and
 * `[ -p /dev/stdin ]` was false for a pipe): a pipe's /proc/self/fd/<n> link (and /dev/stdin,
 * /dev/fd/<n> through it) leads to the pipe itself, as on Linux: stat sees the FIFO with the
 * pipe's inode number, and open makes a new end of the same pipe — at once, even when the
 * other side has gone (a pipe is no FIFO: its opens never wait). Validated on Linux first. */
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

static int open_link(const char *dir, int fd, int flags)
{
	char name[64];
	snprintf(name, sizeof(name), "%s/%d", dir, fd);
	return open(name, flags);
}

int main(void)
{
	test_begin("pipe_reopen_by_proc");
	int p[2];
	if (!CHECK("pipe", pipe(p) == 0))
		return test_exit_code();
	struct stat st, via;
	char name[64];
	snprintf(name, sizeof(name), "/proc/self/fd/%d", p[0]);
	CHECK("stat_is_fifo", stat(name, &via) == 0 && S_ISFIFO(via.st_mode) &&
				      fstat(p[0], &st) == 0 && via.st_ino == st.st_ino);

	write(p[1], "hello", 5);
	int r2 = open_link("/proc/self/fd", p[0], O_RDONLY);
	char buf[16] = { 0 };
	CHECK("reader_reopened", r2 >= 0 && read(r2, buf, 5) == 5 && !memcmp(buf, "hello", 5));

	int w2 = open_link("/dev/fd", p[1], O_WRONLY);
	CHECK("writer_reopened", w2 >= 0 && write(w2, "world", 5) == 5 &&
					 read(p[0], buf, 5) == 5 && !memcmp(buf, "world", 5));

	/* The reopened writer keeps the pipe writable: no EOF while it is open. */
	close(p[1]);
	CHECK("no_eof_while_reopened_writer", write(w2, "!", 1) == 1 && read(r2, buf, 1) == 1);
	close(w2);
	CHECK("eof_after_last_writer", read(r2, buf, 1) == 0);

	/* Every writer gone (echo finished before cat opened /dev/stdin): no wait, EOF. */
	int g[2];
	pipe(g);
	close(g[1]);
	alarm(10); /* a wait would hang the test: fail it instead */
	int late = open_link("/proc/self/fd", g[0], O_RDONLY);
	alarm(0);
	CHECK("no_wait_without_writers", late >= 0 && read(late, buf, 1) == 0);
	close(late);
	close(g[0]);

	/* /dev/stdin of a process whose standard input is a pipe. */
	int q[2];
	pipe(q);
	pid_t pid = fork();
	if (pid == 0) {
		dup2(q[0], 0);
		close(q[0]);
		close(q[1]);
		int fd = open("/dev/stdin", O_RDONLY);
		char b[8] = { 0 };
		_exit(fd >= 0 && read(fd, b, 3) == 3 && !memcmp(b, "abc", 3) ? 0 : 1);
	}
	close(q[0]);
	write(q[1], "abc", 3);
	close(q[1]);
	int status = -1;
	waitpid(pid, &status, 0);
	CHECK("dev_stdin_of_a_pipe", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	test_end();
}
