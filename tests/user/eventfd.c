/* eventfd and eventfd2 (eventfd(2)): flags, the 8-byte reads and writes and their EINVAL, the
 * 0xfffffffffffffffe ceiling, EFD_SEMAPHORE, non-blocking EAGAIN, poll readiness, blocking
 * reads and writes woken by a writer/reader and ended by a caught signal and by SIGKILL,
 * fstat/lseek/pread as Linux answers them. */
#include "evfd.h"
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <sys/eventfd.h>
#include <sys/stat.h>

#define CEILING 0xfffffffffffffffeULL

static int poll_mask(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN | POLLOUT };
	return poll(&p, 1, 0) < 0 ? -1 : p.revents;
}

static long rd(int fd, uint64_t *v)
{
	return read(fd, v, sizeof(*v));
}

static long wr(int fd, uint64_t v)
{
	return write(fd, &v, sizeof(v));
}

static void test_create(void)
{
	int fd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	CHECK("create", fd >= 0);
	CHECK("cloexec", (fcntl(fd, F_GETFD) & FD_CLOEXEC) != 0);
	CHECK("nonblock", (fcntl(fd, F_GETFL) & O_NONBLOCK) != 0);
	CHECK("rdwr", (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR);
	struct stat st;
	CHECK("fstat_mode", fstat(fd, &st) == 0 && st.st_mode == 0600);
	CHECK("lseek_noop", lseek(fd, 5, SEEK_SET) == 0);
	uint64_t v;
	CHECK("pread_espipe", pread(fd, &v, 8, 0) < 0 && errno == ESPIPE);
	close(fd);
	errno = 0;
	CHECK("bad_flags", eventfd(0, 0x10) < 0 && errno == EINVAL);
	CHECK("bad_flags_o_rdwr", eventfd(0, O_RDWR) < 0 && errno == EINVAL);
	fd = syscall(SYS_eventfd, 7);
	CHECK("eventfd_v1", fd >= 0 && rd(fd, &v) == 8 && v == 7);
	CHECK("eventfd_v1_blocking", (fcntl(fd, F_GETFL) & O_NONBLOCK) == 0);
	close(fd);
}

static void test_counter(void)
{
	int fd = eventfd(5, EFD_NONBLOCK);
	uint64_t v = 0;
	char small[7];
	CHECK("short_read", read(fd, small, sizeof(small)) < 0 && errno == EINVAL);
	CHECK("short_write", write(fd, small, sizeof(small)) < 0 && errno == EINVAL);
	CHECK("write_max_einval", wr(fd, UINT64_MAX) < 0 && errno == EINVAL);
	CHECK("add", wr(fd, 10) == 8 && wr(fd, 0) == 8);
	char big[16];
	CHECK("read_big_buffer", read(fd, big, sizeof(big)) == 8 && memcpy(&v, big, 8) && v == 15);
	CHECK("read_empty_eagain", rd(fd, &v) < 0 && errno == EAGAIN);
	CHECK("poll_empty", poll_mask(fd) == POLLOUT);
	CHECK("fill", wr(fd, CEILING) == 8);
	CHECK("poll_full", poll_mask(fd) == POLLIN);
	CHECK("overflow_eagain", wr(fd, 1) < 0 && errno == EAGAIN);
	CHECK("zero_at_ceiling", wr(fd, 0) == 8);
	CHECK("read_ceiling", rd(fd, &v) == 8 && v == CEILING);
	CHECK("read_efault", wr(fd, 3) == 8 && read(fd, (void *)1, 8) < 0 && errno == EFAULT);
	CHECK("write_efault", write(fd, (void *)1, 8) < 0 && errno == EFAULT);
	close(fd);
}

static void test_semaphore(void)
{
	int fd = eventfd(3, EFD_SEMAPHORE | EFD_NONBLOCK);
	uint64_t a = 0, b = 0, c = 0, d;
	bool ok = rd(fd, &a) == 8 && rd(fd, &b) == 8 && rd(fd, &c) == 8;
	CHECK("semaphore_ones", ok && a == 1 && b == 1 && c == 1);
	CHECK("semaphore_empty", rd(fd, &d) < 0 && errno == EAGAIN);
	close(fd);
}

static int wake_fd;

static void *writer(void *arg)
{
	pid_t tid = *(pid_t *)arg;
	if (evfd_wait_sleeping(getpid(), tid))
		wr(wake_fd, 42);
	return NULL;
}

static void *reader(void *arg)
{
	pid_t tid = *(pid_t *)arg;
	uint64_t v;
	if (evfd_wait_sleeping(getpid(), tid))
		rd(wake_fd, &v);
	return NULL;
}

static void test_blocking(void)
{
	wake_fd = eventfd(0, 0);
	pid_t me = syscall(SYS_gettid);
	pthread_t t;
	pthread_create(&t, NULL, writer, &me);
	uint64_t v = 0;
	CHECK("blocking_read_woken", rd(wake_fd, &v) == 8 && v == 42);
	pthread_join(t, NULL);
	wr(wake_fd, CEILING);
	pthread_create(&t, NULL, reader, &me);
	CHECK("blocking_write_woken", wr(wake_fd, 9) == 8);
	pthread_join(t, NULL);
	CHECK("blocking_write_landed", rd(wake_fd, &v) == 8 && v == 9);
	close(wake_fd);
}

static long block_read(void *arg)
{
	uint64_t v;
	return rd(*(int *)arg, &v);
}

static long block_write(void *arg)
{
	return wr(*(int *)arg, 2);
}

static void test_signals(void)
{
	int fd = eventfd(0, 0);
	int st = evfd_interrupt(block_read, &fd, SIGUSR1);
	CHECK("read_eintr", evfd_exited_with(st, EINTR));
	st = evfd_interrupt(block_read, &fd, SIGKILL);
	CHECK("read_sigkill", evfd_killed_by(st, SIGKILL));
	wr(fd, CEILING);
	st = evfd_interrupt(block_write, &fd, SIGUSR1);
	CHECK("write_eintr", evfd_exited_with(st, EINTR));
	st = evfd_interrupt(block_write, &fd, SIGKILL);
	CHECK("write_sigkill", evfd_killed_by(st, SIGKILL));
	close(fd);
}

int main(void)
{
	test_begin("eventfd");
	test_create();
	test_counter();
	test_semaphore();
	test_blocking();
	test_signals();
	int fd = eventfd(5, EFD_SEMAPHORE);
	CHECK("fdinfo", fdinfo_has(fd, "eventfd-count:                5\n") &&
				fdinfo_has(fd, "eventfd-semaphore: 1\n"));
	close(fd);
	test_end();
}
