/* open(O_TMPFILE): an unnamed regular file in a tmpfs directory (no link, invisible to
 * getdents, "#<ino> (deleted)" in /proc/self/fd), named later by linkat through /proc/self/fd
 * or AT_EMPTY_PATH unless made with O_EXCL, never again once unlinked; EINVAL without write
 * access or with O_CREAT, ENOTDIR/ENOENT for a bad directory. Expectations are Linux's: runs on
 * the host too (in /dev/shm there). */
#define _GNU_SOURCE
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <sys/stat.h>

static char dir[64], named[96], fdlink[32];

static int entries(void)
{
	DIR *d = opendir(dir);
	int n = 0;
	while (d && readdir(d))
		n++;
	if (d)
		closedir(d);
	return n;
}

static void test_unnamed(int fd)
{
	struct stat st;
	bool ok = fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && st.st_nlink == 0 &&
		  (st.st_mode & 07777) == 0640;
	test_result("regular-file-no-link", ok, "mode %o nlink %lu", st.st_mode,
		    (unsigned long)st.st_nlink);
	char buf[8] = { 0 };
	ok = pwrite(fd, "hello", 5, 0) == 5 && pread(fd, buf, 5, 0) == 5 && !strcmp(buf, "hello");
	test_result("read-write", ok, "errno %d", errno);
	char target[128] = { 0 }, prefix[80];
	readlink(fdlink, target, sizeof(target) - 1);
	snprintf(prefix, sizeof(prefix), "%s/#", dir);
	size_t len = strlen(target);
	ok = !strncmp(target, prefix, strlen(prefix)) && len > 10 &&
	     !strcmp(target + len - 10, " (deleted)");
	test_result("proc-fd-link-names-it-deleted", ok, "'%s'", target);
}

static void test_errors(void)
{
	EXPECT("read-only-einval", sys_res(open(dir, O_TMPFILE | O_RDONLY, 0600)), -EINVAL);
	EXPECT("with-o-creat-einval", sys_res(open(dir, O_TMPFILE | O_CREAT | O_RDWR, 0600)),
	       -EINVAL);
	EXPECT("not-a-directory-enotdir", sys_res(open(named, O_TMPFILE | O_RDWR, 0600)),
	       -ENOTDIR);
	EXPECT("missing-directory-enoent",
	       sys_res(open("/nonexistent-dir", O_TMPFILE | O_RDWR, 0600)), -ENOENT);
}

int main(void)
{
	test_begin("o_tmpfile");
	const char *base = test_tmpfs_dir();
	if (!base) {
		printf("SKIP: user/o_tmpfile: no tmpfs at /tmp or /dev/shm\n");
		test_end();
	}
	snprintf(dir, sizeof(dir), "%s/o_tmpfile-dir", base);
	snprintf(named, sizeof(named), "%s/named", dir);
	umask(022);
	mkdir(dir, 0755);
	int before = entries();
	int fd = open(dir, O_TMPFILE | O_RDWR, 0640);
	if (fd < 0) {
		test_result("open", false, "errno %d", errno);
		test_end();
	}
	snprintf(fdlink, sizeof(fdlink), "/proc/self/fd/%d", fd);
	EXPECT("invisible-in-directory", entries(), before);
	test_unnamed(fd);
	EXPECT("linkat-through-proc-fd", sys_res(linkat(AT_FDCWD, fdlink, AT_FDCWD, named,
							  AT_SYMLINK_FOLLOW)), 0);
	struct stat st;
	bool ok = stat(named, &st) == 0 && st.st_nlink == 1 && st.st_size == 5;
	test_result("named-file-has-the-data", ok, "nlink %lu size %ld",
		    (unsigned long)st.st_nlink, (long)st.st_size);
	test_errors();
	unlink(named);
	EXPECT("unlinked-again-stays-unlinkable",
	       sys_res(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH)), -ENOENT);
	close(fd);
	fd = open(dir, O_TMPFILE | O_WRONLY, 0600);
	EXPECT("linkat-empty-path", sys_res(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH)), 0);
	close(fd);
	unlink(named);
	fd = open(dir, O_TMPFILE | O_WRONLY | O_EXCL, 0600);
	EXPECT("o-excl-never-linked", sys_res(linkat(fd, "", AT_FDCWD, named, AT_EMPTY_PATH)),
	       -ENOENT);
	close(fd);
	EXPECT("directory-empty-at-the-end", entries(), before);
	rmdir(dir);
	test_end();
}
