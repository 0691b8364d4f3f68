/* poll, ppoll, select and pselect6 on pipes: readable and writable readiness, POLLHUP after
 * the writer closes, POLLERR after the readers close, POLLNVAL, timeouts (and the time left
 * that select writes back), a sleeper woken by another process, EINTR by a signal, the
 * temporary signal mask of ppoll/pselect6, and the EFAULT/EINVAL/EBADF cases. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sched.h>
#include <poll.h>
#include <signal.h>
#include <stdint.h>
#include <sys/resource.h>
#include <sys/select.h>
#include <sys/syscall.h>
#include <sys/time.h>
#include <sys/wait.h>
#include <time.h>

#define SHORT_MS 50
#define GENEROUS_MS 5000 /* "it did not hang": far above SHORT_MS even under TCG */

static volatile sig_atomic_t sig_hits;

static void on_sig(int sig)
{
	(void)sig;
	sig_hits++;
}

static void set_handler(int sig)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sig;
	sigaction(sig, &sa, NULL);
}

static void alarm_ms(int ms)
{
	struct itimerval it = { { 0, 0 }, { ms / 1000, (ms % 1000) * 1000 } };
	setitimer(ITIMER_REAL, &it, NULL);
}

static long now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void close_pair(int p[2])
{
	close(p[0]);
	close(p[1]);
}

static short poll1(int fd, short events, int timeout)
{
	struct pollfd pfd = { fd, events, 0 };
	int r = poll(&pfd, 1, timeout);
	return r < 0 ? -1 : pfd.revents;
}

static void test_poll_readiness(void)
{
	int p[2];
	pipe(p);
	CHECK("empty_not_readable", poll1(p[0], POLLIN, 0) == 0);
	CHECK("empty_writable", poll1(p[1], POLLOUT, 0) == POLLOUT);
	write(p[1], "x", 1);
	CHECK("readable", poll1(p[0], POLLIN, 0) == POLLIN);
	CHECK("rdnorm", poll1(p[0], POLLRDNORM, 0) == POLLRDNORM);
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	static char buf[65536];
	while (write(p[1], buf, sizeof(buf)) > 0) {
	}
	CHECK("full_not_writable", poll1(p[1], POLLOUT, 0) == 0);
	close(p[1]);
	CHECK("pollhup_after_writer_closed", poll1(p[0], POLLIN, 0) == (POLLIN | POLLHUP));
	while (read(p[0], buf, sizeof(buf)) > 0) {
	}
	CHECK("pollhup_without_asking", poll1(p[0], 0, 0) == POLLHUP);
	close(p[0]);

	pipe(p);
	close(p[0]);
	CHECK("pollerr_after_readers_closed", (poll1(p[1], POLLOUT, 0) & POLLERR) != 0);
	int closed = p[0];
	CHECK("pollnval", poll1(closed, POLLIN, 0) == POLLNVAL);
	struct pollfd two[2] = { { -1, POLLIN, 7 }, { p[1], POLLOUT, 0 } };
	CHECK("negative_fd_ignored", poll(two, 2, 0) == 1 && two[0].revents == 0);
	close(p[1]);
}

/* A child that writes one byte to fd a little later (likely while the parent sleeps in the
 * call under test; either order must work). */
static pid_t late_writer(int fd)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < 20; i++)
			sched_yield();
		_exit(write(fd, "w", 1) == 1 ? 0 : 1);
	}
	return pid;
}

static void test_poll_timeout_and_wake(void)
{
	int p[2];
	pipe(p);
	long t0 = now_ms();
	struct pollfd pfd = { p[0], POLLIN, 0 };
	int r = poll(&pfd, 1, SHORT_MS);
	long dt = now_ms() - t0;
	test_result("poll_timeout", r == 0 && dt >= SHORT_MS && dt < GENEROUS_MS,
		    "r %d after %ld ms", r, dt);

	/* Two pipes, the second made readable by a child: poll sleeps until it is. */
	int q[2];
	pipe(q);
	pid_t pid = late_writer(q[1]);
	struct pollfd fds[2] = { { p[0], POLLIN, 0 }, { q[0], POLLIN, 0 } };
	r = poll(fds, 2, GENEROUS_MS);
	test_result("poll_woken_by_writer", r == 1 && fds[0].revents == 0 &&
						    fds[1].revents == POLLIN,
		    "r %d revents %#x %#x", r, fds[0].revents, fds[1].revents);
	waitpid(pid, NULL, 0);
	close_pair(p);
	close_pair(q);
}

/* More registrations than the kernel keeps (the same pipe hundreds of times, then the one
 * that becomes readable): the poller must still notice, by re-polling. */
#define MANY 600
static void test_many_entries(void)
{
	int a[2], b[2];
	pipe(a);
	pipe(b);
	static struct pollfd fds[MANY];
	for (int i = 0; i < MANY; i++)
		fds[i] = (struct pollfd){ i == MANY - 1 ? b[0] : a[0], POLLIN, 0 };
	pid_t pid = late_writer(b[1]);
	int r = poll(fds, MANY, GENEROUS_MS);
	test_result("poll_600_entries", r == 1 && fds[MANY - 1].revents == POLLIN &&
						fds[0].revents == 0,
		    "r %d", r);
	waitpid(pid, NULL, 0);
	close_pair(a);
	close_pair(b);
}

static void test_eintr(void)
{
	int p[2];
	pipe(p);
	set_handler(SIGALRM);
	struct pollfd pfd = { p[0], POLLIN, 0 };
	sig_hits = 0;
	alarm_ms(20);
	errno = 0;
	CHECK("poll_eintr", poll(&pfd, 1, -1) == -1 && errno == EINTR && sig_hits == 1);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	alarm_ms(20);
	errno = 0;
	CHECK("select_eintr", select(p[0] + 1, &rs, NULL, NULL, NULL) == -1 && errno == EINTR);
	alarm_ms(20);
	errno = 0;
	CHECK("ppoll_eintr", ppoll(&pfd, 1, NULL, NULL) == -1 && errno == EINTR);
	FD_SET(p[0], &rs);
	alarm_ms(20);
	errno = 0;
	CHECK("pselect_eintr", pselect(p[0] + 1, &rs, NULL, NULL, NULL, NULL) == -1 &&
				       errno == EINTR);
	close_pair(p);
}

static bool blocked(int sig)
{
	sigset_t s;
	sigprocmask(SIG_BLOCK, NULL, &s);
	return sigismember(&s, sig);
}

/* ppoll/pselect6 swap the mask for the call only: a pending blocked signal that the call's
 * mask lets in interrupts it; one the call's mask blocks waits until afterwards. */
static void test_sigmask(void)
{
	int p[2];
	pipe(p);
	set_handler(SIGUSR1);
	sigset_t block, empty;
	sigemptyset(&empty);
	sigemptyset(&block);
	sigaddset(&block, SIGUSR1);
	sigprocmask(SIG_BLOCK, &block, NULL);
	sig_hits = 0;
	raise(SIGUSR1);
	struct pollfd pfd = { p[0], POLLIN, 0 };
	struct timespec ts = { 5, 0 };
	errno = 0;
	int r = ppoll(&pfd, 1, &ts, &empty);
	test_result("ppoll_mask_lets_signal_in", r == -1 && errno == EINTR && sig_hits == 1,
		    "r %d errno %d hits %d", r, errno, (int)sig_hits);
	CHECK("ppoll_mask_restored", blocked(SIGUSR1));

	raise(SIGUSR1);
	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	errno = 0;
	r = pselect(p[0] + 1, &rs, NULL, NULL, &ts, &empty);
	test_result("pselect_mask_lets_signal_in", r == -1 && errno == EINTR && sig_hits == 2,
		    "r %d errno %d hits %d", r, errno, (int)sig_hits);
	CHECK("pselect_mask_restored", blocked(SIGUSR1));

	/* The call's mask blocks SIGALRM: the timer fires during the call, which times out,
	 * and the handler runs only once the old mask is back. */
	sigprocmask(SIG_UNBLOCK, &block, NULL);
	set_handler(SIGALRM);
	sigset_t no_alrm;
	sigemptyset(&no_alrm);
	sigaddset(&no_alrm, SIGALRM);
	sig_hits = 0;
	alarm_ms(10);
	struct timespec t100 = { 0, 100 * 1000000 };
	/* Raw: musl's ppoll passes a copy of the timespec. */
	r = (int)syscall(SYS_ppoll, &pfd, 1, &t100, &no_alrm, 8);
	test_result("ppoll_mask_holds_signal_off", r == 0 && sig_hits == 1, "r %d hits %d", r,
		    (int)sig_hits);
	CHECK("ppoll_timespec_zero_left", t100.tv_sec == 0 && t100.tv_nsec == 0);
	signal(SIGALRM, SIG_DFL);
	signal(SIGUSR1, SIG_DFL);
	close_pair(p);
}

/* Raw select: musl's wrapper copies the timeval (so the time left is not seen) and reads it
 * itself (so a bad pointer would crash the test instead of reaching the kernel). */
static int raw_select(int n, fd_set *r, fd_set *w, fd_set *e, void *tv)
{
	return (int)syscall(SYS_select, n, r, w, e, tv);
}

static void test_select(void)
{
	int p[2];
	pipe(p);
	fd_set rs, ws;
	FD_ZERO(&rs);
	FD_ZERO(&ws);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	struct timeval tv = { 0, 0 };
	int r = select(p[1] + 1, &rs, &ws, NULL, &tv);
	test_result("select_writable_only", r == 1 && !FD_ISSET(p[0], &rs) && FD_ISSET(p[1], &ws),
		    "r %d", r);
	write(p[1], "z", 1);
	FD_SET(p[0], &rs);
	FD_SET(p[1], &ws);
	r = select(p[1] + 1, &rs, &ws, NULL, &tv);
	CHECK("select_both", r == 2 && FD_ISSET(p[0], &rs) && FD_ISSET(p[1], &ws));

	/* The time left is written back: nothing is left after a timeout. */
	char c;
	read(p[0], &c, 1);
	FD_SET(p[0], &rs);
	tv = (struct timeval){ 0, 30000 };
	long t0 = now_ms();
	r = raw_select(p[0] + 1, &rs, NULL, NULL, &tv);
	long dt = now_ms() - t0;
	test_result("select_timeout", r == 0 && !FD_ISSET(p[0], &rs) && dt >= 30 &&
					      tv.tv_sec == 0 && tv.tv_usec == 0,
		    "r %d after %ld ms, tv %ld.%06ld", r, dt, (long)tv.tv_sec, (long)tv.tv_usec);

	/* Early success leaves the rest of the time. */
	write(p[1], "z", 1);
	FD_SET(p[0], &rs);
	tv = (struct timeval){ 10, 0 };
	r = raw_select(p[0] + 1, &rs, NULL, NULL, &tv);
	CHECK("select_time_left", r == 1 && tv.tv_sec >= 9 && tv.tv_sec <= 10);
	/* An oversized tv_usec carries into seconds, as Linux does. */
	tv = (struct timeval){ 0, 1000000 };
	FD_SET(p[0], &rs);
	CHECK("select_big_usec_ok", raw_select(p[0] + 1, &rs, NULL, NULL, &tv) == 1);

	int closed = p[1] + 1;
	while (fcntl(closed, F_GETFD) != -1)
		closed++;
	FD_ZERO(&rs);
	FD_SET(closed, &rs);
	tv = (struct timeval){ 0, 0 };
	errno = 0;
	CHECK("select_ebadf", select(closed + 1, &rs, NULL, NULL, &tv) == -1 && errno == EBADF);
	errno = 0;
	CHECK("select_negative_nfds", select(-1, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	tv = (struct timeval){ 0, -1 };
	errno = 0;
	CHECK("select_negative_usec", raw_select(0, NULL, NULL, NULL, &tv) == -1 && errno == EINVAL);
	tv = (struct timeval){ 0, 1000 };
	CHECK("select_as_sleep", select(0, NULL, NULL, NULL, &tv) == 0);
	close_pair(p);
}

static void test_errors(void)
{
	int p[2];
	pipe(p);
	errno = 0;
	CHECK("poll_bad_fds_efault", poll(KERNEL_PTR, 1, 0) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("poll_unmapped_fds_efault", poll(UNMAPPED_PTR, 2, 0) == -1 && errno == EFAULT);
	CHECK("poll_no_fds", poll(NULL, 0, 0) == 0);
	struct rlimit lim;
	getrlimit(RLIMIT_NOFILE, &lim);
	errno = 0;
	CHECK("poll_nfds_over_rlimit_einval",
	      poll(NULL, (nfds_t)lim.rlim_cur + 1, 0) == -1 && errno == EINVAL);

	fd_set rs;
	FD_ZERO(&rs);
	FD_SET(p[0], &rs);
	struct timeval tv = { 0, 0 };
	errno = 0;
	CHECK("select_bad_set_efault",
	      raw_select(p[0] + 1, KERNEL_PTR, NULL, NULL, &tv) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("select_bad_timeval_efault",
	      raw_select(p[0] + 1, &rs, NULL, NULL, UNMAPPED_PTR) == -1 && errno == EFAULT);

	struct pollfd pfd = { p[0], POLLIN, 0 };
	errno = 0;
	CHECK("ppoll_bad_timespec_efault",
	      syscall(SYS_ppoll, &pfd, 1, KERNEL_PTR, NULL, 8) == -1 && errno == EFAULT);
	struct timespec bad_ts = { 0, 1000000000 };
	errno = 0;
	CHECK("ppoll_bad_nsec_einval",
	      syscall(SYS_ppoll, &pfd, 1, &bad_ts, NULL, 8) == -1 && errno == EINVAL);
	struct timespec zero = { 0, 0 };
	errno = 0;
	CHECK("ppoll_bad_mask_efault",
	      syscall(SYS_ppoll, &pfd, 1, &zero, KERNEL_PTR, 8) == -1 && errno == EFAULT);
	sigset_t empty;
	sigemptyset(&empty);
	errno = 0;
	CHECK("ppoll_bad_sigsetsize",
	      syscall(SYS_ppoll, &pfd, 1, &zero, &empty, 4) == -1 && errno == EINVAL);
	CHECK("ppoll_null_mask_any_size", syscall(SYS_ppoll, &pfd, 1, &zero, NULL, 4) == 0);

	struct {
		const void *ss;
		size_t len;
	} pack = { KERNEL_PTR, 8 };
	errno = 0;
	CHECK("pselect6_bad_mask_efault",
	      syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &zero, &pack) == -1 &&
		      errno == EFAULT);
	errno = 0;
	CHECK("pselect6_bad_pack_efault",
	      syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &zero, KERNEL_PTR) == -1 &&
		      errno == EFAULT);
	pack.ss = &empty;
	pack.len = 4;
	errno = 0;
	CHECK("pselect6_bad_sigsetsize",
	      syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &zero, &pack) == -1 &&
		      errno == EINVAL);
	errno = 0;
	CHECK("ppoll_bad_fds_efault",
	      syscall(SYS_ppoll, KERNEL_PTR, 1, &zero, NULL, 8) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("pselect6_bad_nsec_einval",
	      syscall(SYS_pselect6, p[0] + 1, &rs, NULL, NULL, &bad_ts, NULL) == -1 &&
		      errno == EINVAL);
	/* The result set written into read-only memory: EFAULT after the scan. */
	static const fd_set ro_set; /* all zero, in .rodata */
	errno = 0;
	CHECK("select_readonly_set_efault",
	      raw_select(1, (fd_set *)&ro_set, NULL, NULL, &tv) == -1 && errno == EFAULT);
	/* Revents written into read-only memory: EFAULT after the scan. */
	struct pollfd *ro = (struct pollfd *)(uintptr_t)"\0\0\0\0\1\0\0";
	errno = 0;
	CHECK("poll_readonly_fds_efault", poll(ro, 1, 0) == -1 && errno == EFAULT);
	close_pair(p);
}

int main(void)
{
	test_begin("poll");
	test_poll_readiness();
	test_poll_timeout_and_wake();
	test_many_entries();
	test_eintr();
	test_sigmask();
	test_select();
	test_errors();
	test_end();
}
