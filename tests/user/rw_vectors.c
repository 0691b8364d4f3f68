/* preadv, pwritev, preadv2 and pwritev2: transfers at an offset leave the file's offset alone,
 * offset -1 of the *v2 calls means the file's offset (and moves it), and the per-call flags
 * RWF_APPEND, RWF_NOAPPEND, RWF_NOWAIT and RWF_DSYNC do what they say, with Linux's errors
 * (EINVAL, ESPIPE, EOPNOTSUPP, EAGAIN). Expectations are Linux's: runs on the host too. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/syscall.h>
#include <sys/uio.h>

#define FILE_NAME "/tmp/rw_vectors-file"

/* <linux/fs.h>'s flags; musl's headers do not have them. */
#define RWF_HIPRI 0x01
#define RWF_DSYNC 0x02
#define RWF_SYNC 0x04
#define RWF_NOWAIT 0x08
#define RWF_APPEND 0x10
#define RWF_NOAPPEND 0x20

static long preadv2_(int fd, const struct iovec *v, int n, long pos, int flags)
{
	return sys_res(syscall(SYS_preadv2, fd, v, n, pos, 0L, flags));
}

static long pwritev2_(int fd, const struct iovec *v, int n, long pos, int flags)
{
	return sys_res(syscall(SYS_pwritev2, fd, v, n, pos, 0L, flags));
}

static void test_positional(int fd)
{
	char a[4] = "abcd", b[3] = "xyz", out[8] = { 0 };
	struct iovec w[2] = { { a, 4 }, { b, 3 } };
	EXPECT("pwritev-at-offset", sys_res(pwritev(fd, w, 2, 10)), 7);
	EXPECT("pwritev-offset-unmoved", sys_res(lseek(fd, 0, SEEK_CUR)), 0);
	struct iovec r[2] = { { out, 2 }, { out + 2, 5 } };
	long n = sys_res(preadv(fd, r, 2, 10));
	test_result("preadv-at-offset", n == 7 && !memcmp(out, "abcdxyz", 7), "n %ld", n);
	EXPECT("preadv-negative-einval", sys_res(preadv(fd, r, 2, -1)), -EINVAL);
	EXPECT("preadv-bad-count-einval", sys_res(preadv(fd, r, -1, 0)), -EINVAL);
	EXPECT("preadv-past-end", sys_res(preadv(fd, r, 2, 100)), 0);
}

static void test_file_offset(int fd)
{
	char c[2] = "CD", out[4] = { 0 };
	struct iovec w = { c, 2 }, r = { out, 2 };
	lseek(fd, 10, SEEK_SET);
	EXPECT("pwritev2-minus-one-at-file-offset", pwritev2_(fd, &w, 1, -1, 0), 2);
	EXPECT("pwritev2-minus-one-moves-offset", sys_res(lseek(fd, 0, SEEK_CUR)), 12);
	lseek(fd, 10, SEEK_SET);
	long n = preadv2_(fd, &r, 1, -1, 0);
	test_result("preadv2-minus-one-reads-at-offset", n == 2 && !memcmp(out, "CD", 2),
		    "n %ld", n);
	EXPECT("preadv2-minus-two-einval", preadv2_(fd, &r, 1, -2, 0), -EINVAL);
	EXPECT("preadv2-unknown-flag-eopnotsupp", preadv2_(fd, &r, 1, 0, 0x10000), -EOPNOTSUPP);
	EXPECT("pwritev2-dsync", pwritev2_(fd, &w, 1, 0, RWF_DSYNC | RWF_SYNC), 2);
	EXPECT("preadv2-nowait-regular-file", preadv2_(fd, &r, 1, 0, RWF_NOWAIT | RWF_HIPRI), 2);
}

static void test_append_flags(int fd)
{
	char c = 'Z';
	struct iovec w = { &c, 1 };
	off_t size = lseek(fd, 0, SEEK_END);
	EXPECT("pwritev2-rwf-append-goes-to-end", pwritev2_(fd, &w, 1, 0, RWF_APPEND), 1);
	EXPECT("rwf-append-grew-file", sys_res(lseek(fd, 0, SEEK_END)), size + 1);
	int afd = open(FILE_NAME, O_WRONLY | O_APPEND);
	long r = pwritev2_(afd, &w, 1, 0, RWF_NOAPPEND);
	char first = 0;
	pread(fd, &first, 1, 0);
	test_result("rwf-noappend-writes-at-offset", r == 1 && first == 'Z' &&
			    lseek(fd, 0, SEEK_END) == size + 1, "r %ld first %c", r, first);
	close(afd);
}

static void test_pipe(void)
{
	int p[2];
	if (pipe(p)) {
		test_result("pipe", false, "errno %d", errno);
		return;
	}
	char buf[4];
	struct iovec r = { buf, sizeof(buf) };
	EXPECT("pipe-preadv2-nowait-eagain", preadv2_(p[0], &r, 1, -1, RWF_NOWAIT), -EAGAIN);
	EXPECT("pipe-preadv-offset-espipe", sys_res(preadv(p[0], &r, 1, 0)), -ESPIPE);
	EXPECT("pipe-still-blocking-flags", sys_res(fcntl(p[0], F_GETFL) & O_NONBLOCK), 0);
	write(p[1], "hi", 2);
	EXPECT("pipe-preadv2-nowait-data", preadv2_(p[0], &r, 1, -1, RWF_NOWAIT), 2);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_begin("rw_vectors");
	int fd = open(FILE_NAME, O_RDWR | O_CREAT | O_TRUNC, 0644);
	if (fd < 0) {
		test_result("setup", false, "errno %d", errno);
		test_end();
	}
	test_positional(fd);
	test_file_offset(fd);
	test_append_flags(fd);
	test_pipe();
	close(fd);
	unlink(FILE_NAME);
	test_end();
}
