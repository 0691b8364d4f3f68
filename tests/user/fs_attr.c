/* Attributes: stat/fstat/lstat/newfstatat (AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH), statx,
 * access/faccessat, chmod/fchmod/fchmodat, chown/fchown/lchown/fchownat, utimensat (explicit
 * times, UTIME_NOW, UTIME_OMIT, on a symlink itself), and timestamps moved by writes. */
#include "fs.h"
#include <time.h>

/* statx is declared here rather than taken from a libc that may not have it. */
struct statx_ts_ {
	int64_t tv_sec;
	uint32_t tv_nsec;
	int32_t pad;
};
struct statx_ {
	uint32_t stx_mask, stx_blksize;
	uint64_t stx_attributes;
	uint32_t stx_nlink, stx_uid, stx_gid;
	uint16_t stx_mode, pad1;
	uint64_t stx_ino, stx_size, stx_blocks, stx_attributes_mask;
	struct statx_ts_ stx_atime, stx_btime, stx_ctime, stx_mtime;
	uint32_t stx_rdev_major, stx_rdev_minor, stx_dev_major, stx_dev_minor;
	uint64_t spare[14];
};
_Static_assert(sizeof(struct statx_) == 256, "struct statx is 256 bytes");
#define STATX_BASIC_STATS_ 0x7ffu

static void test_stat(void)
{
	put_file("f", 0644, "12345");
	struct stat st, st2;
	bool ok = stat("f", &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0644 &&
		  st.st_size == 5 && st.st_nlink == 1 && st.st_uid == 0 && st.st_gid == 0 &&
		  st.st_blksize > 0 && st.st_ino != 0;
	test_result("stat-regular", ok, "mode %o size %ld nlink %ld uid %d", st.st_mode,
		    (long)st.st_size, (long)st.st_nlink, st.st_uid);
	int fd = open("f", O_RDONLY);
	ok = fstat(fd, &st2) == 0 && st2.st_ino == st.st_ino && st2.st_dev == st.st_dev &&
	     st2.st_size == 5;
	CHECK("fstat-same-as-stat", ok);
	symlink("f", "s");
	ok = lstat("s", &st2) == 0 && S_ISLNK(st2.st_mode) && st2.st_size == 1 &&
	     st2.st_ino != st.st_ino && stat("s", &st2) == 0 && st2.st_ino == st.st_ino;
	CHECK("lstat-vs-stat-on-symlink", ok);
	mkdir("d", 0755);
	ok = stat("d", &st2) == 0 && S_ISDIR(st2.st_mode) && st2.st_nlink >= 2;
	CHECK("stat-dir", ok);
	ERR("stat-missing-enoent", stat("nothere", &st2), ENOENT);
	ERR("stat-empty-enoent", stat("", &st2), ENOENT);

	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	ok = syscall(SYS_newfstatat, dfd, "f", &st2, 0) == 0 && st2.st_ino == st.st_ino &&
	     syscall(SYS_newfstatat, AT_FDCWD, "f", &st2, 0) == 0 && st2.st_ino == st.st_ino;
	CHECK("newfstatat-dirfd-and-fdcwd", ok);
	ok = syscall(SYS_newfstatat, dfd, "s", &st2, AT_SYMLINK_NOFOLLOW) == 0 && S_ISLNK(st2.st_mode);
	CHECK("newfstatat-symlink-nofollow", ok);
	ok = syscall(SYS_newfstatat, fd, "", &st2, AT_EMPTY_PATH) == 0 && st2.st_ino == st.st_ino;
	CHECK("newfstatat-empty-path", ok);
	ERR("newfstatat-empty-without-flag-enoent", syscall(SYS_newfstatat, fd, "", &st2, 0), ENOENT);
	ERR("newfstatat-bad-flags-einval", syscall(SYS_newfstatat, dfd, "f", &st2, 0x1), EINVAL);
	ERR("newfstatat-file-dirfd-enotdir", syscall(SYS_newfstatat, fd, "x", &st2, 0), ENOTDIR);

	struct statx_ sx;
	memset(&sx, 0xff, sizeof(sx));
	ok = syscall(SYS_statx, AT_FDCWD, "f", 0, STATX_BASIC_STATS_, &sx) == 0 &&
	     (sx.stx_mask & STATX_BASIC_STATS_) == STATX_BASIC_STATS_ && sx.stx_ino == st.st_ino &&
	     sx.stx_size == 5 && sx.stx_mode == st.st_mode && sx.stx_nlink == 1 &&
	     sx.stx_mtime.tv_sec == st.st_mtim.tv_sec;
	test_result("statx-basic", ok, "mask %#x ino %lu size %lu mode %o", sx.stx_mask,
		    (unsigned long)sx.stx_ino, (unsigned long)sx.stx_size, sx.stx_mode);
	ok = syscall(SYS_statx, dfd, "s", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS_, &sx) == 0 &&
	     S_ISLNK(sx.stx_mode);
	CHECK("statx-symlink-nofollow", ok);
	ok = syscall(SYS_statx, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS_, &sx) == 0 &&
	     sx.stx_ino == st.st_ino;
	CHECK("statx-empty-path", ok);
	ERR("statx-missing-enoent", syscall(SYS_statx, AT_FDCWD, "no", 0, STATX_BASIC_STATS_, &sx),
	    ENOENT);
	ERR("statx-bad-flags-einval", syscall(SYS_statx, AT_FDCWD, "f", 0x1, 0, &sx), EINVAL);
	close(dfd);
	close(fd);
}

static void test_access(void)
{
	put_file("noperm", 0000, "");
	chmod("noperm", 0000);
	VAL("access-f-ok", access("f", F_OK), 0);
	ERR("access-missing-enoent", access("nothere", F_OK), ENOENT);
	VAL("access-root-rw-on-0000", access("noperm", R_OK | W_OK), 0);
	ERR("access-root-x-without-x-bits-eacces", access("f", X_OK), EACCES);
	VAL("access-root-x-on-dir", access("d", X_OK), 0);
	ERR("access-bad-mode-einval", access("f", 0x10), EINVAL);
	int dfd = open("d", O_RDONLY | O_DIRECTORY);
	put_file("d/in", 0755, "");
	bool ok = syscall(SYS_faccessat, dfd, "in", X_OK) == 0 &&
		  syscall(SYS_faccessat, AT_FDCWD, "d/in", R_OK) == 0;
	CHECK("faccessat-dirfd-and-fdcwd", ok);
	ERR("faccessat-missing-enoent", syscall(SYS_faccessat, dfd, "none", F_OK), ENOENT);
	close(dfd);
}

static void test_chmod_chown(void)
{
	struct stat st;
	bool ok = chmod("f", 04751) == 0 && stat("f", &st) == 0 && S_ISREG(st.st_mode) &&
		  (st.st_mode & 07777) == 04751;
	CHECK("chmod", ok);
	int fd = open("f", O_RDONLY);
	ok = fchmod(fd, 0600) == 0 && stat("f", &st) == 0 && (st.st_mode & 07777) == 0600;
	CHECK("fchmod-on-rdonly-fd", ok);
	int dfd = open(".", O_RDONLY | O_DIRECTORY);
	ok = fchmodat(dfd, "f", 0640, 0) == 0 && stat("f", &st) == 0 &&
	     (st.st_mode & 07777) == 0640;
	CHECK("fchmodat-dirfd", ok);
	ok = chmod("s", 0600) == 0 && stat("f", &st) == 0 && (st.st_mode & 07777) == 0600;
	CHECK("chmod-follows-symlink", ok);
	ERR("chmod-missing-enoent", chmod("nothere", 0644), ENOENT);

	ok = chown("f", TEST_UID, TEST_GID) == 0 && stat("f", &st) == 0 &&
	     st.st_uid == TEST_UID && st.st_gid == TEST_GID;
	CHECK("chown", ok);
	ok = fchown(fd, 0, -1) == 0 && stat("f", &st) == 0 && st.st_uid == 0 &&
	     st.st_gid == TEST_GID;
	CHECK("fchown-minus-one-keeps-gid", ok);
	struct stat ls;
	ok = lchown("s", 7, 8) == 0 && lstat("s", &ls) == 0 && ls.st_uid == 7 && ls.st_gid == 8 &&
	     stat("f", &st) == 0 && st.st_uid == 0;
	CHECK("lchown-changes-link-only", ok);
	ok = fchownat(dfd, "s", 9, 9, AT_SYMLINK_NOFOLLOW) == 0 && lstat("s", &ls) == 0 &&
	     ls.st_uid == 9 && stat("f", &st) == 0 && st.st_uid == 0;
	CHECK("fchownat-symlink-nofollow", ok);
	ok = fchownat(dfd, "s", 5, 5, 0) == 0 && stat("f", &st) == 0 && st.st_uid == 5;
	CHECK("fchownat-follows", ok);
	ok = fchownat(fd, "", 0, 0, AT_EMPTY_PATH) == 0 && stat("f", &st) == 0 && st.st_uid == 0 &&
	     st.st_gid == 0;
	CHECK("fchownat-empty-path", ok);
	ERR("fchownat-bad-flags-einval", fchownat(dfd, "f", 0, 0, 0x1), EINVAL);
	ERR("chown-missing-enoent", chown("nothere", 0, 0), ENOENT);
	close(dfd);
	close(fd);
}

static bool ts_eq(struct timespec a, long sec, long nsec)
{
	return a.tv_sec == sec && a.tv_nsec == nsec;
}

static void test_times(void)
{
	struct stat st;
	struct timespec t[2] = { { 1000000000, 123456789 }, { 1100000000, 5 } };
	bool ok = utimensat(AT_FDCWD, "f", t, 0) == 0 && stat("f", &st) == 0 &&
		  ts_eq(st.st_atim, 1000000000, 123456789) && ts_eq(st.st_mtim, 1100000000, 5);
	test_result("utimensat-explicit", ok, "atime %ld.%09ld mtime %ld.%09ld",
		    (long)st.st_atim.tv_sec, st.st_atim.tv_nsec, (long)st.st_mtim.tv_sec,
		    st.st_mtim.tv_nsec);
	struct timespec om[2] = { { 0, UTIME_OMIT }, { 1200000000, 0 } };
	ok = utimensat(AT_FDCWD, "f", om, 0) == 0 && stat("f", &st) == 0 &&
	     ts_eq(st.st_atim, 1000000000, 123456789) && ts_eq(st.st_mtim, 1200000000, 0);
	CHECK("utimensat-omit", ok);
	struct timespec now;
	clock_gettime(CLOCK_REALTIME, &now);
	struct timespec nw[2] = { { 0, UTIME_NOW }, { 0, UTIME_OMIT } };
	ok = utimensat(AT_FDCWD, "f", nw, 0) == 0 && stat("f", &st) == 0 &&
	     st.st_atim.tv_sec >= now.tv_sec - 1 && st.st_mtim.tv_sec == 1200000000;
	CHECK("utimensat-now", ok);
	ok = utimensat(AT_FDCWD, "f", NULL, 0) == 0 && stat("f", &st) == 0 &&
	     st.st_mtim.tv_sec >= now.tv_sec - 1;
	CHECK("utimensat-null-is-now", ok);
	struct stat ls;
	ok = utimensat(AT_FDCWD, "s", t, AT_SYMLINK_NOFOLLOW) == 0 && lstat("s", &ls) == 0 &&
	     ts_eq(ls.st_mtim, 1100000000, 5) && stat("f", &st) == 0 &&
	     st.st_mtim.tv_sec != 1100000000;
	CHECK("utimensat-symlink-nofollow", ok);
	int fd = open("f", O_RDONLY);
	ok = futimens(fd, t) == 0 && fstat(fd, &st) == 0 && ts_eq(st.st_mtim, 1100000000, 5);
	CHECK("utimensat-fd-null-path", ok);
	close(fd);
	struct timespec bad[2] = { { 0, 1000000000 }, { 0, 0 } };
	ERR("utimensat-bad-nsec-einval", utimensat(AT_FDCWD, "f", bad, 0), EINVAL);
	ERR("utimensat-missing-enoent", utimensat(AT_FDCWD, "nothere", NULL, 0), ENOENT);

	/* A write moves mtime and ctime forward from a time set in the past. */
	utimensat(AT_FDCWD, "f", t, 0);
	fd = open("f", O_WRONLY);
	ok = write(fd, "x", 1) == 1 && fstat(fd, &st) == 0 && st.st_mtim.tv_sec >= now.tv_sec - 1 &&
	     st.st_ctim.tv_sec >= now.tv_sec - 1;
	CHECK("write-updates-mtime", ok);
	close(fd);
	utimensat(AT_FDCWD, "f", t, 0);
	ok = chmod("f", 0644) == 0 && stat("f", &st) == 0 && st.st_ctim.tv_sec >= now.tv_sec - 1 &&
	     st.st_mtim.tv_sec == 1100000000;
	CHECK("chmod-updates-ctime-only", ok);
	struct stat d1, d2;
	t[1].tv_sec = 1000;
	utimensat(AT_FDCWD, "d", t, 0);
	ok = stat("d", &d1) == 0 && put_file("d/new", 0644, "") == 0 && stat("d", &d2) == 0 &&
	     d2.st_mtim.tv_sec >= now.tv_sec - 1;
	CHECK("create-updates-dir-mtime", ok);
}

int main(void)
{
	scratch_setup("fs_attr");
	test_stat();
	test_access();
	test_chmod_chown();
	test_times();
	scratch_cleanup();
	test_end();
}
