/* EBADF for every descriptor-taking file-system call, given a closed descriptor, -1 and a
 * number far past the table; plus the access-mode EBADFs (writing a read-only descriptor and
 * so on) and *at calls with a bad dirfd. */
#include "fs.h"
#include <sys/ioctl.h>
#include <sys/uio.h>

static int good; /* an open file, read-write */
static char buf[64];

static long b_read(int fd) { return syscall(SYS_read, fd, buf, 1); }
static long b_write(int fd) { return syscall(SYS_write, fd, "x", 1); }
static long b_pread(int fd) { return syscall(SYS_pread64, fd, buf, 1, 0); }
static long b_pwrite(int fd) { return syscall(SYS_pwrite64, fd, "x", 1, 0); }
static long b_readv(int fd) { struct iovec v = { buf, 1 }; return syscall(SYS_readv, fd, &v, 1); }
static long b_writev(int fd) { struct iovec v = { "x", 1 }; return syscall(SYS_writev, fd, &v, 1); }
static long b_close(int fd) { return syscall(SYS_close, fd); }
static long b_lseek(int fd) { return syscall(SYS_lseek, fd, 0, SEEK_SET); }
static long b_fstat(int fd) { struct stat st; return syscall(SYS_fstat, fd, &st); }
static long b_fstatfs(int fd) { return syscall(SYS_fstatfs, fd, buf); }
static long b_fsync(int fd) { return syscall(SYS_fsync, fd); }
static long b_fdatasync(int fd) { return syscall(SYS_fdatasync, fd); }
static long b_ftruncate(int fd) { return syscall(SYS_ftruncate, fd, 0); }
static long b_fchmod(int fd) { return syscall(SYS_fchmod, fd, 0644); }
static long b_fchown(int fd) { return syscall(SYS_fchown, fd, 0, 0); }
static long b_fchdir(int fd) { return syscall(SYS_fchdir, fd); }
static long b_getdents(int fd) { return syscall(SYS_getdents64, fd, buf, sizeof(buf)); }
static long b_dup(int fd) { return syscall(SYS_dup, fd); }
static long b_dup2(int fd) { return syscall(SYS_dup2, fd, 50); }
static long b_dup3(int fd) { return syscall(SYS_dup3, fd, 50, 0); }
static long b_fcntl(int fd) { return syscall(SYS_fcntl, fd, F_GETFL); }
static long b_ioctl(int fd) { int n; return syscall(SYS_ioctl, fd, FIONREAD, &n); }
static long b_sendfile_in(int fd) { return syscall(SYS_sendfile, good, fd, NULL, 1); }
static long b_sendfile_out(int fd) { return syscall(SYS_sendfile, fd, good, NULL, 1); }
static long b_futimens(int fd) { return syscall(SYS_utimensat, fd, NULL, NULL, 0); }
static long b_openat(int fd) { return syscall(SYS_openat, fd, "f", O_RDONLY); }
static long b_mkdirat(int fd) { return syscall(SYS_mkdirat, fd, "nd", 0755); }
static long b_unlinkat(int fd) { return syscall(SYS_unlinkat, fd, "f", 0); }
static long b_renameat(int fd) { return syscall(SYS_renameat, fd, "f", AT_FDCWD, "g"); }
static long b_renameat_new(int fd) { return syscall(SYS_renameat, AT_FDCWD, "f", fd, "g"); }
static long b_linkat(int fd) { return syscall(SYS_linkat, fd, "f", AT_FDCWD, "g", 0); }
static long b_symlinkat(int fd) { return syscall(SYS_symlinkat, "f", fd, "g"); }
static long b_readlinkat(int fd) { return syscall(SYS_readlinkat, fd, "s", buf, sizeof(buf)); }
static long b_fstatat(int fd) { struct stat st; return syscall(SYS_newfstatat, fd, "f", &st, 0); }
static long b_fstatat_empty(int fd) { struct stat st; return syscall(SYS_newfstatat, fd, "", &st, AT_EMPTY_PATH); }
static long b_statx(int fd) { return syscall(SYS_statx, fd, "f", 0, 0x7ff, buf); }
static long b_faccessat(int fd) { return syscall(SYS_faccessat, fd, "f", F_OK); }
static long b_fchmodat(int fd) { return syscall(SYS_fchmodat, fd, "f", 0644); }
static long b_fchownat(int fd) { return syscall(SYS_fchownat, fd, "f", 0, 0, 0); }
static long b_utimensat(int fd) { return syscall(SYS_utimensat, fd, "f", NULL, 0); }

struct badfd_case {
	const char *name;
	long (*fn)(int fd);
};
#define C(fn) { #fn + 2, fn }
static const struct badfd_case cases[] = {
	C(b_read), C(b_write), C(b_pread), C(b_pwrite), C(b_readv), C(b_writev), C(b_close),
	C(b_lseek), C(b_fstat), C(b_fstatfs), C(b_fsync), C(b_fdatasync), C(b_ftruncate),
	C(b_fchmod), C(b_fchown), C(b_fchdir), C(b_getdents), C(b_dup), C(b_dup2), C(b_dup3),
	C(b_fcntl), C(b_ioctl), C(b_sendfile_in), C(b_sendfile_out), C(b_futimens), C(b_openat),
	C(b_mkdirat), C(b_unlinkat), C(b_renameat), C(b_renameat_new), C(b_linkat),
	C(b_symlinkat), C(b_readlinkat), C(b_fstatat), C(b_fstatat_empty), C(b_statx),
	C(b_faccessat), C(b_fchmodat), C(b_fchownat), C(b_utimensat),
};

static void test_bad_numbers(void)
{
	int closed = open("f", O_RDONLY);
	close(closed);
	const int bad[3] = { closed, -1, 1 << 20 };
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		long r[3];
		int e[3];
		for (int k = 0; k < 3; k++) {
			errno = 0;
			r[k] = cases[i].fn(bad[k]);
			e[k] = errno;
		}
		bool ok = true;
		for (int k = 0; k < 3; k++)
			ok = ok && r[k] == -1 && e[k] == EBADF;
		test_result(cases[i].name, ok, "closed fd: %ld errno %d; -1: %ld errno %d; "
			    "1<<20: %ld errno %d", r[0], e[0], r[1], e[1], r[2], e[2]);
	}
}

static void test_access_modes(void)
{
	int ro = open("f", O_RDONLY), wo = open("f", O_WRONLY);
	ERR("write-rdonly-ebadf", write(ro, "x", 1), EBADF);
	ERR("pwrite-rdonly-ebadf", pwrite(ro, "x", 1, 0), EBADF);
	ERR("read-wronly-ebadf", read(wo, buf, 1), EBADF);
	ERR("pread-wronly-ebadf", pread(wo, buf, 1, 0), EBADF);
	ERR("sendfile-out-rdonly-ebadf", syscall(SYS_sendfile, ro, ro, NULL, 1), EBADF);
	ERR("sendfile-in-wronly-ebadf", syscall(SYS_sendfile, wo, wo, NULL, 1), EBADF);
	char s[32];
	bool ok = get_file("f", s, sizeof(s)) == 5 && !strcmp(s, "hello");
	CHECK("refused-writes-changed-nothing", ok);
	close(ro);
	close(wo);
}

int main(void)
{
	scratch_setup("fs_badfd");
	put_file("f", 0644, "hello");
	symlink("f", "s");
	good = open("f", O_RDWR);
	test_bad_numbers();
	test_access_modes();
	struct stat st;
	bool ok = access("nd", F_OK) == -1 && access("g", F_OK) == -1 && stat("f", &st) == 0 &&
		  st.st_size == 5;
	CHECK("bad-dirfds-changed-nothing", ok);
	close(good);
	scratch_cleanup();
	test_end();
}
