/* lseek's SEEK_DATA and SEEK_HOLE on a sparse tmpfs file: data and holes found at page
 * granularity, the end of the file as a hole, ENXIO at or beyond the end, holes left by
 * ftruncate. Runs where a tmpfs is at hand (/tmp in Zero-OS, /dev/shm on most Linux hosts), as
 * tmpfs has real holes on both. Expectations are Linux's: runs on the host too. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/vfs.h>

#define TMPFS_MAGIC 0x01021994
#define PG 4096L

static const char *tmpfs_dir(void)
{
	static const char *const dirs[] = { "/tmp", "/dev/shm" };
	for (unsigned i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++) {
		struct statfs st;
		if (statfs(dirs[i], &st) == 0 && st.f_type == TMPFS_MAGIC)
			return dirs[i];
	}
	return NULL;
}

int main(void)
{
	test_begin("seek_hole");
	const char *dir = tmpfs_dir();
	if (!dir) {
		printf("SKIP: user/seek_hole: no tmpfs at /tmp or /dev/shm\n");
		test_end();
	}
	char path[64];
	snprintf(path, sizeof(path), "%s/seek_hole-file", dir);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	/* Page 0 data, pages 1-2 a hole, page 3 data from byte 100 on. */
	bool ok = fd >= 0 && pwrite(fd, "a", 1, 0) == 1 && pwrite(fd, "b", 1, 3 * PG + 100) == 1;
	test_result("setup", ok, "errno %d", errno);
	long size = 3 * PG + 101;
	EXPECT("data-at-start", sys_res(lseek(fd, 0, SEEK_DATA)), 0);
	EXPECT("hole-after-first-page", sys_res(lseek(fd, 0, SEEK_HOLE)), PG);
	EXPECT("hole-inside-hole-is-offset", sys_res(lseek(fd, PG + 904, SEEK_HOLE)), PG + 904);
	EXPECT("data-from-hole-next-page", sys_res(lseek(fd, PG, SEEK_DATA)), 3 * PG);
	EXPECT("offset-moved", sys_res(lseek(fd, 0, SEEK_CUR)), 3 * PG);
	EXPECT("data-inside-data-is-offset", sys_res(lseek(fd, 3 * PG + 50, SEEK_DATA)),
	       3 * PG + 50);
	EXPECT("hole-at-end-of-file", sys_res(lseek(fd, 3 * PG, SEEK_HOLE)), size);
	EXPECT("data-at-end-enxio", sys_res(lseek(fd, size, SEEK_DATA)), -ENXIO);
	EXPECT("hole-at-end-enxio", sys_res(lseek(fd, size, SEEK_HOLE)), -ENXIO);
	EXPECT("negative-enxio", sys_res(lseek(fd, -1, SEEK_DATA)), -ENXIO);
	ok = ftruncate(fd, 10 * PG) == 0;
	test_result("extend", ok, "errno %d", errno);
	EXPECT("hole-after-last-data-page", sys_res(lseek(fd, 3 * PG, SEEK_HOLE)), 4 * PG);
	EXPECT("no-data-in-extension-enxio", sys_res(lseek(fd, 4 * PG, SEEK_DATA)), -ENXIO);
	EXPECT("bad-whence-einval", sys_res(lseek(fd, 0, 5)), -EINVAL);
	close(fd);
	unlink(path);
	test_end();
}
