/* zbench: the Zero-OS benchmark program. One static musl binary that runs unchanged on Zero-OS and
 * on Linux, times each operating-system primitive in turn, checks that the work was really done,
 * and prints one machine-readable line per test (see bench/README.md for the format):
 *   BENCH start os=Linux release=6.1.0 tests=18 mode=timed target_ms=500
 *   BENCH name=getpid status=ok unit=ns per_op=345.2 reps=100000 ops=100000 total_ns=34520000
 *   BENCH name=stat status=unsupported errno=38 what=stat
 *   BENCH name=cow_fault status=fail why=parent page changed after the child wrote it
 *   BENCH done ok=17 unsupported=1 fail=0
 * Usage: zbench [--once] [--time=MS] [--list] [--no-isolate] [TEST...]
 * A missing system call or file makes a test "unsupported" (never a crash); each test runs in a
 * child process of its own when fork works, so that even a crash only costs that test. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <signal.h>
#include <stdarg.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/utsname.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zbench.h"

/* ---- options and shared state ------------------------------------------------------------ */

struct options opt = {
	.target_ns = 500 * NS_PER_MS,
	.isolate = 1,
};

static int clock_ok = 1; /* 0 when clock_gettime does not work: tests run once, untimed */

uint64_t now_ns(void)
{
	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0)
		return 0;
	return (uint64_t)ts.tv_sec * NS_PER_SEC + (uint64_t)ts.tv_nsec;
}

/* Output goes straight to fd 1 with write(), one line per call: no stdio buffers to lose in a
 * crashing child or to duplicate across fork. */
void out(const char *fmt, ...)
{
	char line[512];
	va_list ap;
	va_start(ap, fmt);
	int n = vsnprintf(line, sizeof(line) - 1, fmt, ap);
	va_end(ap);
	if (n < 0)
		return;
	if (n > (int)sizeof(line) - 2)
		n = sizeof(line) - 2;
	line[n++] = '\n';
	for (int off = 0; off < n;) {
		ssize_t w = write(1, line + off, n - off);
		if (w <= 0)
			return;
		off += w;
	}
}

/* ---- the test table ---------------------------------------------------------------------- */

static const struct test tests[] = {
	{ "getpid", t_getpid, 1, "null system call: syscall(SYS_getpid)" },
	{ "read_zero", t_read_zero, 1, "read 1 byte from /dev/zero" },
	{ "write_null", t_write_null, 1, "write 1 byte to /dev/null" },
	{ "stat", t_stat, 1, "stat of an existing file" },
	{ "open_close", t_open_close, 1, "open + close of an existing file" },
	{ "pipe_pingpong", t_pipe_pingpong, 1, "1-byte pipe round trip between two processes" },
	{ "pipe_bw", t_pipe_bw, 1, "pipe bandwidth, 64 KiB writes (per_op = one 64 KiB write)" },
	{ "ipc_call", t_ipc_call, 1, "1-byte endpoint call/reply round trip between two processes" },
	{ "ipc_msg", t_ipc_msg, 1, "one-way 8-byte endpoint messages to another process" },
	{ "yield_pingpong", t_yield_pingpong, 1, "sched_yield round trip between two processes" },
	{ "futex_pingpong", t_futex_pingpong, 1, "futex wake/wait round trip between two threads" },
	{ "fork_exit_wait", t_fork_exit_wait, 1, "fork + _exit + waitpid" },
	{ "vfork_exit_wait", t_vfork_exit_wait, 1, "vfork + _exit + waitpid" },
	{ "fork_exec_wait", t_fork_exec_wait, 1, "fork + execve(tiny) + waitpid" },
	{ "page_fault", t_page_fault, PF_PAGES, "anonymous page fault (64 MiB map, touch, unmap; per page)" },
	{ "cow_fault", t_cow_fault, COW_PAGES, "copy-on-write fault in a forked child (per page)" },
	{ "mmap_munmap", t_mmap_munmap, 1, "mmap + munmap of one anonymous page" },
	{ "signal", t_signal, 1, "kill(self) + handler + sigreturn" },
	{ "tmpfs_write", t_tmpfs_write, FILE_CHUNKS, "tmpfs file write, 64 KiB writes of a 4 MiB file" },
	{ "tmpfs_read", t_tmpfs_read, FILE_CHUNKS, "tmpfs file read, 64 KiB reads of a 4 MiB file" },
	{ "epoll_wait_1", t_epoll_wait_1, 1, "epoll_wait, 1 eventfd registered and ready" },
	{ "epoll_wait_1000", t_epoll_wait_1000, 1, "epoll_wait, 1,000 eventfds registered, 1 ready" },
	{ "eventfd_pingpong", t_eventfd_pingpong, 1, "eventfd write/read round trip, two threads" },
	{ "flock_pair", t_flock_pair, 1, "flock LOCK_EX + LOCK_UN, uncontended" },
	{ "setlk_pair", t_setlk_pair, 1, "fcntl F_SETLK lock + unlock of a byte, uncontended" },
	{ "sem_pingpong", t_sem_pingpong, 1, "System V semaphore round trip, two processes" },
	{ "pty_roundtrip", t_pty_roundtrip, 1, "1-byte pty round trip, master -> slave -> master" },
	{ "par_getpid", t_par_getpid, 1, "getpid in one process per CPU at once (machine time per op)" },
	{ "par_page_fault", t_par_page_fault, PF_PAGES, "page_fault in one process per CPU at once" },
	{ "par_fork_exit_wait", t_par_fork_exit_wait, 1, "fork_exit_wait in one process per CPU" },
	{ "par_tmpfs_write", t_par_tmpfs_write, FILE_CHUNKS, "tmpfs_write in one process per CPU" },
	{ "xcpu_pipe_pingpong", t_xcpu_pipe_pingpong, 1, "pipe_pingpong, the sides on two CPUs" },
	{ "xcpu_futex_pingpong", t_xcpu_futex_pingpong, 1, "futex_pingpong, the sides on two CPUs" },
	{ "tlb_shootdown", t_tlb_shootdown, 1, "mmap+touch+munmap, a sibling thread on another CPU" },
};
#define NTESTS ((int)(sizeof(tests) / sizeof(tests[0])))

/* ---- running one test --------------------------------------------------------------------- */

/* Runs fn with reps repetitions; returns its verdict, with the timed nanoseconds in r->ns. */
static int run_reps(const struct test *t, struct run *r, long reps)
{
	r->ns = 0;
	r->why[0] = 0;
	int v = t->fn(r, reps);
	r->first = 0;
	return v;
}

static void report(const struct test *t, struct run *r, int verdict, long reps)
{
	if (verdict == V_UNSUP) {
		out("BENCH name=%s status=unsupported errno=%d what=%s", t->name, r->err,
		    r->what ? r->what : "?");
		return;
	}
	if (verdict != V_OK) {
		out("BENCH name=%s status=fail errno=%d why=%s", t->name, r->err,
		    r->why[0] ? r->why : "?");
		return;
	}
	long ops = reps * t->ops_per_rep;
	if (!clock_ok || opt.once) {
		out("BENCH name=%s status=ok untimed=1 reps=%ld ops=%ld", t->name, reps, ops);
		return;
	}
	double per_op = (double)r->ns / (double)ops;
	char extra[64] = "";
	if (r->bytes_per_op) {
		/* MB/s (10^6 bytes per second), for the bandwidth tests */
		double mbps = (double)r->bytes_per_op * (double)ops * 1e3 / (double)(r->ns ? r->ns : 1);
		snprintf(extra, sizeof(extra), " MBps=%.1f", mbps);
	}
	out("BENCH name=%s status=ok unit=ns per_op=%.1f reps=%ld ops=%ld total_ns=%llu%s", t->name,
	    per_op, reps, ops, (unsigned long long)r->ns, extra);
}

/* Self-calibration: double the repetitions until one run takes a fifth of the target time (or
 * more), then run once more with enough repetitions to fill the target, and report that run. */
static int run_test(const struct test *t)
{
	struct run r = { .first = 1 };
	long reps = 1;
	int v = run_reps(t, &r, reps);
	if (v != V_OK || opt.once || !clock_ok) {
		report(t, &r, v, reps);
		return v;
	}
	const uint64_t calib = opt.target_ns / 5;
	while (r.ns < calib && reps < (1L << 40)) {
		/* big steps while far from the goal; never more than 16x at once */
		long mult = r.ns < calib / 16 ? 16 : 2;
		reps *= mult;
		v = run_reps(t, &r, reps);
		if (v != V_OK) {
			report(t, &r, v, reps);
			return v;
		}
	}
	double scale = r.ns ? (double)opt.target_ns / (double)r.ns : 1.0;
	long final = (long)((double)reps * scale + 0.5);
	if (final < reps)
		final = reps;
	v = run_reps(t, &r, final);
	report(t, &r, v, final);
	return v;
}

/* Runs a test in a child process, so that a crash or a hang costs only this test. The parent
 * polls with a generous deadline; without fork (or with --no-isolate) the test runs inline. */
static int run_isolated(const struct test *t)
{
	if (!opt.isolate)
		return run_test(t);
	pid_t pid = fork();
	if (pid < 0)
		return run_test(t);
	if (pid == 0)
		_exit(run_test(t));
	uint64_t start = now_ns(), limit = 60 * NS_PER_SEC;
	int st;
	for (;;) {
		pid_t w = waitpid(pid, &st, clock_ok ? WNOHANG : 0);
		if (w == pid)
			break;
		if (w < 0 && errno != EINTR) {
			out("BENCH name=%s status=fail errno=%d why=waitpid on the test process failed",
			    t->name, errno);
			return V_FAIL;
		}
		if (w == 0) {
			if (now_ns() - start > limit) {
				kill(pid, SIGKILL);
				waitpid(pid, &st, 0);
				out("BENCH name=%s status=fail errno=0 why=timeout after 60 s", t->name);
				return V_FAIL;
			}
			struct timespec ts = { 0, 20 * NS_PER_MS };
			if (nanosleep(&ts, NULL) != 0 && errno == ENOSYS) {
				/* no sleeping: block instead, without a deadline */
				if (waitpid(pid, &st, 0) == pid)
					break;
			}
		}
	}
	if (WIFEXITED(st) && WEXITSTATUS(st) <= V_FAIL)
		return WEXITSTATUS(st);
	if (WIFSIGNALED(st))
		out("BENCH name=%s status=fail errno=0 why=crashed with signal %d", t->name,
		    WTERMSIG(st));
	else
		out("BENCH name=%s status=fail errno=0 why=test process ended with status %#x",
		    t->name, st);
	return V_FAIL;
}

/* ---- main --------------------------------------------------------------------------------- */

static void usage(void)
{
	out("usage: zbench [--once] [--time=MS] [--list] [--no-isolate] [TEST...]");
	out("  --once        every test one repetition, untimed (correctness check)");
	out("  --time=MS     target time of each test's measured run (default 500)");
	out("  --no-isolate  run the tests in this process instead of one child each");
	out("  --list        list the tests");
	out("environment: ZBENCH_TINY=path of tiny, ZBENCH_TMP=tmpfs directory, ZBENCH_FILE=a file to stat");
}

static void find_paths(const char *argv0)
{
	static char tiny[256];
	const char *env = getenv("ZBENCH_TINY");
	const char *slash = strrchr(argv0, '/');
	if (env)
		snprintf(tiny, sizeof(tiny), "%s", env);
	else if (slash)
		snprintf(tiny, sizeof(tiny), "%.*s/tiny", (int)(slash - argv0), argv0);
	else
		snprintf(tiny, sizeof(tiny), "/bench/tiny");
	opt.tiny = tiny;
	opt.stat_file = getenv("ZBENCH_FILE") ? getenv("ZBENCH_FILE") : tiny;
	opt.tmpdir = getenv("ZBENCH_TMP") ? getenv("ZBENCH_TMP") : "/tmp";
}

int main(int argc, char **argv)
{
	const char *only[NTESTS + 1];
	int nonly = 0;

	find_paths(argc > 0 ? argv[0] : "zbench");
	for (int i = 1; i < argc; i++) {
		const char *a = argv[i];
		if (!strcmp(a, "--once")) {
			opt.once = 1;
		} else if (!strncmp(a, "--time=", 7)) {
			long ms = atol(a + 7);
			if (ms <= 0) {
				usage();
				return 2;
			}
			opt.target_ns = (uint64_t)ms * NS_PER_MS;
		} else if (!strcmp(a, "--no-isolate")) {
			opt.isolate = 0;
		} else if (!strcmp(a, "--list")) {
			for (int k = 0; k < NTESTS; k++)
				out("%-16s %s", tests[k].name, tests[k].what);
			return 0;
		} else if (a[0] == '-') {
			usage();
			return 2;
		} else {
			int found = 0;
			for (int k = 0; k < NTESTS; k++)
				found |= !strcmp(a, tests[k].name);
			if (!found || nonly >= NTESTS) {
				out("zbench: no test named %s (try --list)", a);
				return 2;
			}
			only[nonly++] = a;
		}
	}

	struct timespec ts;
	if (clock_gettime(CLOCK_MONOTONIC, &ts) != 0) {
		clock_ok = 0;
		out("BENCH clock status=unsupported errno=%d what=clock_gettime", errno);
	}
	struct utsname u;
	const char *os = "unknown", *rel = "unknown";
	if (uname(&u) == 0) {
		os = u.sysname;
		rel = u.release;
	}
	out("BENCH start os=%s release=%s tests=%d mode=%s target_ms=%llu", os, rel,
	    nonly ? nonly : NTESTS, opt.once || !clock_ok ? "once" : "timed",
	    (unsigned long long)(opt.target_ns / NS_PER_MS));

	int n_ok = 0, n_unsup = 0, n_fail = 0;
	for (int k = 0; k < NTESTS; k++) {
		int want = !nonly;
		for (int j = 0; j < nonly; j++)
			want |= !strcmp(only[j], tests[k].name);
		if (!want)
			continue;
		int v = run_isolated(&tests[k]);
		if (v == V_OK)
			n_ok++;
		else if (v == V_UNSUP)
			n_unsup++;
		else
			n_fail++;
	}
	out("BENCH done ok=%d unsupported=%d fail=%d", n_ok, n_unsup, n_fail);
	return n_fail ? 1 : 0;
}
