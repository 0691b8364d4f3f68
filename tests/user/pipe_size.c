/* Pipe sizes (fcntl F_GETPIPE_SZ / F_SETPIPE_SZ, pipe(7)): 64 KiB by default, Linux's rounding
 * up to a power-of-two number of pages, the capacity really changing (a non-blocking write
 * fills exactly the new size), the data kept across a resize (also when it wraps around the
 * ring), EBUSY when shrinking below the data held, EINVAL above 2^31, EBADF on a file that is
 * not a pipe, EPERM for a non-root caller above /proc/sys/fs/pipe-max-size; and packet mode
 * (pipe2 O_DIRECT). Runs on the host's Linux too (USER_LINUX_TEST_NAMES). */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/wait.h>

#define BIG 300000

static unsigned char out[BIG], in[BIG];

static void fill_pattern(void)
{
	for (int i = 0; i < BIG; i++)
		out[i] = (unsigned char)(i * 7 + i / 251);
}

/* Write as much of n bytes as fits without blocking: the count written. */
static long write_nb(int fd, const void *buf, long n)
{
	long done = 0;
	while (done < n) {
		ssize_t r = write(fd, (const char *)buf + done, (size_t)(n - done));
		if (r <= 0)
			break;
		done += r;
	}
	return done;
}

static long read_nb(int fd, void *buf, long n)
{
	long done = 0;
	while (done < n) {
		ssize_t r = read(fd, (char *)buf + done, (size_t)(n - done));
		if (r <= 0)
			break;
		done += r;
	}
	return done;
}

static void check_rounding(int p[2])
{
	CHECK("default", fcntl(p[1], F_GETPIPE_SZ) == 65536 && fcntl(p[0], F_GETPIPE_SZ) == 65536);
	long a = fcntl(p[1], F_SETPIPE_SZ, 1), b = fcntl(p[1], F_SETPIPE_SZ, 5000);
	long c = fcntl(p[0], F_SETPIPE_SZ, 65537);
	test_result("rounding", a == 4096 && b == 8192 && c == 131072 &&
					fcntl(p[1], F_GETPIPE_SZ) == 131072,
		    "%ld %ld %ld", a, b, c);
	long e = fcntl(p[1], F_SETPIPE_SZ, (1UL << 31) + 1);
	test_result("einval", e == -1 && errno == EINVAL, "%ld errno %d", e, errno);
}

/* The capacity is the size: a non-blocking write fills exactly that much. */
static void check_capacity(int p[2])
{
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	long n = write_nb(p[1], out, 8192);
	test_result("capacity_small", n == 4096 && write(p[1], out, 1) == -1 && errno == EAGAIN,
		    "wrote %ld", n);
	read_nb(p[0], in, n);
	fcntl(p[1], F_SETPIPE_SZ, 262144);
	n = write_nb(p[1], out, BIG);
	test_result("capacity_big", n == 262144, "wrote %ld", n);
	read_nb(p[0], in, n);
}

static void check_ebusy(int p[2])
{
	fcntl(p[1], F_SETPIPE_SZ, 65536);
	long n = write_nb(p[1], out, 65536);
	long r = fcntl(p[1], F_SETPIPE_SZ, 4096);
	test_result("ebusy", n == 65536 && r == -1 && errno == EBUSY &&
				     fcntl(p[1], F_GETPIPE_SZ) == 65536,
		    "wrote %ld, set %ld errno %d", n, r, errno);
	n = read_nb(p[0], in, 65536);
	CHECK("ebusy_data_kept", n == 65536 && !memcmp(in, out, 65536));
}

/* Data that wraps around the ring survives growing and shrinking. */
static void check_data_kept(int p[2])
{
	fcntl(p[1], F_SETPIPE_SZ, 16384);
	write_nb(p[1], out, 12000);
	read_nb(p[0], in, 10000); /* the head is now mid-ring */
	long w = write_nb(p[1], out + 12000, 10000); /* wraps */
	long g = fcntl(p[1], F_SETPIPE_SZ, 131072);
	long n = read_nb(p[0], in, 2000 + w);
	test_result("grow_keeps", w == 10000 && g == 131072 && n == 12000 &&
					  !memcmp(in, out + 10000, (size_t)n),
		    "w %ld g %ld n %ld", w, g, n);
	write_nb(p[1], out, 70000);
	read_nb(p[0], in, 66000);
	long s = fcntl(p[1], F_SETPIPE_SZ, 8192); /* the 4000 bytes span two pages */
	n = read_nb(p[0], in, 4000);
	test_result("shrink_keeps", s == 8192 && n == 4000 && !memcmp(in, out + 66000, 4000) &&
					    read(p[0], in, 1) == -1 && errno == EAGAIN,
		    "s %ld n %ld", s, n);
}

static void check_errors(int p[2])
{
	int fd = open("/proc/self/stat", O_RDONLY);
	long r = fcntl(fd, F_GETPIPE_SZ);
	test_result("ebadf", r == -1 && errno == EBADF, "%ld errno %d", r, errno);
	close(fd);
	fcntl(p[1], F_SETPIPE_SZ, 4096);
	pid_t c = fork();
	if (c == 0) {
		if (setuid(65534))
			_exit(2);
		_exit(fcntl(p[1], F_SETPIPE_SZ, 4 << 20) == -1 && errno == EPERM &&
			      fcntl(p[1], F_SETPIPE_SZ, 65536) == 65536 ? 0 : 1);
	}
	int st;
	CHECK("eperm_unprivileged", waitpid(c, &st, 0) == c && WIFEXITED(st) &&
					    WEXITSTATUS(st) == 0);
}

/* pipe2(O_DIRECT): each write is a packet (writes above PIPE_BUF split into several), a read
 * takes one packet and drops what does not fit, and a packet takes a buffer page. */
static void check_packets(void)
{
	int p[2];
	if (!CHECK("packet_pipe2", pipe2(p, O_DIRECT | O_NONBLOCK) == 0))
		return;
	CHECK("packet_getfl", (fcntl(p[1], F_GETFL) & O_DIRECT) != 0);
	char buf[3 * 4096];
	long a = write(p[1], "abc", 3), b = write(p[1], "defgh", 5);
	long c = write(p[1], "0123456789", 10);
	long r1 = read(p[0], buf, sizeof(buf)), r2 = read(p[0], buf + 3, sizeof(buf));
	long r3 = read(p[0], buf + 8, 4), r4 = read(p[0], buf, 1);
	test_result("packet_boundaries", a == 3 && b == 5 && c == 10 && r1 == 3 && r2 == 5 &&
		    r3 == 4 && !memcmp(buf + 8, "0123", 4) && r4 == -1 && errno == EAGAIN,
		    "%ld %ld %ld / %ld %ld %ld %ld", a, b, c, r1, r2, r3, r4);
	long w = write(p[1], out, 2 * 4096 + 100);
	long s1 = read(p[0], in, BIG), s2 = read(p[0], in + 4096, BIG);
	long s3 = read(p[0], in + 8192, BIG);
	test_result("packet_split", w == 8292 && s1 == 4096 && s2 == 4096 && s3 == 100 &&
		    !memcmp(in, out, 8292), "%ld: %ld %ld %ld", w, s1, s2, s3);
	int n = 0;
	while (n < 100 && write(p[1], "x", 1) == 1)
		n++;
	test_result("packet_slots", n == 16 && errno == EAGAIN, "%d packets", n);
	close(p[0]);
	close(p[1]);
}

int main(void)
{
	test_begin("pipe_size");
	fill_pattern();
	int p[2];
	if (!CHECK("pipe", pipe2(p, O_NONBLOCK) == 0))
		test_end();
	check_rounding(p);
	check_capacity(p);
	check_ebusy(p);
	check_data_kept(p);
	check_errors(p);
	check_packets();
	test_end();
}
