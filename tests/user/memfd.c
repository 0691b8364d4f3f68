/* memfd_create(2) and file seals (fcntl F_ADD_SEALS / F_GET_SEALS): flags, names and errors,
 * the file as a file (read, write, truncate, shared mappings, /proc/self/fd), and each seal
 * against write, truncate, mmap, mprotect and chmod, with F_SEAL_WRITE's EBUSY while a writable
 * shared mapping exists. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#ifndef F_SEAL_FUTURE_WRITE
#define F_SEAL_FUTURE_WRITE 0x0010
#endif
#ifndef F_SEAL_EXEC
#define F_SEAL_EXEC 0x0020
#endif
#ifndef MFD_NOEXEC_SEAL
#define MFD_NOEXEC_SEAL 0x0008U
#define MFD_EXEC 0x0010U
#endif
#ifndef FALLOC_FL_ZERO_RANGE
#define FALLOC_FL_ZERO_RANGE 0x10
#endif
#define SZ 8192

static int mfd(const char *name, unsigned flags)
{
	return (int)syscall(SYS_memfd_create, name, flags);
}

static long seals(int fd)
{
	return sys_res(fcntl(fd, F_GET_SEALS));
}

static long add(int fd, int s)
{
	return sys_res(fcntl(fd, F_ADD_SEALS, s));
}

static bool map_fails(int fd, int prot, int err)
{
	void *p = mmap(NULL, SZ, prot, MAP_SHARED, fd, 0);
	if (p != MAP_FAILED)
		munmap(p, SZ);
	return p == MAP_FAILED && errno == err;
}

static void test_create(void)
{
	int fd = mfd("test", 0);
	struct stat st;
	CHECK("create", fd >= 0 && !(fcntl(fd, F_GETFD) & FD_CLOEXEC) &&
				(fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	CHECK("fstat", fstat(fd, &st) == 0 && S_ISREG(st.st_mode) && (st.st_mode & 07777) == 0777 &&
			       st.st_size == 0);
	char link[64] = "", path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	long n = readlink(path, link, sizeof(link) - 1);
	CHECK("proc_fd_name", n > 0 && !strcmp(link, "/memfd:test (deleted)"));
	char buf[8] = "";
	CHECK("write_read", write(fd, "hello", 5) == 5 && pread(fd, buf, 5, 0) == 5 &&
				    !memcmp(buf, "hello", 5));
	CHECK("ftruncate", ftruncate(fd, SZ) == 0 && fstat(fd, &st) == 0 && st.st_size == SZ);
	char *p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	CHECK("mmap_shared", p != MAP_FAILED && p[0] == 'h');
	if (p != MAP_FAILED) {
		p[1] = 'a';
		CHECK("mmap_write_seen", pread(fd, buf, 2, 0) == 2 && buf[1] == 'a');
		munmap(p, SZ);
	}
	int again = open(path, O_RDWR);
	CHECK("reopen_by_proc", again >= 0 && pread(again, buf, 2, 0) == 2 && buf[0] == 'h');
	close(again);
	close(fd);
	fd = mfd("c", MFD_CLOEXEC);
	CHECK("cloexec", fd >= 0 && (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	close(fd);
	fd = mfd("", 0);
	CHECK("empty_name", fd >= 0);
	close(fd);
	char longname[300];
	memset(longname, 'x', sizeof(longname));
	longname[249] = 0;
	fd = mfd(longname, 0);
	CHECK("name_249", fd >= 0);
	close(fd);
	longname[249] = 'x';
	longname[250] = 0;
	EXPECT("name_250_einval", sys_res(mfd(longname, 0)), -EINVAL);
	EXPECT("bad_flags", sys_res(mfd("x", 0x100)), -EINVAL);
	EXPECT("exec_and_noexec", sys_res(mfd("x", MFD_EXEC | MFD_NOEXEC_SEAL)), -EINVAL);
	EXPECT("bad_name_ptr", sys_res(mfd(UNMAPPED_PTR, 0)), -EFAULT);
}

static void test_no_sealing(void)
{
	int fd = mfd("nosealing", 0);
	EXPECT("no_sealing_has_seal_seal", seals(fd), F_SEAL_SEAL);
	EXPECT("no_sealing_add_eperm", add(fd, F_SEAL_WRITE), -EPERM);
	close(fd);
	int p[2];
	if (pipe(p) == 0) {
		EXPECT("get_seals_pipe", seals(p[0]), -EINVAL);
		close(p[0]);
		close(p[1]);
	}
}

static void test_seal_write(void)
{
	int fd = mfd("w", MFD_ALLOW_SEALING);
	(void)!ftruncate(fd, SZ);
	EXPECT("sealing_none", seals(fd), 0);
	EXPECT("add_bad_seal", add(fd, 0x100), -EINVAL);
	void *p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT("write_seal_busy", add(fd, F_SEAL_WRITE), -EBUSY);
	munmap(p, SZ);
	p = mmap(NULL, SZ, PROT_READ, MAP_PRIVATE, fd, 0);
	EXPECT("write_seal", add(fd, F_SEAL_WRITE), 0);
	munmap(p, SZ);
	EXPECT("write_sealed", seals(fd), F_SEAL_WRITE);
	CHECK("write_eperm", write(fd, "x", 1) < 0 && errno == EPERM);
	CHECK("mmap_rw_eperm", map_fails(fd, PROT_READ | PROT_WRITE, EPERM));
	CHECK("mmap_w_eperm", map_fails(fd, PROT_WRITE, EPERM));
	p = mmap(NULL, SZ, PROT_READ, MAP_SHARED, fd, 0);
	CHECK("mprotect_eacces", p != MAP_FAILED && mprotect(p, SZ, PROT_READ | PROT_WRITE) < 0 &&
					 errno == EACCES);
	munmap(p, SZ);
	CHECK("write_seal_truncates", ftruncate(fd, SZ / 2) == 0 && ftruncate(fd, SZ) == 0);
	int dup_fd = dup(fd);
	EXPECT("dup_shares", add(dup_fd, F_SEAL_SEAL), 0);
	EXPECT("seal_seal", seals(fd), F_SEAL_WRITE | F_SEAL_SEAL);
	EXPECT("sealed_add_eperm", add(fd, F_SEAL_GROW), -EPERM);
	close(dup_fd);
	close(fd);
}

static void test_seal_size(void)
{
	int fd = mfd("s", MFD_ALLOW_SEALING);
	(void)!ftruncate(fd, SZ);
	EXPECT("shrink_seal", add(fd, F_SEAL_SHRINK), 0);
	CHECK("shrink_eperm", ftruncate(fd, SZ / 2) < 0 && errno == EPERM);
	CHECK("shrink_sealed_grows", ftruncate(fd, 2 * SZ) == 0);
	EXPECT("grow_seal", add(fd, F_SEAL_GROW), 0);
	CHECK("grow_eperm", ftruncate(fd, 4 * SZ) < 0 && errno == EPERM);
	char buf[16] = "abc";
	/* Page by page: the part within the file is written. */
	CHECK("grow_by_write_partial", pwrite(fd, buf, sizeof(buf), 2 * SZ - 8) == 8);
	CHECK("grow_by_write_eperm", pwrite(fd, buf, 1, 2 * SZ) < 0 && errno == EPERM);
	CHECK("write_inside_ok", pwrite(fd, buf, sizeof(buf), 0) == (long)sizeof(buf));
	EXPECT("same_size_ok", sys_res(ftruncate(fd, 2 * SZ)), 0);
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int ro = open(path, O_RDONLY);
	EXPECT("add_on_rdonly_eperm", add(ro, F_SEAL_SEAL), -EPERM);
	EXPECT("open_shares", seals(ro), F_SEAL_SHRINK | F_SEAL_GROW);
	close(ro);
	close(fd);
}

static void test_future_write_and_exec(void)
{
	int fd = mfd("f", MFD_ALLOW_SEALING);
	(void)!ftruncate(fd, SZ);
	void *p = mmap(NULL, SZ, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	EXPECT("future_write_while_mapped", add(fd, F_SEAL_FUTURE_WRITE), 0);
	CHECK("future_write_eperm", write(fd, "x", 1) < 0 && errno == EPERM);
	CHECK("future_write_mmap_eperm", map_fails(fd, PROT_READ | PROT_WRITE, EPERM));
	munmap(p, SZ);
	close(fd);
	fd = mfd("n", MFD_NOEXEC_SEAL);
	struct stat st;
	CHECK("noexec_mode", fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0666);
	EXPECT("noexec_seals", seals(fd), F_SEAL_EXEC);
	CHECK("noexec_chmod_eperm", fchmod(fd, 0777) < 0 && errno == EPERM);
	CHECK("noexec_chmod_other_bits", fchmod(fd, 0644) == 0);
	close(fd);
	fd = mfd("e", MFD_ALLOW_SEALING | MFD_EXEC);
	EXPECT("exec_seal", add(fd, F_SEAL_EXEC), 0);
	EXPECT("exec_seal_implies_write",
	       seals(fd), F_SEAL_EXEC | F_SEAL_SHRINK | F_SEAL_GROW | F_SEAL_WRITE |
				  F_SEAL_FUTURE_WRITE);
	close(fd);
}

/* fallocate on a memfd (tmpfs): allocate (growing or not), punch holes, the seals, errors. */
static void test_fallocate(void)
{
	int fd = mfd("fa", MFD_ALLOW_SEALING);
	struct stat st;
	CHECK("fallocate_grows", fallocate(fd, 0, 0, SZ) == 0 && fstat(fd, &st) == 0 &&
					 st.st_size == SZ);
	CHECK("fallocate_keep_size", fallocate(fd, FALLOC_FL_KEEP_SIZE, 0, 4 * SZ) == 0 &&
					     fstat(fd, &st) == 0 && st.st_size == SZ);
	char buf[8] = "";
	(void)!pwrite(fd, "abcdefgh", 8, 100);
	CHECK("punch_hole_zeroes",
	      fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 102, 4) == 0 &&
		      pread(fd, buf, 8, 100) == 8 && !memcmp(buf, "ab\0\0\0\0gh", 8));
	EXPECT("punch_without_keep", sys_res(fallocate(fd, FALLOC_FL_PUNCH_HOLE, 0, 1)),
	       -EOPNOTSUPP);
	EXPECT("zero_range_unsupported", sys_res(fallocate(fd, FALLOC_FL_ZERO_RANGE, 0, 1)),
	       -EOPNOTSUPP);
	EXPECT("fallocate_zero_len", sys_res(fallocate(fd, 0, 0, 0)), -EINVAL);
	add(fd, F_SEAL_GROW | F_SEAL_WRITE);
	EXPECT("fallocate_grow_sealed", sys_res(fallocate(fd, 0, 0, 2 * SZ)), -EPERM);
	EXPECT("punch_write_sealed",
	       sys_res(fallocate(fd, FALLOC_FL_PUNCH_HOLE | FALLOC_FL_KEEP_SIZE, 0, 1)), -EPERM);
	char path[32];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	int ro = open(path, O_RDONLY);
	EXPECT("fallocate_rdonly_ebadf", sys_res(fallocate(ro, 0, 0, 1)), -EBADF);
	close(ro);
	close(fd);
}

/* A regular tmpfs file has F_SEAL_SEAL, as Linux's shmem files. */
static void test_tmpfs_file(void)
{
	const char *dir = test_tmpfs_dir();
	if (!dir)
		return;
	char path[64];
	snprintf(path, sizeof(path), "%s/memfd_test_%d", dir, getpid());
	int fd = open(path, O_CREAT | O_RDWR, 0600);
	EXPECT("tmpfs_file_seal_seal", seals(fd), F_SEAL_SEAL);
	EXPECT("tmpfs_file_add_eperm", add(fd, F_SEAL_WRITE), -EPERM);
	close(fd);
	unlink(path);
}

int main(void)
{
	test_begin("memfd");
	test_create();
	test_no_sealing();
	test_seal_write();
	test_seal_size();
	test_future_write_and_exec();
	test_fallocate();
	test_tmpfs_file();
	test_end();
}
