/* Shared helpers of the file-system tests (tests/user/fs_*.c): a private scratch directory
 * under /tmp per program (the cwd while the cases run), removal of a whole tree, cases that
 * expect one errno, and running one call as another user in a child. */
#ifndef TESTS_USER_FS_H
#define TESTS_USER_FS_H

#define _GNU_SOURCE
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <grp.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/types.h>
#include <sys/wait.h>

#define TEST_UID 1000
#define TEST_GID 1000

static char scratch[128];

/* A case that expects the call to fail (r == -1) with errno want. */
static bool expect_err(const char *name, long r, int want)
{
	int e = errno;
	return test_result(name, r == -1 && e == want, "got %ld, errno %d (%s); want errno %d (%s)",
			   r, r == -1 ? e : 0, r == -1 ? strerror(e) : "-", want, strerror(want));
}
#define ERR(name, call, want) (errno = 0, expect_err((name), (long)(call), (want)))

/* A case that expects the call to return exactly want. */
static bool expect_val(const char *name, long r, long want)
{
	int e = errno;
	return test_result(name, r == want, "got %ld (errno %d %s); want %ld", r, r == -1 ? e : 0,
			   r == -1 ? strerror(e) : "-", want);
}
#define VAL(name, call, want) (errno = 0, expect_val((name), (long)(call), (long)(want)))

/* Remove path and everything under it (directories are made searchable first). */
static void rm_rf_at(int dirfd, const char *name)
{
	struct stat st;
	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return;
	if (S_ISDIR(st.st_mode)) {
		fchmodat(dirfd, name, 0700, 0);
		int fd = openat(dirfd, name, O_RDONLY | O_DIRECTORY);
		DIR *d = fd >= 0 ? fdopendir(fd) : NULL;
		if (d) {
			struct dirent *e;
			while ((e = readdir(d)))
				if (strcmp(e->d_name, ".") && strcmp(e->d_name, ".."))
					rm_rf_at(fd, e->d_name);
			closedir(d);
		} else if (fd >= 0) {
			close(fd);
		}
		unlinkat(dirfd, name, AT_REMOVEDIR);
	} else {
		unlinkat(dirfd, name, 0);
	}
}

static void rm_rf(const char *path)
{
	rm_rf_at(AT_FDCWD, path);
}

#ifdef FS_ON_EXT2
/* fs_<x>_ext2 (the same program built with FS_ON_EXT2): the cases run in a fresh ext2 file
 * system, a copy of the empty test image on a loop device mounted under /tmp. */
#include "loop_test.h"
static char ext2_area[32], ext2_img[48], ext2_mnt[40];
static int ext2_loop = -1;

/* A sparse file of size bytes at path, made into ext2 by busybox's mke2fs. */
static bool ext2_mkfs(const char *path, off_t size)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	bool ok = fd >= 0 && ftruncate(fd, size) == 0;
	close(fd);
	pid_t pid = ok ? fork() : -1;
	if (pid == 0) {
		char *argv[] = { "mke2fs", "-q", "-F", (char *)path, NULL };
		int null = open("/dev/null", O_WRONLY);
		dup2(null, 1);
		execv("/bin/busybox", argv);
		_exit(127);
	}
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static const char *ext2_mount_scratch(const char *area)
{
	char dir[PATH_MAX], src[PATH_MAX + 32], dev[64];
	snprintf(ext2_area, sizeof(ext2_area), "%s_ext2", area);
	snprintf(ext2_img, sizeof(ext2_img), "/tmp/ext2.%d.img", (int)getpid());
	snprintf(ext2_mnt, sizeof(ext2_mnt), "/tmp/ext2.%d.mnt", (int)getpid());
	test_exe_dir(dir, sizeof(dir));
	snprintf(src, sizeof(src), "%s/ext2-empty.img", dir);
	mkdir("/tmp", 01777);
	if (!strcmp(area, "fs_big")) { /* 64 MiB and 10000 names: a bigger one, made here */
		if (!ext2_mkfs(ext2_img, 160 << 20))
			return "making a 160 MiB image with busybox mke2fs";
	} else if (!test_copy_file(src, ext2_img)) {
		return "copying the image";
	}
	if ((ext2_loop = loop_attach(ext2_img, LO_FLAGS_AUTOCLEAR, dev, sizeof(dev))) < 0)
		return "attaching a loop device";
	if (mkdir(ext2_mnt, 0755) < 0 || mount(dev, ext2_mnt, "ext2", 0, NULL) < 0)
		return "mounting ext2";
	return NULL;
}

static void ext2_unmount_scratch(void)
{
	umount(ext2_mnt);
	rmdir(ext2_mnt);
	close(ext2_loop);
	unlink(ext2_img);
}
#endif

/* Makes /tmp (mkdir -p: on Zero-OS the root tmpfs may not have it), then a fresh
 * /tmp/<area>.<pid>, mode 0755, as the cwd. Umask 022 while the cases run. With FS_ON_EXT2 the
 * directory is in a fresh ext2 file system instead, and the area is <area>_ext2. */
static void scratch_setup(const char *area)
{
	const char *base = "/tmp";
#ifdef FS_ON_EXT2
	const char *fail = ext2_mount_scratch(area);
	area = ext2_area;
	base = ext2_mnt;
	if (fail) {
		test_begin(area);
		printf("FAIL: user/%s/setup: %s: %s\n", area, fail, strerror(errno));
		exit(1 << 6);
	}
#endif
	test_begin(area);
	umask(022);
	if (mkdir("/tmp", 01777) < 0 && errno != EEXIST) {
		printf("FAIL: user/%s/setup: mkdir /tmp: %s\n", area, strerror(errno));
		exit(1 << 6);
	}
	snprintf(scratch, sizeof(scratch), "%s/%s.%d", base, area, (int)getpid());
	rm_rf(scratch);
	if (mkdir(scratch, 0755) < 0 || chmod(scratch, 0755) < 0 || chdir(scratch) < 0) {
		printf("FAIL: user/%s/setup: %s: %s\n", area, scratch, strerror(errno));
		exit(1 << 6);
	}
}

static void scratch_cleanup(void)
{
	if (chdir("/") == 0)
		rm_rf(scratch);
#ifdef FS_ON_EXT2
	ext2_unmount_scratch();
#endif
}

/* Creates path (mode, truncated) holding the string s; 0 or -1. */
static int put_file(const char *path, int mode, const char *s)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return -1;
	size_t n = strlen(s);
	int ok = write(fd, s, n) == (ssize_t)n;
	close(fd);
	return ok ? 0 : -1;
}

/* Reads up to size-1 bytes of path into buf as a string: the length or -1. */
static ssize_t get_file(const char *path, char *buf, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, size - 1);
	close(fd);
	if (n >= 0)
		buf[n] = '\0';
	return n;
}

/* Runs fn in a child that first becomes uid/gid TEST_UID without supplementary groups (a
 * kernel without setgroups, ENOSYS, has none to drop): 0 if fn returned >= 0, the errno it
 * failed with, or a negative AS_USER_* code when the child could not be set up or died. */
enum { AS_USER_DIED = -1, AS_USER_SETGROUPS = -2, AS_USER_SETGID = -3, AS_USER_SETUID = -4 };
#define AS_USER_EXIT_BASE 250 /* child exit statuses 252..254: the set-up step that failed */

static int as_user(long (*fn)(void))
{
	pid_t pid = fork();
	if (pid < 0)
		return AS_USER_DIED;
	if (pid == 0) {
		if (setgroups(0, NULL) < 0 && errno != ENOSYS)
			_exit(AS_USER_EXIT_BASE - AS_USER_SETGROUPS);
		if (setgid(TEST_GID) < 0)
			_exit(AS_USER_EXIT_BASE - AS_USER_SETGID);
		if (setuid(TEST_UID) < 0)
			_exit(AS_USER_EXIT_BASE - AS_USER_SETUID);
		errno = 0;
		long r = fn();
		_exit(r >= 0 ? 0 : (errno > 0 && errno < AS_USER_EXIT_BASE ? errno : 255));
	}
	int st;
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st) == 255)
		return AS_USER_DIED;
	if (WEXITSTATUS(st) > AS_USER_EXIT_BASE)
		return AS_USER_EXIT_BASE - WEXITSTATUS(st);
	return WEXITSTATUS(st);
}

static const char *as_user_what(int got)
{
	switch (got) {
	case 0: return "success";
	case AS_USER_DIED: return "child died";
	case AS_USER_SETGROUPS: return "setgroups failed";
	case AS_USER_SETGID: return "setgid failed";
	case AS_USER_SETUID: return "setuid failed";
	default: return strerror(got);
	}
}

/* A case: fn run as TEST_UID fails with want (0: succeeds). */
static bool user_err(const char *name, long (*fn)(void), int want)
{
	int got = as_user(fn);
	return test_result(name, got == want, "as uid %d: got %d (%s); want %d (%s)", TEST_UID,
			   got, as_user_what(got), want, as_user_what(want));
}

/* Waits for a child and tells whether it exited with status 0. */
static bool child_ok(pid_t pid)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

#endif
