/* A syscall fuzzer: with a fixed seed, each round forks a child (uid 1000, RLIMIT_NPROC set)
 * that issues a few hundred implemented system calls with hostile arguments (kernel and
 * non-canonical addresses, unmapped pages, buffers ending at a page boundary, garbage signal
 * frames, planted path strings, the file, pipe, poll and terminal calls...). Children may die of any signal; what must hold is that the kernel and the parent
 * survive, every child is reaped, memory comes back, and fork/exec/mmap still work after. */
#define _GNU_SOURCE
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
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

#define ROUNDS 64
#define CALLS_PER_ROUND 300
#define SEED 0x5eed2e70f0e5ULL
#define CHILD_DEADLINE_MS 4000
#define PAGE 4096UL
#define FUZZ_DIR "/tmp/fuzz.d" /* the children's cwd, emptied after each round */

/* The implemented numbers (kernel/syscall/syscall_64.tbl), minus exit (60) and exit_group
 * (231), which only end a round. Keep in sync with the table. */
static const int nrs[] = {
	0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13, 14, 15, 16, 17, 18, 19, 20, 21, 22, 23, 24,
	25, 28, 32, 33, 34, 35, 36, 37, 38, 39, 40, 56, 57, 58, 59, 61, 62, 63, 72, 74, 75, 76, 77,
	79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91, 92, 93, 94, 95, 96, 97, 98, 99, 100,
	102, 103, 104, 105, 106, 107, 108, 109, 110, 111, 112, 115, 116, 117, 118, 119, 120, 121,
	124, 127, 130, 131, 133, 137, 138, 140, 141, 157, 158, 160, 161, 162, 165, 166, 186, 200,
	201, 202, 204, 217, 218, 219, 228, 229, 230, 234, 247, 257, 258, 259, 260, 262, 263, 264, 265,
	266, 267, 268, 269, 270, 271, 273, 274, 280, 292, 293, 302, 306, 316, 318, 332, 334, 436,
	439, /* then Zero-OS's own: endpoints, caps */
	1024, 1025, 1026, 1027, 1028, 1029, 1030, 1031, 1032, 1033,
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
	__asm__ volatile("mov %0, %%rsp\n\tmov $15, %%eax\n\tsyscall\n\tud2" : : "r"(frame) : "memory");
	__builtin_unreachable();
}

/* ---- the generator: xorshift64*, reproducible from SEED and the round number ---- */
static uint64_t rng;
static uint64_t rnd(void)
{
	rng ^= rng >> 12;
	rng ^= rng << 25;
	rng ^= rng >> 27;
	return rng * 0x2545F4914F6CDD1DULL;
}
static uint64_t below(uint64_t n) { return n ? rnd() % n : 0; }

/* The child's memory: a scratch area of SCRATCH_PAGES pages followed by an unmapped page, a
 * PROT_NONE page, and an arena where mmap/munmap/mprotect/madvise/mremap may do as they like. */
#define SCRATCH_PAGES 4
#define ARENA_PAGES 64
static uint8_t *scratch, *scratch_end, *noaccess, *arena;
static uint64_t last_map; /* the last address mmap/mremap/brk returned */
static int self_pid, self_tid;

static const uint64_t interesting[] = {
	0, 1, 2, 3, 4, 7, 8, 16, 17, 31, 32, 63, 64, 127, 128, 255, 256, 4095, 4096, 4097, 65535,
	65536, 0x7fffffff, 0x80000000, 0xffffffff, 0x100000000ULL, (uint64_t)-1, (uint64_t)-2,
	(uint64_t)-4095, (uint64_t)INT32_MIN, (uint64_t)(int64_t)INT32_MIN, 0x7fffffffffffffffULL,
	0x8000000000000000ULL, 0xffffffff80000000ULL, 0xffff800000000000ULL, 0x0000800000000000ULL,
	0x00007ffffffff000ULL, 0x00007fffffffffffULL, 0x0000800000000000ULL - 8, 0x1000, 0x10000,
	0xfffffffffffff000ULL, 0xffffffffffffffffULL >> 1,
};
#define NINTERESTING (sizeof(interesting) / sizeof(interesting[0]))

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
	case 3: return last_map && below(2) ? last_map + below(PAGE) : (uint64_t)scratch + below(len);
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
	struct ksigaction sa = { (void *)on_alarm, 0x04000000 /* SA_RESTORER */, (void *)fuzz_restorer, 0 };
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
	return nr == SYS_read || nr == SYS_pause || nr == SYS_nanosleep || nr == SYS_rt_sigsuspend ||
	       nr == SYS_futex || nr == SYS_clock_nanosleep || nr == SYS_wait4 || nr == SYS_waitid ||
	       /* pipes, FIFOs and terminals: */
	       nr == SYS_readv || nr == SYS_pread64 || nr == SYS_write || nr == SYS_writev ||
	       nr == SYS_pwrite64 || nr == SYS_sendfile || nr == SYS_open || nr == SYS_openat ||
	       nr == SYS_creat || nr == SYS_poll || nr == SYS_ppoll || nr == SYS_select ||
	       nr == SYS_pselect6 || nr == SYS_ioctl ||
	       /* endpoints: zero_send, zero_recv, zero_call */
	       (nr >= 1025 && nr <= 1027);
}

/* A fault signal handled by a handler that returns would fault again forever. */
static bool synchronous(uint64_t sig)
{
	return sig == SIGSEGV || sig == SIGBUS || sig == SIGILL || sig == SIGFPE || sig == SIGTRAP ||
	       sig == SIGSYS;
}

static uint64_t saved_fs;
static unsigned long issued;
/* A MAP_SHARED page the parent reads: [0] calls issued by the child, [1..7] the last call. */
static volatile uint64_t *shared;
static void trace(int nr, const uint64_t *a);

static void record(int nr, const uint64_t *a)
{
	shared[0] = issued;
	shared[1] = (uint64_t)nr;
	for (int i = 0; i < 6; i++)
		shared[2 + i] = a[i];
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
	return sig == SIGKILL || sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
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
			a[0] = (uint64_t)arena + PAGE * below(ARENA_PAGES) + (below(8) ? 0 : below(PAGE));
		if (below(2))
			a[1] = PAGE * below(ARENA_PAGES);
		if (below(2))
			a[3] = (below(2) ? MAP_PRIVATE : MAP_SHARED) | MAP_ANONYMOUS | (a[3] & 0x110000);
		break;
	case SYS_munmap: case SYS_mprotect: case SYS_madvise: case SYS_mremap:
		if (below(6))
			a[0] = (uint64_t)arena + PAGE * below(ARENA_PAGES) + (below(8) ? 0 : below(PAGE));
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
			static const uint64_t fl[] = { 0x04000000, 0x0c000000, 0x14000000, 0x4c000000,
						       0x84000000, 0 };
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
	case SYS_setitimer:
		if (a[0] == 0 && below(2))
			a[0] = 1 + below(2);
		break;
	case SYS_fork: case SYS_vfork:
		issued++;
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
		issued++;
		record(nr, a);
		sc_forklike(nr, (long)a[0], (long)a[1], (long)a[2], (long)a[3], (long)a[4]);
		return;
	}
	case SYS_execve: {
		static const char *const paths[] = { "/nonexistent", "/tests/bad_garbage",
						     "/tests/bad_trunc", "/tests/bad_kaddr", "/tests/bad_entry",
						     "/tests/bad_phoff", "/tests/bad_wx", "/tests/bad_script",
						     "/tests/bad_dynamic", "/tests", "", "/tests/bad_garbage/x" };
		a[0] = below(4) ? (uint64_t)paths[below(sizeof(paths) / sizeof(paths[0]))] : bad_ptr();
		break;
	}
	case SYS_kill:
		a[0] = self_pid;
		goto sig;
	case SYS_tkill:
		a[0] = self_tid;
		a[1] = a[1];
		goto sig;
	case SYS_tgkill:
		a[0] = self_pid;
		a[1] = self_tid;
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
			a[0] = below(2) ? 1 : (uint64_t)sc0(SYS_getppid); /* root's: must be EPERM */
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
			a[1] = below(14) | (below(2) ? 128 /* FUTEX_PRIVATE */ : 0) | (below(4) ? 0 : 256);
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
	issued++;
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
		f[5 + 17] = below(2) ? 0x202 : (0x202 | (below(2) ? 0x3000 : 0) | (below(2) ? 0x4000 : 0) |
						(below(2) ? 0x20000 : 0) | (below(2) ? 0x40000 : 0) | (rnd() & 0x3f7fd7));
		static const uint16_t sels[] = { 0x33, 0x2b, 0x23, 0x10, 0x08, 0x18, 0x03, 0x00, 0xffff, 0x3b };
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

static void __attribute__((noreturn)) fuzz_child(int round)
{
	/* Limits first, while libc still works: a few processes, then uid 1000 so they apply. */
	struct rlimit nproc = { 8, 8 };
	setrlimit(RLIMIT_NPROC, &nproc);
	struct rlimit as = { 256UL << 20, 256UL << 20 };
	setrlimit(RLIMIT_AS, &as); /* not enforced yet by Zero-OS; harmless */
	/* Off the console (its own session, no controlling terminal, stdio on /dev/null), in the
	 * round's own directory that the parent empties afterwards. */
	setsid();
	int null = open("/dev/null", O_RDWR);
	for (int fd = 0; fd < 3; fd++)
		dup2(null, fd);
	if (null > 2)
		close(null);
	if (chdir(FUZZ_DIR))
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
	self_tid = (int)sc0(SYS_gettid);
	sc2(SYS_arch_prctl, 0x1003 /* ARCH_GET_FS */, &saved_fs);
	/* Every catchable signal caught by a handler that returns: the fuzzed calls decide
	 * which signals die, get ignored or get a garbage handler. */
	for (int sig = 1; sig < 65; sig++) {
		struct ksigaction sa = { (void *)on_alarm, 0x04000000, (void *)fuzz_restorer, 0 };
		if (sig != SIGKILL && sig != SIGSTOP && !synchronous(sig))
			sc4(SYS_rt_sigaction, sig, &sa, 0, 8);
	}
	rng = SEED ^ ((uint64_t)round * 0x9E3779B97F4A7C15ULL);
	rnd();
	fill_scratch();

	uint64_t start = now_ms();
	for (int i = 0; i < CALLS_PER_ROUND && now_ms() - start < 2000; i++) {
		if (i % 50 == 49)
			fill_scratch();
		one_call();
	}
	if (!below(4)) {
		uint64_t none[6] = { 0 };
		record(SYS_rt_sigreturn, none);
		forged_sigreturn();
	}
	sc1(SYS_exit_group, 0);
	__builtin_unreachable();
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

/* Reap whatever has ended among our children (strays included); counts them. */
static int reap_strays(void)
{
	int n = 0, st;
	while (waitpid(-1, &st, WNOHANG | __WALL) > 0)
		n++;
	return n;
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
	return ok && pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

int main(void)
{
	test_begin("fuzz");
	/* A first round's worth of kernel caches is not a leak: measure after a warm-up fork. */
	pid_t w = fork();
	if (w == 0)
		_exit(0);
	waitpid(w, NULL, 0);
	mkdir("/tmp", 01777);
	mkdir(FUZZ_DIR, 0777);
	chmod(FUZZ_DIR, 0777);
	struct stat st0;
	stat("/proc/self/status", &st0); /* warm the path-buffer and dentry caches too */
	sleep_ms(50);
	long ram0 = freeram();
	shared = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (shared == MAP_FAILED)
		return test_result("shared-page", false, "mmap: %s", strerror(errno)), test_exit_code();
	unsigned long total = 0;

	int bysig[65] = { 0 };
	int survived = 0, hung = 0, signalled = 0, exited = 0, strays = 0;
	struct timespec t0, t1;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	for (int r = 0; r < ROUNDS; r++) {
		shared[0] = 0;
		pid_t pid = fork();
		if (pid < 0) {
			printf("fuzz: round %d: fork: %s\n", r, strerror(errno));
			break;
		}
		if (pid == 0)
			fuzz_child(r);
		int st = 0, waited = 0;
		pid_t got;
		while ((got = waitpid(pid, &st, WNOHANG)) == 0 && waited < CHILD_DEADLINE_MS) {
			sleep_ms(10);
			waited += 10;
		}
		if (got == 0) {
			printf("fuzz: round %d: child %d still running after %d ms: SIGKILL (call %lu: "
			       "nr %lu args %#lx %#lx %#lx %#lx %#lx %#lx)\n", r, pid, waited,
			       (unsigned long)shared[0], (unsigned long)shared[1], (unsigned long)shared[2],
			       (unsigned long)shared[3], (unsigned long)shared[4], (unsigned long)shared[5],
			       (unsigned long)shared[6], (unsigned long)shared[7]);
			hung++;
			kill(pid, SIGKILL);
			got = waitpid(pid, &st, 0);
		}
		if (got != pid) {
			printf("fuzz: round %d: child %d not reaped (%d: %s)\n", r, pid, got, strerror(errno));
			break;
		}
		if (WIFSIGNALED(st)) {
			signalled++;
			if (WTERMSIG(st) < 65)
				bysig[WTERMSIG(st)]++;
		}
		else
			exited++;
		strays += reap_strays();
		empty_dir(FUZZ_DIR, 0);
		survived++;
		total += shared[0];
	}
	clock_gettime(CLOCK_MONOTONIC, &t1);
	printf("fuzz: %d rounds, %lu calls in %ld ms: %d exited, %d killed by a signal, %d hung, "
	       "%d strays\n", survived, total, (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
	       exited, signalled, hung, strays);

	printf("fuzz: deaths by signal:");
	for (int i = 0; i < 65; i++)
		if (bysig[i])
			printf(" %d:%d", i, bysig[i]);
	printf("\n");
	char name[64];
	snprintf(name, sizeof(name), "kernel_survives_%d_rounds", ROUNDS);
	test_result(name, survived == ROUNDS, "%d of %d rounds", survived, ROUNDS);
	test_result("no_child_hangs", hung == 0, "%d children had to be killed", hung);
	/* Orphaned grandchildren go to init; give it a moment, then nothing may be left here. */
	sleep_ms(100);
	reap_strays();
	errno = 0;
	CHECK("all_children_reaped", waitpid(-1, NULL, WNOHANG | __WALL) == -1 && errno == ECHILD);
	CHECK("system_still_works", system_works());

	long ram1 = -1;
	for (int i = 0; i < 20; i++) { /* exits free their memory asynchronously */
		sleep_ms(50);
		ram1 = freeram();
		if (ram1 >= ram0 - (1L << 20))
			break;
	}
	empty_dir(FUZZ_DIR, 0);
	rmdir(FUZZ_DIR);
	printf("fuzz: freeram before %ld KiB, after %ld KiB\n", ram0 >> 10, ram1 >> 10);
	test_result("memory_returned", ram0 > 0 && ram1 >= ram0 - (1L << 20),
		    "freeram %ld KiB before, %ld KiB after (%ld KiB lost)", ram0 >> 10, ram1 >> 10,
		    (ram0 - ram1) >> 10);
	test_end();
}
