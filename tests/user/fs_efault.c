/* EFAULT for every pointer argument of the file-system calls: each call is given a kernel
 * address and then an unmapped user address in one argument (the others valid), through the
 * raw system call so that libc touches nothing, and must fail with EFAULT and change nothing. */
#include "fs.h"
#include <sys/uio.h>

static int rfd, wfd, dfd; /* a file with data, a writable file, a directory with entries */
static const char *const V = "f"; /* a valid existing path */

static long t_open(void *p) { return syscall(SYS_open, p, O_RDONLY); }
static long t_open_creat(void *p) { return syscall(SYS_open, p, O_RDWR | O_CREAT, 0644); }
static long t_openat(void *p) { return syscall(SYS_openat, AT_FDCWD, p, O_RDONLY); }
static long t_creat(void *p) { return syscall(SYS_creat, p, 0644); }
static long t_read(void *p) { return syscall(SYS_pread64, rfd, p, 16, 0); }
static long t_read_plain(void *p) { lseek(rfd, 0, SEEK_SET); return syscall(SYS_read, rfd, p, 16); }
static long t_write(void *p) { return syscall(SYS_write, wfd, p, 16); }
static long t_pwrite(void *p) { return syscall(SYS_pwrite64, wfd, p, 16, 0); }
static long t_readv_iov(void *p) { lseek(rfd, 0, SEEK_SET); return syscall(SYS_readv, rfd, p, 1); }
static long t_readv_base(void *p)
{
	struct iovec v = { p, 16 };
	lseek(rfd, 0, SEEK_SET);
	return syscall(SYS_readv, rfd, &v, 1);
}
static long t_writev_iov(void *p) { return syscall(SYS_writev, wfd, p, 1); }
static long t_writev_base(void *p)
{
	struct iovec v = { p, 16 };
	return syscall(SYS_writev, wfd, &v, 1);
}
static long t_stat_path(void *p) { struct stat st; return syscall(SYS_stat, p, &st); }
static long t_stat_buf(void *p) { return syscall(SYS_stat, V, p); }
static long t_fstat_buf(void *p) { return syscall(SYS_fstat, rfd, p); }
static long t_lstat_path(void *p) { struct stat st; return syscall(SYS_lstat, p, &st); }
static long t_lstat_buf(void *p) { return syscall(SYS_lstat, V, p); }
static long t_fstatat_path(void *p) { struct stat st; return syscall(SYS_newfstatat, AT_FDCWD, p, &st, 0); }
static long t_fstatat_buf(void *p) { return syscall(SYS_newfstatat, AT_FDCWD, V, p, 0); }
static long t_statx_path(void *p) { char b[256]; return syscall(SYS_statx, AT_FDCWD, p, 0, 0x7ff, b); }
static long t_statx_buf(void *p) { return syscall(SYS_statx, AT_FDCWD, V, 0, 0x7ff, p); }
static long t_access(void *p) { return syscall(SYS_access, p, F_OK); }
static long t_faccessat(void *p) { return syscall(SYS_faccessat, AT_FDCWD, p, F_OK); }
static long t_getdents(void *p) { lseek(dfd, 0, SEEK_SET); return syscall(SYS_getdents64, dfd, p, 4096); }
static long t_mkdir(void *p) { return syscall(SYS_mkdir, p, 0755); }
static long t_mkdirat(void *p) { return syscall(SYS_mkdirat, AT_FDCWD, p, 0755); }
static long t_rmdir(void *p) { return syscall(SYS_rmdir, p); }
static long t_unlink(void *p) { return syscall(SYS_unlink, p); }
static long t_unlinkat(void *p) { return syscall(SYS_unlinkat, AT_FDCWD, p, 0); }
static long t_rename_old(void *p) { return syscall(SYS_rename, p, "new"); }
static long t_rename_new(void *p) { return syscall(SYS_rename, V, p); }
static long t_renameat_old(void *p) { return syscall(SYS_renameat, AT_FDCWD, p, AT_FDCWD, "new"); }
static long t_renameat_new(void *p) { return syscall(SYS_renameat, AT_FDCWD, V, AT_FDCWD, p); }
static long t_renameat2_old(void *p) { return syscall(SYS_renameat2, AT_FDCWD, p, AT_FDCWD, "new", 0); }
static long t_renameat2_new(void *p) { return syscall(SYS_renameat2, AT_FDCWD, V, AT_FDCWD, p, 0); }
static long t_link_old(void *p) { return syscall(SYS_link, p, "new"); }
static long t_link_new(void *p) { return syscall(SYS_link, V, p); }
static long t_linkat_old(void *p) { return syscall(SYS_linkat, AT_FDCWD, p, AT_FDCWD, "new", 0); }
static long t_linkat_new(void *p) { return syscall(SYS_linkat, AT_FDCWD, V, AT_FDCWD, p, 0); }
static long t_symlink_target(void *p) { return syscall(SYS_symlink, p, "new"); }
static long t_symlink_path(void *p) { return syscall(SYS_symlink, V, p); }
static long t_symlinkat_target(void *p) { return syscall(SYS_symlinkat, p, AT_FDCWD, "new"); }
static long t_symlinkat_path(void *p) { return syscall(SYS_symlinkat, V, AT_FDCWD, p); }
static long t_readlink_path(void *p) { char b[16]; return syscall(SYS_readlink, p, b, sizeof(b)); }
static long t_readlink_buf(void *p) { return syscall(SYS_readlink, "sym", p, 16); }
static long t_readlinkat_path(void *p) { char b[16]; return syscall(SYS_readlinkat, AT_FDCWD, p, b, 16); }
static long t_readlinkat_buf(void *p) { return syscall(SYS_readlinkat, AT_FDCWD, "sym", p, 16); }
static long t_chmod(void *p) { return syscall(SYS_chmod, p, 0600); }
static long t_fchmodat(void *p) { return syscall(SYS_fchmodat, AT_FDCWD, p, 0600); }
static long t_chown(void *p) { return syscall(SYS_chown, p, 1, 1); }
static long t_lchown(void *p) { return syscall(SYS_lchown, p, 1, 1); }
static long t_fchownat(void *p) { return syscall(SYS_fchownat, AT_FDCWD, p, 1, 1, 0); }
static long t_utimensat_path(void *p) { return syscall(SYS_utimensat, AT_FDCWD, p, NULL, 0); }
static long t_utimensat_times(void *p) { return syscall(SYS_utimensat, AT_FDCWD, V, p, 0); }
static long t_truncate(void *p) { return syscall(SYS_truncate, p, 0); }
static long t_chdir(void *p) { return syscall(SYS_chdir, p); }
static long t_getcwd(void *p) { return syscall(SYS_getcwd, p, 256); }
static long t_mount_source(void *p) { return syscall(SYS_mount, p, "m", "tmpfs", 0, NULL); }
static long t_mount_target(void *p) { return syscall(SYS_mount, "tmpfs", p, "tmpfs", 0, NULL); }
static long t_mount_type(void *p) { return syscall(SYS_mount, "tmpfs", "m", p, 0, NULL); }
static long t_mount_data(void *p) { return syscall(SYS_mount, "tmpfs", "m", "tmpfs", 0, p); }
static long t_umount2(void *p) { return syscall(SYS_umount2, p, 0); }
static long t_statfs_path(void *p) { char b[256]; return syscall(SYS_statfs, p, b); }
static long t_statfs_buf(void *p) { return syscall(SYS_statfs, V, p); }
static long t_fstatfs_buf(void *p) { return syscall(SYS_fstatfs, rfd, p); }
static long t_sendfile_off(void *p) { return syscall(SYS_sendfile, wfd, rfd, p, 4); }

struct efault_case {
	const char *name;
	long (*fn)(void *bad);
};

#define C(fn) { #fn + 2, fn }
static const struct efault_case cases[] = {
	C(t_open), C(t_open_creat), C(t_openat), C(t_creat), C(t_read), C(t_read_plain),
	C(t_write), C(t_pwrite), C(t_readv_iov), C(t_readv_base), C(t_writev_iov),
	C(t_writev_base), C(t_stat_path), C(t_stat_buf), C(t_fstat_buf), C(t_lstat_path),
	C(t_lstat_buf), C(t_fstatat_path), C(t_fstatat_buf), C(t_statx_path), C(t_statx_buf),
	C(t_access), C(t_faccessat), C(t_getdents), C(t_mkdir), C(t_mkdirat), C(t_rmdir),
	C(t_unlink), C(t_unlinkat), C(t_rename_old), C(t_rename_new), C(t_renameat_old),
	C(t_renameat_new), C(t_renameat2_old), C(t_renameat2_new), C(t_link_old), C(t_link_new),
	C(t_linkat_old), C(t_linkat_new), C(t_symlink_target), C(t_symlink_path),
	C(t_symlinkat_target), C(t_symlinkat_path), C(t_readlink_path), C(t_readlink_buf),
	C(t_readlinkat_path), C(t_readlinkat_buf), C(t_chmod), C(t_fchmodat), C(t_chown),
	C(t_lchown), C(t_fchownat), C(t_utimensat_path), C(t_utimensat_times), C(t_truncate),
	C(t_chdir), C(t_getcwd), C(t_mount_source), C(t_mount_target), C(t_mount_type),
	C(t_mount_data), C(t_umount2), C(t_statfs_path), C(t_statfs_buf), C(t_fstatfs_buf),
	C(t_sendfile_off),
};

/* Nothing changed: the fixtures are as made, no "new" name appeared, nothing mounted. */
static bool unchanged(void)
{
	struct stat st, m;
	char buf[32];
	return get_file("f", buf, sizeof(buf)) == 10 && !strcmp(buf, "0123456789") &&
	       stat("f", &st) == 0 && (st.st_mode & 07777) == 0644 && st.st_uid == 0 &&
	       access("new", F_OK) == -1 && stat("m", &m) == 0 && stat(".", &st) == 0 &&
	       m.st_dev == st.st_dev && access("m/x", F_OK) == 0;
}

/* The first half of the table runs in this program and the rest in fs_efault2, which builds
 * this file with EFAULT_SECOND_HALF (63 cases per program at most). */
#ifndef EFAULT_SECOND_HALF
#define EFAULT_SECOND_HALF 0
#endif

int main(void)
{
	size_t n = sizeof(cases) / sizeof(cases[0]), half = n / 2;
	bool second = EFAULT_SECOND_HALF;
	scratch_setup(second ? "fs_efault2" : "fs_efault");
	put_file("f", 0644, "0123456789");
	put_file("w", 0644, "");
	symlink("f", "sym");
	mkdir("m", 0755);
	put_file("m/x", 0644, "");
	rfd = open("f", O_RDONLY);
	wfd = open("w", O_WRONLY);
	dfd = open(".", O_RDONLY | O_DIRECTORY);
	for (size_t i = second ? half : 0; i < (second ? n : half); i++) {
		errno = 0;
		long rk = cases[i].fn(KERNEL_PTR);
		int ek = errno;
		errno = 0;
		long ru = cases[i].fn(UNMAPPED_PTR);
		int eu = errno;
		test_result(cases[i].name, rk == -1 && ek == EFAULT && ru == -1 && eu == EFAULT,
			    "kernel pointer: %ld errno %d, unmapped: %ld errno %d", rk, ek, ru, eu);
	}
	struct stat st;
	bool ok = unchanged() && fstat(wfd, &st) == 0 && st.st_size == 0;
	CHECK("nothing-changed", ok);
	char cwd[256];
	ok = getcwd(cwd, sizeof(cwd)) && !strcmp(cwd, scratch);
	CHECK("cwd-unchanged", ok);
	close(rfd);
	close(wfd);
	close(dfd);
	scratch_cleanup();
	test_end();
}
