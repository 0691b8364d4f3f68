/* ext2 read-write: a copy of the 1 KiB-block test image is mounted read-write over a loop device
 * and changed with every kind of call: write/append/pwrite past the end (a hole), truncate,
 * create, mkdir, rename (files and directories, with ".." following), link, unlink (of an open
 * file too), fast and slow symlinks, mknod of a FIFO, rmdir (ENOTEMPTY), chmod/chown/utimes,
 * a file through triple-indirect blocks, statfs's free counts, ENOSPC with nothing lost; then
 * unmounted (the superblock says clean again; it says "not clean" while mounted), mounted
 * again and read back. Needs root. Runs on the host's Linux too. ext2_disk.c runs the same on
 * a part of the scratch disk, which the host then checks with e2fsck -fn. */
#define _GNU_SOURCE
#include "test.h"
#include "loop_test.h"
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/time.h>

#define SB_STATE_OFF (1024 + 58)

static char img[128], mnt[128], dev[64];

static const char *at(const char *rel)
{
	static char buf[4][PATH_MAX];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", mnt, rel);
	return buf[i];
}

static int sb_state(void)
{
	unsigned short st = 0xffff;
	int fd = open(dev, O_RDONLY);
	pread(fd, &st, sizeof(st), SB_STATE_OFF);
	close(fd);
	return st;
}

static long put(const char *rel, const void *buf, size_t len, long off, int flags)
{
	int fd = open(at(rel), O_WRONLY | O_CREAT | flags, 0644);
	if (fd < 0)
		return -errno;
	long n = sys_res(off < 0 ? write(fd, buf, len) : pwrite(fd, buf, len, off));
	close(fd);
	return n;
}

static long get(const char *rel, void *buf, size_t len, long off)
{
	return test_pread_path(at(rel), buf, len, off);
}

static bool is_pattern(const unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != (unsigned char)(i * seed + 7))
			return false;
	return true;
}

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(i * seed + 7);
}

static unsigned long long free_blocks(void)
{
	struct statfs s;
	return statfs(mnt, &s) ? 0 : s.f_bfree;
}

static void files(void)
{
	static unsigned char a[200 * 1024], b[200 * 1024];
	fill(a, sizeof(a), 13);
	unsigned long long before = free_blocks();
	EXPECT("write", put("f", a, 5000, -1, O_TRUNC), 5000);
	EXPECT("append", put("f", a + 5000, 3000, -1, O_APPEND), 3000);
	EXPECT("read_back", get("f", b, sizeof(b), 0), 8000);
	CHECK("read_back_bytes", is_pattern(b, 8000, 13));
	EXPECT("pwrite_past_end", put("f", "end", 3, 100 * 1024, 0), 3);
	struct stat st;
	stat(at("f"), &st);
	CHECK("hole_size_blocks", st.st_size == 100 * 1024 + 3 && st.st_blocks < 40);
	EXPECT("hole_read", get("f", b, 4096, 50 * 1024), 4096);
	CHECK("hole_zeros", b[0] == 0 && b[4095] == 0 && !memcmp(b, b + 1, 4095));
	EXPECT("truncate", sys_res(truncate(at("f"), 3000)), 0);
	EXPECT("extend", sys_res(truncate(at("f"), 6000)), 0);
	EXPECT("after_truncate", get("f", b, sizeof(b), 0), 6000);
	CHECK("after_truncate_bytes", is_pattern(b, 3000, 13) && b[3000] == 0 && b[5999] == 0);
	EXPECT("big_write", put("big2", a, sizeof(a), -1, O_TRUNC), sizeof(a));
	CHECK("statfs_used", free_blocks() + 200 <= before);
	EXPECT("big_read", get("big2", b, sizeof(b), 0), sizeof(b));
	CHECK("big_bytes", is_pattern(b, sizeof(b), 13));
	EXPECT("triple_indirect", put("far", "x", 1, 70L << 20, O_TRUNC), 1);
	CHECK("triple_read", get("far", b, 2, (70L << 20) - 1) == 2 && b[0] == 0 && b[1] == 'x');
	unlink(at("far"));
	unlink(at("big2"));
	truncate(at("f"), 0);
	EXPECT("statfs_freed", free_blocks(), before);
}

static void names(void)
{
	struct stat st, st2;
	EXPECT("mkdir", sys_res(mkdir(at("a"), 0755)), 0);
	EXPECT("mkdir_nested", sys_res(mkdir(at("a/b"), 0700)), 0);
	EXPECT("rename_file", sys_res(rename(at("f"), at("a/b/g"))), 0);
	EXPECT("rename_dir", sys_res(rename(at("a"), at("c"))), 0);
	EXPECT("moved_file", sys_res(stat(at("c/b/g"), &st)), 0);
	EXPECT("move_dir_across", sys_res(rename(at("c/b"), at("dir/b"))), 0);
	stat(at("dir/b/.."), &st);
	stat(at("dir"), &st2);
	CHECK("dotdot_follows", st.st_ino == st2.st_ino && st2.st_nlink == 5);
	stat(at("c"), &st);
	EXPECT("old_parent_links", st.st_nlink, 2);
	EXPECT("link", sys_res(link(at("dir/b/g"), at("g2"))), 0);
	stat(at("g2"), &st);
	EXPECT("link_count", st.st_nlink, 2);
	EXPECT("rename_over", sys_res(rename(at("hello.txt"), at("g2"))), 0);
	stat(at("dir/b/g"), &st);
	EXPECT("replaced_link_count", st.st_nlink, 1);
	EXPECT("symlink_fast", sys_res(symlink("g2", at("s1"))), 0);
	char target[300], got[300];
	memset(target, 'x', 200);
	target[200] = 0;
	EXPECT("symlink_slow", sys_res(symlink(target, at("s2"))), 0);
	CHECK("readlink_fast", readlink(at("s1"), got, sizeof(got)) == 2 && !memcmp(got, "g2", 2));
	CHECK("readlink_slow", readlink(at("s2"), got, sizeof(got)) == 200 &&
				       !memcmp(got, target, 200));
	EXPECT("mkfifo", sys_res(mkfifo(at("p"), 0600)), 0);
	CHECK("fifo_type", lstat(at("p"), &st) == 0 && S_ISFIFO(st.st_mode));
	EXPECT("rmdir_notempty", sys_res(rmdir(at("dir"))), -ENOTEMPTY);
	CHECK("rmdir", rmdir(at("c")) == 0 && stat(at("c"), &st) == -1 && errno == ENOENT);
}

static void attrs_and_open_unlink(void)
{
	struct stat st;
	struct timeval tv[2] = { { 1000000, 0 }, { 2000000, 0 } };
	EXPECT("chmod", sys_res(chmod(at("g2"), 0600)), 0);
	EXPECT("chown", sys_res(chown(at("g2"), 1234, 5678)), 0);
	EXPECT("utimes", sys_res(utimes(at("g2"), tv)), 0);
	stat(at("g2"), &st);
	CHECK("attrs", (st.st_mode & 07777) == 0600 && st.st_uid == 1234 && st.st_gid == 5678 &&
			       st.st_mtime == 2000000 && st.st_atime == 1000000);
	unsigned long long before = free_blocks();
	static unsigned char a[64 * 1024];
	fill(a, sizeof(a), 5);
	put("open_unlinked", a, sizeof(a), -1, O_TRUNC);
	int fd = open(at("open_unlinked"), O_RDONLY);
	EXPECT("unlink_open", sys_res(unlink(at("open_unlinked"))), 0);
	static unsigned char b[64 * 1024];
	EXPECT("read_unlinked", sys_res(pread(fd, b, sizeof(b), 0)), sizeof(b));
	CHECK("still_counted", free_blocks() < before);
	close(fd);
	EXPECT("freed_at_close", free_blocks(), before);
	char proc[64];
	fd = open(mnt, O_TMPFILE | O_RDWR, 0600);
	snprintf(proc, sizeof(proc), "/proc/self/fd/%d", fd);
	bool ok = fd >= 0 && write(fd, "tmp", 3) == 3 &&
		  linkat(AT_FDCWD, proc, AT_FDCWD, at("named"), AT_SYMLINK_FOLLOW) == 0;
	close(fd);
	char buf[8];
	CHECK("tmpfile_linkat", ok && get("named", buf, sizeof(buf), 0) == 3);
}

static void enospc(void)
{
	static unsigned char a[256 * 1024];
	fill(a, sizeof(a), 3);
	int fd = open(at("filler"), O_WRONLY | O_CREAT | O_TRUNC, 0600);
	long total = 0, n;
	while ((n = write(fd, a, sizeof(a))) > 0)
		total += n;
	int err = errno;
	close(fd);
	EXPECT("enospc", n < 0 ? -err : n, -ENOSPC);
	struct stat st;
	stat(at("filler"), &st);
	EXPECT("enospc_size", st.st_size, total);
	static unsigned char b[256 * 1024];
	EXPECT("enospc_data", get("filler", b, sizeof(b), 0), sizeof(b));
	CHECK("enospc_bytes", !memcmp(a, b, sizeof(b)));
	unlink(at("filler"));
}

static bool do_mount(void)
{
	return mount(dev, mnt, "ext2", 0, NULL) == 0;
}

int main(void)
{
#ifdef EXT2_ON_DISK
	test_begin("ext2_disk");
#else
	test_begin("ext2_write");
#endif
	if (geteuid() != 0) {
		printf("SKIP: user/%s: needs root\n", test_area);
		test_end();
	}
	snprintf(mnt, sizeof(mnt), "/tmp/ext2-write-%d", getpid());
#ifdef EXT2_ON_DISK
	/* 4 MiB at 6.5 MiB into the scratch disk's vda2 (past what tests/user/blkdev.c writes),
	 * which the host filled with the image and checks with e2fsck afterwards
	 * (tools/ext2_scratch.sh): a loop device over a block device */
	snprintf(img, sizeof(img), "/dev/vda2");
	int loopfd = loop_attach_at(img, LO_FLAGS_AUTOCLEAR, 13 << 19, 4 << 20, dev, sizeof(dev));
	CHECK("attach", loopfd >= 0);
#else
	char dir[PATH_MAX], src[PATH_MAX + 32];
	test_exe_dir(dir, sizeof(dir));
	snprintf(src, sizeof(src), "%s/ext2-1k.img", dir);
	snprintf(img, sizeof(img), "/tmp/ext2-write-%d.img", getpid());
	CHECK("copy_image", test_copy_file(src, img));
	int loopfd = loop_attach(img, LO_FLAGS_AUTOCLEAR, dev, sizeof(dev));
	CHECK("attach", loopfd >= 0);
#endif
	mkdir(mnt, 0700);
	CHECK("mount_rw", do_mount());
	EXPECT("state_while_mounted", sb_state() & 1, 0);
	files();
	names();
	attrs_and_open_unlink();
	enospc();
	EXPECT("umount", sys_res(umount(mnt)), 0);
	EXPECT("state_clean", sb_state(), 1);
	CHECK("remount", do_mount());
	char buf[64];
	EXPECT("persisted_file", get("g2", buf, sizeof(buf), 0), 12);
	CHECK("persisted_link", readlink(at("s1"), buf, sizeof(buf)) == 2);
	struct stat st;
	EXPECT("persisted_dir", sys_res(stat(at("dir/b/g"), &st)), 0);
	EXPECT("umount_again", sys_res(umount(mnt)), 0);
	rmdir(mnt);
	close(loopfd);
#ifndef EXT2_ON_DISK
	unlink(img);
#endif
	test_end();
}
