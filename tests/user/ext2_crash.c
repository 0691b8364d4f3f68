/* The guest half of `make ext2-crash-test`: ext2 on the scratch disk's ext2 area (a loop
 * device over part of vda2, holding the 1 KiB test image) gets a file written and fsync'd,
 * then "EXT2-CRASH-READY" is printed while writes go on, and the host kills QEMU there. The
 * host then repairs the area with e2fsck -fp and finds the fsync'd file intact
 * (tools/ext2_scratch.sh crash). Not in the user-test list: it never ends by itself. */
#define _GNU_SOURCE
#include "test.h"
#include "loop_test.h"
#include <sys/mount.h>
#include <sys/stat.h>

#define FSYNCED_SIZE (200 * 1024) /* tools/ext2_scratch.sh checks the same pattern */

static unsigned char pattern(long i)
{
	return (unsigned char)(i * 7 + 3);
}

static bool write_file(const char *path, const unsigned char *buf, size_t len, bool sync)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0644);
	bool ok = fd >= 0 && write(fd, buf, len) == (ssize_t)len && (!sync || fsync(fd) == 0);
	close(fd);
	return ok;
}

int main(void)
{
	static unsigned char buf[FSYNCED_SIZE];
	char dev[64], path[64];
	test_begin("ext2_crash");
	for (long i = 0; i < FSYNCED_SIZE; i++)
		buf[i] = pattern(i);
	int fd = loop_attach_at("/dev/vda2", 0, 13 << 19, 4 << 20, dev, sizeof(dev));
	mkdir("/mnt", 0755);
	if (!CHECK("mount", fd >= 0 && mount(dev, "/mnt", "ext2", 0, NULL) == 0))
		test_end();
	mkdir("/mnt/d", 0755);
	CHECK("fsynced", write_file("/mnt/fsynced", buf, sizeof(buf), true));
	for (unsigned round = 0;; round++) { /* until QEMU is killed */
		snprintf(path, sizeof(path), "/mnt/d/f%u", round % 64);
		unlink(path);
		write_file(path, buf, 1024 + (round * 4096) % (sizeof(buf) - 1024), false);
		if (round == 8)
			printf("EXT2-CRASH-READY\n");
	}
}
