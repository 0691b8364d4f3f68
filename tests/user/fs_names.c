/* The name space: mkdir/mkdirat, rmdir, unlink/unlinkat (AT_REMOVEDIR), rename/renameat/
 * renameat2 (RENAME_NOREPLACE, RENAME_EXCHANGE), link/linkat, and getdents64 listing a
 * directory through a small buffer, with their error cases (EEXIST, ENOENT, ENOTDIR, EISDIR,
 * ENOTEMPTY, EINVAL, EPERM). */
#include "fs.h"

#define RENAME_NOREPLACE_ (1 << 0)
#define RENAME_EXCHANGE_ (1 << 1)

static bool is_dir(const char *p)
{
	struct stat st;
	return stat(p, &st) == 0 && S_ISDIR(st.st_mode);
}

static ino_t ino_of(const char *p)
{
	struct stat st;
	return lstat(p, &st) == 0 ? st.st_ino : 0;
}

static void test_mkdir_rmdir(void)
{
	bool ok = mkdir("d", 0777) == 0 && is_dir("d");
	CHECK("mkdir", ok);
	struct stat st;
	umask(027);
	ok = mkdir("um", 0777) == 0 && stat("um", &st) == 0 && (st.st_mode & 07777) == 0750;
	umask(022);
	test_result("mkdir-applies-umask", ok, "mode %o", st.st_mode & 07777);
	ERR("mkdir-eexist", mkdir("d", 0755), EEXIST);
	put_file("f", 0644, "x");
	ERR("mkdir-over-file-eexist", mkdir("f", 0755), EEXIST);
	ERR("mkdir-missing-parent-enoent", mkdir("no/sub", 0755), ENOENT);
	ERR("mkdir-under-file-enotdir", mkdir("f/sub", 0755), ENOTDIR);
	ok = mkdir("slash/", 0755) == 0 && is_dir("slash");
	CHECK("mkdir-trailing-slash", ok);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	ok = mkdirat(dfd, "sub", 0755) == 0 && is_dir("d/sub") &&
	     mkdirat(AT_FDCWD, "d/sub2", 0755) == 0 && is_dir("d/sub2");
	CHECK("mkdirat-dirfd-and-fdcwd", ok);
	int ffd = open("f", O_RDONLY);
	ERR("mkdirat-file-dirfd-enotdir", mkdirat(ffd, "x", 0755), ENOTDIR);
	close(ffd);

	ERR("rmdir-not-empty-enotempty", rmdir("d"), ENOTEMPTY);
	ERR("rmdir-file-enotdir", rmdir("f"), ENOTDIR);
	ERR("rmdir-missing-enoent", rmdir("nothere"), ENOENT);
	ERR("rmdir-dot-einval", rmdir("d/sub/."), EINVAL);
	ok = rmdir("d/sub2") == 0 && access("d/sub2", F_OK) == -1 && errno == ENOENT;
	CHECK("rmdir", ok);
	ok = unlinkat(dfd, "sub", AT_REMOVEDIR) == 0 && access("d/sub", F_OK) == -1;
	CHECK("unlinkat-removedir", ok);
	ERR("unlinkat-removedir-file-enotdir", unlinkat(AT_FDCWD, "f", AT_REMOVEDIR), ENOTDIR);
	ERR("unlinkat-bad-flags-einval", unlinkat(AT_FDCWD, "f", 0x1), EINVAL);
	close(dfd);

	ERR("unlink-dir-eisdir", unlink("d"), EISDIR);
	ERR("unlinkat-dir-eisdir", unlinkat(AT_FDCWD, "d", 0), EISDIR);
	ERR("unlink-missing-enoent", unlink("nothere"), ENOENT);
	int fd = open("f", O_RDONLY);
	char c = 0;
	ok = unlink("f") == 0 && access("f", F_OK) == -1 && read(fd, &c, 1) == 1 && c == 'x';
	CHECK("unlink-open-file-stays-readable", ok);
	close(fd);
	put_file("d/g", 0644, "");
	dfd = open("d", O_RDONLY | O_DIRECTORY);
	ok = unlinkat(dfd, "g", 0) == 0 && access("d/g", F_OK) == -1;
	CHECK("unlinkat-dirfd", ok);
	close(dfd);
}

static void test_rename(void)
{
	char buf[32];
	put_file("a", 0644, "A");
	put_file("b", 0644, "B");
	ino_t ia = ino_of("a");
	bool ok = rename("a", "a2") == 0 && access("a", F_OK) == -1 && ino_of("a2") == ia;
	CHECK("rename", ok);
	ok = rename("a2", "b") == 0 && access("a2", F_OK) == -1 && ino_of("b") == ia &&
	     get_file("b", buf, sizeof(buf)) == 1 && buf[0] == 'A';
	CHECK("rename-over-existing-file", ok);
	ok = rename("b", "b") == 0 && ino_of("b") == ia;
	CHECK("rename-to-itself", ok);
	link("b", "b-link");
	ok = rename("b", "b-link") == 0 && ino_of("b") == ia && ino_of("b-link") == ia;
	CHECK("rename-between-hard-links-noop", ok);
	unlink("b-link");
	ERR("rename-missing-enoent", rename("nothere", "x"), ENOENT);

	mkdir("rd", 0755);
	mkdir("full", 0755);
	put_file("full/x", 0644, "");
	ERR("rename-dir-over-nonempty-enotempty", rename("rd", "full"), ENOTEMPTY);
	ERR("rename-dir-over-file-enotdir", rename("rd", "b"), ENOTDIR);
	ERR("rename-file-over-dir-eisdir", rename("b", "rd"), EISDIR);
	ERR("rename-into-own-subdir-einval", rename("full", "full/sub"), EINVAL);
	mkdir("empty", 0755);
	ok = rename("rd", "empty") == 0 && is_dir("empty") && access("rd", F_OK) == -1;
	CHECK("rename-dir-over-empty-dir", ok);
	ok = rename("full", "empty/moved") == 0 && access("empty/moved/x", F_OK) == 0;
	CHECK("rename-dir-moves-subtree", ok);
	struct stat st;
	ok = stat("empty/moved/..", &st) == 0 && st.st_ino == ino_of("empty");
	CHECK("rename-dir-updates-dotdot", ok);

	int d1 = open("empty", O_RDONLY | O_DIRECTORY);
	int d2 = open(".", O_RDONLY | O_DIRECTORY);
	ok = renameat(d1, "moved/x", d2, "x2") == 0 && access("x2", F_OK) == 0 &&
	     renameat(AT_FDCWD, "x2", d1, "x3") == 0 && access("empty/x3", F_OK) == 0;
	CHECK("renameat-dirfds", ok);
	close(d1);
	close(d2);

	put_file("p", 0644, "P");
	put_file("q", 0644, "Q");
	ERR("renameat2-noreplace-eexist",
	    syscall(SYS_renameat2, AT_FDCWD, "p", AT_FDCWD, "q", RENAME_NOREPLACE_), EEXIST);
	ok = syscall(SYS_renameat2, AT_FDCWD, "p", AT_FDCWD, "p2", RENAME_NOREPLACE_) == 0 &&
	     access("p", F_OK) == -1 && get_file("p2", buf, sizeof(buf)) == 1 && buf[0] == 'P';
	CHECK("renameat2-noreplace-free-name", ok);
	ok = syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "q", RENAME_EXCHANGE_) == 0 &&
	     get_file("p2", buf, sizeof(buf)) == 1 && buf[0] == 'Q' &&
	     get_file("q", buf, sizeof(buf)) == 1 && buf[0] == 'P';
	CHECK("renameat2-exchange", ok);
	ok = syscall(SYS_renameat2, AT_FDCWD, "q", AT_FDCWD, "empty", RENAME_EXCHANGE_) == 0 &&
	     is_dir("q") && !is_dir("empty") && access("q/moved", F_OK) == 0;
	CHECK("renameat2-exchange-file-and-dir", ok);
	ERR("renameat2-exchange-missing-enoent",
	    syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "none", RENAME_EXCHANGE_), ENOENT);
	ERR("renameat2-both-flags-einval",
	    syscall(SYS_renameat2, AT_FDCWD, "p2", AT_FDCWD, "q",
		    RENAME_EXCHANGE_ | RENAME_NOREPLACE_), EINVAL);
}

static void test_link(void)
{
	put_file("l1", 0644, "L");
	mkdir("ldir", 0755);
	struct stat st;
	bool ok = link("l1", "l2") == 0 && stat("l1", &st) == 0 && st.st_nlink == 2 &&
		  ino_of("l2") == st.st_ino;
	CHECK("link-shares-inode", ok);
	ok = unlink("l1") == 0 && stat("l2", &st) == 0 && st.st_nlink == 1;
	CHECK("unlink-drops-nlink", ok);
	ERR("link-existing-eexist", link("l2", "ldir"), EEXIST);
	ERR("link-missing-enoent", link("nothere", "l3"), ENOENT);
	ERR("link-dir-eperm", link("ldir", "ldir-link"), EPERM);
	symlink("l2", "sym");
	ok = linkat(AT_FDCWD, "sym", AT_FDCWD, "hard-sym", 0) == 0 &&
	     lstat("hard-sym", &st) == 0 && S_ISLNK(st.st_mode);
	CHECK("linkat-no-follow-links-symlink", ok);
	ok = linkat(AT_FDCWD, "sym", AT_FDCWD, "hard-target", AT_SYMLINK_FOLLOW) == 0 &&
	     ino_of("hard-target") == ino_of("l2");
	CHECK("linkat-symlink-follow", ok);
	int dfd = open("ldir", O_RDONLY | O_DIRECTORY);
	ok = linkat(AT_FDCWD, "l2", dfd, "in-ldir", 0) == 0 &&
	     ino_of("ldir/in-ldir") == ino_of("l2");
	CHECK("linkat-dirfd", ok);
	close(dfd);
	ERR("linkat-bad-flags-einval", linkat(AT_FDCWD, "l2", AT_FDCWD, "l9", 0x1), EINVAL);
}

/* Lists dir with getdents64 through a 100-byte buffer (several calls). */
struct linux_dirent64_ {
	uint64_t d_ino;
	int64_t d_off;
	unsigned short d_reclen;
	unsigned char d_type;
	char d_name[];
};

static void test_getdents(void)
{
	mkdir("ls", 0755);
	put_file("ls/file", 0644, "");
	mkdir("ls/dir", 0755);
	symlink("file", "ls/link");
	int fd = open("ls", O_RDONLY | O_DIRECTORY);
	char buf[100];
	int seen[5] = { 0 }, other = 0, bad_type = 0, calls = 0;
	const char *names[5] = { ".", "..", "file", "dir", "link" };
	const unsigned char types[5] = { DT_DIR, DT_DIR, DT_REG, DT_DIR, DT_LNK };
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0) {
		calls++;
		for (long off = 0; off < n;) {
			struct linux_dirent64_ *e = (void *)(buf + off);
			int k = 0;
			while (k < 5 && strcmp(e->d_name, names[k]))
				k++;
			if (k == 5)
				other++;
			else if (seen[k]++ == 0 && e->d_type != types[k] && e->d_type != DT_UNKNOWN)
				bad_type++;
			off += e->d_reclen;
		}
	}
	bool ok = n == 0 && other == 0 && seen[0] == 1 && seen[1] == 1 && seen[2] == 1 &&
		  seen[3] == 1 && seen[4] == 1;
	test_result("getdents64-lists-all-once", ok, "last %ld, unknown names %d, counts %d %d %d "
		    "%d %d", n, other, seen[0], seen[1], seen[2], seen[3], seen[4]);
	test_result("getdents64-small-buffer-several-calls", calls >= 2, "%d calls", calls);
	test_result("getdents64-d-type", bad_type == 0, "%d wrong types", bad_type);
	VAL("getdents64-at-end-0", syscall(SYS_getdents64, fd, buf, sizeof(buf)), 0);
	ok = lseek(fd, 0, SEEK_SET) == 0 && syscall(SYS_getdents64, fd, buf, sizeof(buf)) > 0;
	CHECK("getdents64-rewind", ok);
	lseek(fd, 0, SEEK_SET);
	ERR("getdents64-tiny-buffer-einval", syscall(SYS_getdents64, fd, buf, 10), EINVAL);
	close(fd);
	fd = open("ls/file", O_RDONLY);
	ERR("getdents64-file-enotdir", syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOTDIR);
	close(fd);
	mkdir("gone", 0755);
	fd = open("gone", O_RDONLY | O_DIRECTORY);
	rmdir("gone");
	ERR("getdents64-removed-dir-enoent", syscall(SYS_getdents64, fd, buf, sizeof(buf)), ENOENT);
	close(fd);
}

int main(void)
{
	scratch_setup("fs_names");
	test_mkdir_rmdir();
	test_rename();
	test_link();
	test_getdents();
	scratch_cleanup();
	test_end();
}
