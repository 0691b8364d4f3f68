/* splice(2), tee(2), vmsplice(2): pipe to file and file to pipe (with and without offsets),
 * pipe to pipe, tee's copy that consumes nothing, vmsplice both ways, SPLICE_F_NONBLOCK and
 * end of file, and the errors. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/uio.h>

static char path[64];

static int tmpfile_fd(void)
{
	const char *dir = test_tmpfs_dir();
	snprintf(path, sizeof(path), "%s/splice_%d", dir ? dir : "/tmp", getpid());
	return open(path, O_CREAT | O_RDWR | O_TRUNC, 0600);
}

static bool pipe_has(int fd, const char *want)
{
	char buf[64] = "";
	size_t n = strlen(want);
	return read(fd, buf, sizeof(buf)) == (long)n && !memcmp(buf, want, n);
}

static void test_file(void)
{
	int p[2], f = tmpfile_fd();
	if (pipe(p) || f < 0) {
		test_result("setup", false, "errno %d", errno);
		return;
	}
	(void)!write(p[1], "hello", 5);
	loff_t off = 2;
	CHECK("pipe_to_file_at", splice(p[0], NULL, f, &off, 5, 0) == 5 && off == 7 &&
					 lseek(f, 0, SEEK_CUR) == 0);
	char buf[16] = "";
	CHECK("file_got_it", pread(f, buf, 7, 0) == 7 && !memcmp(buf + 2, "hello", 5));
	(void)!write(p[1], "xy", 2);
	CHECK("pipe_to_file_pos", splice(p[0], NULL, f, NULL, 5, 0) == 2 &&
					  lseek(f, 0, SEEK_CUR) == 2);
	off = 2;
	CHECK("file_to_pipe_at", splice(f, &off, p[1], NULL, 3, 0) == 3 && off == 5 &&
					 pipe_has(p[0], "hel"));
	lseek(f, 0, SEEK_SET);
	CHECK("file_to_pipe_pos", splice(f, NULL, p[1], NULL, 4, 0) == 4 &&
					  lseek(f, 0, SEEK_CUR) == 4 && pipe_has(p[0], "xyhe"));
	off = 100;
	EXPECT("file_to_pipe_eof", sys_res(splice(f, &off, p[1], NULL, 4, 0)), 0);
	EXPECT("neither_pipe", sys_res(splice(f, NULL, f, NULL, 4, 0)), -EINVAL);
	off = 0;
	EXPECT("offset_on_pipe", sys_res(splice(p[0], &off, f, NULL, 4, 0)), -ESPIPE);
	off = -1;
	EXPECT("negative_offset", sys_res(splice(f, &off, p[1], NULL, 4, 0)), -EINVAL);
	EXPECT("bad_offset_ptr", sys_res(splice(f, UNMAPPED_PTR, p[1], NULL, 4, 0)), -EFAULT);
	EXPECT("in_not_readable", sys_res(splice(p[1], NULL, f, NULL, 4, 0)), -EBADF);
	EXPECT("bad_fd", sys_res(splice(-1, NULL, p[1], NULL, 4, 0)), -EBADF);
	EXPECT("bad_flags", sys_res(splice(f, NULL, p[1], NULL, 4, 0x100)), -EINVAL);
	EXPECT("zero_len", sys_res(splice(f, NULL, p[1], NULL, 0, 0)), 0);
	int app = open(path, O_WRONLY | O_APPEND);
	(void)!write(p[1], "z", 1);
	EXPECT("append_out", sys_res(splice(p[0], NULL, app, NULL, 1, 0)), -EINVAL);
	close(app);
	close(p[0]);
	close(p[1]);
	close(f);
	unlink(path);
}

static void test_pipes(void)
{
	int a[2], b[2];
	if (pipe(a) || pipe(b))
		return;
	(void)!write(a[1], "abcdef", 6);
	CHECK("pipe_to_pipe", splice(a[0], NULL, b[1], NULL, 3, 0) == 3 && pipe_has(b[0], "abc"));
	CHECK("tee", tee(a[0], b[1], 2, 0) == 2 && pipe_has(b[0], "de") && pipe_has(a[0], "def"));
	EXPECT("same_pipe", sys_res(splice(a[0], NULL, a[1], NULL, 1, 0)), -EINVAL);
	EXPECT("tee_same_pipe", sys_res(tee(a[0], a[1], 1, 0)), -EINVAL);
	EXPECT("splice_empty_nonblock",
	       sys_res(splice(a[0], NULL, b[1], NULL, 4, SPLICE_F_NONBLOCK)), -EAGAIN);
	EXPECT("tee_empty_nonblock", sys_res(tee(a[0], b[1], 4, SPLICE_F_NONBLOCK)), -EAGAIN);
	int f = tmpfile_fd();
	EXPECT("tee_not_pipe", sys_res(tee(a[0], f, 4, 0)), -EINVAL);
	close(f);
	unlink(path);
	close(a[1]);
	EXPECT("splice_eof", sys_res(splice(a[0], NULL, b[1], NULL, 4, 0)), 0);
	EXPECT("tee_eof", sys_res(tee(a[0], b[1], 4, 0)), 0);
	close(a[0]);
	close(b[0]);
	close(b[1]);
}

static void test_vmsplice(void)
{
	int p[2];
	if (pipe(p))
		return;
	char x[] = "ab", y[] = "cd";
	struct iovec iov[2] = { { x, 2 }, { y, 2 } };
	CHECK("vmsplice_in", vmsplice(p[1], iov, 2, 0) == 4);
	char out[4] = "";
	struct iovec o = { out, sizeof(out) };
	CHECK("vmsplice_out", vmsplice(p[0], &o, 1, 0) == 4 && !memcmp(out, "abcd", 4));
	EXPECT("vmsplice_out_empty_nonblock", sys_res(vmsplice(p[0], &o, 1, SPLICE_F_NONBLOCK)),
	       -EAGAIN);
	int f = tmpfile_fd();
	EXPECT("vmsplice_not_pipe", sys_res(vmsplice(f, iov, 1, 0)), -EBADF);
	close(f);
	unlink(path);
	EXPECT("vmsplice_too_many", sys_res(vmsplice(p[1], iov, 1025, 0)), -EINVAL);
	EXPECT("vmsplice_bad_iov", sys_res(vmsplice(p[1], UNMAPPED_PTR, 1, 0)), -EFAULT);
	EXPECT("vmsplice_bad_flags", sys_res(vmsplice(p[1], iov, 1, 0x100)), -EINVAL);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_begin("splice");
	test_file();
	test_pipes();
	test_vmsplice();
	test_end();
}
