/* The multi-threaded syscall fuzzer (issue 19): each round forks a child (uid 1000) whose
 * threads, made with raw clone, fuzz at once: threads creating threads that exit at once or
 * after a few calls, exit_group and munmap racing the others, threads closing and dup2-ing the
 * descriptors the others use, every fd-taking call given hostile descriptors, and calls that
 * block (empty pipes, futexes, long sleeps, long copies) for kill and exit to meet. At the end
 * of each round the parent SIGKILLs the child; one not reaped within KILL_GRACE_MS fails the
 * run, with its /proc state. With arguments it is the long run (make fuzz-long):
 *   fuzz_mt SEED_FIRST SEED_LAST ROUNDS CALLS [ACTIONS]
 * ACTIONS picks what threads do: g generic calls (fuzz.h), f hostile fds, b blocking calls,
 * r descriptor races, s thread spawning, m munmap races (default: all). */
#include "fuzz.h"
#include <limits.h>
#define FUTEX_WAIT_PRIVATE 128 /* FUTEX_WAIT | FUTEX_PRIVATE_FLAG */
#include "../../include/uapi/zero/ipc.h"

/* make test's configuration: fixed seeds, about 30 s of TCG guest time. */
#define CI_SEED 0x19
#define CI_SEEDS 2
#define CI_ROUNDS 32
#define CI_CALLS 400
#define CHILD_MS 300 /* a round's time budget in the child... */
#define ROUND_MS 600 /* ...then the parent SIGKILLs it */
#define KILL_GRACE_MS 4000 /* a child SIGKILLed must be reaped by then */
#define MT_DIR "/tmp/fuzz_mt.d"

/* ---- threads: each runs on its own stack slot, aligned to SLOT_SIZE, whose bottom holds its
 * context, so that a thread finds its context from its stack pointer without TLS (a fuzzed
 * arch_prctl may wreck the FS base; the threads use no libc) ---- */
#define SLOT_SIZE (64UL << 10)
#define NSLOTS 16
#define REC_WORDS 8 /* shared[1 + REC_WORDS * slot ...]: each thread's last call */
struct slot {
	struct fuzz_ctx ctx; /* first: fuzz_ctx() casts */
	volatile int busy; /* set while the thread may live; CLONE_CHILD_CLEARTID clears it */
	int role;
	int calls; /* for a brief thread: how many actions before it exits */
};
static uint8_t *slots;

static struct fuzz_ctx *fuzz_ctx(void)
{
	uint64_t sp;
	__asm__("mov %%rsp, %0" : "=r"(sp));
	return (struct fuzz_ctx *)(sp & ~(SLOT_SIZE - 1));
}

static struct slot *slot_at(int i) { return (struct slot *)(slots + i * SLOT_SIZE); }
static struct slot *self_slot(void) { return (struct slot *)fuzz_ctx(); }
static uint64_t *slot_top(int i) { return (uint64_t *)(slots + (i + 1) * SLOT_SIZE); }

/* fuzz_clone_thread(flags, stack, ptid, ctid, tls): raw clone; the new thread pops the
 * function and its argument that the caller put at the top of its stack, calls it, and exits
 * the thread. fuzz_run_on(fn, arg, stack): calls fn(arg) on another stack, for good. */
__asm__(".text\n.globl fuzz_clone_thread\nfuzz_clone_thread:\n\tmov %rcx, %r10\n"
	"\tmov $56, %eax\n\tsyscall\n\ttest %rax, %rax\n\tjnz 1f\n\tpop %rax\n\tpop %rdi\n"
	"\tcall *%rax\n\tmov $60, %eax\n\txor %edi, %edi\n\tsyscall\n\tud2\n1:\tret\n"
	".globl fuzz_run_on\nfuzz_run_on:\n\tmov %rdx, %rsp\n\tmov %rdi, %rax\n"
	"\tmov %rsi, %rdi\n\tcall *%rax\n\tud2\n");
long fuzz_clone_thread(uint64_t flags, void *stack, void *ptid, volatile int *ctid, void *tls);
void __attribute__((noreturn)) fuzz_run_on(void (*fn)(struct slot *), struct slot *s, void *stk);

/* ---- the child's shared state ---- */
enum { FD_NULL, FD_ZERO, FD_URANDOM, FD_PIPE_R, FD_PIPE_W, FD_FILE, FD_DIR, FD_EP_R, FD_EP_W,
       FD_PROC, FD_OPATH, FD_EVENTFD, FD_EPOLL, FD_TIMERFD, FD_PTMX, FD_CLOSED, NFD };
static int fdv[NFD]; /* the descriptors set up; racing threads close and replace them */
#define LIFELINE_R 1000 /* a pipe only the child writes to: its sleeping children read it */
#define LIFELINE_W 1001
#define BIG_LEN (64UL << 20) /* for copies that take seconds */
static uint8_t *big, *junk_stack;
static uint64_t call_limit, deadline_ms;
static volatile int futex_word;
static const char *actions = "gfbrsm";

static bool allowed(char action) { return strchr(actions, action) != NULL; }
static bool round_over(void) { return shared[0] >= call_limit || now_ms() >= deadline_ms; }

/* Records and makes one call. */
static long call(int nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3, uint64_t a4,
		 uint64_t a5)
{
	uint64_t a[6] = { a0, a1, a2, a3, a4, a5 };
	record(nr, a);
	return sc6(nr, (long)a0, (long)a1, (long)a2, (long)a3, (long)a4, (long)a5);
}

/* ---- descriptors: valid ones (of any kind, as the call may not expect) and hostile ones ---- */
static int valid_fd(void) { return fdv[below(NFD)]; }

/* A number that was a descriptor a moment ago (other threads may reuse it at once). */
static int64_t just_closed_fd(void)
{
	long fd = sc1(SYS_dup, valid_fd());
	if (fd >= 0)
		sc1(SYS_close, fd);
	return fd >= 0 ? fd : fdv[FD_CLOSED];
}

static int64_t hostile_fd(void)
{
	static const int64_t v[] = {
		-1, -2, AT_FDCWD, AT_FDCWD - 1, INT_MIN, INT_MIN + 1, INT_MAX, 1023, 1024, 4095,
		65536, 1 << 20, 0x100000000LL + 5 /* fd 5 with the upper half set */, 0xffffffffLL,
		INT64_MIN, -4096, LIFELINE_W + 1,
	};
	return below(4) ? v[below(sizeof(v) / sizeof(v[0]))] : just_closed_fd();
}

/* ---- every fd-taking call, as a template: the argument kinds, and constants for K ---- */
enum { K, FD, BUF, LEN, IOV, PATH, EMPTY, POLLS, FDSET, MSG, RMSG, OFFP, TS0 };
struct fdcall {
	int nr;
	uint8_t kind[6];
	int64_t k[6];
};
#define ZMSG_NB ZERO_MSG_NONBLOCK
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmissing-field-initializers" /* k: 0 unless given */
static const struct fdcall fdcalls[] = {
	{ SYS_read, { FD, BUF, LEN } }, { SYS_write, { FD, BUF, LEN } },
	{ SYS_pread64, { FD, BUF, LEN } }, { SYS_pwrite64, { FD, BUF, LEN } },
	{ SYS_readv, { FD, IOV, K }, { [2] = 2 } }, { SYS_writev, { FD, IOV, K }, { [2] = 2 } },
	/* preadv, pwritev, splice, tee, copy_file_range, flock: ENOSYS today, covered once
	 * implemented */
	{ 295, { FD, IOV, K }, { [2] = 2 } }, { 296, { FD, IOV, K }, { [2] = 2 } },
	{ SYS_sendfile, { FD, FD, K, LEN } }, { SYS_sendfile, { FD, FD, OFFP, LEN } },
	{ 275, { FD, K, FD, K, LEN } }, { 276, { FD, FD, LEN } },
	{ 326, { FD, K, FD, K, LEN } }, { 73, { FD, K }, { [1] = 2 | 4 /* LOCK_EX|NB */ } },
	{ SYS_close, { FD } }, { SYS_dup, { FD } }, { SYS_dup2, { FD, FD } },
	{ SYS_dup3, { FD, FD, K }, { [2] = O_CLOEXEC } },
	{ SYS_fcntl, { FD, K }, { [1] = F_GETFL } }, { SYS_fcntl, { FD, K }, { [1] = F_GETFD } },
	{ SYS_fcntl, { FD, K, K }, { [1] = F_SETFL, [2] = O_NONBLOCK } },
	{ SYS_fcntl, { FD, K, K }, { [1] = F_DUPFD_CLOEXEC, [2] = 3 } },
	{ SYS_fcntl, { FD, K, BUF }, { [1] = F_GETLK } }, { SYS_fstat, { FD, BUF } },
	{ SYS_newfstatat, { FD, EMPTY, BUF, K }, { [3] = AT_EMPTY_PATH } },
	{ SYS_newfstatat, { FD, PATH, BUF } },
	{ SYS_statx, { FD, EMPTY, K, K, BUF }, { [2] = AT_EMPTY_PATH, [3] = 0xfff } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x5401 /* TCGETS */ } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x541b /* FIONREAD */ } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x5421 /* FIONBIO */ } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x540f /* TIOCGPGRP */ } },
	{ SYS_mmap, { K, K, K, K, FD }, { [1] = 4096, [2] = PROT_READ, [3] = MAP_SHARED } },
	{ SYS_mmap, { K, K, K, K, FD }, { [1] = 8192, [2] = 3, [3] = MAP_PRIVATE } },
	{ SYS_poll, { POLLS, K }, { [1] = 4 } }, { SYS_ppoll, { POLLS, K, TS0 }, { [1] = 4 } },
	{ SYS_select, { K, FDSET, FDSET, FDSET, TS0 }, { [0] = 1024 } },
	{ SYS_lseek, { FD, K, K } }, { SYS_lseek, { FD, K, K }, { [2] = SEEK_END } },
	{ SYS_getdents64, { FD, BUF, K }, { [2] = 4096 } }, { SYS_fchdir, { FD } },
	{ SYS_fchmod, { FD, K }, { [1] = 0644 } }, { SYS_fchown, { FD, K, K }, { 0, 1000, 1000 } },
	{ SYS_ftruncate, { FD, K }, { [1] = 10 } }, { SYS_fsync, { FD } },
	{ SYS_fdatasync, { FD } }, { SYS_syncfs, { FD } }, { SYS_fstatfs, { FD, BUF } },
	{ SYS_openat, { FD, PATH, K } }, { SYS_openat, { FD, PATH, K, K }, { 0, 0, 0102, 0644 } },
	{ SYS_mkdirat, { FD, PATH, K }, { [2] = 0755 } }, { SYS_unlinkat, { FD, PATH } },
	{ SYS_unlinkat, { FD, PATH, K }, { [2] = AT_REMOVEDIR } },
	{ SYS_renameat, { FD, PATH, FD, PATH } }, { SYS_renameat2, { FD, PATH, FD, PATH } },
	{ SYS_linkat, { FD, PATH, FD, PATH } }, { SYS_symlinkat, { PATH, FD, PATH } },
	{ SYS_readlinkat, { FD, PATH, BUF, LEN } },
	{ SYS_fchmodat, { FD, PATH, K }, { [2] = 0600 } },
	{ SYS_fchownat, { FD, PATH, K, K }, { 0, 0, 1000, 1000 } }, { SYS_faccessat, { FD, PATH } },
	{ SYS_faccessat2, { FD, PATH } }, { SYS_mknodat, { FD, PATH, K }, { [2] = 010644 } },
	{ SYS_utimensat, { FD } }, { SYS_utimensat, { FD, PATH } },
	{ SYS_close_range, { FD, FD } },
	{ SYS_zero_send, { FD, MSG, K }, { [2] = ZMSG_NB } },
	{ SYS_zero_recv, { FD, RMSG, K }, { [2] = ZMSG_NB } },
	{ SYS_zero_call, { FD, MSG, RMSG, K }, { [3] = 1000000 } },
	{ SYS_zero_reply, { FD, MSG } },
	{ SYS_zero_reply_recv, { FD, K, RMSG, K }, { [3] = ZMSG_NB } },
	{ SYS_zero_reply_recv, { FD, MSG, RMSG, K }, { [3] = ZMSG_NB } },
	{ 1029 /* zero_cap_limit */, { FD, K }, { [1] = 0x11 } },
	{ 1030 /* zero_cap_rights */, { FD, BUF } },
	/* vectored transfers with per-call flags, hints, extended attributes */
	{ SYS_preadv2, { FD, IOV, K, K, K, K }, { [2] = 2, [3] = -1, [5] = 8 /* NOWAIT */ } },
	{ SYS_pwritev2, { FD, IOV, K, K, K, K }, { [2] = 2, [3] = -1, [5] = 0x10 /* APPEND */ } },
	{ SYS_fadvise64, { FD, K, LEN, K }, { [3] = 4 /* DONTNEED */ } },
	{ SYS_sync_file_range, { FD, K, LEN, K }, { [3] = 2 } }, { SYS_readahead, { FD, K, LEN } },
	{ SYS_fgetxattr, { FD, PATH, BUF, LEN } }, { SYS_flistxattr, { FD, BUF, LEN } },
	{ SYS_fsetxattr, { FD, PATH, BUF, LEN, K } }, { SYS_fremovexattr, { FD, PATH } },
	/* locks, leases, owners, pipe sizes (F_SETLKW may wait for another process) */
	{ SYS_fcntl, { FD, K, BUF }, { [1] = 6 /* F_SETLK */ } },
	{ SYS_fcntl, { FD, K, BUF }, { [1] = 7 /* F_SETLKW */ } },
	{ SYS_fcntl, { FD, K, BUF }, { [1] = 37 /* F_OFD_SETLK */ } },
	{ SYS_fcntl, { FD, K, K }, { [1] = 1024 /* F_SETLEASE */, [2] = 1 /* F_WRLCK */ } },
	{ SYS_fcntl, { FD, K, K }, { [1] = 8 /* F_SETOWN */ } },
	{ SYS_fcntl, { FD, K, K }, { [1] = 1031 /* F_SETPIPE_SZ */, [2] = 4096 } },
	/* epoll on any descriptor, the event descriptors, ptys */
	{ SYS_epoll_ctl, { FD, K, FD, BUF }, { [1] = 1 /* ADD */ } },
	{ SYS_epoll_ctl, { FD, K, FD, BUF }, { [1] = 2 /* DEL */ } },
	{ SYS_epoll_wait, { FD, BUF, K, K }, { [2] = 4 } },
	{ SYS_timerfd_settime, { FD, K, BUF, BUF } }, { SYS_timerfd_gettime, { FD, BUF } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x80045430 /* TIOCGPTN */ } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x40045431 /* TIOCSPTLCK */ } },
	{ SYS_ioctl, { FD, K, BUF }, { [1] = 0x5414 /* TIOCSWINSZ */ } },
};
#pragma GCC diagnostic pop
#define NFDCALLS (sizeof(fdcalls) / sizeof(fdcalls[0]))

/* Names in the round's directory (the cwd) for the *at calls. */
static const char *const names[] = { "a", "f", "d", "l", "x", "d/e", ".", "..", "/tmp" };

/* A descriptor for a slot of an array (pollfd, fd_set, message caps): hostile or valid. */
static int64_t some_fd(void) { return below(2) ? hostile_fd() : valid_fd(); }

/* Where a template's structs go: scratch, 8-aligned, with a page of room after it. */
static uint64_t *room(void)
{
	return (uint64_t *)(scratch + 8 * below((SCRATCH_PAGES - 1) * PAGE / 8));
}

static uint64_t build_struct(int kind)
{
	uint64_t *p = room();
	switch (kind) {
	case IOV:
		for (int i = 0; i < 4; i += 2) {
			p[i] = (uint64_t)room();
			p[i + 1] = 1 + below(64);
		}
		break;
	case POLLS:
		for (int i = 0; i < 4; i++)
			p[i] = (uint32_t)some_fd() | (uint64_t)(POLLIN | POLLOUT) << 32;
		break;
	case FDSET:
		memset(p, 0, 128);
		for (int i = 0; i < 4; i++) {
			int64_t fd = below(2) ? some_fd() : (int64_t)below(1024);
			if (fd >= 0 && fd < 1024)
				p[fd / 64] |= 1ULL << (fd % 64);
		}
		break;
	case MSG: case RMSG: {
		struct zero_msg *m = (struct zero_msg *)p;
		m->data = room();
		m->len = kind == MSG ? below(64) : 256;
		m->ncaps = kind == MSG ? below(ZERO_MSG_MAX_CAPS + 1) : 0;
		for (int i = 0; i < ZERO_MSG_MAX_CAPS; i++)
			m->caps[i] = (int32_t)some_fd();
		m->reply_fd = -1;
		break;
	}
	default: /* OFFP, TS0: zeros */
		memset(p, 0, 16);
	}
	return (uint64_t)p;
}

static uint64_t template_arg(int kind, int64_t k)
{
	switch (kind) {
	case K: return (uint64_t)k;
	case FD: return (uint64_t)(int64_t)valid_fd();
	case BUF: return (uint64_t)room();
	case LEN: return 1 + below(64);
	case PATH: return (uint64_t)names[below(sizeof(names) / sizeof(names[0]))];
	case EMPTY: return (uint64_t)"";
	default: return build_struct(kind);
	}
}

/* One fd-taking call: the other arguments valid enough to get past the first checks, one
 * descriptor (sometimes all) hostile. */
static void hostile_fd_call(void)
{
	const struct fdcall *c = &fdcalls[below(NFDCALLS)];
	uint64_t a[6];
	int fds[6], nfds = 0;
	for (int i = 0; i < 6; i++) {
		a[i] = template_arg(c->kind[i], c->k[i]);
		if (c->kind[i] == FD)
			fds[nfds++] = i;
	}
	bool all = !below(4);
	int which = nfds ? fds[below(nfds)] : -1;
	for (int i = 0; i < nfds; i++)
		if (all || fds[i] == which)
			a[fds[i]] = (uint64_t)hostile_fd();
	long r = call(c->nr, a[0], a[1], a[2], a[3], a[4], a[5]);
	if (c->nr == SYS_fchdir && r == 0)
		sc1(SYS_chdir, MT_DIR); /* stay where the parent cleans up */
}

/* ---- calls that sleep until something ends them: here only exit_group or SIGKILL ---- */

/* A child process that sleeps until the round's child dies: it reads the lifeline, whose only
 * writer is the round's child, until end of file. Something for wait4 to wait for, and a
 * sleeper the child's death must wake. */
static void spawn_sleeper(void)
{
	if (call(SYS_fork, 0, 0, 0, 0, 0, 0) != 0)
		return;
	sc3(SYS_close_range, 0, LIFELINE_R - 1, 0);
	sc3(SYS_close_range, LIFELINE_R + 1, ~0U, 0);
	char c;
	while (sc3(SYS_read, LIFELINE_R, &c, 1) > 0)
		;
	sc1(SYS_exit_group, 0);
}

static void blocking_call(void)
{
	static const struct { long sec, nsec; } forever = { 3600, 0 };
	static struct zero_msg rmsg; /* racing receivers may share it */
	uint64_t all = ~0ULL;
	switch (below(15)) {
	case 0: call(SYS_read, fdv[FD_PIPE_R], (uint64_t)room(), 16, 0, 0, 0); break;
	case 1: call(SYS_futex, (uint64_t)&futex_word, FUTEX_WAIT_PRIVATE, 0, 0, 0, 0); break;
	case 2: call(SYS_pause, 0, 0, 0, 0, 0, 0); break;
	case 3: call(SYS_poll, build_struct(POLLS), 1 + below(4), -1, 0, 0, 0); break;
	case 4: call(SYS_nanosleep, (uint64_t)&forever, 0, 0, 0, 0, 0); break;
	case 5:
		spawn_sleeper();
		call(SYS_wait4, -1, 0, __WALL, 0, 0, 0);
		break;
	case 6:
		rmsg.data = big;
		rmsg.len = 256;
		call(SYS_zero_recv, fdv[FD_EP_R], (uint64_t)&rmsg, 0, ZERO_WAIT_FOREVER, 0, 0);
		break;
	/* Copies that take seconds to minutes: SIGKILL must end them (issue 19, bug 3). */
	case 7: call(SYS_sendfile, fdv[FD_NULL], fdv[FD_URANDOM], 0, 0x7ffff000, 0, 0); break;
	case 8: call(SYS_read, fdv[FD_URANDOM], (uint64_t)big, BIG_LEN, 0, 0, 0); break;
	case 9: call(SYS_getrandom, (uint64_t)big, BIG_LEN, 0, 0, 0, 0); break;
	case 10: call(SYS_read, fdv[FD_ZERO], (uint64_t)big, BIG_LEN, 0, 0, 0); break;
	case 11: call(SYS_clock_nanosleep, CLOCK_MONOTONIC, 0, (uint64_t)&forever, 0, 0, 0); break;
	case 12: call(SYS_select, 0, 0, 0, 0, 0, 0); break;
	case 13: call(SYS_rt_sigsuspend, (uint64_t)&all, 8, 0, 0, 0, 0); break;
	default: call(SYS_write, fdv[FD_PIPE_W], (uint64_t)big, BIG_LEN, 0, 0, 0); break;
	}
}

/* ---- racing the other threads: their descriptors and their memory ---- */
static void fd_race(void)
{
	int i = fdv[below(NFD)], j = fdv[below(NFD)];
	static const char *const reopen[] = { "/dev/null", "/dev/zero", "f", ".",
					      "/proc/self/stat" };
	switch (below(6)) {
	case 0: call(SYS_close, i, 0, 0, 0, 0, 0); break;
	case 1: call(SYS_dup2, i, j, 0, 0, 0, 0); break;
	case 2: call(SYS_dup3, i, j, O_CLOEXEC, 0, 0, 0); break;
	case 3: call(SYS_fcntl, i, F_DUPFD, j, 0, 0, 0); break;
	case 4: call(SYS_close_range, i, i + below(3), 0, 0, 0, 0); break;
	default: {
		long fd = call(SYS_open, (uint64_t)reopen[below(5)], O_RDWR, 0, 0, 0, 0);
		if (fd < 0)
			fd = call(SYS_open, (uint64_t)reopen[below(5)], O_RDONLY, 0, 0, 0, 0);
		if (fd >= 0 && fd != j) {
			call(SYS_dup2, fd, j, 0, 0, 0, 0);
			sc1(SYS_close, fd);
		}
	}
	}
}

/* Unmaps memory the other threads are using (their buffers, sometimes a stack: that thread
 * then dies, and the process with it) and maps it back. */
static void memory_race(void)
{
	uint64_t at, len;
	switch (below(4)) {
	case 0:
		at = (uint64_t)arena + PAGE * below(ARENA_PAGES);
		len = PAGE * (1 + below(8));
		break;
	case 1:
		at = (uint64_t)big;
		len = BIG_LEN;
		break;
	case 2:
		at = (uint64_t)scratch + PAGE * below(SCRATCH_PAGES);
		len = PAGE;
		break;
	default:
		if (below(8))
			return;
		at = (uint64_t)slot_at(below(NSLOTS));
		len = SLOT_SIZE;
		if (at == (uint64_t)self_slot())
			return;
	}
	if (below(3))
		call(SYS_munmap, at, len, 0, 0, 0, 0);
	else
		call(SYS_mprotect, at, len, below(2) ? PROT_NONE : PROT_READ, 0, 0, 0);
	call(SYS_mmap, at, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_FIXED,
	     -1, 0);
}

/* ---- threads creating threads ---- */
enum { ROLE_MIX, ROLE_SPAWN, ROLE_FDS, ROLE_EXIT, ROLE_MUNMAP, ROLE_BRIEF, NROLES };
static void thread_main(struct slot *s);

static uint64_t thread_flags(void)
{
	uint64_t f = CLONE_VM | CLONE_SIGHAND | CLONE_THREAD;
	f |= below(4) ? CLONE_FS : 0;
	f |= below(4) ? CLONE_FILES : 0; /* without: its own copy of the table */
	f |= below(2) ? CLONE_SYSVSEM : 0;
	f |= below(4) ? 0 : CLONE_PARENT_SETTID;
	f |= below(4) ? 0 : CLONE_CHILD_SETTID;
	f |= below(4) ? 0 : CLONE_SETTLS;
	f |= below(8) ? 0 : CLONE_DETACHED;
	return f;
}

/* Where the kernel writes a tid: often a page not yet touched, so that the write faults. */
static uint64_t tid_ptr(void)
{
	return (uint64_t)arena + PAGE * below(ARENA_PAGES) + 4 * below(PAGE / 4);
}

/* A thread that exits at once, without touching its stack (a junk area shared by all such). */
static void spawn_exiting(void)
{
	uint64_t a[6] = { thread_flags(), (uint64_t)junk_stack, tid_ptr(), tid_ptr(),
			  (uint64_t)scratch };
	record(SYS_clone, a);
	sc_forklike(SYS_clone, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4]);
}

static int claim_slot(void)
{
	for (int i = 0; i < NSLOTS; i++) {
		int free = 0;
		if (__atomic_compare_exchange_n(&slot_at(i)->busy, &free, 1, false,
						__ATOMIC_ACQ_REL, __ATOMIC_RELAXED))
			return i;
	}
	return -1;
}

/* A new thread in a free slot with the role given; one that exits at once if none is free. */
static void spawn_thread(int role)
{
	int i = claim_slot();
	if (i < 0) {
		spawn_exiting();
		return;
	}
	struct slot *s = slot_at(i);
	s->ctx.rng = rnd() | 1;
	s->ctx.rec = shared + 1 + REC_WORDS * i;
	s->role = role;
	s->calls = (int)below(6);
	uint64_t *top = slot_top(i);
	top[-1] = (uint64_t)s;
	top[-2] = (uint64_t)thread_main;
	uint64_t a[6] = { thread_flags() | CLONE_CHILD_CLEARTID, (uint64_t)(top - 2), tid_ptr(),
			  (uint64_t)&s->busy, (uint64_t)scratch };
	record(SYS_clone, a);
	if (fuzz_clone_thread(a[0], (void *)a[1], (void *)a[2], &s->busy, (void *)a[4]) < 0)
		s->busy = 0;
}

/* One action of a mixing thread, among those the run allows. */
static void mixed_action(void)
{
	for (;;) {
		uint64_t r = below(20);
		if (r < 7 && allowed('g'))
			return one_call();
		if (r >= 7 && r < 13 && allowed('f'))
			return hostile_fd_call();
		if (r == 13 && allowed('b'))
			return blocking_call();
		if ((r == 14 || r == 15) && allowed('r'))
			return fd_race();
		if ((r == 16 || r == 17) && allowed('s'))
			return below(2) ? spawn_exiting() : spawn_thread(ROLE_BRIEF);
		if (r == 18 && allowed('m'))
			return memory_race();
	}
}

/* Sleeps 0-2 ms (the window for a racing exit_group), by a raw nanosleep. */
static void short_pause(void)
{
	struct { long sec, nsec; } ts = { 0, (long)below(2000000) };
	sc2(SYS_nanosleep, &ts, 0);
}

static void run_role(int role)
{
	switch (role) {
	case ROLE_SPAWN: /* issue 19, bug 1: threads that exit at once, in a loop */
		while (!round_over())
			below(4) ? spawn_exiting() : spawn_thread(ROLE_BRIEF);
		return;
	case ROLE_EXIT:
		short_pause();
		call(SYS_exit_group, below(2), 0, 0, 0, 0, 0);
		return;
	case ROLE_BRIEF:
		for (int i = self_slot()->calls; i > 0 && !round_over(); i--)
			mixed_action();
		return;
	}
	while (!round_over()) {
		if (role == ROLE_FDS && below(2))
			fd_race();
		else if (role == ROLE_MUNMAP && below(2))
			memory_race();
		else
			mixed_action();
	}
}

static void thread_main(struct slot *s)
{
	s->ctx.tid = (int)sc0(SYS_gettid);
	run_role(s->role);
}

/* The roles of a round's first threads: often the race of issue 19's bug 1 (a thread spawning
 * threads that exit at once, another calling exit_group after 0-2 ms), else a random mix. */
static void start_threads(void)
{
	if (allowed('s') && !below(3)) {
		spawn_thread(ROLE_SPAWN);
		spawn_thread(below(4) ? ROLE_EXIT : ROLE_MIX);
		return;
	}
	static const char role_action[NROLES] = { 'g', 's', 'r', 'g', 'm' };
	for (int n = 1 + (int)below(4); n > 0; n--) {
		int role = (int)below(ROLE_BRIEF);
		if (role == ROLE_EXIT && below(2))
			role = ROLE_MIX; /* most rounds run their course */
		if (role == ROLE_MIX || role == ROLE_EXIT || allowed(role_action[role]))
			spawn_thread(role);
	}
}

static void __attribute__((noreturn)) main_thread(struct slot *s)
{
	s->ctx.tid = (int)sc0(SYS_gettid);
	fill_scratch();
	start_threads();
	for (int i = 0; !round_over(); i++) {
		if (i % 50 == 49)
			fill_scratch();
		mixed_action();
	}
	if (allowed('g') && !below(8)) {
		uint64_t none[6] = { 0 };
		record(SYS_rt_sigreturn, none);
		forged_sigreturn();
	}
	sc1(SYS_exit_group, 0);
	__builtin_unreachable();
}

/* The round's descriptors, while libc still works: devices, an empty pipe, a file, the
 * directory, an endpoint, a procfs file, an O_PATH one, an eventfd, an epoll, a timerfd, a
 * pty master, a closed number; the lifeline. */
static void open_fds(void)
{
	int p[2] = { -1, -1 }, ep[2] = { -1, -1 };
	fdv[FD_NULL] = open("/dev/null", O_RDWR);
	fdv[FD_ZERO] = open("/dev/zero", O_RDWR);
	fdv[FD_URANDOM] = open("/dev/urandom", O_RDONLY);
	pipe2(p, 0);
	fdv[FD_PIPE_R] = p[0];
	fdv[FD_PIPE_W] = p[1];
	fdv[FD_FILE] = open("f", O_RDWR | O_CREAT, 0644);
	if (write(fdv[FD_FILE], "fuzz_mt\n", 8) < 0)
		_exit(103);
	fdv[FD_DIR] = open(".", O_RDONLY | O_DIRECTORY);
	zero_endpoint_create(4, 256, 0, ep);
	fdv[FD_EP_R] = ep[0];
	fdv[FD_EP_W] = ep[1];
	fdv[FD_PROC] = open("/proc/self/status", O_RDONLY);
	fdv[FD_OPATH] = open("/", O_PATH);
	fdv[FD_EVENTFD] = (int)sc2(SYS_eventfd2, 0, 0);
	fdv[FD_TIMERFD] = (int)sc2(SYS_timerfd_create, 1 /* CLOCK_MONOTONIC */, 0);
	fdv[FD_PTMX] = open("/dev/ptmx", O_RDWR | O_NOCTTY);
	/* An epoll watching the pipe and the eventfd: racing closes take its interests away. */
	fdv[FD_EPOLL] = (int)sc1(SYS_epoll_create1, 0);
	uint64_t ev[2] = { 1 /* EPOLLIN */, 0 };
	sc4(SYS_epoll_ctl, fdv[FD_EPOLL], 1, fdv[FD_PIPE_R], (long)ev);
	sc4(SYS_epoll_ctl, fdv[FD_EPOLL], 1, fdv[FD_EVENTFD], (long)ev);
	fdv[FD_CLOSED] = dup(0);
	close(fdv[FD_CLOSED]);
	if (pipe2(p, 0) || dup2(p[0], LIFELINE_R) < 0 || dup2(p[1], LIFELINE_W) < 0)
		_exit(104);
	close(p[0]);
	close(p[1]);
}

static uint64_t round_seed(uint64_t seed, int round)
{
	return seed * 0xD1B54A32D192ED03ULL ^ ((uint64_t)(round + 1) * 0x9E3779B97F4A7C15ULL);
}

static void __attribute__((noreturn)) mt_child(uint64_t seed, int round, long calls)
{
	fuzz_child_setup(MT_DIR, 64);
	open_fds();
	int anon = MAP_PRIVATE | MAP_ANONYMOUS;
	big = mmap(NULL, BIG_LEN, PROT_READ | PROT_WRITE, anon | MAP_NORESERVE, -1, 0);
	uint8_t *raw = mmap(NULL, (NSLOTS + 1) * SLOT_SIZE, PROT_READ | PROT_WRITE, anon, -1, 0);
	junk_stack = mmap(NULL, 4 * PAGE, PROT_READ | PROT_WRITE, anon, -1, 0);
	if (big == MAP_FAILED || raw == MAP_FAILED || junk_stack == MAP_FAILED)
		_exit(101);
	junk_stack += 3 * PAGE; /* a stack pointer: its top half, signal frames grow down */
	slots = (uint8_t *)(((uint64_t)raw + SLOT_SIZE - 1) & ~(SLOT_SIZE - 1));
	call_limit = (uint64_t)calls;
	deadline_ms = now_ms() + CHILD_MS;
	struct slot *s = slot_at(claim_slot());
	s->ctx.rng = round_seed(seed, round);
	s->ctx.rec = shared + 1;
	fuzz_run_on(main_thread, s, slot_top(0));
}

/* ---- the parent: rounds under the watchdog ---- */
struct totals {
	unsigned long calls;
	int rounds, killed, exited, signalled, strays;
};

/* Prints a /proc file of the child, one line per line, prefixed. */
static void print_proc(const char *path)
{
	char text[1024];
	int fd = open(path, O_RDONLY);
	ssize_t n = fd >= 0 ? read(fd, text, sizeof(text) - 1) : -1;
	if (fd >= 0)
		close(fd);
	if (n < 0) {
		printf("fuzz_mt:   %s: %s\n", path, strerror(errno));
		return;
	}
	text[n] = 0;
	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n"))
		printf("fuzz_mt:   %s: %s\n", path, line);
}

/* A child that SIGKILL did not end: what it and its threads are doing. */
static void report_unkillable(pid_t pid, uint64_t seed, int round)
{
	char path[300];
	printf("fuzz_mt: seed %#lx round %d: child %d not reaped %d ms after SIGKILL\n",
	       (unsigned long)seed, round, pid, KILL_GRACE_MS);
	for (int i = 0; i < NSLOTS; i++) {
		volatile uint64_t *r = shared + 1 + REC_WORDS * i;
		if (r[0] || r[1])
			printf("fuzz_mt:   thread slot %d last call: nr %lu args %#lx %#lx %#lx "
			       "%#lx %#lx %#lx\n", i, (unsigned long)r[0], (unsigned long)r[1],
			       (unsigned long)r[2], (unsigned long)r[3], (unsigned long)r[4],
			       (unsigned long)r[5], (unsigned long)r[6]);
	}
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	print_proc(path);
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	print_proc(path);
	snprintf(path, sizeof(path), "/proc/%d/task", pid);
	DIR *d = opendir(path);
	struct dirent *e;
	while (d && (e = readdir(d))) {
		if (e->d_name[0] == '.')
			continue;
		snprintf(path, sizeof(path), "/proc/%d/task/%s/stat", pid, e->d_name);
		print_proc(path);
		snprintf(path, sizeof(path), "/proc/%d/task/%s/syscall", pid, e->d_name);
		print_proc(path);
	}
	if (d)
		closedir(d);
}

/* One round: the child fuzzes until it ends or ROUND_MS pass, then SIGKILL. False when it
 * could not be started or was not reaped in time (the run stops: it is stuck). */
static bool run_round(uint64_t seed, int round, long calls, struct totals *t)
{
	memset((void *)shared, 0, PAGE);
	pid_t pid = fork();
	if (pid < 0) {
		printf("fuzz_mt: seed %#lx round %d: fork: %s\n", (unsigned long)seed, round,
		       strerror(errno));
		return false;
	}
	if (pid == 0)
		mt_child(seed, round, calls);
	int st = 0;
	pid_t got = wait_child_ms(pid, &st, ROUND_MS);
	if (got == 0) {
		kill(pid, SIGKILL);
		t->killed++;
		got = wait_child_ms(pid, &st, KILL_GRACE_MS);
	}
	t->calls += shared[0];
	if (got != pid) {
		report_unkillable(pid, seed, round);
		return false;
	}
	t->rounds++;
	if (WIFSIGNALED(st))
		t->signalled++;
	else
		t->exited++;
	t->strays += reap_strays();
	empty_dir(MT_DIR, 0);
	return true;
}

static long ms_since(const struct timespec *t0)
{
	struct timespec t1;
	clock_gettime(CLOCK_MONOTONIC, &t1);
	return (t1.tv_sec - t0->tv_sec) * 1000 + (t1.tv_nsec - t0->tv_nsec) / 1000000;
}

/* Every seed of [first, last], rounds rounds each; false if a child could not be reaped. */
static bool run_all(uint64_t first, uint64_t last, int rounds, long calls, struct totals *t)
{
	struct timespec t0;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (uint64_t seed = first; seed <= last; seed++) {
		for (int r = 0; r < rounds; r++) {
			if (!run_round(seed, r, calls, t))
				return false;
			if (r % 100 == 99) /* progress, for the long run */
				printf("fuzz_mt: seed %#lx round %d: %lu calls, %d killed, "
				       "%ld ms\n", (unsigned long)seed, r + 1, t->calls, t->killed,
				       ms_since(&t0));
		}
		printf("fuzz_mt: seed %#lx done: %d rounds, %lu calls, %d killed, %ld ms so far\n",
		       (unsigned long)seed, t->rounds, t->calls, t->killed, ms_since(&t0));
		if (seed == UINT64_MAX)
			break;
	}
	return true;
}

int main(int argc, char **argv)
{
	uint64_t first = CI_SEED, last = CI_SEED + CI_SEEDS - 1;
	int rounds = CI_ROUNDS;
	long calls = CI_CALLS;
	if (argc >= 5) {
		first = strtoull(argv[1], NULL, 0);
		last = strtoull(argv[2], NULL, 0);
		rounds = atoi(argv[3]);
		calls = atol(argv[4]);
		if (argc >= 6)
			actions = argv[5];
	} else if (argc != 1) {
		fprintf(stderr, "usage: %s [SEED_FIRST SEED_LAST ROUNDS CALLS [ACTIONS]]\n",
			argv[0]);
		return 2;
	}
	test_begin("fuzz_mt");
	mkdir("/tmp", 01777);
	mkdir(MT_DIR, 0777);
	chmod(MT_DIR, 0777);
	system_works(); /* warm the caches a first fork and exec fill: not a leak */
	long ram0 = freeram();
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED) {
		test_result("shared-page", false, "mmap: %s", strerror(errno));
		test_end();
	}
	wait_setup();
	printf("fuzz_mt: seeds %#lx-%#lx, %d rounds each, %ld calls per round, actions %s\n",
	       (unsigned long)first, (unsigned long)last, rounds, calls, actions);

	struct totals t = { 0 };
	long want = (long)(last - first + 1) * rounds;
	bool reaped = true;
	/* A long run: its first seed fills what the kernel keeps at a high-water mark (the page
	 * tables of the kernel-stack window, partly used slabs; measured: 2.1 MiB after 500
	 * rounds and after 2,000 alike), so memory is compared from there on: a leak shows as
	 * growth over the other seeds. */
	if (argc >= 5 && last > first) {
		reaped = run_all(first, first, rounds, calls, &t);
		ram0 = freeram();
		first++;
	}
	reaped = reaped && run_all(first, last, rounds, calls, &t);
	test_result("every_child_reaped_after_sigkill", reaped,
		    "a child survived SIGKILL for %d ms (above)", KILL_GRACE_MS);
	test_result("kernel_survives_all_rounds", t.rounds == want, "%d of %ld rounds", t.rounds,
		    want);
	reap_strays();
	ipc_remove_all();
	errno = 0;
	CHECK("all_children_reaped", waitpid(-1, NULL, WNOHANG | __WALL) == -1 && errno == ECHILD);
	CHECK("system_still_works", system_works());
	long ram1 = -1;
	for (int i = 0; reaped && i < 40; i++) { /* exits free their memory asynchronously */
		ram1 = freeram();
		if (ram1 >= ram0 - (1L << 20))
			break;
		sleep_ms(50);
	}
	if (reaped)
		test_result("memory_returned", ram0 > 0 && ram1 >= ram0 - (1L << 20),
			    "freeram %ld KiB before, %ld KiB after", ram0 >> 10, ram1 >> 10);
	empty_dir(MT_DIR, 0);
	rmdir(MT_DIR);
	printf("fuzz_mt: totals: %lu calls, %d rounds, %d children killed, %d exited, "
	       "%d killed by a signal, %d strays\n", t.calls, t.rounds, t.killed, t.exited,
	       t.signalled, t.strays);
	printf("fuzz_mt: end\n"); /* after the whole totals line: make fuzz-long stops here */
	test_end();
}
