/* random(4)'s ioctls on /dev/urandom: the entropy count (the full pool of 256 bits, as Linux
 * reports once seeded), crediting and adding entropy as root (EINVAL for negative counts,
 * EFAULT for negative sizes, EPERM for others), the no-op RNDZAPENTCNT/RNDCLEARPOOL,
 * RNDRESEEDCRNG, EINVAL for an unknown request and EFAULT for a bad pointer. Expectations are
 * Linux's: runs on the host too. */
#include "test.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

#define RNDGETENTCNT 0x80045200
#define RNDADDTOENTCNT 0x40045201
#define RNDADDENTROPY 0x40085203
#define RNDZAPENTCNT 0x5204
#define RNDCLEARPOOL 0x5206
#define RNDRESEEDCRNG 0x5207
#define TCGETS 0x5401

struct pool_data {
	int entropy_count;
	int buf_size;
	unsigned char buf[16];
};

static long rnd(int fd, unsigned long cmd, void *arg)
{
	return sys_res(ioctl(fd, cmd, arg));
}

static int as_nobody(int fd)
{
	int count = 0, one = 1;
	if (setuid(65534))
		return 1;
	if (rnd(fd, RNDGETENTCNT, &count) != 0 || count != 256)
		return 2;
	if (rnd(fd, RNDADDTOENTCNT, &one) != -EPERM)
		return 3;
	if (rnd(fd, RNDRESEEDCRNG, NULL) != -EPERM)
		return 4;
	return 0;
}

int main(void)
{
	test_begin("random_ioctl");
	int fd = open("/dev/urandom", O_RDWR);
	int count = 0, one = 1, minus = -1;
	EXPECT("getentcnt", rnd(fd, RNDGETENTCNT, &count), 0);
	EXPECT("getentcnt-full-pool", count, 256);
	EXPECT("getentcnt-efault", rnd(fd, RNDGETENTCNT, UNMAPPED_PTR), -EFAULT);
	EXPECT("addtoentcnt-root", rnd(fd, RNDADDTOENTCNT, &one), 0);
	EXPECT("addtoentcnt-negative-einval", rnd(fd, RNDADDTOENTCNT, &minus), -EINVAL);
	struct pool_data d = { .entropy_count = 8, .buf_size = 16, .buf = "0123456789abcdef" };
	EXPECT("addentropy-root", rnd(fd, RNDADDENTROPY, &d), 0);
	d.buf_size = -1;
	EXPECT("addentropy-negative-size-efault", rnd(fd, RNDADDENTROPY, &d), -EFAULT);
	d.buf_size = 16;
	d.entropy_count = -1;
	EXPECT("addentropy-negative-count-einval", rnd(fd, RNDADDENTROPY, &d), -EINVAL);
	d.entropy_count = 8;
	d.buf_size = 1 << 20; /* beyond the mapped buffer */
	EXPECT("addentropy-short-buffer-efault", rnd(fd, RNDADDENTROPY, &d), -EFAULT);
	EXPECT("zapentcnt", rnd(fd, RNDZAPENTCNT, NULL), 0);
	EXPECT("clearpool", rnd(fd, RNDCLEARPOOL, NULL), 0);
	EXPECT("reseedcrng", rnd(fd, RNDRESEEDCRNG, NULL), 0);
	EXPECT("count-unchanged", rnd(fd, RNDGETENTCNT, &count) || count != 256, 0);
	EXPECT("unknown-request-einval", rnd(fd, TCGETS, &count), -EINVAL);
	pid_t pid = fork();
	if (pid == 0)
		_exit(as_nobody(fd));
	int status = 0;
	waitpid(pid, &status, 0);
	test_result("unprivileged-rules", WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "check %d failed (status %#x)", WEXITSTATUS(status), status);
	close(fd);
	test_end();
}
