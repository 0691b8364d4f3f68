/* Supplementary groups: setgroups/getgroups (root only, EINVAL for a short buffer, EFAULT),
 * and group permission through a supplementary group for a non-root process. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <grp.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

/* Run fn in a child as uid/gid 1000 with the given supplementary groups; its exit status. */
static int as_user_with_groups(const gid_t *groups, int n, int (*fn)(void))
{
	pid_t pid = fork();
	if (pid == 0) {
		if (syscall(SYS_setgroups, n, groups) != 0 || setgid(1000) != 0 || setuid(1000) != 0)
			_exit(100);
		_exit(fn());
	}
	int st;
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) ? WEXITSTATUS(st) : 101;
}

static int open_group_file(void)
{
	int fd = open("/tmp/groups-test/file", O_RDONLY);
	return fd >= 0 ? 0 : errno;
}

static int try_setgroups(void)
{
	gid_t g = 1;
	return syscall(SYS_setgroups, 1, &g) == -1 && errno == EPERM ? 0 : 1;
}

int main(void)
{
	test_begin("groups");
	gid_t set[2] = { 5, 6 }, got[8] = { 0 };
	CHECK("setgroups-root", syscall(SYS_setgroups, 2, set) == 0);
	CHECK("getgroups-count", syscall(SYS_getgroups, 0, NULL) == 2);
	CHECK("getgroups-list", syscall(SYS_getgroups, 8, got) == 2 && got[0] == 5 && got[1] == 6);
	errno = 0;
	CHECK("getgroups-short-einval", syscall(SYS_getgroups, 1, got) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("getgroups-efault", syscall(SYS_getgroups, 8, KERNEL_PTR) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("setgroups-efault", syscall(SYS_setgroups, 2, KERNEL_PTR) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("setgroups-negative-einval", syscall(SYS_setgroups, -1, set) == -1 && errno == EINVAL);
	CHECK("setgroups-clear", syscall(SYS_setgroups, 0, NULL) == 0 &&
					 syscall(SYS_getgroups, 0, NULL) == 0);
	CHECK("setgroups-nonroot-eperm", as_user_with_groups(NULL, 0, try_setgroups) == 0);

	mkdir("/tmp", 01777);
	mkdir("/tmp/groups-test", 0755);
	int fd = open("/tmp/groups-test/file", O_CREAT | O_WRONLY | O_TRUNC, 0600);
	close(fd);
	CHECK("prepare", chown("/tmp/groups-test/file", 0, 77) == 0 &&
				 chmod("/tmp/groups-test/file", 0040) == 0);
	gid_t member = 77, other = 78;
	CHECK("supplementary-group-reads", as_user_with_groups(&member, 1, open_group_file) == 0);
	CHECK("other-group-eacces", as_user_with_groups(&other, 1, open_group_file) == EACCES);
	unlink("/tmp/groups-test/file");
	rmdir("/tmp/groups-test");
	test_end();
}
