/* Loop-device and ext2 helpers of the user tests (loop.c, ext2_*.c): the ioctl numbers and
 * structures of <linux/fs.h> and <linux/loop.h>, which musl does not ship, binding an image to a
 * free loop device and mounting it. */
#ifndef TESTS_USER_LOOP_TEST_H
#define TESTS_USER_LOOP_TEST_H

#include <errno.h>
#include <fcntl.h>
#include <stdbool.h>
#include <limits.h>
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <time.h>
#include <unistd.h>

#ifndef BLKROGET
#define BLKROGET _IO(0x12, 94)
#endif
#ifndef BLKSSZGET
#define BLKSSZGET _IO(0x12, 104)
#endif
#ifndef BLKGETSIZE64
#define BLKGETSIZE64 _IOR(0x12, 114, size_t)
#endif
#define LO_FLAGS_READ_ONLY 1
#define LO_FLAGS_AUTOCLEAR 4
#define LOOP_SET_FD 0x4C00
#define LOOP_CLR_FD 0x4C01
#define LOOP_SET_STATUS64 0x4C04
#define LOOP_GET_STATUS64 0x4C05
#define LOOP_SET_CAPACITY 0x4C07
#define LOOP_SET_BLOCK_SIZE 0x4C09
#define LOOP_CONFIGURE 0x4C0A
#define LOOP_CTL_ADD 0x4C80
#define LOOP_CTL_REMOVE 0x4C81
#define LOOP_CTL_GET_FREE 0x4C82
struct loop_info64 {
	uint64_t lo_device, lo_inode, lo_rdevice, lo_offset, lo_sizelimit;
	uint32_t lo_number, lo_encrypt_type, lo_encrypt_key_size, lo_flags;
	uint8_t lo_file_name[64], lo_crypt_name[64], lo_encrypt_key[32];
	uint64_t lo_init[2];
};
struct loop_config {
	uint32_t fd, block_size;
	struct loop_info64 info;
	uint64_t reserved[8];
};

#define LO_FLAGS_PARTSCAN 8
#define EXT2_SUPER_MAGIC 0xEF53

/* The directory of the running test program (its images lie next to it). */
static inline void test_exe_dir(char *buf, size_t size)
{
	ssize_t n = readlink("/proc/self/exe", buf, size - 1);
	buf[n > 0 ? n : 0] = 0;
	char *slash = strrchr(buf, '/');
	if (slash)
		*slash = 0;
}

/* Copy the file from to a new file to (mode 0600), synced: true on success. */
static inline bool test_copy_file(const char *from, const char *to)
{
	static char buf[1 << 16];
	int in = open(from, O_RDONLY), out = open(to, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	ssize_t n = 0;
	while (in >= 0 && out >= 0 && (n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			n = -1;
	bool ok = in >= 0 && out >= 0 && n == 0 && fsync(out) == 0;
	close(in);
	close(out);
	return ok;
}

/* pread of len bytes at off of the file at path: the count or -errno. */
static inline long test_pread_path(const char *path, void *buf, size_t len, long off)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	long n = pread(fd, buf, len, off);
	n = n < 0 ? -errno : n;
	close(fd);
	return n;
}

/* Bind bytes [offset, offset + sizelimit) (0: to the end) of the file at path to a free loop
 * device with LOOP_CONFIGURE (flags LO_FLAGS_*): the device's path in dev and its open
 * descriptor, or -errno. The file is opened read-only when flags has LO_FLAGS_READ_ONLY. */
static inline int loop_attach_at(const char *path, uint32_t flags, uint64_t offset,
				 uint64_t sizelimit, char *dev, size_t devsize)
{
	int ctl = open("/dev/loop-control", O_RDWR);
	if (ctl < 0)
		return -errno;
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	if (n < 0)
		return -errno;
	snprintf(dev, devsize, "/dev/loop%d", n);
	int file = open(path, (flags & LO_FLAGS_READ_ONLY) ? O_RDONLY : O_RDWR);
	int fd = open(dev, O_RDWR);
	struct loop_config c;
	memset(&c, 0, sizeof(c));
	c.fd = (uint32_t)file;
	c.info.lo_flags = flags;
	c.info.lo_offset = offset;
	c.info.lo_sizelimit = sizelimit;
	int r = file < 0 || fd < 0 ? -errno : ioctl(fd, LOOP_CONFIGURE, &c) ? -errno : fd;
	if (file >= 0)
		close(file);
	if (r < 0 && fd >= 0)
		close(fd);
	return r;
}

static inline int loop_attach(const char *path, uint32_t flags, char *dev, size_t devsize)
{
	return loop_attach_at(path, flags, 0, 0, dev, devsize);
}

/* After LOOP_CLR_FD, an autoclear device's last close or its unmount, the device reads ENXIO
 * for its status; Linux may finish the detach a little later, so wait for it (5 s at most).
 * The last status result. */
static inline long wait_unbound(const char *dev)
{
	struct loop_info64 info;
	time_t end = time(NULL) + 5;
	long r;
	do {
		int fd = open(dev, O_RDONLY);
		r = ioctl(fd, LOOP_GET_STATUS64, &info) ? -errno : 0;
		close(fd);
		if (r == -ENXIO)
			break;
		usleep(10000);
	} while (time(NULL) < end);
	return r;
}

#endif
