/* A descriptor closed (and its number reused) by one thread while another is blocked reading
 * it: the read goes on with the file it started on, as on Linux, and nothing is freed under it.
 * Guards fd_get_light (kernel/fs/fdtable.c), which skips the file reference only when the
 * process has a single thread and an unshared table: here it has two, so the reader must hold
 * a reference. Also the single-threaded case after the second thread is gone. */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <fcntl.h>
#include <pthread.h>
#include <sys/syscall.h>

#define TIMEOUT_S 10

static int pipe_fds[2];
static bool closer_saw_reader;

/* Once the main thread sleeps in read(pipe_fds[0]): close that descriptor, put /dev/zero in
 * its number, then write to the pipe. */
static void *closer(void *arg)
{
	(void)arg;
	closer_saw_reader = proc_wait_in_syscall(getpid(), SYS_read, SYS_read, TIMEOUT_S);
	close(pipe_fds[0]);
	int z = open("/dev/zero", O_RDONLY);
	if (z >= 0 && z != pipe_fds[0]) {
		dup2(z, pipe_fds[0]);
		close(z);
	}
	write(pipe_fds[1], "p", 1);
	return NULL;
}

int main(void)
{
	test_begin("fd_close_while_reading");
	if (pipe(pipe_fds)) {
		test_result("pipe", false, "%s", strerror(errno));
		test_end();
	}
	pthread_t t;
	pthread_create(&t, NULL, closer, NULL);
	char c = 0;
	ssize_t n = read(pipe_fds[0], &c, 1);
	pthread_join(t, NULL);
	CHECK("reader_was_asleep", closer_saw_reader);
	CHECK("read_finishes_on_the_pipe", n == 1 && c == 'p');
	/* The number now names /dev/zero, for this (again single-threaded) process too. */
	c = 1;
	CHECK("number_reused", read(pipe_fds[0], &c, 1) == 1 && c == 0);
	CHECK("closed_number_ebadf", close(pipe_fds[0]) == 0 && read(pipe_fds[0], &c, 1) == -1 &&
					     errno == EBADF);
	test_end();
}
