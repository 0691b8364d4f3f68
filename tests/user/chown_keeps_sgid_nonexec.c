/* Bug chown_keeps_sgid_nonexec: chown and fchown (by root here) clear S_ISUID of a regular
 * file, and S_ISGID only when S_IXGRP is set; an S_ISGID without group execute (mandatory
 * locking) stays, as does everything on a directory. */
#include "test.h"
#include <fcntl.h>
#include <sys/stat.h>

struct mode_case {
	unsigned before, after;
};

static const struct mode_case cases[] = {
	{ 04755, 0755 }, { 02755, 0755 }, { 02745, 02745 }, { 06755, 0755 }, { 06745, 02745 },
	{ 0644, 0644 },
};

/* The mode left after chmod(before) then the chown (fchown when fd >= 0). */
static unsigned mode_after(const char *path, int fd, unsigned before, uid_t u, gid_t g)
{
	struct stat st;
	if (chmod(path, before) < 0)
		return 0xdead;
	int r = fd >= 0 ? fchown(fd, u, g) : chown(path, u, g);
	if (r < 0 || stat(path, &st) < 0)
		return 0xbad;
	return st.st_mode & 07777;
}

static void check_all(const char *name, const char *path, int fd, uid_t u, gid_t g)
{
	bool ok = true;
	unsigned got = 0, want = 0, before = 0;
	for (size_t i = 0; ok && i < sizeof(cases) / sizeof(cases[0]); i++) {
		before = cases[i].before;
		want = cases[i].after;
		got = mode_after(path, fd, before, u, g);
		ok = got == want;
	}
	test_result(name, ok, "mode %o became %o, want %o", before, got, want);
	(void)chown(path, 0, 0);
}

int main(void)
{
	test_begin("chown_keeps_sgid_nonexec");
	char path[64], dir[64];
	snprintf(path, sizeof(path), "/tmp/chown_sgid_%d", (int)getpid());
	snprintf(dir, sizeof(dir), "/tmp/chown_sgid_dir_%d", (int)getpid());
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	if (fd < 0 || mkdir(dir, 0755) < 0) {
		test_result("setup", false, "open/mkdir errno %d", errno);
		test_end();
	}
	check_all("chown-new-owner", path, -1, 1, 1);
	check_all("chown-same-ids", path, -1, (uid_t)-1, (gid_t)-1);
	check_all("fchown-new-owner", path, fd, 1, 1);
	struct stat st;
	bool dir_ok = chmod(dir, 06755) == 0 && chown(dir, 1, 1) == 0 && stat(dir, &st) == 0 &&
		      (st.st_mode & 07777) == 06755;
	CHECK("directory-keeps-set-id", dir_ok);
	close(fd);
	unlink(path);
	rmdir(dir);
	test_end();
}
