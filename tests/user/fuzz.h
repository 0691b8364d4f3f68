/* The in-guest syscall fuzzer's shared part (tests/user/fuzz.c, fuzz_mt.c): raw system calls,
 * the seeded generator of hostile arguments (kernel, non-canonical and unmapped addresses,
 * buffers ending at a page boundary, planted path strings, forged signal frames), one fuzzed
 * call, the fuzzing child's set-up, and the parent's checks (reaping, memory, fork+exec). */
#ifndef TESTS_USER_FUZZ_H
#define TESTS_USER_FUZZ_H

#define _GNU_SOURCE
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <poll.h>
#include <sched.h>
#include <sys/stat.h>
#include <signal.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>
#include <time.h>

#define PAGE 4096UL


/* The implemented numbers: every line of kernel/syscall/syscall_64.tbl but exit (60) and
 * exit_group (231), which only end a round (fuzz_nrs.h is generated from the table). */
static const int nrs[] = {
#include "fuzz_nrs.h"
};
/* Path strings planted in scratch, so that the file calls get past copying their path: names
 * in the round's own directory (the cwd), hostile shapes, and files every process may see. */
static const char *const paths[] = {
	"a", "b", "a/b", "d", "d/e", "f", "l", "loop", ".", "..", "../..", "", "/", "//a///b/",
	"/dev/null", "/dev/zero", "/dev/full", "/dev/urandom", "/dev/tty", "/dev/console",
	"/proc/self", "/proc/self/fd/0", "/proc/self/maps", "/proc/self/status", "/proc/1/environ",
	"/proc/self/cwd/a", "/tmp", "/tmp/fuzz.d/x", "/tests", "/bin/busybox", "a/../../../a",
	"f/x", "d/../f",
};
#define NPATHS (sizeof(paths) / sizeof(paths[0]))
#define NNRS (sizeof(nrs) / sizeof(nrs[0]))

/* ---- raw system calls: the child may wreck its FS base, so no libc after set-up ---- */
static inline long sc6(long n, long a, long b, long c, long d, long e, long f)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e, r9 __asm__("r9") = f;
	long ret;
	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}
#define sc0(n) sc6(n, 0, 0, 0, 0, 0, 0)
#define sc1(n, a) sc6(n, (long)(a), 0, 0, 0, 0, 0)
#define sc2(n, a, b) sc6(n, (long)(a), (long)(b), 0, 0, 0, 0)
#define sc3(n, a, b, c) sc6(n, (long)(a), (long)(b), (long)(c), 0, 0, 0)
#define sc4(n, a, b, c, d) sc6(n, (long)(a), (long)(b), (long)(c), (long)(d), 0, 0)

/* fork/vfork/clone: the new task (return value 0) exits at once without touching its stack,
 * which may be garbage (clone's newsp) or shared (CLONE_VM). */
static inline long sc_forklike(long n, long a, long b, long c, long d, long e)
{
	register long r10 __asm__("r10") = d, r8 __asm__("r8") = e;
	long ret;
	__asm__ volatile("syscall\n\t"
			 "test %%rax, %%rax\n\t"
			 "jnz 1f\n\t"
			 "mov $60, %%eax\n\t"
			 "xor %%edi, %%edi\n\t"
			 "syscall\n\t"
			 "ud2\n"
			 "1:"
			 : "=a"(ret)
			 : "a"(n), "D"(a), "S"(b), "d"(c), "r"(r10), "r"(r8)
			 : "rcx", "r11", "memory");
	return ret;
}

/* Where a forged signal frame may return to: exit_group(0x55) whatever the stack is. */
__asm__(".text\n.globl fuzz_landing\nfuzz_landing:\n\tmov $231, %eax\n\tmov $0x55, %edi\n\t"
	"syscall\n\tud2\n");
void fuzz_landing(void);
/* The restorer of our own SIGALRM handler. */
__asm__(".text\n.globl fuzz_restorer\nfuzz_restorer:\n\tmov $15, %eax\n\tsyscall\n\tud2\n");
void fuzz_restorer(void);

static void __attribute__((noreturn)) sigreturn_on(void *frame)
{
	__asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2"
			 : : "r"(frame) : "memory");
	__builtin_unreachable();
}

/* Per-thread state: the generator, the thread's id (for tkill) and the record of its last
 * call that the parent prints when a child hangs. Each program says where the calling thread's
 * context is (fuzz_ctx): one for fuzz.c, one per thread stack for fuzz_mt.c. */
struct fuzz_ctx {
	uint64_t rng;
	volatile uint64_t *rec; /* [0] the number, [1..6] the arguments */
	int tid;
};
static struct fuzz_ctx *fuzz_ctx(void);

/* ---- the generator: xorshift64*, reproducible from the seed and the round number ---- */
static uint64_t rnd(void)
{
	struct fuzz_ctx *c = fuzz_ctx();
	c->rng ^= c->rng >> 12;
	c->rng ^= c->rng << 25;
	c->rng ^= c->rng >> 27;
	return c->rng * 0x2545F4914F6CDD1DULL;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }

/* The child's memory: a scratch area of SCRATCH_PAGES pages followed by an unmapped page, a
 * PROT_NONE page, and an arena where mmap/munmap/mprotect/madvise/mremap may do as they like. */
#define SCRATCH_PAGES 4
#define ARENA_PAGES 64
static uint8_t *scratch, *scratch_end, *noaccess, *arena;
static uint64_t last_map; /* the last address mmap/mremap/brk returned */
static int self_pid;

static const uint64_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 16, 17, 31, 32, 63, 64, 127, 128, 255, 256, 4095, 4096, 4097, 65535,
	65536, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, (uint64_t)-1, (uint64_t)-2,
	(uint64_t)-4095, (uint64_t)INT32_MIN, (uint64_t)(int64_t)INT32_MIN, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, 0xffffffff80000000ULL, 0xffff800000000000ULL, 0x0000800000000000ULL,
	0x00007ffffffff000ULL, 0x00007fffffffffffULL, 0x0000800000000000ULL - 8, 0x1000, 0x10000,
	0xfffffffffffff000ULL, 0xffffffffffffffffULL >> 1,
};
#define NINTERESTING (sizeof(interesting) / sizeof(interesting[0]))

/* A page of the arena, rarely misaligned. */
static uint64_t arena_addr(void)
{
	return (uint64_t)arena + PAGE * below(ARENA_PAGES) + (below(8) ? 0 : below(PAGE));
}

static uint64_t bad_ptr(void)
{
	static const uint64_t bad[] = {
		0, 1, 0x1000, 0xfff, 0xffffffff80000000ULL, 0xffff800000000000ULL,
		0xffffffffffffffffULL - 7, 0x0000800000000000ULL, 0x8000000000000000ULL,
		0x00007ffffffffff8ULL, 0x00007ffffffff000ULL, 0x0000800000000000ULL - 1,
		0xffff7fffffffffffULL, 0xdead0000ULL,
	};
	switch (below(4)) {
	case 0: return (uint64_t)scratch_end + below(PAGE); /* the unmapped page after scratch */
	case 1: return (uint64_t)noaccess + below(PAGE);
	default: return bad[below(sizeof(bad) / sizeof(bad[0]))];
	}
}

/* A valid pointer into scratch: anywhere, misaligned, or ending right at the unmapped page. */
static uint64_t good_ptr(void)
{
	size_t len = SCRATCH_PAGES * PAGE;
	switch (below(5)) {
	case 0: return (uint64_t)scratch_end - 1 - below(64); /* a few bytes before the hole */
	case 1: return (uint64_t)scratch_end - 8 * (1 + below(8));
	case 2: return (uint64_t)scratch + PAGE - 1 - below(8); /* straddling a page */
	case 3:
		return last_map && below(2) ? last_map + below(PAGE)
					    : (uint64_t)scratch + below(len);
	default: return ((uint64_t)scratch + below(len)) & ~7ULL;
	}
}

static uint64_t any_ptr(void)
{
	return below(3) ? good_ptr() : bad_ptr();
}

static uint64_t len_val(void)
{
	switch (below(4)) {
	case 0: return below(64);
	case 1: return PAGE * below(4) + below(3) - 1; /* page-crossing */
	case 2: return interesting[below(NINTERESTING)];
	default: return below(2 * PAGE * SCRATCH_PAGES);
	}
}

static uint64_t arg_val(void)
{
	switch (below(8)) {
	case 0: case 1: return interesting[below(NINTERESTING)];
	case 2: return below(16);
	case 3: return good_ptr();
	case 4: return bad_ptr();
	case 5: return len_val();
	case 6: return (uint64_t)-(int64_t)below(16);
	default: return rnd();
	}
}

/* Scratch gets random words, interesting values and pointers (for structs that hold
 * pointers: iovecs, robust lists, sigaltstacks). */
static void fill_scratch(void)
{
	uint64_t *w = (uint64_t *)scratch;
	for (size_t i = 0; i < SCRATCH_PAGES * PAGE / 8; i++) {
		switch (below(4)) {
		case 0: w[i] = rnd(); break;
		case 1: w[i] = interesting[below(NINTERESTING)]; break;
		case 2: w[i] = any_ptr(); break;
		default: w[i] = below(3) ? 0 : below(100000); break;
		}
	}
	/* Path strings at random places (a pointer into scratch often lands on one), one of
	 * them a name longer than NAME_MAX. */
	for (int k = 0; k < 48; k++) {
		const char *p = paths[below(NPATHS)];
		size_t len = strlen(p) + 1, at = below(SCRATCH_PAGES * PAGE - len);
		memcpy(scratch + at, p, len);
	}
	size_t at = below(SCRATCH_PAGES * PAGE - 400);
	memset(scratch + at, 'n', 300);
	scratch[at + 300] = 0;
}

/* A path argument: mostly a planted string, sometimes whatever a pointer gives. */
static uint64_t path_arg(void)
{
	if (below(4) == 0)
		return any_ptr();
	const char *p = paths[below(NPATHS)];
	return (uint64_t)p;
}

/* A descriptor argument: one of the few this child has, or anything. */
static uint64_t fd_arg(void)
{
	return below(4) ? below(12) : arg_val();
}

/* ---- a bounded wait for the calls that block: SIGALRM (caught, returns) in 20 ms ---- */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	uint64_t mask;
};
static void on_alarm(int sig) { (void)sig; }

static void arm_wakeup(void)
{
	struct ksigaction sa = { (void *)on_alarm, 0x04000000 /* SA_RESTORER */,
				 (void *)fuzz_restorer, 0 };
	uint64_t alrm = 1ULL << (SIGALRM - 1);
	struct { long isec, iusec, sec, usec; } it = { 0, 0, 0, 20000 };
	sc4(SYS_rt_sigaction, SIGALRM, &sa, 0, 8);
	sc4(SYS_rt_sigprocmask, SIG_UNBLOCK, &alrm, 0, 8);
	sc3(SYS_setitimer, 0 /* ITIMER_REAL */, &it, 0);
}

static void disarm_wakeup(void)
{
	struct { long isec, iusec, sec, usec; } it = { 0, 0, 0, 0 };
	sc3(SYS_setitimer, 0, &it, 0);
}

static bool blocks(int nr)
{
	return nr == SYS_read || nr == SYS_pause || nr == SYS_nanosleep ||
	       nr == SYS_rt_sigsuspend || nr == SYS_futex || nr == SYS_clock_nanosleep ||
	       nr == SYS_wait4 || nr == SYS_waitid ||
	       /* pipes, FIFOs and terminals: */
	       nr == SYS_readv || nr == SYS_pread64 || nr == SYS_write || nr == SYS_writev ||
	       nr == SYS_pwrite64 || nr == SYS_sendfile || nr == SYS_open || nr == SYS_openat ||
	       nr == SYS_creat || nr == SYS_poll || nr == SYS_ppoll || nr == SYS_select ||
	       nr == SYS_pselect6 || nr == SYS_ioctl || nr == SYS_preadv || nr == SYS_pwritev ||
	       nr == SYS_preadv2 || nr == SYS_pwritev2 || nr == SYS_splice || nr == SYS_tee ||
	       nr == SYS_vmsplice ||
	       /* signals, futexes, event descriptors: */
	       nr == SYS_rt_sigtimedwait || nr == 449 /* futex_waitv */ || nr == SYS_epoll_wait ||
	       nr == SYS_epoll_pwait || nr == 441 /* epoll_pwait2 */ ||
	       /* file locks (F_SETLKW, flock) and lease breaks (open, truncate): */
	       nr == SYS_fcntl || nr == SYS_flock || nr == SYS_truncate || nr == SYS_ftruncate ||
	       /* System V IPC and POSIX message queues: */
	       nr == SYS_semop || nr == SYS_semtimedop || nr == SYS_msgsnd || nr == SYS_msgrcv ||
	       nr == SYS_mq_timedsend || nr == SYS_mq_timedreceive ||
	       /* endpoints: zero_send, zero_recv, zero_call */
	       (nr >= 1025 && nr <= 1027);
}

/* A fault signal handled by a handler that returns would fault again forever. */
static bool synchronous(uint64_t sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE ||
	       sig == SIGTRAP || sig == SIGSYS;
}

static uint64_t saved_fs;
/* A MAP_SHARED page the parent reads: [0] calls issued by the child (all its threads), then
 * the threads' records (struct fuzz_ctx.rec). */
static volatile uint64_t *shared;
static void trace(int nr, const uint64_t *a);

/* Counts the call and records it, just before it is made. */
static void record(int nr, const uint64_t *a)
{
	volatile uint64_t *rec = fuzz_ctx()->rec;
	__atomic_add_fetch(&shared[0], 1, __ATOMIC_RELAXED);
	rec[0] = (uint64_t)nr;
	for (int i = 0; i < 6; i++)
		rec[1 + i] = a[i];
#ifdef FUZZ_TRACE
	trace(nr, a);
#endif
}

#ifdef FUZZ_TRACE
/* -DFUZZ_TRACE: every call on the console before it is made, to find the one that kills. */
static void trace(int nr, const uint64_t *a)
{
	char buf[200], *p = buf;
	const char *hex = "0123456789abcdef";
	*p++ = 'F'; *p++ = ' ';
	for (int k = 0; k < 7; k++) {
		uint64_t v = k ? a[k - 1] : (uint64_t)nr;
		for (int i = 60; i >= 0; i -= 4)
			*p++ = hex[(v >> i) & 15];
		*p++ = ' ';
	}
	*p++ = '\n';
	sc3(SYS_write, 1, buf, p - buf);
}
#endif

/* Signals whose delivery would stop or kill the fuzzing child instead of probing the kernel. */
static bool stops_or_kills(uint64_t sig)
{
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN ||
	       sig == SIGTTOU;
}

/* One fuzzed call: the arguments are random, then constrained where a call would only end
 * the round (killing itself, munmapping its own text, writing garbage to the console...). */
static void one_call(void)
{
	int nr = nrs[below(NNRS)];
	uint64_t a[6];
	for (int i = 0; i < 6; i++)
		a[i] = arg_val();

	switch (nr) {
	case SYS_read:
		if (a[0] <= 2 && below(8))
			a[0] = 3 + below(5); /* console input only rarely (it blocks) */
		break;
	case SYS_write:
		if (a[0] <= 2 || below(2)) {
			a[0] = below(3); /* the console only with a bad pointer or no bytes */
			if (below(2))
				a[1] = bad_ptr();
			else
				a[2] = 0;
		}
		break;
	case SYS_writev:
		if (a[0] <= 2 || below(2)) {
			uint64_t *iov = (uint64_t *)(scratch_end - 64);
			for (int i = 0; i < 8; i += 2) {
				iov[i] = bad_ptr();
				iov[i + 1] = len_val();
			}
			a[0] = below(3);
			a[1] = below(4) ? (uint64_t)iov + 16 * below(4) : bad_ptr();
			a[2] = below(8);
		}
		break;
	case SYS_mmap:
		if (a[3] & 0x110000 /* MAP_FIXED, MAP_FIXED_NOREPLACE */)
			a[0] = arena_addr();
		if (below(2))
			a[1] = PAGE * below(ARENA_PAGES);
		if (below(2))
			a[3] = (below(2) ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS |
			       (a[3] & 0x110000);
		break;
	case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_mremap:
		if (below(6))
			a[0] = arena_addr();
		else if (below(2))
			a[0] = bad_ptr();
		else
			break; /* whatever the generator gave */
		if (below(2))
			a[1] = PAGE * below(ARENA_PAGES);
		if (nr == SYS_mremap && (a[3] & 2 /* MREMAP_FIXED */))
			a[4] = (uint64_t)arena + PAGE * below(ARENA_PAGES);
		if (nr == SYS_mprotect && below(2))
			a[2] = below(8);
		break;
	case SYS_brk:
		if (below(2))
			a[0] = 0;
		break;
	case SYS_rt_sigaction:
		if (a[0] == SIGKILL || a[0] == SIGSTOP)
			break;
		a[0] = below(2) ? 1 + below(64) : a[0];
		if (below(2))
			a[3] = 8;
		if (below(4)) { /* mostly a plausible action, so that signals get delivered */
			struct ksigaction *sa = (struct ksigaction *)(scratch + 64 * below(8));
			static const uint64_t fl[] = { 0x04000000, 0x0c000000, 0x14000000,
						       0x4c000000, 0x84000000, 0 };
			sa->handler = below(3) ? (void *)on_alarm : (void *)below(2);
			sa->flags = below(4) ? fl[below(6)] : rnd();
			sa->restorer = below(4) ? (void *)fuzz_restorer : (void *)any_ptr();
			sa->mask = rnd();
			a[1] = (uint64_t)sa;
			if (sa->handler == (void *)on_alarm && synchronous(a[0]))
				sa->handler = 0;
		}
		break;
	case SYS_rt_sigprocmask: case SYS_rt_sigpending:
		if (below(2))
			a[nr == SYS_rt_sigpending ? 1 : 3] = 8;
		break;
	case SYS_rt_sigsuspend: {
		uint64_t *m = (uint64_t *)(scratch + 8 * below(8));
		*m = rnd() & ~(1ULL << (SIGALRM - 1));
		a[0] = below(6) ? (uint64_t)m : bad_ptr();
		a[1] = below(4) ? 8 : a[1];
		break;
	}
	case SYS_rt_sigreturn:
		return; /* ends the round: done at the end (fuzz_child) */
	case SYS_alarm:
		a[0] = below(3); /* never postpone the round's end by much */
		break;
	case SYS_timer_create: { /* a timer's signal must not stop or kill the round either */
		int32_t *ev = (int32_t *)(scratch + 8 * below(8)); /* struct sigevent's words */
		ev[2] = (int32_t)below(70); /* sigev_signo */
		if (stops_or_kills((uint64_t)ev[2]))
			ev[2] = SIGALRM;
		ev[3] = (int32_t)below(6); /* sigev_notify */
		a[1] = below(4) ? (uint64_t)ev : below(2) ? 0 : a[1];
		if (a[1] != (uint64_t)ev && a[1])
			a[1] = bad_ptr();
		break;
	}
	case SYS_setitimer:
		if (a[0] == 0 && below(2))
			a[0] = 1 + below(2);
		break;
	case SYS_fork: case SYS_vfork:
		record(nr, a);
		sc_forklike(nr, 0, 0, 0, 0, 0);
		return;
	case SYS_clone: {
		uint64_t flags = (rnd() & (CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
					   CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
					   CLONE_PARENT_SETTID | CLONE_CHILD_SETTID |
					   CLONE_CHILD_CLEARTID | CLONE_VFORK | CLONE_DETACHED)) |
				 (below(4) ? SIGCHLD : below(70));
		if (!below(8))
			flags = arg_val();
		/* The exit-signal byte is sent to us when the clone exits: as on Linux, a stop
		 * signal there would stop this child (and the round would only time out). */
		if (stops_or_kills(flags & 0xff))
			flags = (flags & ~0xffULL) | SIGCHLD;
		a[0] = flags;
		a[2] = any_ptr();
		a[3] = any_ptr();
		record(nr, a);
		sc_forklike(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4]);
		return;
	}
	case SYS_execve: {
		static const char *const paths[] = {
			"/nonexistent", "/tests/bad_garbage", "/tests/bad_trunc",
			"/tests/bad_kaddr", "/tests/bad_entry", "/tests/bad_phoff", "/tests/bad_wx",
			"/tests/bad_script", "/tests/bad_dynamic", "/tests", "",
			"/tests/bad_garbage/x"
		};
		a[0] = below(4) ? (uint64_t)paths[below(sizeof(paths) / sizeof(paths[0]))]
				: bad_ptr();
		break;
	}
	case SYS_kill:
		a[0] = self_pid;
		goto sig;
	case SYS_tkill:
		a[0] = fuzz_ctx()->tid;
		a[1] = a[1];
		goto sig;
	case SYS_process_vm_writev: /* its own memory (scratch, as readv's), never the driver's */
		a[0] = below(2) ? self_pid : 0;
		break;
	case SYS_pidfd_send_signal: /* a pidfd of itself may be among the fds */
		a[1] = below(2) ? below(70) : a[1];
		if (stops_or_kills(a[1]))
			a[1] = 0;
		break;
	case SYS_tgkill:
		a[0] = self_pid;
		a[1] = fuzz_ctx()->tid;
		a[2] = below(2) ? below(70) : a[2];
		if (stops_or_kills(a[2]))
			a[2] = 0;
		break;
	sig:
		a[1] = below(2) ? below(70) : a[1];
		if (stops_or_kills(a[1]))
			a[1] = 0;
		break;
	case SYS_prlimit64:
		if (below(2))
			a[0] = below(2) ? 0 : self_pid;
		else if (below(2))
			/* root's: must be EPERM */
			a[0] = below(2) ? 1 : (uint64_t)sc0(SYS_getppid);
		if (below(2))
			a[1] = below(17);
		break;
	case SYS_setrlimit: case SYS_getrlimit:
		if (below(2))
			a[0] = below(17);
		break;
	case SYS_setpriority: case SYS_getpriority:
		if (below(2))
			a[0] = below(3);
		if (below(2))
			a[1] = below(2) ? 0 : (uint64_t)sc0(SYS_getppid);
		break;
	case SYS_futex:
		if (below(2))
			a[1] = below(14) | (below(2) ? 128 /* FUTEX_PRIVATE */ : 0) |
			       (below(4) ? 0 : 256);
		break;
	case SYS_set_robust_list:
		if (below(2)) { /* a list that loops on itself, or through garbage */
			uint64_t *h = (uint64_t *)(scratch + 8 * below(64));
			h[0] = below(2) ? (uint64_t)h : any_ptr();
			h[1] = below(2) ? 0 : rnd();
			h[2] = below(2) ? 0 : any_ptr();
			a[0] = (uint64_t)h;
			a[1] = below(4) ? 24 : a[1];
		}
		break;
	case SYS_arch_prctl:
		if (below(2))
			a[0] = 0x1001 + below(4); /* ARCH_SET_GS, SET_FS, GET_FS, GET_GS */
		break;
	case SYS_wait4: case SYS_waitid:
		break;
	/* File calls: a planted path in the first path argument, a plausible descriptor. */
	case SYS_open: case SYS_creat: case SYS_stat: case SYS_lstat: case SYS_access:
	case SYS_truncate: case SYS_chdir: case SYS_rename: case SYS_mkdir: case SYS_rmdir:
	case SYS_link: case SYS_unlink: case SYS_symlink: case SYS_readlink: case SYS_chmod:
	case SYS_chown: case SYS_lchown: case SYS_mknod: case SYS_statfs: case SYS_chroot:
	case SYS_umount2:
		if (below(4))
			a[0] = path_arg();
		if ((nr == SYS_rename || nr == SYS_link || nr == SYS_symlink) && below(4))
			a[1] = path_arg();
		if (nr == SYS_open && below(2))
			a[1] = rnd() & 03777777; /* the open flags, more often than not sensible */
		break;
	case SYS_openat: case SYS_newfstatat: case SYS_mkdirat: case SYS_mknodat:
	case SYS_fchownat: case SYS_unlinkat: case SYS_renameat: case SYS_linkat:
	case SYS_symlinkat: case SYS_readlinkat: case SYS_fchmodat: case SYS_faccessat:
	case SYS_utimensat: case SYS_renameat2: case SYS_statx: case SYS_faccessat2:
		a[0] = below(3) ? (uint64_t)AT_FDCWD : fd_arg();
		if (below(4))
			a[1] = path_arg();
		if ((nr == SYS_renameat || nr == SYS_renameat2 || nr == SYS_linkat) && below(4)) {
			a[2] = below(2) ? (uint64_t)AT_FDCWD : fd_arg();
			a[3] = path_arg();
		}
		if (nr == SYS_symlinkat && below(4)) {
			a[0] = path_arg();
			a[1] = below(2) ? (uint64_t)AT_FDCWD : fd_arg();
			a[2] = path_arg();
		}
		break;
	case SYS_mount:
		a[0] = path_arg();
		a[1] = path_arg();
		a[2] = (uint64_t)(below(2) ? "tmpfs" : "proc");
		break;
	case SYS_close: case SYS_fstat: case SYS_lseek: case SYS_pread64: case SYS_pwrite64:
	case SYS_readv: case SYS_dup: case SYS_dup2: case SYS_dup3: case SYS_fcntl:
	case SYS_fsync: case SYS_fdatasync: case SYS_ftruncate: case SYS_fchdir: case SYS_fchmod:
	case SYS_fchown: case SYS_getdents64: case SYS_fstatfs: case SYS_syncfs: case SYS_ioctl:
	case SYS_sendfile:
		if (below(4))
			a[0] = fd_arg();
		if ((nr == SYS_dup2 || nr == SYS_dup3 || nr == SYS_sendfile) && below(2))
			a[1] = fd_arg();
		if (nr == SYS_ioctl && below(2)) /* the terminal ioctls (0x5401...) and FIO* */
			a[1] = 0x5400 + below(0x60);
		break;
	case SYS_close_range:
		if (below(2)) { /* never our stdio: it is /dev/null anyway, but keep the rest */
			a[0] = 3 + below(8);
			a[1] = a[0] + below(8);
		}
		break;
	}

	bool b = blocks(nr);
	if (b)
		arm_wakeup();
	record(nr, a);
	long r = sc6(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4], (long)a[5]);
	if (b)
		disarm_wakeup();
	if (nr == SYS_arch_prctl)
		sc2(SYS_arch_prctl, 0x1002 /* ARCH_SET_FS */, saved_fs);
	if ((nr == SYS_mmap || nr == SYS_mremap) && r > 0 && (uint64_t)r < 0x800000000000ULL)
		last_map = (uint64_t)r; /* point into fresh memory later */
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	sc2(SYS_clock_gettime, CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* A forged rt_sigreturn frame (struct ucontext at the stack pointer): garbage, or zeros with
 * hostile rip/rsp/cs/ss/eflags/fpstate. */
static void __attribute__((noreturn)) forged_sigreturn(void)
{
	uint64_t *f = (uint64_t *)(scratch + 2 * PAGE);
	if (below(3)) {
		memset(f, 0, 512);
		static const uint64_t rips[] = { 0x0000800000000000ULL, 0x8000000000000000ULL,
						 0xffffffff80000000ULL, 0x00007ffffffffffeULL,
						 0x0000800000000000ULL - 4096, 0 };
		f[5 + 16] = below(3) ? rips[below(6)] : (uint64_t)fuzz_landing; /* rip */
		f[5 + 15] = below(2) ? (uint64_t)scratch_end - 64 : arg_val(); /* rsp */
		f[5 + 17] = below(2) ? 0x202
				     : (0x202 | (below(2) ? 0x3000 : 0) | (below(2) ? 0x4000 : 0) |
					(below(2) ? 0x20000 : 0) | (below(2) ? 0x40000 : 0) |
					(rnd() & 0x3f7fd7));
		static const uint16_t sels[] = { 0x33, 0x2b, 0x23, 0x10, 0x08,
						 0x18, 0x03, 0x00, 0xffff, 0x3b };
		uint16_t *seg = (uint16_t *)&f[5 + 18];
		seg[0] = below(2) ? 0x33 : sels[below(10)]; /* cs */
		seg[1] = below(2) ? 0 : sels[below(10)];    /* gs */
		seg[2] = below(2) ? 0 : sels[below(10)];    /* fs */
		seg[3] = below(2) ? 0x2b : sels[below(10)]; /* ss */
		f[5 + 23] = below(2) ? 0 : any_ptr();       /* fpstate */
		f[37] = rnd();                              /* uc_sigmask */
	}
	sigreturn_on(f);
}

/* The fuzzing child's set-up, while libc still works: limits (nproc processes, then uid 1000
 * so that they apply), off the console (its own session, no controlling terminal, stdio on
 * /dev/null), in dir (its own directory, which the parent empties after each round), the
 * scratch memory, and every catchable signal caught by a handler that returns: the fuzzed
 * calls decide which signals die, get ignored or get a garbage handler. */
static void fuzz_child_setup(const char *dir, unsigned long nproc)
{
	struct rlimit lim = { nproc, nproc };
	setrlimit(RLIMIT_NPROC, &lim);
	struct rlimit as = { 256UL << 20, 256UL << 20 };
	setrlimit(RLIMIT_AS, &as); /* not enforced yet by Zero-OS; harmless */
	setsid();
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	if (chdir(dir))
		_exit(102);
	if (setgid(1000) || setuid(1000))
		_exit(100);
	alarm(3);

	uint8_t *m = mmap(NULL, (SCRATCH_PAGES + 2 + ARENA_PAGES) * PAGE, PROT_READ | PROT_WRITE,
			  MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (m == MAP_FAILED)
		_exit(101);
	scratch = m;
	scratch_end = m + SCRATCH_PAGES * PAGE;
	munmap(scratch_end, PAGE); /* the hole */
	noaccess = scratch_end + PAGE;
	mprotect(noaccess, PAGE, PROT_NONE);
	arena = noaccess + PAGE;
	self_pid = getpid();
	sc2(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &saved_fs);
	for (int sig = 1; sig < 65; sig++) {
		struct ksigaction sa = { (void *)on_alarm, 0x04000000, (void *)fuzz_restorer, 0 };
		if (sig != SIGKILL && sig != SIGSTOP && !synchronous(sig))
			sc4(SYS_rt_sigaction, sig, &sa, 0, 8);
	}
	uint64_t none = 0; /* the parent blocks SIGCHLD (wait_setup): not inherited here */
	sc4(SYS_rt_sigprocmask, SIG_SETMASK, &none, 0, 8);
}

/* Remove everything under dir (not dir itself), depth first. The children were uid 1000 with
 * files of any mode: we are root. */
static void empty_dir(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	if (!d)
		return;
	struct dirent *e;
	char path[512];
	while ((e = readdir(d))) {
		if (!strcmp(e->d_name, ".") || !strcmp(e->d_name, ".."))
			continue;
		snprintf(path, sizeof(path), "%s/%s", dir, e->d_name);
		struct stat st;
		if (lstat(path, &st) == 0 && S_ISDIR(st.st_mode) && depth < 32) {
			empty_dir(path, depth + 1);
			rmdir(path);
		} else {
			unlink(path);
		}
	}
	closedir(d);
}

static long freeram(void)
{
	struct sysinfo si;
	if (sysinfo(&si))
		return -1;
	return (long)(si.freeram * si.mem_unit);
}

static void sleep_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* ---- the parent's bounded waits: SIGCHLD is caught by a handler that does nothing and kept
 * blocked except inside ppoll, so a child's end interrupts the wait at once (no lost wake-up)
 * and nothing sleeps a fixed time ---- */
static void on_sigchld(int sig) { (void)sig; }

static void wait_setup(void)
{
	struct sigaction sa = { .sa_handler = on_sigchld };
	sigaction(SIGCHLD, &sa, NULL);
	sigset_t chld;
	sigemptyset(&chld);
	sigaddset(&chld, SIGCHLD);
	sigprocmask(SIG_BLOCK, &chld, NULL);
}

/* pid once it has ended (*st its status), 0 if it still runs after ms, -1 on an error. */
static pid_t wait_child_ms(pid_t pid, int *st, long ms)
{
	struct timespec t0, now;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (;;) {
		pid_t got = waitpid(pid, st, WNOHANG | __WALL);
		if (got != 0)
			return got;
		clock_gettime(CLOCK_MONOTONIC, &now);
		long left = ms - (now.tv_sec - t0.tv_sec) * 1000 -
			    (now.tv_nsec - t0.tv_nsec) / 1000000;
		if (left <= 0)
			return 0;
		struct timespec ts = { left / 1000, (left % 1000) * 1000000 };
		sigset_t none;
		sigemptyset(&none);
		ppoll(NULL, 0, &ts, &none);
	}
}

/* Reap whatever has ended among our children (strays included); counts them. */
static int reap_strays(void)
{
	int n = 0, st;
	while (waitpid(-1, &st, WNOHANG | __WALL) > 0)
		n++;
	return n;
}

/* System V IPC objects and POSIX message queues outlive the processes that make them: remove
 * what the children made (every id /proc/sysvipc lists; the queues the planted names allow),
 * so that their memory is not counted as lost. */
static void ipc_remove_all(void)
{
	static const struct { const char *file; int nr; } kinds[] = {
		{ "/proc/sysvipc/shm", SYS_shmctl }, { "/proc/sysvipc/sem", SYS_semctl },
		{ "/proc/sysvipc/msg", SYS_msgctl },
	};
	for (unsigned k = 0; k < sizeof(kinds) / sizeof(kinds[0]); k++) {
		FILE *f = fopen(kinds[k].file, "r");
		char line[256];
		long key, id;
		while (f && fgets(line, sizeof(line), f))
			if (sscanf(line, "%ld %ld", &key, &id) == 2) /* IPC_RMID is 0 for all */
				syscall(kinds[k].nr, id, 0, 0, 0);
		if (f)
			fclose(f);
	}
	for (unsigned i = 0; i < NPATHS; i++)
		if (paths[i][0] == '/' && !strchr(paths[i] + 1, '/'))
			syscall(SYS_mq_unlink, paths[i] + 1);
}

/* fork + exec + mmap still work: a child execs /bin/hello and exits 0. */
static bool system_works(void)
{
	char *p = mmap(NULL, 8 * PAGE, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (p == MAP_FAILED)
		return false;
	memset(p, 0x5a, 8 * PAGE);
	bool ok = p[8 * PAGE - 1] == 0x5a && munmap(p, 8 * PAGE) == 0;
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "/bin/hello", NULL };
		char *envp[] = { NULL };
		execve(argv[0], argv, envp);
		_exit(99);
	}
	int st;
	return ok && pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
	       WEXITSTATUS(st) == 0;
}

#endif
