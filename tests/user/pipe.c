/* Pipes: pipe/pipe2 and their flags and errors (EFAULT without leaking descriptors, EMFILE),
 * the 64 KiB capacity, non-blocking EAGAIN and partial writes, EOF, EPIPE with SIGPIPE (caught,
 * ignored, default), PIPE_BUF atomicity under concurrent writers, blocking calls interrupted by
 * signals (EINTR, SA_RESTART), FIONREAD, ESPIPE, EBADF on the wrong end, fork sharing, FIFOs. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>

#define CAPACITY 65536
#define RECORD 4096 /* PIPE_BUF */
#define WRITERS 4
#define RECORDS_PER_WRITER 64

static volatile sig_atomic_t sig_hits, sig_code;
static int handler_write_fd = -1;

static void on_sig(int sig, siginfo_t *si, void *uc)
{
	(void)sig, (void)uc;
	sig_hits++;
	sig_code = si->si_code;
	if (handler_write_fd >= 0) {
		char c = 'x';
		(void)write(handler_write_fd, &c, 1);
	}
}

static void set_handler(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_sigaction = on_sig;
	sa.sa_flags = SA_SIGINFO | flags;
	sigaction(sig, &sa, NULL);
}

/* One shot of SIGALRM after ms milliseconds. */
static void alarm_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static void close_pair(int p[2])
{
	close(p[0]);
	close(p[1]);
}

/* The lowest free descriptor (to see that nothing leaked). */
static int lowest_free_fd(void)
{
	int fd = dup(2);
	close(fd);
	return fd;
}

/* Fill a non-blocking pipe: bytes accepted before EAGAIN, written `chunk` at a time. */
static long fill(int fd, size_t chunk)
{
	static char buf[CAPACITY];
	long total = 0;
	for (;;) {
		ssize_t n = write(fd, buf, chunk);
		if (n < 0)
			return errno == EAGAIN ? total : -1;
		total += n;
	}
}

static void test_basic(void)
{
	int p[2];
	CHECK("pipe", pipe(p) == 0);
	CHECK("write", write(p[1], "hello", 5) == 5);
	char buf[16] = { 0 };
	CHECK("read", read(p[0], buf, sizeof(buf)) == 5 && memcmp(buf, "hello", 5) == 0);
	struct stat a, b;
	CHECK("fstat_fifo", fstat(p[0], &a) == 0 && fstat(p[1], &b) == 0 && S_ISFIFO(a.st_mode) &&
				    S_ISFIFO(b.st_mode));
	CHECK("both_ends_one_inode", a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	errno = 0;
	CHECK("read_from_write_end_ebadf", read(p[1], buf, 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK("write_to_read_end_ebadf", write(p[0], "x", 1) == -1 && errno == EBADF);
	errno = 0;
	CHECK("lseek_espipe", lseek(p[0], 0, SEEK_SET) == -1 && errno == ESPIPE);
	CHECK("zero_length_ops", write(p[1], buf, 0) == 0 && read(p[0], buf, 0) == 0);
	close_pair(p);
}

static void test_pipe2_flags(void)
{
	int p[2];
	CHECK("pipe2_cloexec", pipe2(p, O_CLOEXEC) == 0 && (fcntl(p[0], F_GETFD) & FD_CLOEXEC) &&
				       (fcntl(p[1], F_GETFD) & FD_CLOEXEC));
	close_pair(p);
	CHECK("pipe2_nonblock", pipe2(p, O_NONBLOCK) == 0 &&
					(fcntl(p[0], F_GETFL) & O_NONBLOCK) &&
					(fcntl(p[1], F_GETFL) & O_NONBLOCK) &&
					(fcntl(p[0], F_GETFL) & O_ACCMODE) == O_RDONLY &&
					(fcntl(p[1], F_GETFL) & O_ACCMODE) == O_WRONLY);
	char c;
	errno = 0;
	CHECK("read_empty_eagain", read(p[0], &c, 1) == -1 && errno == EAGAIN);
	close_pair(p);
	int before = lowest_free_fd();
	errno = 0;
	CHECK("pipe2_bad_flags_einval", pipe2(p, O_APPEND) == -1 && errno == EINVAL);
	errno = 0;
	CHECK("pipe_null_efault", syscall(SYS_pipe, NULL) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("pipe_kernel_ptr_efault", syscall(SYS_pipe2, KERNEL_PTR, 0) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("pipe_unmapped_efault",
	      syscall(SYS_pipe2, UNMAPPED_PTR, O_CLOEXEC) == -1 && errno == EFAULT);
	CHECK("efault_leaks_no_fd", lowest_free_fd() == before);
}

static void test_emfile(void)
{
	struct rlimit old, lim;
	getrlimit(RLIMIT_NOFILE, &old);
	int low = lowest_free_fd();
	lim = old;
	lim.rlim_cur = (rlim_t)low + 1; /* room for one descriptor only */
	setrlimit(RLIMIT_NOFILE, &lim);
	int p[2];
	errno = 0;
	int r = pipe(p);
	int e = errno;
	setrlimit(RLIMIT_NOFILE, &old);
	test_result("emfile", r == -1 && e == EMFILE, "pipe gave %d errno %d", r, e);
	CHECK("emfile_leaks_no_fd", lowest_free_fd() == low);
}

static void test_capacity(void)
{
	int p[2];
	pipe2(p, O_NONBLOCK);
	long total = fill(p[1], RECORD);
	test_result("capacity_65536", total == CAPACITY, "filled %ld", total);
	int avail = -1;
	CHECK("fionread", ioctl(p[0], FIONREAD, &avail) == 0 && avail == CAPACITY);
	errno = 0;
	CHECK("full_write_eagain", write(p[1], "x", 1) == -1 && errno == EAGAIN);
	close_pair(p);

	/* 65436 bytes in: 100 free. A 200-byte write is atomic: all or EAGAIN. */
	static char buf[CAPACITY];
	pipe2(p, O_NONBLOCK);
	CHECK("fill_65436", write(p[1], buf, CAPACITY - 100) == CAPACITY - 100);
	errno = 0;
	CHECK("atomic_write_eagain", write(p[1], buf, 200) == -1 && errno == EAGAIN);
	close_pair(p);

	/* A write bigger than PIPE_BUF may be split: a partial count. */
	pipe2(p, O_NONBLOCK);
	write(p[1], buf, 60000);
	ssize_t n = write(p[1], buf, 10000);
	test_result("partial_write", n > 0 && n < 10000, "wrote %zd", n);
	close_pair(p);
}

static void test_eof_and_epipe(void)
{
	int p[2];
	pipe(p);
	write(p[1], "ab", 2);
	close(p[1]);
	char buf[8];
	CHECK("data_before_eof", read(p[0], buf, sizeof(buf)) == 2);
	CHECK("eof", read(p[0], buf, sizeof(buf)) == 0);
	close(p[0]);

	set_handler(SIGPIPE, 0);
	sig_hits = 0;
	pipe(p);
	close(p[0]);
	errno = 0;
	CHECK("epipe_with_handler", write(p[1], "x", 1) == -1 && errno == EPIPE);
	test_result("sigpipe_caught", sig_hits == 1 && sig_code == SI_USER, "hits %d code %d",
		    (int)sig_hits, (int)sig_code);
	signal(SIGPIPE, SIG_IGN);
	errno = 0;
	CHECK("epipe_ignored", write(p[1], "x", 1) == -1 && errno == EPIPE);
	signal(SIGPIPE, SIG_DFL);
	pid_t pid = fork();
	if (pid == 0) {
		write(p[1], "x", 1);
		_exit(0);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	test_result("sigpipe_default_kills", WIFSIGNALED(st) && WTERMSIG(st) == SIGPIPE,
		    "status %#x", st);
	close(p[1]);
}

/* Tag of record r of writer w: every byte of the record carries it. */
static unsigned char record_tag(int w, int r)
{
	return (unsigned char)(w * RECORDS_PER_WRITER + r);
}

static void atomic_writer(int fd, int w)
{
	static unsigned char rec[RECORD];
	for (int r = 0; r < RECORDS_PER_WRITER; r++) {
		memset(rec, record_tag(w, r), sizeof(rec));
		if (write(fd, rec, sizeof(rec)) != RECORD)
			_exit(1);
	}
	_exit(0);
}

/* Writers race 4096-byte records into one pipe; the reader reads odd sizes and checks that
 * every record arrives whole and each writer's records in order. */
static void test_pipe_buf_atomic(void)
{
	int p[2];
	pipe(p);
	pid_t pids[WRITERS];
	for (int w = 0; w < WRITERS; w++) {
		pids[w] = fork();
		if (pids[w] == 0) {
			close(p[0]);
			atomic_writer(p[1], w);
		}
	}
	close(p[1]);
	static unsigned char rec[RECORD];
	int next[WRITERS] = { 0 }, got = 0, bad = 0;
	size_t fillp = 0;
	for (;;) {
		size_t want = 1000 + (size_t)(got % 7) * 311;
		if (want > RECORD - fillp)
			want = RECORD - fillp;
		ssize_t n = read(p[0], rec + fillp, want);
		if (n <= 0)
			break;
		fillp += (size_t)n;
		if (fillp < RECORD)
			continue;
		fillp = 0;
		int tag = rec[0], w = tag / RECORDS_PER_WRITER, r = tag % RECORDS_PER_WRITER;
		for (int i = 1; i < RECORD; i++)
			bad += rec[i] != rec[0];
		if (w >= WRITERS || r != next[w])
			bad++;
		else
			next[w]++;
		got++;
	}
	int ok_children = 0;
	for (int w = 0; w < WRITERS; w++) {
		int st;
		waitpid(pids[w], &st, 0);
		ok_children += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	test_result("pipe_buf_atomic", got == WRITERS * RECORDS_PER_WRITER && !bad && !fillp &&
						ok_children == WRITERS,
		    "records %d bad %d leftover %zu writers ok %d", got, bad, fillp, ok_children);
	close(p[0]);
}

static void test_interrupts(void)
{
	int p[2];
	pipe(p);
	char c;
	set_handler(SIGALRM, 0);
	sig_hits = 0;
	alarm_ms(30);
	errno = 0;
	CHECK("read_eintr", read(p[0], &c, 1) == -1 && errno == EINTR && sig_hits == 1);

	/* With SA_RESTART the read starts again and gets the byte the handler wrote. */
	set_handler(SIGALRM, SA_RESTART);
	handler_write_fd = p[1];
	alarm_ms(30);
	CHECK("read_sa_restart", read(p[0], &c, 1) == 1 && c == 'x');
	handler_write_fd = -1;

	/* A blocking write into a full pipe: interrupted with nothing written. */
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	fill(p[1], RECORD);
	fcntl(p[1], F_SETFL, 0);
	set_handler(SIGALRM, 0);
	alarm_ms(30);
	errno = 0;
	CHECK("write_eintr", write(p[1], "y", 1) == -1 && errno == EINTR);
	int avail = 0;
	ioctl(p[0], FIONREAD, &avail);
	test_result("write_eintr_wrote_nothing", avail == CAPACITY, "%d bytes", avail);
	signal(SIGALRM, SIG_DFL);
	close_pair(p);
}

/* A bad buffer: EFAULT, and the data stays in the pipe. */
static void test_efault_buffers(void)
{
	int p[2];
	pipe(p);
	errno = 0;
	CHECK("write_bad_buf_efault", write(p[1], KERNEL_PTR, 10) == -1 && errno == EFAULT);
	write(p[1], "abc", 3);
	errno = 0;
	CHECK("read_bad_buf_efault", read(p[0], UNMAPPED_PTR, 3) == -1 && errno == EFAULT);
	char buf[4] = { 0 };
	CHECK("data_kept_after_efault", read(p[0], buf, 3) == 3 && memcmp(buf, "abc", 3) == 0);
	errno = 0;
	CHECK("fionread_bad_ptr", ioctl(p[0], FIONREAD, KERNEL_PTR) == -1 && errno == EFAULT);
	close_pair(p);
}

/* Parent and child share both ends across fork; EOF comes only once every writer closed. */
static void test_fork_sharing(void)
{
	int p[2];
	pipe(p);
	pid_t pid = fork();
	if (pid == 0) {
		close(p[0]);
		for (int i = 0; i < 100; i++)
			write(p[1], "0123456789", 10);
		_exit(0);
	}
	close(p[1]);
	char buf[256];
	long total = 0;
	ssize_t n;
	while ((n = read(p[0], buf, sizeof(buf))) > 0)
		total += n;
	int st;
	waitpid(pid, &st, 0);
	test_result("fork_shared_pipe", total == 1000 && n == 0, "got %ld last %zd", total, n);
	close(p[0]);
}

static void test_fifo(void)
{
	const char *path = "/tmp/pipe_test_fifo";
	mkdir("/tmp", 0777);
	unlink(path);
	CHECK("mkfifo", mkfifo(path, 0600) == 0);
	struct stat st;
	CHECK("fifo_stat", stat(path, &st) == 0 && S_ISFIFO(st.st_mode));
	errno = 0;
	CHECK("fifo_wronly_nonblock_enxio",
	      open(path, O_WRONLY | O_NONBLOCK) == -1 && errno == ENXIO);
	int r = open(path, O_RDONLY | O_NONBLOCK);
	CHECK("fifo_rdonly_nonblock", r >= 0);
	struct pollfd pfd = { r, POLLIN, 0 };
	CHECK("fifo_no_hup_before_a_writer", poll(&pfd, 1, 0) == 0 && pfd.revents == 0);
	int w = open(path, O_WRONLY | O_NONBLOCK);
	CHECK("fifo_wronly_with_reader", w >= 0);
	char buf[8] = { 0 };
	CHECK("fifo_data", write(w, "fifo", 4) == 4 && read(r, buf, 8) == 4 &&
				   memcmp(buf, "fifo", 4) == 0);
	close(w);
	CHECK("fifo_hup_after_the_writer", poll(&pfd, 1, 0) == 1 && pfd.revents == POLLHUP);
	close(r);
	int rw = open(path, O_RDWR);
	CHECK("fifo_rdwr_no_block", rw >= 0);
	close(rw);

	/* A blocking read-only open waits for the writer the child opens. */
	pid_t pid = fork();
	if (pid == 0) {
		int fd = open(path, O_WRONLY);
		_exit(fd >= 0 && write(fd, "hi", 2) == 2 ? 0 : 1);
	}
	r = open(path, O_RDONLY);
	memset(buf, 0, sizeof(buf));
	int n = 0, k;
	while ((k = (int)read(r, buf + n, sizeof(buf) - (size_t)n)) > 0)
		n += k;
	int cst;
	waitpid(pid, &cst, 0);
	CHECK("fifo_blocking_open", r >= 0 && n == 2 && memcmp(buf, "hi", 2) == 0 &&
					    WIFEXITED(cst) && WEXITSTATUS(cst) == 0);
	close(r);
	unlink(path);
}

int main(void)
{
	test_begin("pipe");
	test_basic();
	test_pipe2_flags();
	test_emfile();
	test_capacity();
	test_eof_and_epipe();
	test_pipe_buf_atomic();
	test_interrupts();
	test_efault_buffers();
	test_fork_sharing();
	test_fifo();
	test_end();
}
