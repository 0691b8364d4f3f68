/* Bug mmap_errno_order: mmap looks the descriptor up first (a closed one with a zero length is
 * EBADF, not EINVAL), and MAP_SHARED_VALIDATE with a flag the kernel does not know is
 * EOPNOTSUPP (MAP_SHARED and MAP_PRIVATE are what say EINVAL here, or ignore it on Linux). */
#include "test.h"
#include <fcntl.h>
#include <sys/mman.h>

#ifndef MAP_SHARED_VALIDATE
#define MAP_SHARED_VALIDATE 0x03
#endif
#define UNKNOWN_MAP_FLAG (1 << 10)

int main(void)
{
	test_begin("mmap_errno_order");
	char path[64];
	snprintf(path, sizeof(path), "/tmp/mmap_errno_%d", (int)getpid());
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
	if (fd < 0 || ftruncate(fd, 4096) < 0) {
		test_result("setup", false, "errno %d", errno);
		test_end();
	}
	int closed = open(path, O_RDWR);
	close(closed);
	errno = 0;
	CHECK("closed-fd-zero-length-ebadf",
	      mmap(NULL, 0, PROT_WRITE, MAP_SHARED, closed, 0) == MAP_FAILED && errno == EBADF);
	errno = 0;
	CHECK("shared-validate-unknown-eopnotsupp",
	      mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE | UNKNOWN_MAP_FLAG, fd,
		   0) == MAP_FAILED && errno == EOPNOTSUPP);
	void *p = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED_VALIDATE, fd, 0);
	CHECK("shared-validate-known-maps", p != MAP_FAILED);
	close(fd);
	unlink(path);
	test_end();
}
