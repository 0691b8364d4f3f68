/* The devices every program expects: /dev/null, /dev/zero, /dev/full (ENOSPC on write) and
 * /dev/urandom, as character devices with Linux's numbers, read and written through
 * ordinary descriptors, and /dev/null standing in for stdin. */
#include "fs.h"
#include <sys/ioctl.h>
#include <sys/sysmacros.h>
#include <termios.h>

static bool is_chr(const char *path, unsigned maj, unsigned min)
{
	struct stat st;
	return stat(path, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) == maj &&
	       minor(st.st_rdev) == min;
}

static bool all_bytes(const char *p, size_t n, char c)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != c)
			return false;
	return true;
}

static void test_null(void)
{
	CHECK("dev-null-is-chr-1-3", is_chr("/dev/null", 1, 3));
	int fd = open("/dev/null", O_RDWR);
	char buf[128];
	VAL("dev-null-write-swallows", write(fd, "abc", 3), 3);
	VAL("dev-null-read-eof", read(fd, buf, sizeof(buf)), 0);
	VAL("dev-null-lseek", lseek(fd, 100, SEEK_SET), 0);
	ERR("dev-null-ioctl-enotty", ioctl(fd, TCGETS, &(struct termios){ 0 }), ENOTTY);
	close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		int n = open("/dev/null", O_RDONLY);
		if (dup2(n, 0) != 0)
			_exit(1);
		_exit(getchar() == EOF && feof(stdin) ? 0 : 2);
	}
	CHECK("dev-null-as-stdin-eof", child_ok(pid));
}

static void test_zero_full(void)
{
	CHECK("dev-zero-is-chr-1-5", is_chr("/dev/zero", 1, 5));
	static char big[100000];
	memset(big, 0x5a, sizeof(big));
	int fd = open("/dev/zero", O_RDWR);
	bool ok = read(fd, big, sizeof(big)) == (ssize_t)sizeof(big) &&
		  all_bytes(big, sizeof(big), 0);
	CHECK("dev-zero-reads-zeros", ok);
	VAL("dev-zero-write-swallows", write(fd, "abc", 3), 3);
	close(fd);

	CHECK("dev-full-is-chr-1-7", is_chr("/dev/full", 1, 7));
	fd = open("/dev/full", O_RDWR);
	ERR("dev-full-write-enospc", write(fd, "abc", 3), ENOSPC);
	memset(big, 1, 512);
	ok = read(fd, big, 512) == 512 && all_bytes(big, 512, 0);
	CHECK("dev-full-reads-zeros", ok);
	close(fd);
}

static void test_urandom(void)
{
	CHECK("dev-urandom-is-chr-1-9", is_chr("/dev/urandom", 1, 9));
	int fd = open("/dev/urandom", O_RDONLY);
	char a[64], b[64];
	bool ok = read(fd, a, sizeof(a)) == sizeof(a) && read(fd, b, sizeof(b)) == sizeof(b) &&
		  memcmp(a, b, sizeof(a)) && !all_bytes(a, sizeof(a), 0);
	CHECK("dev-urandom-reads-differ", ok);
	static char big[65536];
	int counts[256] = { 0 }, empty = 0;
	ok = read(fd, big, sizeof(big)) == sizeof(big);
	for (size_t i = 0; i < sizeof(big); i++)
		counts[(unsigned char)big[i]]++;
	for (int i = 0; i < 256; i++)
		empty += counts[i] == 0;
	test_result("dev-urandom-64k-every-byte-value", ok && empty == 0, "%d values missing", empty);
	close(fd);
}

static void test_dev_dir(void)
{
	struct stat st;
	bool ok = stat("/dev", &st) == 0 && S_ISDIR(st.st_mode);
	CHECK("dev-is-dir", ok);
	ERR("dev-missing-enoent", open("/dev/no-such-device", O_RDONLY), ENOENT);
	ok = access("/dev/null", R_OK | W_OK) == 0 && stat("/dev/null", &st) == 0 &&
	     (st.st_mode & 0666) == 0666;
	CHECK("dev-null-world-writable", ok);
}

int main(void)
{
	test_begin("fs_dev");
	test_null();
	test_zero_full();
	test_urandom();
	test_dev_dir();
	test_end();
}
