/* Regression tests for long_copy_ignores_sigkill (issue 19), pty_long_write_sigkill and
 * random_write_zero_efault (issue 12): a long copy — sendfile from /dev/urandom, a large read
 * of /dev/urandom, a large getrandom, 64 MiB written to a pty master in one line (its slave
 * drops what does not fit, so the write never waited: the fuzzer found a thread SIGKILL could
 * not end) — must end soon after SIGKILL (it took 16 s to minutes), a caught signal cuts it
 * short with the bytes done so far (as Linux: never EINTR once bytes were copied), and a
 * zero-length write to a random device is 0, not EFAULT. The child's system time growing (or,
 * where the call sleeps, as Linux's pty write does, its being in the call) is the event that
 * says it is inside the copy. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <sys/random.h>
#include <sys/sendfile.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define BIG (64u << 20)
#define KILL_BOUND_MS 3000
#define IN_KERNEL_TICKS 3 /* system time, in clock ticks, that proves the copy is running */

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* utime + stime of pid in clock ticks (/proc/<pid>/stat fields 14 and 15), -1 if gone. */
static long cpu_ticks(pid_t pid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	long ut = 0, st = 0;
	const char *fields = "%*c %*d %*d %*d %*d %*d %*u %*u %*u %*u %*u %ld %ld";
	if (!p || sscanf(p + 2, fields, &ut, &st) != 2)
		return -1;
	return ut + st;
}

/* Is pid inside system call nr (/proc/<pid>/syscall starts with its number)? */
static bool in_syscall(pid_t pid, int nr)
{
	char path[64], buf[64] = { 0 };
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return false;
	ssize_t n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	return n > 0 && atoi(buf) == nr && buf[0] != 'r'; /* not "running" */
}

/* Wait (bounded) until pid has run a few ticks since `base`, or sleeps in write(2): it is
 * inside its long call. */
static bool wait_busy(pid_t pid, long base)
{
	long start = now_ms();
	while (now_ms() - start < 10000) {
		long t = cpu_ticks(pid);
		if (t < 0)
			return false;
		if (t - base >= IN_KERNEL_TICKS || in_syscall(pid, SYS_write))
			return true;
		sched_yield();
	}
	return false;
}

enum copy_kind { SENDFILE_URANDOM, READ_URANDOM, GETRANDOM, PTY_WRITE };

static long do_copy(enum copy_kind k, char *buf)
{
	int ur = open("/dev/urandom", O_RDONLY);
	switch (k) {
	case SENDFILE_URANDOM: return sendfile(open("/dev/null", O_WRONLY), ur, NULL, 0x7ffff000);
	case READ_URANDOM: return read(ur, buf, BIG);
	case PTY_WRITE: {
		/* buf: one line that never ends (copy_buffer); the slave is never opened */
		return write(posix_openpt(O_RDWR | O_NOCTTY), buf, BIG);
	}
	default: return getrandom(buf, BIG, 0);
	}
}

/* The buffer of copy k, filled before the child starts, so that its CPU time is the copy's. */
static char *copy_buffer(enum copy_kind k)
{
	char *b = mmap(NULL, BIG, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (b == MAP_FAILED)
		return NULL;
	if (k == PTY_WRITE)
		memset(b, 'a', BIG);
	return b;
}

static volatile int caught;
static void on_usr1(int sig)
{
	(void)sig;
	caught = 1;
}

/* A child making copy k into buf. With report_fd >= 0 it catches SIGUSR1 and writes there
 * what the call returned and whether the handler ran. */
static pid_t spawn_copier(enum copy_kind k, char *buf, int report_fd)
{
	pid_t pid = fork();
	if (pid != 0)
		return pid;
	if (report_fd >= 0) {
		struct sigaction sa = { .sa_handler = on_usr1 };
		sigaction(SIGUSR1, &sa, NULL);
	}
	long out[2] = { do_copy(k, buf), 0 };
	out[1] = caught;
	if (report_fd >= 0 && write(report_fd, out, sizeof(out)) != sizeof(out))
		_exit(1);
	_exit(0);
}

/* SIGKILL during the copy: the child must be reaped within KILL_BOUND_MS. */
static void kill_case(const char *name, enum copy_kind k)
{
	char *buf = copy_buffer(k);
	if (!buf)
		exit(2);
	pid_t pid = spawn_copier(k, buf, -1);
	bool busy = wait_busy(pid, 0);
	long t0 = now_ms();
	kill(pid, SIGKILL);
	int st = 0;
	pid_t r;
	while ((r = waitpid(pid, &st, WNOHANG)) == 0 && now_ms() - t0 < KILL_BOUND_MS)
		sched_yield();
	long took = now_ms() - t0;
	if (r == 0) { /* still alive: report, then wait it out so nothing is left behind */
		waitpid(pid, &st, 0);
	}
	test_result(name, r == pid && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
		    "reaped after %ld ms (bound %d ms; copy seen running: %d)", took, KILL_BOUND_MS,
		    busy);
	munmap(buf, BIG);
}

/* A caught signal during the copy: the call returns what it copied (> 0), not EINTR. */
static void signal_case(const char *name, enum copy_kind k)
{
	char *buf = copy_buffer(k);
	int res[2];
	if (!buf || pipe(res))
		exit(2);
	pid_t pid = spawn_copier(k, buf, res[1]);
	wait_busy(pid, 0);
	kill(pid, SIGUSR1);
	long out[2] = { -2, 0 };
	bool got = read(res[0], out, sizeof(out)) == sizeof(out);
	waitpid(pid, NULL, 0);
	close(res[0]);
	close(res[1]);
	test_result(name, got && out[0] > 0 && out[1] == 1,
		    "returned %ld (handler ran: %ld)", out[0], out[1]);
	munmap(buf, BIG);
}

int main(void)
{
	test_begin("long_copy_sigkill");
	kill_case("sendfile_urandom_to_null_sigkill", SENDFILE_URANDOM);
	kill_case("read_urandom_64mib_sigkill", READ_URANDOM);
	kill_case("getrandom_64mib_sigkill", GETRANDOM);
	kill_case("pty_long_write_sigkill", PTY_WRITE);
	signal_case("read_urandom_signal_partial", READ_URANDOM);
	signal_case("getrandom_signal_partial", GETRANDOM);
	signal_case("sendfile_urandom_signal_partial", SENDFILE_URANDOM);
	signal_case("pty_long_write_signal_partial", PTY_WRITE);
	int ur = open("/dev/urandom", O_RDWR), rnd = open("/dev/random", O_WRONLY);
	char b = 0;
	CHECK("random_write_zero_efault_urandom", write(ur, &b, 0) == 0);
	CHECK("random_write_zero_efault_random", write(rnd, NULL, 0) == 0);
	CHECK("random_read_zero_is_zero", read(ur, NULL, 0) == 0);
	test_end();
}
