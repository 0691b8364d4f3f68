/* File I/O: open/openat/creat and their flags (O_CREAT, O_EXCL, O_TRUNC, O_APPEND,
 * O_DIRECTORY, O_NOFOLLOW), read/write/readv/writev/pread64/pwrite64, lseek, sparse files,
 * truncate/ftruncate shrinking and growing, fsync/fdatasync/sync, ioctl on a regular file,
 * and sendfile. */
#include "fs.h"
#include <sys/ioctl.h>
#include <sys/sendfile.h>
#include <sys/uio.h>
#include <termios.h>

static void test_open_create(void)
{
	char buf[32] = { 0 };
	int fd = open("f", O_RDWR | O_CREAT, 0644);
	bool ok = fd >= 0 && write(fd, "hello", 5) == 5 && lseek(fd, 0, SEEK_SET) == 0 &&
		  read(fd, buf, sizeof(buf)) == 5 && !memcmp(buf, "hello", 5);
	CHECK("open-creat-write-read", ok);
	ok = read(fd, buf, sizeof(buf)) == 0;
	CHECK("read-at-eof-is-0", ok);
	close(fd);

	ERR("open-excl-eexist", open("f", O_RDWR | O_CREAT | O_EXCL, 0644), EEXIST);
	ERR("open-missing-enoent", open("nothere", O_RDONLY), ENOENT);
	ERR("open-creat-missing-dir-enoent", open("nodir/f", O_RDWR | O_CREAT, 0644), ENOENT);
	ERR("open-empty-path-enoent", open("", O_RDONLY), ENOENT);
	ERR("open-directory-on-file-enotdir", open("f", O_RDONLY | O_DIRECTORY), ENOTDIR);
	ERR("open-file-as-dir-enotdir", open("f/", O_RDONLY), ENOTDIR);

	symlink("f", "lnk");
	ERR("open-nofollow-symlink-eloop", open("lnk", O_RDONLY | O_NOFOLLOW), ELOOP);
	fd = open("lnk", O_RDONLY);
	ok = fd >= 0 && read(fd, buf, 5) == 5 && !memcmp(buf, "hello", 5);
	CHECK("open-follows-symlink", ok);
	close(fd);

	mkdir("d", 0755);
	ERR("open-dir-wronly-eisdir", open("d", O_WRONLY), EISDIR);
	ERR("open-dir-rdwr-eisdir", open("d", O_RDWR), EISDIR);
	ERR("open-dir-creat-eisdir", open("d", O_RDWR | O_CREAT, 0644), EISDIR);
	fd = open("d", O_RDONLY);
	ERR("read-dir-eisdir", read(fd, buf, sizeof(buf)), EISDIR);
	close(fd);
	fd = open("d", O_RDONLY | O_DIRECTORY);
	CHECK("open-directory-on-dir", fd >= 0);
	close(fd);

	fd = open("f", O_WRONLY | O_TRUNC);
	struct stat st;
	ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0;
	CHECK("open-trunc", ok);
	ERR("read-wronly-ebadf", read(fd, buf, 1), EBADF);
	close(fd);
	fd = open("f", O_RDONLY);
	ERR("write-rdonly-ebadf", write(fd, "x", 1), EBADF);
	close(fd);
}

static void test_creat_openat(void)
{
	char buf[8];
	put_file("c", 0644, "old contents");
	int fd = creat("c", 0600);
	struct stat st;
	bool ok = fd >= 0 && fstat(fd, &st) == 0 && st.st_size == 0 &&
		  (fcntl(fd, F_GETFL) & O_ACCMODE) == O_WRONLY;
	CHECK("creat-truncates-wronly", ok);
	ERR("creat-fd-not-readable", read(fd, buf, 1), EBADF);
	close(fd);
	fd = creat("c2", 0640);
	ok = fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0640 && S_ISREG(st.st_mode);
	CHECK("creat-new-mode", ok);
	close(fd);

	mkdir("od", 0755);
	put_file("od/in", 0644, "inside");
	int dfd = open("od", O_RDONLY | O_DIRECTORY);
	fd = openat(dfd, "in", O_RDONLY);
	ok = fd >= 0 && read(fd, buf, 6) == 6 && !memcmp(buf, "inside", 6);
	CHECK("openat-dirfd", ok);
	close(fd);
	fd = openat(AT_FDCWD, "od/in", O_RDONLY);
	CHECK("openat-at-fdcwd", fd >= 0);
	close(fd);
	char abs[256];
	snprintf(abs, sizeof(abs), "%s/od/in", scratch);
	fd = openat(9999, abs, O_RDONLY);
	CHECK("openat-absolute-ignores-dirfd", fd >= 0);
	close(fd);
	fd = openat(dfd, "new", O_RDWR | O_CREAT | O_EXCL, 0600);
	ok = fd >= 0 && access("od/new", F_OK) == 0;
	CHECK("openat-creat-in-dirfd", ok);
	close(fd);
	int ffd = open("od/in", O_RDONLY);
	ERR("openat-file-dirfd-enotdir", openat(ffd, "x", O_RDONLY), ENOTDIR);
	ERR("openat-closed-dirfd-ebadf", openat(9999, "in", O_RDONLY), EBADF);
	close(ffd);
	close(dfd);
}

static void test_rw_family(void)
{
	int fd = open("rw", O_RDWR | O_CREAT | O_TRUNC, 0644);
	struct iovec wv[3] = { { "abc", 3 }, { "", 0 }, { "defgh", 5 } };
	VAL("writev-total", writev(fd, wv, 3), 8);
	char a[5] = { 0 }, b[10] = { 0 };
	struct iovec rv[2] = { { a, 5 }, { b, 10 } };
	lseek(fd, 0, SEEK_SET);
	bool ok = readv(fd, rv, 2) == 8 && !memcmp(a, "abcde", 5) && !memcmp(b, "fgh", 3);
	CHECK("readv-splits", ok);
	ERR("readv-negative-count-einval", readv(fd, rv, -1), EINVAL);

	lseek(fd, 2, SEEK_SET);
	ok = pwrite(fd, "XY", 2, 6) == 2 && lseek(fd, 0, SEEK_CUR) == 2;
	CHECK("pwrite-keeps-offset", ok);
	char p[4] = { 0 };
	ok = pread(fd, p, 4, 5) == 3 && !memcmp(p, "fXY", 3) && lseek(fd, 0, SEEK_CUR) == 2;
	CHECK("pread-keeps-offset", ok);
	ERR("pread-negative-offset-einval", pread(fd, p, 1, -1), EINVAL);
	ERR("pwrite-negative-offset-einval", pwrite(fd, p, 1, -1), EINVAL);

	VAL("lseek-set", lseek(fd, 3, SEEK_SET), 3);
	VAL("lseek-cur", lseek(fd, 2, SEEK_CUR), 5);
	VAL("lseek-end", lseek(fd, -1, SEEK_END), 7);
	ERR("lseek-negative-einval", lseek(fd, -100, SEEK_CUR), EINVAL);
	ERR("lseek-bad-whence-einval", lseek(fd, 0, 77), EINVAL);
	VAL("lseek-beyond-end", lseek(fd, 100, SEEK_END), 108);
	close(fd);

	fd = open("rw", O_RDWR | O_APPEND);
	lseek(fd, 0, SEEK_SET);
	ok = write(fd, "Z", 1) == 1 && lseek(fd, 0, SEEK_CUR) == 9 && pread(fd, p, 1, 8) == 1 &&
	     p[0] == 'Z';
	CHECK("o-append-writes-at-end", ok);
	close(fd);
}

static void test_sparse_truncate(void)
{
	const off_t hole = 4 << 20;
	int fd = open("sparse", O_RDWR | O_CREAT | O_TRUNC, 0644);
	bool ok = lseek(fd, hole, SEEK_SET) == hole && write(fd, "E", 1) == 1;
	struct stat st;
	ok = ok && fstat(fd, &st) == 0 && st.st_size == hole + 1;
	CHECK("sparse-size", ok);
	static char buf[65536];
	memset(buf, 0x55, sizeof(buf));
	ok = pread(fd, buf, sizeof(buf), hole / 2) == (ssize_t)sizeof(buf);
	for (size_t i = 0; ok && i < sizeof(buf); i++)
		ok = buf[i] == 0;
	CHECK("sparse-hole-reads-zeros", ok);
	test_result("sparse-st-blocks-small", st.st_blocks * 512 < st.st_size,
		    "st_blocks %ld for size %ld", (long)st.st_blocks, (long)st.st_size);

	ok = ftruncate(fd, 3) == 0 && fstat(fd, &st) == 0 && st.st_size == 3 &&
	     pread(fd, buf, 10, 0) == 3;
	CHECK("ftruncate-shrink", ok);
	pwrite(fd, "abc", 3, 0);
	ok = truncate("sparse", 10000) == 0 && stat("sparse", &st) == 0 && st.st_size == 10000;
	memset(buf, 1, 10000);
	ok = ok && pread(fd, buf, 10000, 0) == 10000 && !memcmp(buf, "abc", 3);
	for (int i = 3; ok && i < 10000; i++)
		ok = buf[i] == 0;
	CHECK("truncate-grow-zero-fills", ok);
	ok = ftruncate(fd, 1) == 0 && ftruncate(fd, 5) == 0 && pread(fd, buf, 10, 0) == 5 &&
	     !memcmp(buf, "a\0\0\0\0", 5);
	CHECK("shrink-then-grow-zeros-old-bytes", ok);
	ERR("ftruncate-negative-einval", ftruncate(fd, -1), EINVAL);
	ERR("truncate-dir-eisdir", truncate("d", 0), EISDIR);
	ERR("truncate-missing-enoent", truncate("nothere", 0), ENOENT);
	int ro = open("sparse", O_RDONLY);
	ERR("ftruncate-rdonly-einval", ftruncate(ro, 0), EINVAL);
	close(ro);

	VAL("fsync", fsync(fd), 0);
	VAL("fdatasync", fdatasync(fd), 0);
	sync();
	CHECK("sync-returns", fstat(fd, &st) == 0);
	ERR("ioctl-regular-file-enotty", ioctl(fd, TCGETS, &(struct termios){ 0 }), ENOTTY);
	close(fd);
}

static void test_sendfile(void)
{
	put_file("src", 0644, "0123456789");
	int in = open("src", O_RDONLY);
	int out = open("dst", O_RDWR | O_CREAT | O_TRUNC, 0644);
	char buf[16] = { 0 };
	off_t off = 2;
	bool ok = sendfile(out, in, &off, 5) == 5 && off == 7 && lseek(in, 0, SEEK_CUR) == 0 &&
		  pread(out, buf, sizeof(buf), 0) == 5 && !memcmp(buf, "23456", 5);
	CHECK("sendfile-with-offset", ok);
	lseek(in, 8, SEEK_SET);
	ok = sendfile(out, in, NULL, 100) == 2 && lseek(in, 0, SEEK_CUR) == 10 &&
	     pread(out, buf, sizeof(buf), 0) == 7 && !memcmp(buf, "2345689", 7);
	CHECK("sendfile-moves-offsets", ok);
	VAL("sendfile-at-eof-is-0", sendfile(out, in, NULL, 100), 0);
	ERR("sendfile-wronly-in-ebadf", sendfile(in, out, NULL, 1), EBADF);
	close(in);
	close(out);
}

int main(void)
{
	scratch_setup("fs_io");
	test_open_create();
	test_creat_openat();
	test_rw_family();
	test_sparse_truncate();
	test_sendfile();
	scratch_cleanup();
	test_end();
}
