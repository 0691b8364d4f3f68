/* Read-only remounts of a tmpfs: mount(MS_REMOUNT|MS_RDONLY) is EBUSY while a file is open
 * for writing, then every write path answers EROFS (open for writing, O_CREAT, O_TRUNC, creat,
 * mkdir, rmdir, unlink, link, rename, symlink, mknod, chmod, chown, truncate, utimes, access
 * W_OK) while reads go on; /proc/mounts and /proc/self/mounts say "ro"; a remount back makes it
 * writable. The same for one mount alone (MS_REMOUNT|MS_BIND|MS_RDONLY). Runs on the host's
 * Linux too (USER_LINUX_TEST_NAMES), in a mount name space of its own. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sched.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>
#include <sys/wait.h>

#define MNT "/tmp/remount_ro_test"
#define TEXT_MAX 8192

static int expect_erofs(const char *name, int r)
{
	return test_result(name, r == -1 && errno == EROFS, "returned %d errno %d", r, errno);
}

static int open_close(const char *path, int flags)
{
	int fd = open(path, flags, 0644);
	if (fd >= 0)
		close(fd);
	return fd < 0 ? -1 : 0;
}

/* The mount's line in a mounts file says ro (want_ro) or rw. */
static bool mounts_say(const char *file, bool want_ro)
{
	static char text[TEXT_MAX];
	int fd = open(file, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	if (fd >= 0)
		close(fd);
	if (n <= 0)
		return false;
	text[n] = 0;
	char *line = strstr(text, " " MNT " ");
	if (!line)
		return false;
	char *opts = strchr(line + strlen(MNT) + 2, ' ');
	return opts && !strncmp(opts + 1, want_ro ? "ro" : "rw", 2);
}

static void check_write_paths(void)
{
	expect_erofs("open_wronly", open_close(MNT "/file", O_WRONLY));
	expect_erofs("open_rdwr", open_close(MNT "/file", O_RDWR));
	expect_erofs("open_creat", open_close(MNT "/new", O_WRONLY | O_CREAT));
	expect_erofs("open_trunc", open_close(MNT "/file", O_RDONLY | O_TRUNC));
	expect_erofs("creat", creat(MNT "/new", 0644));
	expect_erofs("mkdir", mkdir(MNT "/newdir", 0755));
	expect_erofs("rmdir", rmdir(MNT "/dir"));
	expect_erofs("unlink", unlink(MNT "/file"));
	expect_erofs("link", link(MNT "/file", MNT "/link"));
	expect_erofs("rename", rename(MNT "/file", MNT "/renamed"));
	expect_erofs("symlink", symlink("file", MNT "/sym"));
	expect_erofs("mknod", mknod(MNT "/fifo", S_IFIFO | 0644, 0));
	expect_erofs("chmod", chmod(MNT "/file", 0600));
	expect_erofs("chown", chown(MNT "/file", 1, 1));
	expect_erofs("truncate", truncate(MNT "/file", 0));
	expect_erofs("utimes", utimes(MNT "/file", NULL));
	expect_erofs("access_w", access(MNT "/file", W_OK));
	char buf[8];
	int fd = open(MNT "/file", O_RDONLY);
	CHECK("read_still", fd >= 0 && read(fd, buf, 4) == 4 && !memcmp(buf, "data", 4));
	if (fd >= 0)
		close(fd);
	CHECK("access_r", access(MNT "/file", R_OK) == 0);
}

static void check_remount_ro(void)
{
	int fd = open(MNT "/file", O_WRONLY | O_CREAT | O_TRUNC, 0644);
	CHECK("setup", fd >= 0 && write(fd, "data", 4) == 4 && mkdir(MNT "/dir", 0755) == 0);
	int r = mount(NULL, MNT, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL);
	test_result("ebusy_open_writer", r == -1 && errno == EBUSY, "%d errno %d", r, errno);
	close(fd);
	r = mount(NULL, MNT, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL);
	CHECK("remount_ro", r == 0);
	CHECK("mounts_ro", mounts_say("/proc/mounts", true) &&
				   mounts_say("/proc/self/mounts", true));
	check_write_paths();
	r = mount(NULL, MNT, "tmpfs", MS_REMOUNT, NULL);
	CHECK("remount_rw", r == 0 && mounts_say("/proc/mounts", false));
	fd = open(MNT "/file", O_WRONLY | O_APPEND);
	CHECK("writable_again", fd >= 0 && write(fd, "more", 4) == 4 && unlink(MNT "/file") == 0);
	if (fd >= 0)
		close(fd);
}

static void check_bind_remount(void)
{
	int r = mount(NULL, MNT, NULL, MS_REMOUNT | MS_BIND | MS_RDONLY, NULL);
	CHECK("bind_remount_ro", r == 0 && mounts_say("/proc/mounts", true));
	expect_erofs("bind_mkdir", mkdir(MNT "/newdir", 0755));
	expect_erofs("bind_open_creat", open_close(MNT "/new", O_WRONLY | O_CREAT));
	r = mount(NULL, MNT, NULL, MS_REMOUNT | MS_BIND, NULL);
	CHECK("bind_remount_rw", r == 0 && mkdir(MNT "/newdir", 0755) == 0 &&
					 rmdir(MNT "/newdir") == 0 && rmdir(MNT "/dir") == 0);
	r = mount(NULL, MNT "/..", NULL, MS_REMOUNT | MS_RDONLY, NULL);
	test_result("einval_not_root", r == -1 && errno == EINVAL, "%d errno %d", r, errno);
}

/* A non-root caller may not remount. */
static void check_eperm(void)
{
	pid_t c = fork();
	if (c == 0) {
		if (setuid(65534))
			_exit(2);
		_exit(mount(NULL, MNT, "tmpfs", MS_REMOUNT | MS_RDONLY, NULL) == -1 &&
			      errno == EPERM ? 0 : 1);
	}
	int st;
	CHECK("eperm", waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0);
}

int main(void)
{
	test_begin("tmpfs_remount_ro");
	/* On Linux: a private mount name space, so that nothing shows outside the test. */
	if (unshare(CLONE_NEWNS) == 0)
		mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL);
	mkdir("/tmp", 01777);
	mkdir(MNT, 0755);
	if (!CHECK("mount", mount("tmpfs", MNT, "tmpfs", 0, NULL) == 0))
		test_end();
	check_remount_ro();
	check_bind_remount();
	check_eperm();
	umount2(MNT, 0);
	rmdir(MNT);
	test_end();
}
