/* I/O errors from the device reach the caller: the runner's third disk (/dev/vdb, a scratch disk
 * behind QEMU's blkdebug, tests/qemu/blkdebug-eio.conf) fails every read of sector 4096. Reads
 * that touch it give EIO through the disk and through the partition holding it; the sectors
 * around it, and the device afterwards, still work. Zero-OS only; skipped without the disk. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>

#define BAD_SECTOR 4096ll
#define P1_START 2048ll /* tools/mkscratch.sh's first partition */

int main(void)
{
	test_begin("blkdev_eio");
	int fd = open("/dev/vdb", O_RDONLY), fd1 = open("/dev/vdb1", O_RDONLY);
	if (fd < 0 && errno == ENOENT) {
		printf("SKIP: user/blkdev_eio: no error-injecting disk (/dev/vdb)\n");
		return 0;
	}
	char buf[8192];
	CHECK("open", fd >= 0 && fd1 >= 0);
	EXPECT("read_bad_sector", sys_res(pread(fd, buf, 512, BAD_SECTOR * 512)), -EIO);
	off_t in_p1 = (BAD_SECTOR - P1_START) * 512 + 7;
	EXPECT("read_through_partition", sys_res(pread(fd1, buf, 100, in_p1)), -EIO);
	EXPECT("read_straddling", sys_res(pread(fd, buf, 4096, (BAD_SECTOR - 2) * 512)), -EIO);
	EXPECT("read_before", sys_res(pread(fd, buf, 512, (BAD_SECTOR - 1) * 512)), 512);
	EXPECT("read_after", sys_res(pread(fd, buf, 8192, (BAD_SECTOR + 1) * 512)), 8192);
	EXPECT("read_again_fails", sys_res(pread(fd, buf, 512, BAD_SECTOR * 512)), -EIO);
	EXPECT("device_still_works", sys_res(pread(fd, buf, 512, 0)), 512);
	close(fd);
	close(fd1);
	test_end();
}
