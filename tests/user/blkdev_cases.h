/* The block-device cases, on a scratch disk the runner attaches (tools/mkscratch.sh: 16 MiB,
 * GPT, partition 1 = sectors 2048-10239, 2 = 10240 to the end, a host-written pattern at the
 * start of 2): the nodes and their numbers, the BLK* ioctls, lseek, reads and writes at odd
 * offsets and lengths through the disk and its partitions, the end of the device, read-only,
 * concurrent I/O from several processes, /proc/partitions, /proc/bus/pci/devices, ENXIO,
 * BLKRRPART. Partition 1 and what partition 2's cases overwrite are restored at the end (other
 * tests keep data there). Included by blkdev.c (virtio-blk, vda), blkdev_sata.c (AHCI, sdb) and
 * blkdev_nvme.c (NVMe, nvme0n1), which define DISK (the name), PART (optional: "p" when the
 * name ends in a digit), DISK_MAJOR, DISK_MINOR, PCI_ID (vendor and device as
 * /proc/bus/pci/devices spells them) and PCI_DRIVER. Zero-OS only (the host has no such
 * disks); without the disk the program reports that and runs nothing. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

/* <linux/fs.h>'s numbers (musl's headers do not carry them). */
#define BLKROSET 0x125d
#define BLKROGET 0x125e
#define BLKRRPART 0x125f
#define BLKGETSIZE 0x1260
#define BLKSSZGET 0x1268
#define BLKBSZGET 0x80081270
#define BLKGETSIZE64 0x80081272
#define BLKDISCARD 0x1277
#define BLKPBSZGET 0x127b
#define BLKRASET 0x1262
#define BLKSECTGET 0x1267
#define BLKIOMIN 0x1278
#define BLKIOOPT 0x1279
#define BLKALIGNOFF 0x127a
#define BLKRAGET 0x1263

#ifndef PART
#define PART "" /* between the disk's name and a partition number: "p" after a digit */
#endif
#define DEV "/dev/" DISK
#define DISK_BYTES (16ll << 20)
#define P1_START (2048ll * 512)
#define P1_BYTES (8192ll * 512)
#define P2_START (10240ll * 512)
#define HOST_PATTERN "ZERO-OS-HOST-PATTERN"
#define GUEST_MARK "ZERO-OS-GUEST-MARK"
#define GUEST_MARK_OFF (1ll << 20) /* in partition 2; tools/check_scratch.sh looks there */
#define DIRECT_OFF 8192 /* in partition 2: test_direct's writes */
#define DIRECT_LEN 4096
#define WORKERS 4
#define BIG (200 * 1024 + 3)

static void fill(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)(seed * 131 + i * 7 + (i >> 9));
}

static void test_nodes(void)
{
	struct stat st;
	bool ok = stat(DEV, &st) == 0;
	ok = ok && S_ISBLK(st.st_mode) && major(st.st_rdev) == DISK_MAJOR &&
	     minor(st.st_rdev) == DISK_MINOR && (st.st_mode & 07777) == 0660 && st.st_gid == 6;
	test_result("disk_node", ok,
		    "mode %o rdev %u:%u gid %u", st.st_mode, major(st.st_rdev),
		    minor(st.st_rdev), st.st_gid);
	ok = stat(DEV PART "2", &st) == 0;
	test_result("part2_node", ok && S_ISBLK(st.st_mode) &&
				      st.st_rdev == makedev(DISK_MAJOR, DISK_MINOR + 2),
		    "stat %d rdev %#lx", ok, (unsigned long)st.st_rdev);
}

static void test_ioctls(int fd, int fd1)
{
	uint64_t size = 0;
	unsigned long sectors = 0;
	int ssz = 0, bsz = 0, ro = -1;
	unsigned int pbsz = 0;
	EXPECT("getsize64", sys_res(ioctl(fd, BLKGETSIZE64, &size)) ?: (long)size, DISK_BYTES);
	EXPECT("getsize", sys_res(ioctl(fd, BLKGETSIZE, &sectors)) ?: (long)sectors, 32768);
	EXPECT("sszget", sys_res(ioctl(fd, BLKSSZGET, &ssz)) ?: ssz, 512);
	EXPECT("pbszget", sys_res(ioctl(fd, BLKPBSZGET, &pbsz)) ?: (long)pbsz, 512);
	EXPECT("bszget", sys_res(ioctl(fd, BLKBSZGET, &bsz)) ?: bsz, 4096);
	EXPECT("roget", sys_res(ioctl(fd, BLKROGET, &ro)) ?: ro, 0);
	unsigned int iomin = 0, ioopt = 1;
	int alignoff = 1;
	unsigned short sectget = 0;
	EXPECT("iomin", sys_res(ioctl(fd, BLKIOMIN, &iomin)) ?: (long)iomin, 512);
	EXPECT("ioopt", sys_res(ioctl(fd, BLKIOOPT, &ioopt)) ?: (long)ioopt, 0);
	EXPECT("alignoff", sys_res(ioctl(fd, BLKALIGNOFF, &alignoff)) ?: alignoff, 0);
	EXPECT("sectget", sys_res(ioctl(fd, BLKSECTGET, &sectget)) ?: sectget, 2048);
	EXPECT("part_getsize64", sys_res(ioctl(fd1, BLKGETSIZE64, &size)) ?: (long)size, P1_BYTES);
	EXPECT("rrpart_partition", sys_res(ioctl(fd1, BLKRRPART)), -EINVAL);
	EXPECT("discard", sys_res(ioctl(fd, BLKDISCARD, (uint64_t[2]){ 0, 512 })), -EOPNOTSUPP);
	EXPECT("other_ioctl", sys_res(ioctl(fd, TCGETS, (char[64]){ 0 })), -ENOTTY);
	EXPECT("getsize64_efault", sys_res(ioctl(fd, BLKGETSIZE64, KERNEL_PTR)), -EFAULT);
	EXPECT("fsync", sys_res(fsync(fd)), 0);
	unsigned long ra = 0;
	EXPECT("raget_default", sys_res(ioctl(fd, BLKRAGET, &ra)) ?: (long)ra, 256);
	EXPECT("raset", sys_res(ioctl(fd, BLKRASET, 1000UL)), 0);
	EXPECT("raget_rounded", sys_res(ioctl(fd, BLKRAGET, &ra)) ?: (long)ra, 1000 / 8 * 8);
	ioctl(fd, BLKRASET, 256UL);
}

static void test_seek(int fd)
{
	EXPECT("seek_end", sys_res(lseek(fd, 0, SEEK_END)), DISK_BYTES);
	EXPECT("seek_past_end", sys_res(lseek(fd, DISK_BYTES + 1, SEEK_SET)), -EINVAL);
	EXPECT("seek_hole", sys_res(lseek(fd, 4096, SEEK_HOLE)), DISK_BYTES);
	EXPECT("seek_data_end", sys_res(lseek(fd, DISK_BYTES, SEEK_DATA)), -ENXIO);
	EXPECT("seek_negative", sys_res(lseek(fd, -1, SEEK_SET)), -EINVAL);
}

static void test_host_pattern(int fd, int fd2)
{
	char a[32] = { 0 }, b[32] = { 0 };
	ssize_t n = pread(fd2, a, strlen(HOST_PATTERN), 0);
	ssize_t m = pread(fd, b, strlen(HOST_PATTERN), P2_START);
	test_result("host_pattern", n == (ssize_t)strlen(HOST_PATTERN) && m == n &&
					    !strcmp(a, HOST_PATTERN) && !strcmp(b, HOST_PATTERN),
		    "partition '%s' (%zd), disk '%s' (%zd)", a, n, b, m);
}

/* A write of len bytes at off in the partition leaves the bytes around it as they were and
 * reads back through the partition and through the whole disk. */
static bool odd_write(int fd, int fd1, off_t off, size_t len, unsigned seed)
{
	size_t span = len + 2048;
	off_t base = off > 1024 ? off - 1024 : 0;
	unsigned char *before = malloc(span), *after = malloc(span), *data = malloc(len);
	unsigned char *via_disk = malloc(span);
	bool ok = before && after && data && via_disk &&
		  pread(fd1, before, span, base) == (ssize_t)span;
	fill(data, len, seed);
	ok = ok && pwrite(fd1, data, len, off) == (ssize_t)len;
	ok = ok && pread(fd1, after, span, base) == (ssize_t)span;
	ok = ok && pread(fd, via_disk, span, P1_START + base) == (ssize_t)span;
	if (ok) {
		memcpy(before + (off - base), data, len);
		ok = !memcmp(before, after, span) && !memcmp(after, via_disk, span);
	}
	free(before);
	free(after);
	free(data);
	free(via_disk);
	return ok;
}

static void test_odd_io(int fd, int fd1)
{
	CHECK("odd_small", odd_write(fd, fd1, 777, 1000, 1));
	CHECK("odd_one_byte", odd_write(fd, fd1, 4095, 1, 2));
	CHECK("odd_sector_straddle", odd_write(fd, fd1, 511, 2, 3));
	CHECK("odd_big", odd_write(fd, fd1, 513, BIG, 4));
	CHECK("aligned", odd_write(fd, fd1, 8192, 4096, 5));
}

static void test_device_end(int fd1)
{
	char buf[1024];
	memset(buf, 'e', sizeof(buf));
	EXPECT("write_at_end", sys_res(pwrite(fd1, buf, 10, P1_BYTES)), -ENOSPC);
	EXPECT("write_straddling_end", sys_res(pwrite(fd1, buf, 1024, P1_BYTES - 100)), 100);
	EXPECT("read_at_end", sys_res(pread(fd1, buf, 10, P1_BYTES)), 0);
	EXPECT("read_straddling_end", sys_res(pread(fd1, buf, 1024, P1_BYTES - 100)), 100);
	EXPECT("write_zero_at_end", sys_res(pwrite(fd1, buf, 0, P1_BYTES + 4096)), 0);
	EXPECT("read_efault", sys_res(pread(fd1, KERNEL_PTR, 10, 0)), -EFAULT);
}

static void test_access(void)
{
	int fd = open(DEV PART "1", O_RDONLY);
	EXPECT("rdonly_write", sys_res(write(fd, "x", 1)), -EBADF);
	int one = 1, zero = 0, ro = 0;
	EXPECT("roset", sys_res(ioctl(fd, BLKROSET, &one)), 0);
	EXPECT("roget_after_set", sys_res(ioctl(fd, BLKROGET, &ro)) ?: ro, 1);
	int rw = open(DEV PART "1", O_RDWR);
	EXPECT("write_read_only", sys_res(pwrite(rw, "x", 1, 0)), -EPERM);
	EXPECT("roset_clear", sys_res(ioctl(fd, BLKROSET, &zero)), 0);
	EXPECT("write_after_clear", sys_res(pwrite(rw, "x", 1, 0)), 1);
	close(rw);
	close(fd);
}

/* O_DIRECT: whole sectors at sector offsets from a 512-aligned buffer, else EINVAL. */
static void test_direct(void)
{
	int fd = open(DEV PART "2", O_RDWR | O_DIRECT);
	static char buf[8192] __attribute__((aligned(4096)));
	EXPECT("direct_aligned", sys_res(pread(fd, buf, DIRECT_LEN, DIRECT_OFF)), DIRECT_LEN);
	EXPECT("direct_odd_offset", sys_res(pread(fd, buf, 4096, 100)), -EINVAL);
	EXPECT("direct_odd_length", sys_res(pread(fd, buf, 1000, 0)), -EINVAL);
	EXPECT("direct_odd_buffer", sys_res(pread(fd, buf + 8, 512, 0)), -EINVAL);
	EXPECT("direct_write_odd", sys_res(pwrite(fd, buf, 100, DIRECT_OFF)), -EINVAL);
	EXPECT("direct_write", sys_res(pwrite(fd, buf, DIRECT_LEN, DIRECT_OFF)), DIRECT_LEN);
	close(fd);
}

/* Several processes at once on distinct regions of partition 2: requests in flight together
 * (virtio-blk), or queued on the port's lock (AHCI). */
static void test_concurrent(void)
{
	pid_t pids[WORKERS];
	for (int w = 0; w < WORKERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			int fd = open(DEV PART "2", O_RDWR);
			unsigned char *a = malloc(65536), *b = malloc(65536);
			int bad = fd < 0 || !a || !b;
			for (int round = 0; round < 8 && !bad; round++) {
				off_t off = (2 << 20) + (off_t)w * (1 << 20) + round * 65536 + w;
				fill(a, 65536, (unsigned)(w * 100 + round));
				bad = pwrite(fd, a, 65536, off) != 65536 ||
				      pread(fd, b, 65536, off) != 65536 || memcmp(a, b, 65536);
			}
			_exit(bad);
		}
	}
	int failed = 0;
	for (int w = 0; w < WORKERS; w++) {
		int st;
		failed += pids[w] < 0 || waitpid(pids[w], &st, 0) != pids[w] || !WIFEXITED(st) ||
			  WEXITSTATUS(st);
	}
	EXPECT("concurrent", failed, 0);
}

static void test_proc_partitions(void)
{
	char buf[4096] = { 0 }, want[3][64];
	int fd = open("/proc/partitions", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	close(fd);
	snprintf(want[0], sizeof(want[0]), "%4u  %7u %10u %s\n", DISK_MAJOR, DISK_MINOR, 16384,
		 DISK);
	snprintf(want[1], sizeof(want[1]), "%4u  %7u %10u %s" PART "1\n", DISK_MAJOR,
		 DISK_MINOR + 1, 4096, DISK);
	snprintf(want[2], sizeof(want[2]), "%4u  %7u %10u %s" PART "2\n", DISK_MAJOR,
		 DISK_MINOR + 2, 11247, DISK);
	bool ok = n > 0 && !strncmp(buf, "major minor  #blocks  name\n\n", 28);
	ok = ok && strstr(buf, want[0]) && strstr(buf, want[1]) && strstr(buf, want[2]);
	test_result("proc_partitions", ok, "got '%s'", buf);
}

/* The disk's PCI function in Linux's /proc/bus/pci/devices format, claimed by its driver. */
static void test_proc_pci(void)
{
	static char buf[8192];
	int fd = open("/proc/bus/pci/devices", O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, buf, sizeof(buf) - 1) : -1;
	close(fd);
	buf[n > 0 ? n : 0] = 0;
	const char *drv = "\t" PCI_DRIVER;
	size_t dl = strlen(drv);
	char *line = strstr(buf, "\t" PCI_ID "\t");
	char *end = line ? strchr(line, '\n') : NULL;
	bool ok = line && end && end - (ssize_t)dl > line && !strncmp(end - dl, drv, dl);
	int tabs = 0;
	for (char *p = line; ok && p < end; p++)
		tabs += *p == '\t';
	test_result("proc_bus_pci_devices", ok && tabs == 17, "line '%.*s' (%d tabs)",
		    line && end ? (int)(end - line) : 0, line ? line : "", tabs);
}

static void test_enxio(void)
{
	const char *dir = test_tmpfs_dir();
	char path[64];
	snprintf(path, sizeof(path), "%s/blk_nodev", dir ? dir : "/tmp");
	unlink(path);
	bool made = mknod(path, S_IFBLK | 0600, makedev(DISK_MAJOR, DISK_MINOR + 15)) == 0;
	EXPECT("open_no_driver", made ? sys_res(open(path, O_RDONLY)) : -1, -ENXIO);
	unlink(path);
}

/* BLKRRPART: refused while a partition is open (Linux's EBUSY), then the partitions are
 * dropped and found again. */
static void test_reread(int fd, int fd1, int fd2)
{
	EXPECT("rrpart_busy", sys_res(ioctl(fd, BLKRRPART)), -EBUSY);
	close(fd1);
	close(fd2);
	EXPECT("rrpart", sys_res(ioctl(fd, BLKRRPART)), 0);
	struct stat st;
	bool ok = stat(DEV PART "2", &st) == 0 && S_ISBLK(st.st_mode);
	int again = open(DEV PART "2", O_RDONLY);
	uint64_t size = 0;
	ok = ok && again >= 0 && ioctl(again, BLKGETSIZE64, &size) == 0;
	test_result("rrpart_found_again", ok && size == 22495ull * 512,
		    "stat %d open %d size %llu", ok, again, (unsigned long long)size);
	close(again);
}

/* Partition 1 and the bytes of partition 2 the writes above change are saved first and put
 * back afterwards: other tests (the ext2 ones) keep their data on the same scratch disk. */
struct saved {
	unsigned char *p1, *p2;
};

static struct saved save_disk(int fd1, int fd2)
{
	struct saved s = { malloc(P1_BYTES), malloc(DIRECT_LEN) };
	if (!s.p1 || !s.p2 || pread(fd1, s.p1, P1_BYTES, 0) != P1_BYTES ||
	    pread(fd2, s.p2, DIRECT_LEN, DIRECT_OFF) != DIRECT_LEN) {
		free(s.p1);
		free(s.p2);
		s.p1 = s.p2 = NULL;
	}
	return s;
}

static void restore_disk(int fd1, int fd2, struct saved *s)
{
	unsigned char *check = malloc(P1_BYTES);
	bool ok = s->p1 && check && pwrite(fd1, s->p1, P1_BYTES, 0) == P1_BYTES &&
		  pwrite(fd2, s->p2, DIRECT_LEN, DIRECT_OFF) == DIRECT_LEN &&
		  fsync(fd1) == 0 && pread(fd1, check, P1_BYTES, 0) == P1_BYTES &&
		  !memcmp(check, s->p1, P1_BYTES);
	CHECK("restored", ok);
	free(check);
	free(s->p1);
	free(s->p2);
}

static void leave_mark(int fd2)
{
	ssize_t n = pwrite(fd2, GUEST_MARK, strlen(GUEST_MARK), GUEST_MARK_OFF);
	EXPECT("guest_mark", n == (ssize_t)strlen(GUEST_MARK) ? sys_res(fsync(fd2)) : n, 0);
}

int main(void)
{
	test_begin(AREA);
	int fd = open(DEV, O_RDWR);
	if (fd < 0 && errno == ENOENT) {
		printf("SKIP: user/%s: no disk attached (" DEV ")\n", AREA);
		return 0;
	}
	int fd1 = open(DEV PART "1", O_RDWR), fd2 = open(DEV PART "2", O_RDWR);
	if (!test_result("open", fd >= 0 && fd1 >= 0 && fd2 >= 0, "%d %d %d errno %d", fd, fd1,
			 fd2, errno))
		test_end();
	struct saved saved = save_disk(fd1, fd2);
	test_nodes();
	test_ioctls(fd, fd1);
	test_seek(fd);
	test_host_pattern(fd, fd2);
	test_odd_io(fd, fd1);
	test_device_end(fd1);
	test_access();
	test_direct();
	test_concurrent();
	test_proc_partitions();
	test_proc_pci();
	test_enxio();
	restore_disk(fd1, fd2, &saved);
	leave_mark(fd2);
	test_reread(fd, fd1, fd2);
	test_end();
}
