/* The calls that advise the kernel about a file's pages or ask for write-back — posix_fadvise,
 * readahead, sync_file_range, fsync/fdatasync/syncfs — on a tmpfs file (nothing to do, so 0)
 * and with Linux's errors: EINVAL for bad advice, flags and ranges and for fsync on files that
 * have nothing to sync (pipes, devices), ESPIPE for pipes, EBADF; and getcpu. Expectations are
 * Linux's: runs on the host too (in /dev/shm there). */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sched.h>
#include <sys/syscall.h>

static long fadvise(int fd, long off, long len, int advice)
{
	return sys_res(syscall(SYS_fadvise64, fd, off, len, advice));
}

static long sfr(int fd, long off, long n, unsigned flags)
{
	return sys_res(syscall(SYS_sync_file_range, fd, off, n, flags));
}

static void test_fadvise(int fd, int pipe_rd)
{
	bool ok = true;
	for (int advice = POSIX_FADV_NORMAL; advice <= POSIX_FADV_NOREUSE; advice++)
		ok &= fadvise(fd, 0, 4096, advice) == 0;
	test_result("fadvise-every-advice", ok, "one advice refused");
	EXPECT("fadvise-bad-advice-einval", fadvise(fd, 0, 0, 6), -EINVAL);
	EXPECT("fadvise-negative-length-einval", fadvise(fd, 0, -1, POSIX_FADV_NORMAL), -EINVAL);
	EXPECT("fadvise-pipe-espipe", fadvise(pipe_rd, 0, 0, POSIX_FADV_NORMAL), -ESPIPE);
	EXPECT("fadvise-bad-fd-ebadf", fadvise(-1, 0, 0, POSIX_FADV_NORMAL), -EBADF);
}

static void test_readahead(int fd, int pipe_rd, const char *path)
{
	EXPECT("readahead-file", sys_res(readahead(fd, 0, 4096)), 0);
	EXPECT("readahead-pipe-einval", sys_res(readahead(pipe_rd, 0, 4096)), -EINVAL);
	int wr = open(path, O_WRONLY);
	EXPECT("readahead-write-only-ebadf", sys_res(readahead(wr, 0, 4096)), -EBADF);
	close(wr);
}

static void test_sync(int fd, int pipe_rd, const char *dir)
{
	EXPECT("sync-file-range", sfr(fd, 0, 4096, SYNC_FILE_RANGE_WRITE), 0);
	EXPECT("sync-file-range-bad-flags-einval", sfr(fd, 0, 1, 8), -EINVAL);
	EXPECT("sync-file-range-negative-einval", sfr(fd, -1, 1, SYNC_FILE_RANGE_WRITE), -EINVAL);
	EXPECT("sync-file-range-pipe-espipe", sfr(pipe_rd, 0, 1, SYNC_FILE_RANGE_WRITE), -ESPIPE);
	EXPECT("sync-file-range-bad-fd-ebadf", sfr(-1, 0, 1, SYNC_FILE_RANGE_WRITE), -EBADF);
	EXPECT("fsync-file", sys_res(fsync(fd)), 0);
	EXPECT("fdatasync-file", sys_res(fdatasync(fd)), 0);
	int dfd = open(dir, O_RDONLY | O_DIRECTORY);
	EXPECT("fsync-directory", sys_res(fsync(dfd)), 0);
	close(dfd);
	EXPECT("fsync-pipe-einval", sys_res(fsync(pipe_rd)), -EINVAL);
	int null = open("/dev/null", O_WRONLY);
	EXPECT("fdatasync-dev-null-einval", sys_res(fdatasync(null)), -EINVAL);
	close(null);
	EXPECT("syncfs-pipe", sys_res(syncfs(pipe_rd)), 0);
}

static void test_getcpu(void)
{
	unsigned cpu = 9999, node = 9999;
	EXPECT("getcpu", sys_res(syscall(SYS_getcpu, &cpu, &node, NULL)), 0);
	test_result("getcpu-values", cpu < 1024 && node < 1024 && (int)cpu == sched_getcpu(),
		    "cpu %u node %u sched_getcpu %d", cpu, node, sched_getcpu());
	EXPECT("getcpu-null-pointers", sys_res(syscall(SYS_getcpu, NULL, NULL, NULL)), 0);
	EXPECT("getcpu-efault", sys_res(syscall(SYS_getcpu, UNMAPPED_PTR, NULL, NULL)), -EFAULT);
}

int main(void)
{
	test_begin("file_hints");
	const char *dir = test_tmpfs_dir();
	if (!dir) {
		printf("SKIP: user/file_hints: no tmpfs at /tmp or /dev/shm\n");
		test_end();
	}
	char path[64];
	snprintf(path, sizeof(path), "%s/file_hints-file", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int p[2];
	if (fd < 0 || pipe(p) || write(fd, "data", 4) != 4) {
		test_result("setup", false, "errno %d", errno);
		test_end();
	}
	test_fadvise(fd, p[0]);
	test_readahead(fd, p[0], path);
	test_sync(fd, p[0], dir);
	test_getcpu();
	close(fd);
	close(p[0]);
	close(p[1]);
	unlink(path);
	test_end();
}
