/* ext2 on corrupt images: copies of the 1 KiB-block test image with one thing broken each (the
 * magic, an unknown incompatible or read-only-compatible feature, a directory record running
 * past its block, a block number past the device, a huge size) are mounted over a loop device:
 * each gives a clean error (EINVAL for what is not ext2 or not supported, EUCLEAN or EIO for
 * corruption), never a crash, and the rest of the file system stays readable. Needs root. Runs
 * on the host's Linux too. */
#define _GNU_SOURCE
#include "test.h"
#include "loop_test.h"
#include <dirent.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

#define SB 1024
#define BS 1024 /* the image's block size */

static char src[PATH_MAX + 32], img[64], mnt[64], dev[64];
static int loopfd = -1;

static uint32_t get32(long off)
{
	uint32_t v = 0;
	int fd = open(img, O_RDONLY);
	pread(fd, &v, sizeof(v), off);
	close(fd);
	return v;
}

static void put32(long off, uint32_t v)
{
	int fd = open(img, O_WRONLY);
	pwrite(fd, &v, sizeof(v), off);
	close(fd);
}

static void put16(long off, uint16_t v)
{
	int fd = open(img, O_WRONLY);
	pwrite(fd, &v, sizeof(v), off);
	close(fd);
}

/* Byte offset of inode ino's record in the image. */
static long inode_off(uint32_t ino)
{
	uint32_t ipg = get32(SB + 40), isize = get32(SB + 88) & 0xffff;
	uint32_t group = (ino - 1) / ipg;
	uint32_t table = get32(2 * BS + group * 32 + 8);
	return (long)table * BS + (long)((ino - 1) % ipg) * isize;
}

static bool fresh_copy(void)
{
	return test_copy_file(src, img);
}

/* Attach the copy and mount it (flags MS_*): 0 or -errno. */
static long mount_copy(unsigned long flags)
{
	loopfd = loop_attach(img, (flags & MS_RDONLY) ? LO_FLAGS_READ_ONLY | LO_FLAGS_AUTOCLEAR
						      : LO_FLAGS_AUTOCLEAR, dev, sizeof(dev));
	if (loopfd < 0)
		return loopfd;
	return mount(dev, mnt, "ext2", flags, NULL) ? -errno : 0;
}

static void detach(bool mounted)
{
	if (mounted)
		umount(mnt);
	close(loopfd);
	loopfd = -1;
}

static bool corrupt_err(long r)
{
	return r == -EUCLEAN || r == -EIO;
}

static void superblocks(void)
{
	fresh_copy();
	put16(SB + 56, 0x1234); /* magic */
	long r = mount_copy(MS_RDONLY);
	EXPECT("bad_magic", r, -EINVAL);
	detach(r == 0);
	fresh_copy();
	put32(SB + 96, get32(SB + 96) | 0x10000000); /* an unknown incompatible feature */
	r = mount_copy(MS_RDONLY);
	EXPECT("unknown_incompat", r, -EINVAL);
	detach(r == 0);
	fresh_copy();
	put32(SB + 100, get32(SB + 100) | 0x10000000); /* an unknown ro-compatible feature */
	r = mount_copy(0);
	CHECK("unknown_ro_compat_rw_refused", r < 0);
	detach(r == 0);
	r = mount_copy(MS_RDONLY);
	EXPECT("unknown_ro_compat_ro_mounts", r, 0);
	detach(r == 0);
}

static long read_file(const char *rel)
{
	char path[PATH_MAX], buf[64];
	snprintf(path, sizeof(path), "%s/%s", mnt, rel);
	return test_pread_path(path, buf, sizeof(buf), 0);
}

static long list_root(void)
{
	DIR *d = opendir(mnt);
	if (!d)
		return -errno;
	errno = 0;
	while (readdir(d))
		;
	long r = -errno;
	closedir(d);
	return r;
}

static void inodes_and_records(uint32_t hello_ino)
{
	fresh_copy();
	uint32_t root_blk = get32(inode_off(2) + 40);
	put16((long)root_blk * BS + 4, 5); /* "."'s rec_len: misaligned, shorter than a record */
	long r = mount_copy(MS_RDONLY);
	CHECK("bad_record_mount_or_error", r == 0 || corrupt_err(r));
	/* Zero-OS refuses the block (EUCLEAN); Linux's ext4 driver, which serves ext2 mounts on
	 * many hosts, logs it and skips the block: either way, no crash. */
	long l = r == 0 ? list_root() : 0;
	test_result("bad_record_readdir", l == 0 || corrupt_err(l), "got %ld", l);
	detach(r == 0);
	/* read-write: the error is remembered in the superblock (s_state EXT2_ERROR_FS) */
	r = mount_copy(0);
	if (r == 0)
		list_root();
	detach(r == 0);
	test_result("error_marked_in_superblock", r == 0 && (get32(SB + 58) & 0xffff & 2),
		    "mount %ld, s_state %#x", r, get32(SB + 58) & 0xffff);
	fresh_copy();
	put32(inode_off(hello_ino) + 40, 0x7fffffff); /* i_block[0] past the device */
	r = mount_copy(MS_RDONLY);
	EXPECT("bad_block_mount", r, 0);
	r = read_file("hello.txt");
	test_result("bad_block_read", corrupt_err(r), "got %ld", r);
	EXPECT("others_still_read", read_file("dir/sub/deep.txt"), 5);
	detach(true);
	fresh_copy();
	put32(inode_off(hello_ino) + 108, 0x7fffffff); /* i_size_high: a size past any block map */
	r = mount_copy(MS_RDONLY);
	EXPECT("huge_size_mount", r, 0);
	r = read_file("hello.txt");
	test_result("huge_size_read", r > 0 || corrupt_err(r), "got %ld", r);
	detach(true);
}

/* Not corruption, but where a fresh writable copy is at hand: a character device node made
 * on ext2 opens as the device (1:3, /dev/null). */
static void device_node(void)
{
	char path[PATH_MAX];
	struct stat st;
	fresh_copy();
	long r = mount_copy(0);
	snprintf(path, sizeof(path), "%s/null", mnt);
	bool ok = r == 0 && mknod(path, S_IFCHR | 0666, makedev(1, 3)) == 0 &&
		  stat(path, &st) == 0 && S_ISCHR(st.st_mode) && st.st_rdev == makedev(1, 3);
	int fd = ok ? open(path, O_RDWR) : -1;
	ok = ok && fd >= 0 && write(fd, "x", 1) == 1 && read(fd, path, 1) == 0;
	close(fd);
	CHECK("device_node", ok);
	detach(r == 0);
}

int main(void)
{
	test_begin("ext2_bad");
	if (geteuid() != 0) {
		printf("SKIP: user/ext2_bad: needs root\n");
		test_end();
	}
	char dir[PATH_MAX];
	struct stat st;
	test_exe_dir(dir, sizeof(dir));
	snprintf(src, sizeof(src), "%s/ext2-1k.img", dir);
	snprintf(img, sizeof(img), "/tmp/ext2-bad-%d.img", getpid());
	snprintf(mnt, sizeof(mnt), "/tmp/ext2-bad-%d", getpid());
	mkdir(mnt, 0700);
	CHECK("copy", fresh_copy());
	long r = mount_copy(MS_RDONLY);
	char hello[PATH_MAX];
	snprintf(hello, sizeof(hello), "%s/hello.txt", mnt);
	CHECK("clean_mount", r == 0 && stat(hello, &st) == 0);
	detach(r == 0);
	superblocks();
	inodes_and_records((uint32_t)st.st_ino);
	device_node();
	rmdir(mnt);
	unlink(img);
	test_end();
}
