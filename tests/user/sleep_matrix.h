/* The sleep matrix (issue 12): every blocking system call, in a single-threaded process and
 * asleep in a non-main thread of a multi-threaded one, must end as Linux ends it — a caught
 * signal gives EINTR (or a restart under SA_RESTART, as signal(7) says per call), SIGKILL ends
 * the process and it is reaped, exit_group or execve from a sibling thread ends or replaces it,
 * and SIGSTOP then SIGCONT leaves the sleep going. This header is the engine; each
 * sleep_matrix_<group>.c is a table of calls (one "block" function each, with its wake-up and
 * expected results) and a main. Every case runs in its own child with bounded waits, so a
 * sleeper the kernel never wakes (or cannot kill) fails that case only. Validated on Linux:
 * the same binaries run on the host (the user-linux layer of tools/run-tests.sh). */
#ifndef TESTS_USER_SLEEP_MATRIX_H
#define TESTS_USER_SLEEP_MATRIX_H

#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <limits.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define SM_LONG_NS (60 * 1000000000L) /* a timed call nothing but a signal should end */
#define SM_SHORT_NS 400000000L /* a timed call left to end by its timer (stop cases) */
#define SM_BOUND_MS 2000 /* how long an expected event may take before the case fails */
#define SM_SETUP_MS 5000 /* how long a case process may take to reach its call */
#define SM_QUIET_MS 300 /* how long a call that must not end is watched */
#define SM_REM_SLACK_NS 10000000L /* what nanosleep's time left may exceed the request by */
#define SM_EXIT_STATUS 42 /* the sibling's exit_group status */
#define SM_EXEC_STATUS 43 /* the status of the program the sibling execs */

/* Sentinels for sm_call.woken. */
#define SM_NONNEG (LONG_MIN + 1) /* any result >= 0 (a descriptor) */
#define SM_HELPER (LONG_MIN + 2) /* the pid of the helper child (wait4, vfork) */

/* sm_call.flags */
#define SM_RESTARTS 1u /* SA_RESTART restarts it (else EINTR even with SA_RESTART) */
#define SM_UNINTERRUPTIBLE 2u /* a caught signal waits until the call ends (vfork) */
#define SM_REM 4u /* EINTR writes the time left (nanosleep's rem) */
#define SM_WAKE_HANDLER 8u /* its wake-up runs the SIGUSR1 handler (pause, sigsuspend) */
#define SM_NO_STOP 16u /* SIGSTOP waits until the call ends: no stop case (vfork) */
#define SM_STOP_EINTR 32u /* stopped and continued, it fails with EINTR (signal(7)) */
#define SM_LATE_HELPER 64u /* its helper child announces itself once the call sleeps (vfork) */

/* What the driver and the case process share (MAP_SHARED): the call's resources. */
struct sm_ctx {
	int fd[2]; /* a pipe both hold */
	int xfd; /* the driver's descriptor (pty master, FIFO writer, file), or -1 */
	int cfd; /* the case process's descriptor (pty slave, FIFO reader), or -1 */
	char path[96]; /* the call's FIFO, file or pty */
	uint32_t word; /* a futex word in shared memory */
	pid_t pid, tid; /* the case process and its blocking thread */
	volatile pid_t helper; /* the case process's child (wait4, waitid, vfork), or 0 */
	long dur_ns; /* the timeout of a timed call */
	long rem_ns; /* the time left that the call reported */
	volatile int handled; /* SIGUSR1 handler runs */
	int hfd; /* the handler writes one byte here per run */
};

struct sm_call {
	const char *name;
	long nr; /* the number /proc shows while it sleeps */
	/* The driver's preparation before the fork; false: the platform lacks something
	 * (why says what) and the cases are skipped. NULL: nothing to prepare. */
	bool (*prep)(struct sm_ctx *c, char *why, size_t n);
	void (*setup)(struct sm_ctx *c); /* in the blocking thread, before it blocks; or NULL */
	long (*block)(struct sm_ctx *c); /* the call: its result or -errno */
	void (*wake)(struct sm_ctx *c); /* the driver ends the sleep; NULL: its timer does */
	void (*cleanup)(struct sm_ctx *c); /* the driver's, after the case; or NULL */
	long woken; /* the call's result once woken (or timed out), or a sentinel */
	unsigned flags;
};

enum sm_behaviour { SM_SIG, SM_RESTART, SM_KILL, SM_EXIT, SM_EXEC, SM_STOP, SM_NBEHAVIOURS };
static const char *const sm_behaviour_names[] = { "sig", "restart", "sigkill", "exit_group",
						  "execve", "stop_cont" };

static struct sm_ctx *sm; /* the shared context of the running case */
static const char *sm_self = "/proc/self/exe"; /* this program, for the execve cases */
static const char *sm_only; /* run only the cases whose names contain this (argv[1]) */

/* The driver's view of one case. */
struct sm_run {
	const struct sm_call *call;
	enum sm_behaviour b;
	bool mt;
	pid_t pid, tid;
	int ready, report, ctl, handled; /* the driver's pipe ends */
	bool reaped;
	int status;
	char *why;
	size_t whylen;
};

/* What the blocking thread sends once its call has returned. */
struct sm_report {
	long result;
	int handled;
	long elapsed_ns;
	long rem_ns;
};

/* --- small helpers --- */

static long sm_now_ns(void)
{
	struct timespec t;
	clock_gettime(CLOCK_MONOTONIC, &t);
	return t.tv_sec * 1000000000L + t.tv_nsec;
}

static struct timespec sm_ts(long ns)
{
	return (struct timespec){ .tv_sec = ns / 1000000000L, .tv_nsec = ns % 1000000000L };
}

/* An absolute CLOCK_MONOTONIC deadline ns from now. */
static struct timespec sm_deadline(long ns)
{
	return sm_ts(sm_now_ns() + ns);
}

static long sm_sys(long r)
{
	return r == -1 ? -errno : r;
}

static void sm_sleep_ms(long ms)
{
	struct timespec t = sm_ts(ms * 1000000L);
	nanosleep(&t, NULL);
}

static bool sm_fail(struct sm_run *r, const char *fmt, ...)
{
	va_list ap;
	va_start(ap, fmt);
	vsnprintf(r->why, r->whylen, fmt, ap);
	va_end(ap);
	return false;
}

/* "-4 (Interrupted system call)" or "7". */
static const char *sm_res(long v, char *buf, size_t n)
{
	if (v < 0 && v > -4096)
		snprintf(buf, n, "%ld (%s)", v, strerror((int)-v));
	else
		snprintf(buf, n, "%ld", v);
	return buf;
}

/* The state letter of the blocking thread's stat file (/proc/<pid>/task/<tid>/stat for a
 * thread), '?' if unreadable. */
static char sm_state(const struct sm_run *r)
{
	char path[96], text[512];
	if (r->mt)
		snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", (int)r->pid, (int)r->tid);
	else
		snprintf(path, sizeof(path), "/proc/%d/stat", (int)r->pid);
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return '?';
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = 0;
	char *p = strrchr(text, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

/* The blocking thread's number in /proc/.../syscall (proc_wait.h's codes). */
static long sm_syscall_now(const struct sm_run *r)
{
	return r->mt ? proc_thread_syscall_of(r->pid, r->tid) : proc_syscall_of(r->pid);
}

/* Where the blocking thread is, for failure messages; once a blocking thread (mt) has gone,
 * where the process's main thread is. */
static const char *sm_where(const struct sm_run *r, char *buf, size_t n)
{
	long nr = sm_syscall_now(r);
	if (nr == -3 && r->mt) {
		struct sm_run main = *r;
		main.mt = false;
		snprintf(buf, n, "thread gone; process: state %c, syscall %ld", sm_state(&main),
			 sm_syscall_now(&main));
	} else {
		snprintf(buf, n, "state %c, syscall %ld", sm_state(r), nr);
	}
	return buf;
}

static bool sm_readable(int fd, int timeout_ms)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	int n;
	while ((n = poll(&p, 1, timeout_ms)) < 0 && errno == EINTR)
		;
	return n > 0;
}

static void sm_close(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

/* Fills a pipe through its write end, which stays blocking. */
static void sm_fill_pipe(int wfd)
{
	static char page[4096];
	int fl = fcntl(wfd, F_GETFL);
	fcntl(wfd, F_SETFL, fl | O_NONBLOCK);
	while (write(wfd, page, sizeof(page)) > 0)
		;
	while (write(wfd, page, 1) > 0)
		;
	fcntl(wfd, F_SETFL, fl);
}

/* Wake-ups and clean-ups shared by several calls. */
static void sm_wake_write(struct sm_ctx *c)
{
	(void)!write(c->fd[1], "x", 1);
}

static void sm_wake_drain(struct sm_ctx *c)
{
	static char buf[1 << 16];
	(void)!read(c->fd[0], buf, sizeof(buf));
}

static void sm_wake_usr1(struct sm_ctx *c)
{
	syscall(SYS_tgkill, c->pid, c->tid, SIGUSR1);
}

static void sm_wake_usr2(struct sm_ctx *c)
{
	syscall(SYS_tgkill, c->pid, c->tid, SIGUSR2);
}

/* A line to the driver's descriptor (a pty's master, a FIFO's writer). */
static void sm_wake_xfd(struct sm_ctx *c)
{
	(void)!write(c->xfd, "x\n", 2); /* canonical mode returns a whole line */
}

static void sm_setup_fill(struct sm_ctx *c)
{
	sm_fill_pipe(c->fd[1]);
}

/* A read on the case process's own descriptor (a FIFO's or pty's reading end). */
static long sm_block_read_cfd(struct sm_ctx *c)
{
	char b;
	return sm_sys(read(c->cfd, &b, 1));
}

static void sm_cleanup_path(struct sm_ctx *c)
{
	sm_close(&c->xfd);
	unlink(c->path);
}

/* --- the case process --- */

static void sm_on_usr1(int sig)
{
	(void)sig;
	sm->handled++;
	(void)!write(sm->hfd, "h", 1);
}

struct sm_blocker {
	const struct sm_call *call;
	int ready, report;
};

/* The blocking thread: announce, block, report, end the process. */
static void *sm_blocker(void *arg)
{
	const struct sm_blocker *bl = arg;
	sigset_t usr1;
	sigemptyset(&usr1);
	sigaddset(&usr1, SIGUSR1);
	pthread_sigmask(SIG_UNBLOCK, &usr1, NULL);
	sm->tid = (pid_t)syscall(SYS_gettid);
	if (bl->call->setup)
		bl->call->setup(sm);
	(void)!write(bl->ready, &sm->tid, sizeof(sm->tid));
	long start = sm_now_ns();
	long res = bl->call->block(sm);
	struct sm_report rep = { .result = res, .handled = sm->handled,
				 .elapsed_ns = sm_now_ns() - start, .rem_ns = sm->rem_ns };
	(void)!write(bl->report, &rep, sizeof(rep));
	_exit(0);
}

/* The main thread of a multi-threaded case: the sibling, which exits or execs on command. */
static void sm_sibling(int ctl)
{
	char cmd;
	for (;;) {
		ssize_t n = read(ctl, &cmd, 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			_exit(0);
		if (cmd == 'x')
			_exit(SM_EXIT_STATUS);
		if (cmd == 'e') {
			char status[8];
			snprintf(status, sizeof(status), "%d", SM_EXEC_STATUS);
			char *argv[] = { (char *)sm_self, "--exit", status, NULL };
			execv(sm_self, argv);
			_exit(99);
		}
	}
}

static _Noreturn void sm_case_process(const struct sm_run *r, int ready, int report, int ctl)
{
	sigset_t usr;
	sigemptyset(&usr);
	sigaddset(&usr, SIGUSR1);
	sigaddset(&usr, SIGUSR2);
	sigprocmask(SIG_BLOCK, &usr, NULL); /* only the blocking thread takes SIGUSR1 */
	signal(SIGPIPE, SIG_DFL);
	struct sigaction sa = { .sa_handler = sm_on_usr1 };
	sa.sa_flags = r->b == SM_RESTART ? SA_RESTART : 0;
	sigaction(SIGUSR1, &sa, NULL);
	static struct sm_blocker bl;
	bl = (struct sm_blocker){ .call = r->call, .ready = ready, .report = report };
	if (!r->mt)
		sm_blocker(&bl);
	pthread_t t;
	if (pthread_create(&t, NULL, sm_blocker, &bl))
		_exit(98);
	sm_sibling(ctl);
	_exit(0);
}

/* --- the driver --- */

/* Reaps the case process within ms milliseconds. */
static bool sm_reap(struct sm_run *r, int ms)
{
	long end = sm_now_ns() + ms * 1000000L;
	while (!r->reaped) {
		pid_t w = waitpid(r->pid, &r->status, WNOHANG);
		if (w == r->pid || (w < 0 && errno == ECHILD))
			r->reaped = true;
		else if (sm_now_ns() > end)
			return false;
		else
			sm_sleep_ms(2);
	}
	return true;
}

/* The case process must end within the bound, exited with code (sig 0) or killed by sig. */
static bool sm_expect_end(struct sm_run *r, int sig, int code, const char *after)
{
	char where[64];
	if (!sm_reap(r, SM_BOUND_MS))
		return sm_fail(r, "not ended %d ms after %s (%s)", SM_BOUND_MS, after,
			       sm_where(r, where, sizeof(where)));
	int st = r->status;
	if (sig ? WIFSIGNALED(st) && WTERMSIG(st) == sig : WIFEXITED(st) && WEXITSTATUS(st) == code)
		return true;
	return sm_fail(r, "after %s: status %#x, want %s %d", after, st, sig ? "signal" : "exit",
		       sig ? sig : code);
}

/* 1 once the blocking thread sleeps in its call (or in restart_syscall), 0 if the call has
 * returned (its report is readable), -1 after ms milliseconds. Asleep is the call's number in
 * /proc/.../syscall and the state S or D: Linux shows the number while a thread is stopped or
 * being woken (state T or R) too. */
static int sm_wait_asleep(const struct sm_run *r, int ms)
{
	long end = sm_now_ns() + ms * 1000000L;
	for (;;) {
		if (sm_readable(r->report, 0))
			return 0;
		long nr = sm_syscall_now(r);
		char st = sm_state(r);
		if ((nr == r->call->nr || nr == SYS_restart_syscall) && (st == 'S' || st == 'D'))
			return 1;
		if (sm_now_ns() > end)
			return -1;
		sched_yield();
	}
}

/* A helper the call itself starts (vfork's child) must be known before the case goes on, so
 * that the clean-up can kill it. */
static bool sm_helper_started(struct sm_run *r)
{
	long end = sm_now_ns() + SM_BOUND_MS * 1000000L;
	while ((r->call->flags & SM_LATE_HELPER) && sm->helper <= 0) {
		if (sm_now_ns() > end)
			return sm_fail(r, "the call's child did not start within %d ms",
				       SM_BOUND_MS);
		sched_yield();
	}
	return true;
}

/* The case process reached its call: its tid is read and it sleeps there. */
static bool sm_start(struct sm_run *r)
{
	char where[64];
	if (!sm_readable(r->ready, SM_SETUP_MS) ||
	    read(r->ready, &r->tid, sizeof(r->tid)) != sizeof(r->tid))
		return sm_fail(r, "the case process did not reach its call in %d ms", SM_SETUP_MS);
	int a = sm_wait_asleep(r, SM_SETUP_MS);
	if (a == 1)
		return sm_helper_started(r);
	struct sm_report rep;
	if (a == 0 && read(r->report, &rep, sizeof(rep)) == sizeof(rep))
		return sm_fail(r, "returned %s at once instead of blocking",
			       sm_res(rep.result, where, sizeof(where)));
	return sm_fail(r, "never asleep in syscall %ld (%s)", r->call->nr,
		       sm_where(r, where, sizeof(where)));
}

static bool sm_get_report(struct sm_run *r, struct sm_report *rep, int ms, const char *after)
{
	char where[64];
	if (!sm_readable(r->report, ms))
		return sm_fail(r, "no return within %d ms after %s (%s)", ms, after,
			       sm_where(r, where, sizeof(where)));
	if (read(r->report, rep, sizeof(*rep)) != sizeof(*rep))
		return sm_fail(r, "the process ended without the call returning, after %s", after);
	return true;
}

static bool sm_result_is(long got, long want)
{
	if (want == SM_NONNEG)
		return got >= 0;
	if (want == SM_HELPER)
		return got == sm->helper && got > 0;
	return got == want;
}

/* The call returned; its result, handler count (and time for timer-ended calls) must be
 * what Linux gives, and the process must then end with status 0. */
static bool sm_check_report(struct sm_run *r, const struct sm_report *rep, long want,
			    int handled, const char *after)
{
	char got[64], exp[64];
	if (!sm_result_is(rep->result, want))
		return sm_fail(r, "after %s: returned %s, want %s", after,
			       sm_res(rep->result, got, sizeof(got)),
			       want == SM_NONNEG   ? ">= 0" :
			       want == SM_HELPER ? "the child's pid" :
						     sm_res(want, exp, sizeof(exp)));
	if (rep->handled != handled)
		return sm_fail(r, "after %s: the handler ran %d times, want %d", after,
			       rep->handled, handled);
	if (!r->call->wake && r->b == SM_STOP && rep->elapsed_ns < sm->dur_ns - 1000000)
		return sm_fail(r, "after %s: returned after %ld ms, before its %ld ms", after,
			       rep->elapsed_ns / 1000000, sm->dur_ns / 1000000);
	/* Linux may give back a little more than was asked (the timer's slack). */
	if (want == -EINTR && (r->call->flags & SM_REM) &&
	    (rep->rem_ns <= 0 || rep->rem_ns > sm->dur_ns + SM_REM_SLACK_NS))
		return sm_fail(r, "after %s: time left %ld ns, want in (0, %ld]", after,
			       rep->rem_ns, sm->dur_ns + SM_REM_SLACK_NS);
	return sm_expect_end(r, 0, 0, "the call returned");
}

/* Ends the sleep (or lets its timer do it) and checks the call's result. */
static bool sm_wake_and_check(struct sm_run *r, int handled_before, const char *after)
{
	const struct sm_call *call = r->call;
	int handled = handled_before + (call->flags & SM_WAKE_HANDLER ? 1 : 0);
	int ms = SM_BOUND_MS;
	if (call->wake)
		call->wake(sm);
	else
		ms += (int)(sm->dur_ns / 1000000);
	struct sm_report rep;
	return sm_get_report(r, &rep, ms, after) &&
	       sm_check_report(r, &rep, call->woken, handled, after);
}

/* After a signal the call must still be asleep: seen back in it (or, for a call the signal
 * cannot interrupt, not returning for a while). */
static bool sm_still_asleep(struct sm_run *r, const char *after, bool watch)
{
	char got[64], where[64];
	int a = watch ? (sm_readable(r->report, SM_QUIET_MS) ? 0 : 1) :
			sm_wait_asleep(r, SM_BOUND_MS);
	if (a == 1)
		return true;
	struct sm_report rep;
	if (a == 0 && read(r->report, &rep, sizeof(rep)) == sizeof(rep))
		return sm_fail(r, "returned %s after %s, want it to sleep on",
			       sm_res(rep.result, got, sizeof(got)), after);
	return sm_fail(r, "not asleep again after %s (%s)", after,
		       sm_where(r, where, sizeof(where)));
}

/* A caught SIGUSR1: EINTR, or (restarted, or uninterruptible) sleeping on until woken. */
static bool sm_signal_case(struct sm_run *r)
{
	unsigned fl = r->call->flags;
	bool stays = fl & SM_UNINTERRUPTIBLE || (r->b == SM_RESTART && fl & SM_RESTARTS);
	const char *after = r->b == SM_RESTART ? "SIGUSR1 (SA_RESTART)" : "SIGUSR1";
	syscall(SYS_tgkill, r->pid, r->tid, SIGUSR1);
	struct sm_report rep;
	if (!stays)
		return sm_get_report(r, &rep, SM_BOUND_MS, after) &&
		       sm_check_report(r, &rep, -EINTR, 1, after);
	if (fl & SM_UNINTERRUPTIBLE) {
		if (!sm_still_asleep(r, after, true))
			return false;
	} else {
		char where[64];
		if (!sm_readable(r->handled, SM_BOUND_MS))
			return sm_fail(r, "the handler did not run within %d ms of %s (%s)",
				       SM_BOUND_MS, after, sm_where(r, where, sizeof(where)));
		if (!sm_still_asleep(r, after, false))
			return false;
	}
	return sm_wake_and_check(r, 1, after);
}

static bool sm_stop_case(struct sm_run *r)
{
	kill(r->pid, SIGSTOP);
	long end = sm_now_ns() + SM_BOUND_MS * 1000000L;
	int st = 0;
	pid_t w;
	while ((w = waitpid(r->pid, &st, WNOHANG | WUNTRACED)) == 0 && sm_now_ns() < end)
		sm_sleep_ms(2);
	if (w != r->pid || !WIFSTOPPED(st)) {
		kill(r->pid, SIGCONT);
		return sm_fail(r, "not stopped within %d ms of SIGSTOP (waitpid %d, status %#x)",
			       SM_BOUND_MS, (int)w, st);
	}
	kill(r->pid, SIGCONT);
	struct sm_report rep;
	if (r->call->flags & SM_STOP_EINTR)
		return sm_get_report(r, &rep, SM_BOUND_MS, "SIGSTOP, SIGCONT") &&
		       sm_check_report(r, &rep, -EINTR, 0, "SIGSTOP, SIGCONT");
	/* A timed call may have reached its time meanwhile: its report is then checked. */
	if (r->call->wake && !sm_still_asleep(r, "SIGSTOP, SIGCONT", false))
		return false;
	return sm_wake_and_check(r, 0, "SIGSTOP, SIGCONT");
}

static bool sm_command(struct sm_run *r, char cmd, int code, const char *after)
{
	if (write(r->ctl, &cmd, 1) != 1)
		return sm_fail(r, "cannot reach the sibling thread: %s", strerror(errno));
	return sm_expect_end(r, 0, code, after);
}

static bool sm_drive(struct sm_run *r)
{
	if (!sm_start(r))
		return false;
	switch (r->b) {
	case SM_SIG:
	case SM_RESTART:
		return sm_signal_case(r);
	case SM_KILL:
		kill(r->pid, SIGKILL);
		return sm_expect_end(r, SIGKILL, 0, "SIGKILL");
	case SM_EXIT:
		return sm_command(r, 'x', SM_EXIT_STATUS, "the sibling's exit_group");
	case SM_EXEC:
		return sm_command(r, 'e', SM_EXEC_STATUS, "the sibling's execve");
	default:
		return sm_stop_case(r);
	}
}

/* Kills what the case left behind; a process SIGKILL cannot end fails the case. */
static bool sm_finish(struct sm_run *r, bool ok)
{
	if (!r->reaped) {
		kill(r->pid, SIGKILL);
		kill(r->pid, SIGCONT);
		if (!sm_reap(r, SM_BOUND_MS)) {
			size_t len = strlen(r->why);
			snprintf(r->why + len, r->whylen - len, "%sand SIGKILL did not end it",
				 len ? "; " : "");
			ok = false;
		}
	}
	if (sm->helper > 0)
		kill(sm->helper, SIGKILL);
	return ok;
}

static bool sm_pipes(int p[4][2])
{
	for (int i = 0; i < 4; i++)
		if (pipe2(p[i], O_CLOEXEC))
			return false;
	return true;
}

static void sm_ctx_reset(const struct sm_call *call, enum sm_behaviour b)
{
	memset(sm, 0, sizeof(*sm));
	sm->fd[0] = sm->fd[1] = sm->xfd = sm->cfd = -1;
	sm->dur_ns = b == SM_STOP && !call->wake ? SM_SHORT_NS : SM_LONG_NS;
	snprintf(sm->path, sizeof(sm->path), "/tmp/sleep_matrix.%d", (int)getpid());
	if (pipe(sm->fd))
		sm->fd[0] = sm->fd[1] = -1;
}

/* Runs one case: prepare, fork the case process, drive it, clean up, print the line. */
static void sm_case(const struct sm_call *call, enum sm_behaviour b, bool mt)
{
	char name[96], why[300] = "";
	snprintf(name, sizeof(name), "%s/%s/%s", call->name, sm_behaviour_names[b],
		 mt ? "mt" : "st");
	if (sm_only && !strstr(name, sm_only))
		return;
	sm_ctx_reset(call, b);
	if (call->prep && !call->prep(sm, why, sizeof(why))) {
		printf("SKIP: user/%s/%s: %s\n", test_area, name, why);
		sm_close(&sm->fd[0]);
		sm_close(&sm->fd[1]);
		return;
	}
	struct sm_run r = { .call = call, .b = b, .mt = mt, .why = why, .whylen = sizeof(why) };
	int p[4][2]; /* ready, report, ctl, handled: [0] read end, [1] write end */
	memset(p, -1, sizeof(p));
	bool ok = sm_pipes(p);
	sm->hfd = p[3][1];
	r.pid = ok ? fork() : -1;
	if (r.pid == 0) {
		sm->pid = getpid();
		sm_case_process(&r, p[0][1], p[1][1], p[2][0]);
	}
	r.ready = p[0][0], r.report = p[1][0], r.ctl = p[2][1], r.handled = p[3][0];
	close(p[0][1]), close(p[1][1]), close(p[2][0]), close(p[3][1]);
	sm->pid = r.pid;
	if (r.pid < 0)
		ok = sm_fail(&r, "pipe or fork: %s", strerror(errno));
	else
		ok = sm_finish(&r, sm_drive(&r));
	if (call->cleanup)
		call->cleanup(sm);
	for (int i = 0; i < 4; i++)
		close(p[i][i == 2 ? 1 : 0]);
	sm_close(&sm->fd[0]);
	sm_close(&sm->fd[1]);
	test_result(name, ok, "%s", why);
}

/* Every behaviour of every call, single-threaded then multi-threaded. */
static void sm_run_calls(const struct sm_call *calls, size_t n)
{
	for (size_t i = 0; i < n; i++)
		for (int mt = 0; mt <= 1; mt++)
			for (int b = 0; b < SM_NBEHAVIOURS; b++) {
				if ((b == SM_EXIT || b == SM_EXEC) && !mt)
					continue; /* no sibling thread */
				if (b == SM_STOP && calls[i].flags & SM_NO_STOP)
					continue;
				sm_case(&calls[i], (enum sm_behaviour)b, mt);
			}
}

/* main() of a sleep_matrix program: also the image the execve cases run ("--exit N"). One
 * argument runs only the cases whose names contain it. */
static int sm_main(int argc, char **argv, const struct sm_call *calls, size_t n,
		   void (*extra)(void))
{
	if (argc == 3 && !strcmp(argv[1], "--exit"))
		_exit(atoi(argv[2]));
	if (argc > 0 && strchr(argv[0], '/'))
		sm_self = argv[0];
	if (argc == 2)
		sm_only = argv[1];
	test_begin("sleep_matrix");
	signal(SIGPIPE, SIG_IGN);
	sm = mmap(NULL, sizeof(*sm), PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sm == MAP_FAILED) {
		test_result("setup", false, "mmap: %s", strerror(errno));
		test_end();
	}
	sm_run_calls(calls, n);
	if (extra && !sm_only)
		extra();
	test_end();
	return 0;
}

#endif
