/* Loop devices as Linux has them: /dev/loop-control hands out a free device (LOOP_CTL_GET_FREE)
 * and adds and removes numbered ones; /dev/loopN binds a file (LOOP_SET_FD, LOOP_CONFIGURE),
 * reads and writes its bytes, takes an offset and a size limit (LOOP_SET_STATUS64), follows the
 * file's growth (LOOP_SET_CAPACITY), changes its block size, is read-only over a read-only file,
 * refuses directories, bad descriptors and itself (EBADF, as Linux), and detaches (LOOP_CLR_FD,
 * autoclear at the last close). Needs root. Runs on the host's Linux too. */
#define _GNU_SOURCE
#include "test.h"
#include "loop_test.h"
#include <fcntl.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <time.h>

#define FILE_SIZE (1 << 20)

static char backing[256], devpath[64];
static int devnum = -1;

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + i / 4096);
}

static int make_backing(void)
{
	const char *dir = test_tmpfs_dir();
	snprintf(backing, sizeof(backing), "%s/loop-backing-%d", dir ? dir : "/tmp", getpid());
	int fd = open(backing, O_RDWR | O_CREAT | O_TRUNC, 0600);
	static unsigned char buf[FILE_SIZE];
	for (long i = 0; i < FILE_SIZE; i++)
		buf[i] = pattern(i);
	if (fd < 0 || write(fd, buf, FILE_SIZE) != FILE_SIZE)
		return -1;
	return fd;
}

static long dev_size(int fd)
{
	unsigned long long size = 0;
	return ioctl(fd, BLKGETSIZE64, &size) ? -errno : (long)size;
}

/* bytes at off of the device equal the backing file's from file_off */
static bool same_as_file(int dev, long off, long file_off, size_t len)
{
	unsigned char buf[4096];
	if (len > sizeof(buf) || pread(dev, buf, len, off) != (ssize_t)len)
		return false;
	for (size_t i = 0; i < len; i++)
		if (buf[i] != pattern(file_off + (long)i))
			return false;
	return true;
}

static void control(void)
{
	int ctl = open("/dev/loop-control", O_RDWR);
	CHECK("control_open", ctl >= 0);
	devnum = (int)ioctl(ctl, LOOP_CTL_GET_FREE);
	CHECK("get_free", devnum >= 0);
	snprintf(devpath, sizeof(devpath), "/dev/loop%d", devnum);
	EXPECT("ctl_unknown_ioctl", sys_res(ioctl(ctl, LOOP_SET_FD, 0)), -ENOSYS);
	close(ctl);
}

static void control_add_remove(void)
{
	int ctl = open("/dev/loop-control", O_RDWR), n = 0;
	/* a number above the ones in use, below the 256 Zero-OS has */
	for (n = 200; n < 256; n++) {
		char p[32];
		snprintf(p, sizeof(p), "/dev/loop%d", n);
		if (access(p, F_OK))
			break;
	}
	EXPECT("ctl_add", sys_res(ioctl(ctl, LOOP_CTL_ADD, n)), n);
	EXPECT("ctl_add_exists", sys_res(ioctl(ctl, LOOP_CTL_ADD, n)), -EEXIST);
	EXPECT("ctl_remove", sys_res(ioctl(ctl, LOOP_CTL_REMOVE, n)), 0);
	EXPECT("ctl_remove_gone", sys_res(ioctl(ctl, LOOP_CTL_REMOVE, n)), -ENODEV);
	close(ctl);
}

static void bind_read_write(int file)
{
	struct loop_info64 info;
	int dev = open(devpath, O_RDWR);
	CHECK("dev_open", dev >= 0);
	EXPECT("status_unbound", sys_res(ioctl(dev, LOOP_GET_STATUS64, &info)), -ENXIO);
	EXPECT("clr_unbound", sys_res(ioctl(dev, LOOP_CLR_FD, 0)), -ENXIO);
	EXPECT("set_fd_bad", sys_res(ioctl(dev, LOOP_SET_FD, 999)), -EBADF);
	int d = open("/", O_RDONLY | O_DIRECTORY);
	EXPECT("set_fd_dir", sys_res(ioctl(dev, LOOP_SET_FD, d)), -EINVAL);
	close(d);
	EXPECT("set_fd_self", sys_res(ioctl(dev, LOOP_SET_FD, dev)), -EBADF); /* a cycle */
	EXPECT("set_fd", sys_res(ioctl(dev, LOOP_SET_FD, file)), 0);
	EXPECT("set_fd_busy", sys_res(ioctl(dev, LOOP_SET_FD, file)), -EBUSY);
	EXPECT("size", dev_size(dev), FILE_SIZE);
	CHECK("read", same_as_file(dev, 8192 + 512, 8192 + 512, 1024));
	unsigned char w[512], r[512];
	memset(w, 0x5a, sizeof(w));
	EXPECT("write", sys_res(pwrite(dev, w, sizeof(w), 4096)), sizeof(w));
	EXPECT("fsync", sys_res(fsync(dev)), 0);
	EXPECT("write_reaches_file", sys_res(pread(file, r, sizeof(r), 4096)), sizeof(r));
	CHECK("write_reaches_file_bytes", !memcmp(w, r, sizeof(r)));
	pwrite(file, (unsigned char[512]){ 0 }, 512, 4096); /* restore the pattern below */
	for (int i = 0; i < 512; i++)
		w[i] = pattern(4096 + i);
	pwrite(file, w, sizeof(w), 4096);
	memset(&info, 0, sizeof(info));
	EXPECT("status", sys_res(ioctl(dev, LOOP_GET_STATUS64, &info)), 0);
	struct stat st;
	fstat(file, &st);
	CHECK("status_fields", info.lo_number == (unsigned)devnum && info.lo_inode == st.st_ino &&
				       info.lo_offset == 0 &&
				       !(info.lo_flags & LO_FLAGS_READ_ONLY));
	close(dev);
}

static void status_window(int file)
{
	struct loop_info64 info = { 0 }, got = { 0 };
	int dev = open(devpath, O_RDWR);
	info.lo_offset = 4096;
	info.lo_sizelimit = 65536;
	strcpy((char *)info.lo_file_name, "loop-test");
	EXPECT("set_status", sys_res(ioctl(dev, LOOP_SET_STATUS64, &info)), 0);
	EXPECT("window_size", dev_size(dev), 65536);
	CHECK("window_read", same_as_file(dev, 0, 4096, 2048));
	EXPECT("get_status", sys_res(ioctl(dev, LOOP_GET_STATUS64, &got)), 0);
	CHECK("get_status_fields", got.lo_offset == 4096 && got.lo_sizelimit == 65536 &&
					   !strcmp((char *)got.lo_file_name, "loop-test"));
	info.lo_sizelimit = 0;
	ioctl(dev, LOOP_SET_STATUS64, &info);
	EXPECT("window_to_end", dev_size(dev), FILE_SIZE - 4096);
	info.lo_offset = 0;
	ioctl(dev, LOOP_SET_STATUS64, &info);
	ftruncate(file, 2 * FILE_SIZE);
	EXPECT("capacity_before", dev_size(dev), FILE_SIZE);
	EXPECT("set_capacity", sys_res(ioctl(dev, LOOP_SET_CAPACITY, 0)), 0);
	EXPECT("capacity_after", dev_size(dev), 2 * FILE_SIZE);
	ftruncate(file, FILE_SIZE);
	ioctl(dev, LOOP_SET_CAPACITY, 0);
	EXPECT("block_size_bad", sys_res(ioctl(dev, LOOP_SET_BLOCK_SIZE, 1000)), -EINVAL);
	EXPECT("block_size", sys_res(ioctl(dev, LOOP_SET_BLOCK_SIZE, 4096)), 0);
	int ss = 0;
	ioctl(dev, BLKSSZGET, &ss);
	EXPECT("block_size_seen", ss, 4096);
	CHECK("block_size_read", same_as_file(dev, 8192, 8192, 4096));
	EXPECT("clr_fd", sys_res(ioctl(dev, LOOP_CLR_FD, 0)), 0);
	close(dev);
}

static void read_only(void)
{
	int file = open(backing, O_RDONLY), dev = open(devpath, O_RDWR), ro = -1;
	struct loop_info64 info = { 0 };
	EXPECT("cleared", wait_unbound(devpath), -ENXIO);
	EXPECT("ro_set_fd", sys_res(ioctl(dev, LOOP_SET_FD, file)), 0);
	ioctl(dev, LOOP_GET_STATUS64, &info);
	CHECK("ro_flag", info.lo_flags & LO_FLAGS_READ_ONLY);
	ioctl(dev, BLKROGET, &ro);
	EXPECT("ro_blkroget", ro, 1);
	EXPECT("ro_write", sys_res(pwrite(dev, "x", 1, 0)), -EPERM);
	CHECK("ro_read", same_as_file(dev, 0, 0, 512));
	ioctl(dev, LOOP_CLR_FD, 0);
	close(dev);
	close(file);
}

static void configure_autoclear(int file)
{
	struct loop_config c;
	memset(&c, 0, sizeof(c));
	c.fd = (unsigned)file;
	c.block_size = 1024;
	c.info.lo_offset = 2048;
	c.info.lo_flags = LO_FLAGS_AUTOCLEAR;
	EXPECT("cleared_again", wait_unbound(devpath), -ENXIO);
	int dev = open(devpath, O_RDWR);
	EXPECT("configure", sys_res(ioctl(dev, LOOP_CONFIGURE, &c)), 0);
	int ss = 0;
	ioctl(dev, BLKSSZGET, &ss);
	EXPECT("configure_block_size", ss, 1024);
	EXPECT("configure_size", dev_size(dev), FILE_SIZE - 2048);
	CHECK("configure_read", same_as_file(dev, 1024, 2048 + 1024, 1024));
	close(dev); /* the last close detaches it */
	EXPECT("autoclear", wait_unbound(devpath), -ENXIO);
}

int main(void)
{
	test_begin("loop");
	if (geteuid() != 0) {
		printf("SKIP: user/loop: needs root\n");
		test_end();
	}
	int file = make_backing();
	CHECK("backing", file >= 0);
	control();
	if (devnum >= 0) {
		bind_read_write(file);
		status_window(file);
		read_only();
		configure_autoclear(file);
	}
	control_add_remove();
	close(file);
	unlink(backing);
	test_end();
}
