/* The older time-setting calls beside utimensat — utime, utimes, futimesat — and fchmodat2:
 * times set and read back, NULL for "now", EINVAL for microseconds out of range, EFAULT for a
 * NULL path (there is no file behind AT_FDCWD), futimesat on a descriptor, and fchmodat2's
 * EOPNOTSUPP for a symlink's own mode and EINVAL for unknown flags. Expectations are Linux's:
 * runs on the host too. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>

#ifndef SYS_fchmodat2
#define SYS_fchmodat2 452
#endif

#define DIR_NAME "/tmp/utimes_calls"
#define FILE_NAME DIR_NAME "/file"

static bool times_are(long atime, long mtime)
{
	struct stat st;
	return stat(FILE_NAME, &st) == 0 && st.st_atime == atime && st.st_mtime == mtime;
}

static void test_utimes(void)
{
	struct timeval tv[2] = { { 1000, 0 }, { 2000, 5 } };
	EXPECT("utimes", sys_res(syscall(SYS_utimes, FILE_NAME, tv)), 0);
	test_result("utimes-read-back", times_are(1000, 2000), "times not set");
	long tb[2] = { 3000, 4000 };
	EXPECT("utime", sys_res(syscall(SYS_utime, FILE_NAME, tb)), 0);
	test_result("utime-read-back", times_are(3000, 4000), "times not set");
	EXPECT("utimes-null-is-now", sys_res(syscall(SYS_utimes, FILE_NAME, NULL)), 0);
	test_result("now-set", !times_are(3000, 4000), "times unchanged");
	tv[1].tv_usec = 1000000;
	EXPECT("utimes-usec-einval", sys_res(syscall(SYS_utimes, FILE_NAME, tv)), -EINVAL);
	tv[1].tv_usec = 0;
	EXPECT("utimes-null-path-efault", sys_res(syscall(SYS_utimes, NULL, tv)), -EFAULT);
	int dfd = open(DIR_NAME, O_RDONLY | O_DIRECTORY);
	tv[0].tv_sec = 5000;
	tv[1].tv_sec = 6000;
	EXPECT("futimesat-relative", sys_res(syscall(SYS_futimesat, dfd, "file", tv)), 0);
	test_result("futimesat-read-back", times_are(5000, 6000), "times not set");
	int fd = open(FILE_NAME, O_RDWR);
	tv[0].tv_sec = 7000;
	EXPECT("futimesat-on-descriptor", sys_res(syscall(SYS_futimesat, fd, NULL, tv)), 0);
	test_result("futimesat-descriptor-read-back", times_are(7000, 6000), "times not set");
	close(fd);
	close(dfd);
}

static void test_fchmodat2(void)
{
	symlink("file", DIR_NAME "/link");
	EXPECT("fchmodat2-file-nofollow",
	       sys_res(syscall(SYS_fchmodat2, AT_FDCWD, FILE_NAME, 0640, AT_SYMLINK_NOFOLLOW)), 0);
	struct stat st;
	test_result("fchmodat2-mode-set", stat(FILE_NAME, &st) == 0 && (st.st_mode & 07777) == 0640,
		    "mode %o", st.st_mode);
	EXPECT("fchmodat2-symlink-eopnotsupp",
	       sys_res(syscall(SYS_fchmodat2, AT_FDCWD, DIR_NAME "/link", 0600,
			       AT_SYMLINK_NOFOLLOW)), -EOPNOTSUPP);
	EXPECT("fchmodat2-follows-link",
	       sys_res(syscall(SYS_fchmodat2, AT_FDCWD, DIR_NAME "/link", 0600, 0)), 0);
	EXPECT("fchmodat2-bad-flag-einval",
	       sys_res(syscall(SYS_fchmodat2, AT_FDCWD, FILE_NAME, 0600, 0x4)), -EINVAL);
	unlink(DIR_NAME "/link");
}

int main(void)
{
	test_begin("utimes_calls");
	unlink(FILE_NAME);
	rmdir(DIR_NAME);
	if (mkdir(DIR_NAME, 0755) || close(open(FILE_NAME, O_CREAT | O_WRONLY, 0644))) {
		test_result("setup", false, "errno %d", errno);
		test_end();
	}
	test_utimes();
	test_fchmodat2();
	unlink(FILE_NAME);
	rmdir(DIR_NAME);
	test_end();
}
