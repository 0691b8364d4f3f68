/* mmap of ext2 files: a shared mapping and read/write agree both ways, its stores reach the
 * disk (msync(MS_SYNC) puts them in the image; they are there after unmount and mount), a
 * shared mapping over a hole fills only what was stored, and a private mapping's stores stay
 * private. Needs root. Runs on the host's Linux too. */
#define _GNU_SOURCE
#include "test.h"
#include "loop_test.h"
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>

#define PAGE 4096
#define SIZE 10000

static char img[64], mnt[64], dev[64], path[128], hole[128];

#define MARKER "msync-marker-5a17"

/* The loop device's backing image holds the bytes s (they reached the disk). */
static bool image_has(const char *s)
{
	static char buf[4 << 20];
	long n = test_pread_path(img, buf, sizeof(buf), 0);
	return n > 0 && memmem(buf, (size_t)n, s, strlen(s)) != NULL;
}

static bool remount(void)
{
	return umount(mnt) == 0 && mount(dev, mnt, "ext2", 0, NULL) == 0;
}

static void shared(void)
{
	static char buf[SIZE];
	memset(buf, 'a', sizeof(buf));
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK("create", fd >= 0 && write(fd, buf, SIZE) == SIZE);
	char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK("mmap_shared", p != MAP_FAILED))
		return;
	p[100] = 'X';
	p[9000] = 'Y';
	char c[2] = { 0 };
	CHECK("store_seen_by_read", pread(fd, c, 1, 100) == 1 && c[0] == 'X' &&
					    pread(fd, c + 1, 1, 9000) == 1 && c[1] == 'Y');
	CHECK("write_seen_by_mapping", pwrite(fd, "W", 1, 200) == 1 && p[200] == 'W');
	memcpy(p + 5000, MARKER, sizeof(MARKER) - 1);
	EXPECT("msync", sys_res(msync(p, SIZE, MS_SYNC)), 0);
	CHECK("msync_reaches_disk", image_has(MARKER));
	munmap(p, SIZE);
	close(fd);
	CHECK("remount", remount());
	fd = open(path, O_RDONLY);
	CHECK("stores_on_disk", pread(fd, buf, SIZE, 0) == SIZE && buf[100] == 'X' &&
					buf[9000] == 'Y' && buf[200] == 'W' && buf[201] == 'a');
	close(fd);
}

static void over_a_hole(void)
{
	struct stat st;
	int fd = open(hole, O_RDWR | O_CREAT | O_TRUNC, 0600);
	CHECK("hole_truncate", fd >= 0 && ftruncate(fd, 16 * PAGE) == 0);
	char *p = mmap(NULL, 16 * PAGE, PROT_READ | PROT_WRITE, MAP_SHARED, fd, 0);
	if (!CHECK("hole_mmap", p != MAP_FAILED))
		return;
	CHECK("hole_reads_zero", p[5 * PAGE] == 0 && p[15 * PAGE + 7] == 0);
	memcpy(p + 3 * PAGE + 10, "hole-data", 9);
	munmap(p, 16 * PAGE);
	fsync(fd);
	close(fd);
	CHECK("hole_remount", remount());
	char buf[16] = { 0 };
	fd = open(hole, O_RDONLY);
	CHECK("hole_data_on_disk", pread(fd, buf, 9, 3 * PAGE + 10) == 9 &&
					   !memcmp(buf, "hole-data", 9));
	fstat(fd, &st);
	CHECK("hole_stays_sparse", st.st_size == 16 * PAGE && st.st_blocks < 16 * PAGE / 512);
	close(fd);
}

static void private_stays_private(void)
{
	int fd = open(path, O_RDWR);
	char *p = mmap(NULL, SIZE, PROT_READ | PROT_WRITE, MAP_PRIVATE, fd, 0);
	if (!CHECK("mmap_private", p != MAP_FAILED))
		return;
	p[300] = 'P';
	char c = 0;
	CHECK("private_not_in_file", pread(fd, &c, 1, 300) == 1 && c == 'a');
	munmap(p, SIZE);
	close(fd);
}

int main(void)
{
	test_begin("ext2_mmap");
	if (geteuid() != 0) {
		printf("SKIP: user/ext2_mmap: needs root\n");
		test_end();
	}
	char dir[PATH_MAX], src[PATH_MAX + 32];
	test_exe_dir(dir, sizeof(dir));
	snprintf(src, sizeof(src), "%s/ext2-1k.img", dir);
	snprintf(img, sizeof(img), "/tmp/ext2-mmap-%d.img", getpid());
	snprintf(mnt, sizeof(mnt), "/tmp/ext2-mmap-%d", getpid());
	snprintf(path, sizeof(path), "%s/mapped", mnt);
	snprintf(hole, sizeof(hole), "%s/holey", mnt);
	CHECK("copy_image", test_copy_file(src, img));
	int loopfd = loop_attach(img, 0, dev, sizeof(dev));
	mkdir(mnt, 0700);
	CHECK("mount", loopfd >= 0 && mount(dev, mnt, "ext2", 0, NULL) == 0);
	shared();
	over_a_hole();
	private_stays_private();
	EXPECT("umount", sys_res(umount(mnt)), 0);
	rmdir(mnt);
	ioctl(loopfd, LOOP_CLR_FD, 0);
	close(loopfd);
	unlink(img);
	test_end();
}
