/* zbench's shared declarations: options, the per-run record each test fills, the verdicts, and
 * the test functions (in tests_*.c). */
#ifndef ZBENCH_H
#define ZBENCH_H

#include <stdint.h>

#define NS_PER_SEC 1000000000ULL
#define NS_PER_MS 1000000ULL

#define PAGE 4096L
#define PF_BYTES (64L << 20) /* page_fault: 64 MiB per repetition */
#define PF_PAGES (PF_BYTES / PAGE)
#define COW_BYTES (16L << 20) /* cow_fault: 16 MiB per repetition */
#define COW_PAGES (COW_BYTES / PAGE)
#define CHUNK (64L << 10) /* pipe and file transfers: 64 KiB per call */
#define FILE_BYTES (4L << 20) /* tmpfs tests: a 4 MiB file */
#define FILE_CHUNKS (FILE_BYTES / CHUNK)

/* Verdicts; also the exit status of a test's child process. */
enum { V_OK = 0, V_UNSUP = 1, V_FAIL = 2 };

struct options {
	int once; /* --once: one repetition per test, untimed */
	int isolate; /* run each test in a child process */
	uint64_t target_ns; /* the measured run's target duration */
	const char *tiny; /* path of the tiny program (exec test; stat/open target) */
	const char *stat_file; /* the file stat and open_close use */
	const char *tmpdir; /* a tmpfs directory for the file tests */
	int apart; /* the xcpu_* tests: ping-pong sides pinned to different CPUs */
};
extern struct options opt;

/* What a test reports about one run of `reps` repetitions. */
struct run {
	int first; /* 1 on the test's first run: a failing first call means "unsupported" */
	uint64_t ns; /* time of the measured part */
	long bytes_per_op; /* bandwidth tests: bytes moved per op, else 0 */
	int err; /* errno of the failure */
	const char *what; /* the call that is unsupported */
	char why[160]; /* why the self-check failed */
};

struct test {
	const char *name;
	int (*fn)(struct run *r, long reps);
	long ops_per_rep; /* per_op = time / (reps * ops_per_rep) */
	const char *what;
};

uint64_t now_ns(void);
void out(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* Failure helpers for tests: a setup call (or the very first operation of the first run) that
 * fails makes the test unsupported; anything later is a failed self-check. */
int unsup(struct run *r, const char *what);
int fail(struct run *r, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
int sys_fail(struct run *r, const char *what); /* errno-carrying failure of a call */
#define OPFAIL(r, i, what) ((r)->first && (i) == 0 ? unsup((r), (what)) : sys_fail((r), (what)))

/* Stamped 64 KiB chunks for the bandwidth tests (one checked word per 4 KiB), and a read that
 * insists on the full length (end of file early: -1 with errno 0). */
void stamp_chunk(unsigned char *buf, long rep, long chunk);
int check_chunk(const unsigned char *buf, long rep, long chunk);
int read_all(int fd, unsigned char *buf, long len);

int t_getpid(struct run *r, long reps);
int t_read_zero(struct run *r, long reps);
int t_write_null(struct run *r, long reps);
int t_stat(struct run *r, long reps);
int t_open_close(struct run *r, long reps);
int t_pipe_pingpong(struct run *r, long reps);
int t_pipe_bw(struct run *r, long reps);
int t_ipc_call(struct run *r, long reps);
int t_ipc_msg(struct run *r, long reps);
int t_yield_pingpong(struct run *r, long reps);
int t_futex_pingpong(struct run *r, long reps);
int t_fork_exit_wait(struct run *r, long reps);
int t_vfork_exit_wait(struct run *r, long reps);
int t_fork_exec_wait(struct run *r, long reps);
int t_page_fault(struct run *r, long reps);
int t_cow_fault(struct run *r, long reps);
int t_mmap_munmap(struct run *r, long reps);
int t_signal(struct run *r, long reps);
int t_tmpfs_write(struct run *r, long reps);
int t_tmpfs_read(struct run *r, long reps);
int t_epoll_wait_1(struct run *r, long reps);
int t_epoll_wait_1000(struct run *r, long reps);
int t_eventfd_pingpong(struct run *r, long reps);
int t_flock_pair(struct run *r, long reps);
int t_setlk_pair(struct run *r, long reps);
int t_sem_pingpong(struct run *r, long reps);
int t_pty_roundtrip(struct run *r, long reps);
/* Multiprocessor tests (tests_smp.c). */
int t_par_getpid(struct run *r, long reps);
int t_par_page_fault(struct run *r, long reps);
int t_par_fork_exit_wait(struct run *r, long reps);
int t_par_tmpfs_write(struct run *r, long reps);
int t_xcpu_pipe_pingpong(struct run *r, long reps);
int t_xcpu_futex_pingpong(struct run *r, long reps);
int t_tlb_shootdown(struct run *r, long reps);
/* Pin the calling thread to the nth CPU zbench may use (wrapping); -1: to all of them. */
void pin_to_nth_cpu(int nth);

#endif
