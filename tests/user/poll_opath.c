/* Regression (found by the syscall fuzzer): poll and select on an O_PATH descriptor, which has
 * no file operations, dereferenced a NULL operations table in the kernel — a page fault in
 * kernel mode, so any user could panic the system. Linux's poll does not see O_PATH
 * descriptors (POLLNVAL); its select counts them as ready. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/select.h>

int main(void)
{
	test_begin("poll_opath");
	int fd = open("/", O_PATH);
	CHECK("open-o_path", fd >= 0);
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	int r = poll(&p, 1, 0);
	test_result("poll-o_path-pollnval", r == 1 && p.revents == POLLNVAL, "poll %d revents %#x", r,
		    p.revents);
	fd_set rd;
	FD_ZERO(&rd);
	FD_SET(fd, &rd);
	struct timeval tv = { 0, 0 };
	CHECK("select-o_path", select(fd + 1, &rd, NULL, NULL, &tv) == 1 && FD_ISSET(fd, &rd));
	char c;
	errno = 0;
	CHECK("read-o_path-ebadf", read(fd, &c, 1) == -1 && errno == EBADF);
	CHECK("kernel-alive", getpid() > 1);
	test_end();
}
