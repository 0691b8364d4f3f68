/* ext2 read-only: the images made by mke2fs -d from tools/mkext2tree.sh's tree (1 KiB blocks
 * here, 4 KiB in ext2_read4k) are bound to loop devices and mounted read-only, and read back
 * exactly: small files, modes and hard links, a 300 KiB file through the indirect blocks, a
 * 70 MiB sparse file whose holes read as zeros, fast and slow symlinks, a FIFO, a 200-entry
 * directory through getdents, statfs, a private mapping; writes fail with EROFS, a second mount
 * EBUSY; the autoclear device goes at the unmount. Needs root. Runs on the host's Linux too
 * (USER_LINUX_TEST_NAMES): the images lie next to the program. */
#define _GNU_SOURCE
#include "test.h"
#include "loop_test.h"
#include <dirent.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#define BIG_SIZE (300 * 1024)
#define SPARSE_TAIL (70L << 20)

static char name[64]; /* the case name prefix: "1k" or "4k" */
static char mnt[128];

static const char *cname(const char *c)
{
	static char buf[128];
	snprintf(buf, sizeof(buf), "%s_%s", name, c);
	return buf;
}

static const char *at(const char *rel)
{
	static char buf[2][PATH_MAX];
	static int i;
	i ^= 1;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", mnt, rel);
	return buf[i];
}

static long read_file(const char *rel, char *buf, size_t size, long off)
{
	return test_pread_path(at(rel), buf, size, off);
}

static unsigned char pattern(long i)
{
	return (unsigned char)((i * 131 + (i >> 10)) & 0xff);
}

static void small_files(void)
{
	char buf[64] = { 0 };
	struct stat a, b;
	EXPECT(cname("hello_read"), read_file("hello.txt", buf, sizeof(buf), 0), 12);
	CHECK(cname("hello_bytes"), !memcmp(buf, "hello, ext2\n", 12));
	EXPECT(cname("deep_read"), read_file("dir/sub/deep.txt", buf, sizeof(buf), 0), 5);
	EXPECT(cname("hello_stat"), sys_res(stat(at("hello.txt"), &a)), 0);
	EXPECT(cname("link_stat"), sys_res(stat(at("link.txt"), &b)), 0);
	CHECK(cname("hard_link"), a.st_ino == b.st_ino && a.st_nlink == 2 && b.st_nlink == 2);
	EXPECT(cname("hello_mode"), a.st_mode, S_IFREG | 0640);
	EXPECT(cname("missing"), sys_res(open(at("nope"), O_RDONLY)), -ENOENT);
	EXPECT(cname("notdir"), sys_res(open(at("hello.txt/x"), O_RDONLY)), -ENOTDIR);
	EXPECT(cname("fifo"), sys_res(lstat(at("fifo"), &a)) == 0 && S_ISFIFO(a.st_mode), 1);
}

static void big_and_sparse(void)
{
	static char buf[BIG_SIZE + 1];
	long bad = -1;
	EXPECT(cname("big_read"), read_file("big", buf, sizeof(buf), 0), BIG_SIZE);
	for (long i = 0; i < BIG_SIZE && bad < 0; i++)
		if ((unsigned char)buf[i] != pattern(i))
			bad = i;
	EXPECT(cname("big_bytes"), bad, -1);
	struct stat st;
	stat(at("sparse"), &st);
	EXPECT(cname("sparse_size"), st.st_size, SPARSE_TAIL + 5);
	CHECK(cname("sparse_blocks"), st.st_blocks < 64);
	EXPECT(cname("hole_read"), read_file("sparse", buf, 8192, 1 << 20), 8192);
	bad = -1;
	for (long i = 0; i < 8192 && bad < 0; i++)
		if (buf[i])
			bad = i;
	EXPECT(cname("hole_zeros"), bad, -1);
	EXPECT(cname("tail_read"), read_file("sparse", buf, 100, SPARSE_TAIL - 2), 7);
	CHECK(cname("tail_bytes"), !memcmp(buf, "\0\0tail\n", 7));
	EXPECT(cname("past_end"), read_file("sparse", buf, 100, SPARSE_TAIL + 5), 0);
}

static void symlinks(void)
{
	char buf[256];
	long n = sys_res(readlink(at("fast"), buf, sizeof(buf)));
	CHECK(cname("fast_symlink"), n == 9 && !memcmp(buf, "hello.txt", 9));
	n = sys_res(readlink(at("slow"), buf, sizeof(buf)));
	CHECK(cname("slow_symlink"), n == 96 && !memcmp(buf + 80, "dir/sub/deep.txt", 16));
	EXPECT(cname("follow_fast"), read_file("fast", buf, sizeof(buf), 0), 12);
	EXPECT(cname("follow_slow"), read_file("slow", buf, sizeof(buf), 0), 5);
}

static void listing(void)
{
	DIR *d = opendir(at("dir/many"));
	struct dirent *e;
	int files = 0, dots = 0, bad_type = 0;
	while (d && (e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			dots++;
		else if (e->d_name[0] == 'f' && strlen(e->d_name) == 4)
			files += 1, bad_type += e->d_type != DT_REG;
	}
	if (d)
		closedir(d);
	CHECK(cname("readdir_many"), files == 200 && dots == 2 && !bad_type);
	/* a tiny buffer: getdents resumes where it stopped */
	int fd = open(at("dir/many"), O_RDONLY | O_DIRECTORY), total = 0;
	char buf[64];
	long n;
	while ((n = syscall(SYS_getdents64, fd, buf, sizeof(buf))) > 0)
		for (long off = 0; off < n; total++)
			off += *(unsigned short *)(buf + off + 16);
	close(fd);
	EXPECT(cname("getdents_small_buffer"), total, 202);
	struct stat st;
	stat(at("dir"), &st);
	CHECK(cname("dir_stat"), S_ISDIR(st.st_mode) && st.st_nlink == 4 && st.st_size > 0 &&
					 st.st_size % 1024 == 0);
}

static void fs_wide(void)
{
	struct statfs s;
	EXPECT(cname("statfs"), sys_res(statfs(mnt, &s)), 0);
	CHECK(cname("statfs_fields"), s.f_type == EXT2_SUPER_MAGIC && s.f_namelen == 255 &&
					      s.f_blocks > 0 && s.f_bfree < s.f_blocks &&
					      s.f_files > 0 && s.f_ffree < s.f_files);
	int fd = open(at("big"), O_RDONLY);
	unsigned char *p = mmap(NULL, BIG_SIZE, PROT_READ, MAP_PRIVATE, fd, 0);
	CHECK(cname("mmap"), p != MAP_FAILED && p[5000] == pattern(5000) &&
				     p[BIG_SIZE - 1] == pattern(BIG_SIZE - 1));
	if (p != MAP_FAILED)
		munmap(p, BIG_SIZE);
	close(fd);
	EXPECT(cname("write_erofs"), sys_res(open(at("hello.txt"), O_WRONLY)), -EROFS);
	EXPECT(cname("create_erofs"), sys_res(open(at("new"), O_CREAT | O_WRONLY, 0600)), -EROFS);
	EXPECT(cname("mkdir_erofs"), sys_res(mkdir(at("newdir"), 0700)), -EROFS);
	EXPECT(cname("unlink_erofs"), sys_res(unlink(at("hello.txt"))), -EROFS);
}

static void one_image(const char *img, const char *tag)
{
	char dir[PATH_MAX], path[PATH_MAX + 32], dev[64];
	snprintf(name, sizeof(name), "%s", tag);
	test_exe_dir(dir, sizeof(dir));
	snprintf(path, sizeof(path), "%s/%s", dir, img);
	int fd = loop_attach(path, LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR, dev, sizeof(dev));
	if (!test_result(cname("attach"), fd >= 0, "loop_attach(%s): %d", path, fd))
		return;
	snprintf(mnt, sizeof(mnt), "/tmp/ext2-read-%d", getpid());
	mkdir(mnt, 0700);
	EXPECT(cname("mount"), sys_res(mount(dev, mnt, "ext2", MS_RDONLY, NULL)), 0);
	close(fd); /* as mount -o loop: the mount keeps the autoclear device bound */
	EXPECT(cname("mount_again_busy"), sys_res(mount(dev, mnt, "ext2", MS_RDONLY, NULL)),
	       -EBUSY);
	small_files();
	big_and_sparse();
	symlinks();
	listing();
	fs_wide();
	EXPECT(cname("umount"), sys_res(umount(mnt)), 0);
	rmdir(mnt);
	EXPECT(cname("autoclear_at_umount"), wait_unbound(dev), -ENXIO);
}

/* ext2_read4k.c includes this file with EXT2_READ_4K: one image per program (at most 63
 * cases per program). */
int main(void)
{
	test_begin("ext2_read");
	if (geteuid() != 0) {
		printf("SKIP: user/ext2_read: needs root\n");
		test_end();
	}
#ifdef EXT2_READ_4K
	one_image("ext2-4k.img", "4k");
#else
	one_image("ext2-1k.img", "1k");
#endif
	test_end();
}
