/* Path resolution: symlinks (symlink/symlinkat, readlink/readlinkat, relative targets,
 * chains, dangling links, loops giving ELOOP), ".", ".." and "/..", ENOTDIR in the middle of
 * a path, ENAMETOOLONG for a component over 255 bytes and a path over 4096, and the working
 * directory (chdir, fchdir, getcwd with ERANGE and after the directory is removed). */
#include "fs.h"

static ino_t ino_of(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 ? st.st_ino : 0;
}

static void test_symlinks(void)
{
	mkdir("d", 0755);
	put_file("d/t", 0644, "target");
	char buf[200];
	bool ok = symlink("d/t", "s") == 0 && get_file("s", buf, sizeof(buf)) == 6;
	CHECK("symlink-follow", ok);
	ssize_t n = readlink("s", buf, sizeof(buf));
	test_result("readlink", n == 3 && !memcmp(buf, "d/t", 3), "got %zd", n);
	VAL("readlink-truncates", readlink("s", buf, 2), 2);
	ERR("readlink-zero-size-einval", syscall(SYS_readlink, "s", buf, 0), EINVAL);
	ERR("readlink-not-symlink-einval", readlink("d/t", buf, sizeof(buf)), EINVAL);
	ERR("readlink-missing-enoent", readlink("nothere", buf, sizeof(buf)), ENOENT);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	ok = symlinkat("t", dfd, "rel") == 0 && readlinkat(dfd, "rel", buf, sizeof(buf)) == 1 &&
	     buf[0] == 't' && readlinkat(AT_FDCWD, "d/rel", buf, sizeof(buf)) == 1;
	CHECK("symlinkat-readlinkat-dirfd", ok);
	ok = ino_of("d/rel") == ino_of("d/t");
	CHECK("symlink-relative-to-its-dir", ok);
	ERR("symlink-eexist", symlink("x", "s"), EEXIST);
	ERR("symlink-empty-target-enoent", symlink("", "empty"), ENOENT);
	ok = symlink("d", "dl") == 0 && ino_of("dl/t") == ino_of("d/t");
	CHECK("symlink-to-dir-mid-path", ok);
	struct stat st;
	ok = symlink("missing", "dangle") == 0 && stat("dangle", &st) == -1 && errno == ENOENT &&
	     lstat("dangle", &st) == 0 && S_ISLNK(st.st_mode) && st.st_size == 7;
	CHECK("dangling-symlink", ok);
	ERR("creat-excl-on-dangling-symlink-eexist", open("dangle", O_WRONLY | O_CREAT | O_EXCL, 0644),
	    EEXIST);
	int fd = open("dangle", O_WRONLY | O_CREAT, 0644);
	ok = fd >= 0 && access("missing", F_OK) == 0;
	CHECK("creat-through-dangling-symlink", ok);
	close(fd);
	snprintf(buf, sizeof(buf), "%s/d/t", scratch);
	ok = symlink(buf, "abs") == 0 && ino_of("abs") == ino_of("d/t");
	CHECK("symlink-absolute", ok);

	/* A chain of 10 links resolves; loops do not. */
	char a[16], b[16];
	symlink("d/t", "c0");
	for (int i = 1; i < 10; i++) {
		snprintf(a, sizeof(a), "c%d", i - 1);
		snprintf(b, sizeof(b), "c%d", i);
		symlink(a, b);
	}
	ok = ino_of("c9") == ino_of("d/t");
	CHECK("symlink-chain-of-10", ok);
	symlink("loop", "loop");
	symlink("p2", "p1");
	symlink("p1", "p2");
	ERR("symlink-self-loop-eloop", open("loop", O_RDONLY), ELOOP);
	ERR("symlink-loop-eloop", open("p1", O_RDONLY), ELOOP);
	ERR("symlink-loop-stat-eloop", stat("p1", &st), ELOOP);
	ERR("symlink-loop-mid-path-eloop", open("p1/x", O_RDONLY), ELOOP);
	ok = lstat("p1", &st) == 0 && S_ISLNK(st.st_mode);
	CHECK("lstat-loop-ok", ok);
	ERR("symlink-loop-creat-eloop", open("p2", O_WRONLY | O_CREAT, 0644), ELOOP);
	close(dfd);
}

static void test_path_errors(void)
{
	put_file("file", 0644, "");
	struct stat st;
	ERR("enotdir-mid-path-open", open("file/x", O_RDONLY), ENOTDIR);
	ERR("enotdir-mid-path-stat", stat("file/x/y", &st), ENOTDIR);
	ERR("enotdir-mid-path-mkdir", mkdir("file/x", 0755), ENOTDIR);
	ERR("enotdir-trailing-slash-stat", stat("file/", &st), ENOTDIR);
	ERR("enoent-mid-path", open("none/x", O_RDONLY), ENOENT);

	char name[300];
	memset(name, 'n', 255);
	name[255] = '\0';
	int fd = open(name, O_RDWR | O_CREAT, 0644);
	bool ok = fd >= 0 && unlink(name) == 0;
	CHECK("name-of-255-ok", ok);
	close(fd);
	name[255] = 'n';
	name[256] = '\0';
	ERR("name-over-255-enametoolong", open(name, O_RDWR | O_CREAT, 0644), ENAMETOOLONG);
	ERR("name-over-255-stat-enametoolong", stat(name, &st), ENAMETOOLONG);
	ERR("name-over-255-mkdir-enametoolong", mkdir(name, 0755), ENAMETOOLONG);

	static char path[5000];
	size_t len = 0;
	while (len < 4200) {
		memcpy(path + len, "./", 2);
		len += 2;
	}
	strcpy(path + len, "file");
	ERR("path-over-4096-enametoolong", open(path, O_RDONLY), ENAMETOOLONG);
	len = 0;
	while (len < 4000) {
		memcpy(path + len, "./", 2);
		len += 2;
	}
	strcpy(path + len, "file");
	fd = open(path, O_RDONLY);
	CHECK("path-of-4004-ok", fd >= 0);
	close(fd);

	ok = ino_of("/..") == ino_of("/") && ino_of("/../../") == ino_of("/");
	CHECK("root-dotdot-is-root", ok);
	char parent[sizeof(scratch)]; /* /tmp, or the ext2 mount of fs_paths_ext2 */
	snprintf(parent, sizeof(parent), "%s", scratch);
	*strrchr(parent, '/') = 0;
	ok = ino_of("./././file") == ino_of("file") && ino_of("..") == ino_of(parent) &&
	     ino_of("//tmp///") == ino_of("/tmp");
	CHECK("dot-dotdot-and-slashes", ok);
}

static void test_cwd(void)
{
	char buf[256], want[256];
	bool ok = getcwd(buf, sizeof(buf)) && !strcmp(buf, scratch);
	test_result("getcwd", ok, "got %s want %s", buf, scratch);
	mkdir("w", 0755);
	mkdir("w/x", 0755);
	snprintf(want, sizeof(want), "%s/w/x", scratch);
	ok = chdir("w/x") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, want);
	CHECK("chdir-relative", ok);
	ok = chdir("../..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, scratch);
	CHECK("chdir-dotdot", ok);
	ok = chdir("/") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, "/") &&
	     chdir(scratch) == 0;
	CHECK("chdir-root-getcwd-slash", ok);
	symlink("w/x", "wl");
	ok = chdir("wl") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, want) && chdir(scratch) == 0;
	CHECK("chdir-through-symlink-getcwd-real", ok);
	ERR("chdir-file-enotdir", chdir("file"), ENOTDIR);
	ERR("chdir-missing-enoent", chdir("nothere"), ENOENT);
	int dfd = open("w", O_RDONLY | O_DIRECTORY);
	snprintf(want, sizeof(want), "%s/w", scratch);
	ok = fchdir(dfd) == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, want) &&
	     access("x", F_OK) == 0 && chdir(scratch) == 0;
	CHECK("fchdir", ok);
	close(dfd);
	int ffd = open("file", O_RDONLY);
	ERR("fchdir-file-enotdir", fchdir(ffd), ENOTDIR);
	close(ffd);
	ERR("fchdir-closed-ebadf", fchdir(ffd), EBADF);

	long r = syscall(SYS_getcwd, buf, sizeof(buf));
	test_result("getcwd-syscall-returns-length", r == (long)strlen(scratch) + 1, "got %ld", r);
	ERR("getcwd-erange", syscall(SYS_getcwd, buf, strlen(scratch)), ERANGE);
	ERR("getcwd-size-0-erange", syscall(SYS_getcwd, buf, 0), ERANGE);
	ok = chdir("w/x") == 0 && rmdir(want) == -1 && errno == ENOTEMPTY;
	ok = ok && rmdir("../x") == 0;
	ERR("getcwd-removed-dir-enoent", syscall(SYS_getcwd, buf, sizeof(buf)), ENOENT);
	ERR("create-in-removed-cwd-enoent", open("new", O_RDWR | O_CREAT, 0644), ENOENT);
	CHECK("chdir-back-from-removed", ok && chdir(scratch) == 0);
}

int main(void)
{
	scratch_setup("fs_paths");
	test_symlinks();
	test_path_errors();
	test_cwd();
	scratch_cleanup();
	test_end();
}
