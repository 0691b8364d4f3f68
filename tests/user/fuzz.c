/* A syscall fuzzer: with a fixed seed, each round forks a child (uid 1000, RLIMIT_NPROC set)
 * that issues a few hundred implemented system calls with hostile arguments (kernel and
 * non-canonical addresses, unmapped pages, buffers ending at a page boundary, garbage signal
 * frames, planted path strings, the file, pipe, poll and terminal calls...; the generator is
 * fuzz.h, shared with the multi-threaded fuzz_mt.c). Children may die of any signal; what must
 * hold is that the kernel and the parent survive, every child is reaped, memory comes back,
 * and fork/exec/mmap still work after. */
#include "fuzz.h"

#define ROUNDS 64
#define CALLS_PER_ROUND 300
#define SEED 0x5eed2e70f0e5ULL
#define CHILD_DEADLINE_MS 4000
#define KILL_GRACE_MS 5000 /* a child SIGKILLed must be reaped by then */
#define FUZZ_DIR "/tmp/fuzz.d" /* the children's cwd, emptied after each round */

/* One thread: its context is the only one. */
static struct fuzz_ctx the_ctx;
static struct fuzz_ctx *fuzz_ctx(void) { return &the_ctx; }

static void __attribute__((noreturn)) fuzz_child(int round)
{
	fuzz_child_setup(FUZZ_DIR, 8);
	the_ctx.tid = (int)sc0(SYS_gettid);
	the_ctx.rec = shared + 1;
	the_ctx.rng = SEED ^ ((uint64_t)round * 0x9E3779B97F4A7C15ULL);
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
	if (shared == MAP_FAILED) {
		test_result("shared-page", false, "mmap: %s", strerror(errno));
		test_end();
	}
	unsigned long total = 0;
	wait_setup();

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
		int st = 0;
		pid_t got = wait_child_ms(pid, &st, CHILD_DEADLINE_MS);
		if (got == 0) {
			printf("fuzz: round %d: child %d still running after %d ms: SIGKILL (call "
			       "%lu: nr %lu args %#lx %#lx %#lx %#lx %#lx %#lx)\n", r, pid,
			       CHILD_DEADLINE_MS, (unsigned long)shared[0],
			       (unsigned long)shared[1],
			       (unsigned long)shared[2], (unsigned long)shared[3],
			       (unsigned long)shared[4], (unsigned long)shared[5],
			       (unsigned long)shared[6], (unsigned long)shared[7]);
			hung++;
			kill(pid, SIGKILL);
			got = wait_child_ms(pid, &st, KILL_GRACE_MS);
		}
		if (got != pid) {
			printf("fuzz: round %d: child %d not reaped (%d: %s)\n", r, pid, got,
			       strerror(errno));
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
	       "%d strays\n", survived, total,
	       (long)(t1.tv_sec - t0.tv_sec) * 1000 + (t1.tv_nsec - t0.tv_nsec) / 1000000,
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
	ipc_remove_all();
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
