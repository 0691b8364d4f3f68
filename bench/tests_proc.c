/* zbench tests of processes and memory: fork/vfork/fork+exec with wait, anonymous and
 * copy-on-write page faults, and mmap+munmap of one page. */
#define _GNU_SOURCE
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/wait.h>
#include <unistd.h>

#include "zbench.h"

/* Waits for pid; returns its exit status, or -1 (and fills r->why) when it did not exit. */
static int child_status(struct run *r, pid_t pid)
{
	int st;
	pid_t w;
	do
		w = waitpid(pid, &st, 0);
	while (w < 0 && errno == EINTR);
	if (w != pid) {
		sys_fail(r, "waitpid");
		return -1;
	}
	if (!WIFEXITED(st)) {
		fail(r, "child did not exit normally (wait status %#x)", st);
		return -1;
	}
	return WEXITSTATUS(st);
}

int t_fork_exit_wait(struct run *r, long reps)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		int code = (int)(i % 100) + 1;
		pid_t pid = fork();
		if (pid < 0)
			return OPFAIL(r, i, "fork");
		if (pid == 0)
			_exit(code);
		int st = child_status(r, pid);
		if (st < 0)
			return V_FAIL;
		if (st != code)
			return fail(r, "child exited with %d, expected %d", st, code);
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

/* The same loop as t_fork_exit_wait, written out again on purpose: vfork must be called in the
 * function whose frame the child uses until it exits, so it cannot sit behind a shared helper
 * or a function pointer. */
int t_vfork_exit_wait(struct run *r, long reps)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		int code = (int)(i % 100) + 1;
		pid_t pid = vfork();
		if (pid < 0)
			return OPFAIL(r, i, "vfork");
		if (pid == 0)
			_exit(code);
		int st = child_status(r, pid);
		if (st < 0)
			return V_FAIL;
		if (st != code)
			return fail(r, "child exited with %d, expected %d", st, code);
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

/* tiny exits with 100 + its argument; a child whose execve failed exits with errno (< 100). */
int t_fork_exec_wait(struct run *r, long reps)
{
	static char *const envp[] = { NULL };
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		char arg[8];
		snprintf(arg, sizeof(arg), "%d", (int)(i % 100));
		char *const argv[] = { "tiny", arg, NULL };
		pid_t pid = fork();
		if (pid < 0)
			return OPFAIL(r, i, "fork");
		if (pid == 0) {
			execve(opt.tiny, argv, envp);
			_exit(errno > 0 && errno < 100 ? errno : 99);
		}
		int st = child_status(r, pid);
		if (st < 0)
			return V_FAIL;
		if (st != 100 + (int)(i % 100)) {
			if (st < 99 && r->first && i == 0) {
				errno = st;
				return unsup(r, "execve(tiny)");
			}
			return fail(r, "%s exited with %d, expected %d", opt.tiny, st, 100 + (int)(i % 100));
		}
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

/* ---- page faults -------------------------------------------------------------------------- */

static void no_huge_pages(void *p, long len)
{
	/* 4 KiB faults are what we measure: keep Linux's transparent huge pages out (Debian's
	 * kernel has them "always" on). A system without madvise has none to turn off. */
#ifdef MADV_NOHUGEPAGE
	madvise(p, len, MADV_NOHUGEPAGE);
#endif
}

int t_page_fault(struct run *r, long reps)
{
	uint64_t t0 = now_ns();
	for (long rep = 0; rep < reps; rep++) {
		unsigned char *p = mmap(NULL, PF_BYTES, PROT_READ | PROT_WRITE,
					MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return OPFAIL(r, rep, "mmap(64MiB)");
		no_huge_pages(p, PF_BYTES);
		for (long pg = 0; pg < PF_PAGES; pg++)
			p[pg * PAGE] = (unsigned char)(pg | 1);
		/* 64 sample pages: our byte at the start, the kernel's zero fill at the end */
		for (long k = 0; k < 64; k++) {
			long pg = k * (PF_PAGES / 64) + rep % (PF_PAGES / 64);
			if (p[pg * PAGE] != (unsigned char)(pg | 1) || p[pg * PAGE + PAGE - 1] != 0) {
				munmap(p, PF_BYTES);
				return fail(r, "page %ld lost its data or was not zero-filled", pg);
			}
		}
		if (munmap(p, PF_BYTES) != 0)
			return sys_fail(r, "munmap");
	}
	r->ns = now_ns() - t0;
	return V_OK;
}

static unsigned char cow_val(long pg)
{
	return (unsigned char)(0x5a ^ pg);
}

struct cow_report {
	uint64_t ns;
	long bad; /* -1 all good, else the first page that held the wrong value */
	long done; /* set last by the child */
};

/* The parent fills 16 MiB, then forks; the child writes one byte in each page (each write a
 * copy-on-write fault), times that loop itself and reports the time in a shared page (not a
 * pipe: fewer things the system must have). Afterwards the parent's pages must still hold the
 * old values: the copies were real. */
int t_cow_fault(struct run *r, long reps)
{
	int v = V_OK;
	volatile struct cow_report *rp = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
					      MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (rp == MAP_FAILED)
		return unsup(r, "mmap(MAP_SHARED|MAP_ANONYMOUS)");
	unsigned char *p = mmap(NULL, COW_BYTES, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS,
				-1, 0);
	if (p == MAP_FAILED) {
		v = unsup(r, "mmap(16MiB)");
		goto out_report;
	}
	no_huge_pages(p, COW_BYTES);
	for (long pg = 0; pg < COW_PAGES; pg++)
		p[pg * PAGE] = cow_val(pg);
	uint64_t total = 0;
	for (long rep = 0; rep < reps; rep++) {
		rp->ns = 0;
		rp->bad = -1;
		rp->done = 0;
		pid_t pid = fork();
		if (pid < 0) {
			v = OPFAIL(r, rep, "fork");
			goto out_unmap;
		}
		if (pid == 0) {
			long bad = -1;
			uint64_t c0 = now_ns();
			for (long pg = 0; pg < COW_PAGES; pg++) {
				if (p[pg * PAGE] != cow_val(pg) && bad < 0)
					bad = pg;
				p[pg * PAGE] = (unsigned char)~cow_val(pg);
			}
			rp->ns = now_ns() - c0;
			for (long pg = 0; pg < COW_PAGES; pg++)
				if (p[pg * PAGE] != (unsigned char)~cow_val(pg) && bad < 0)
					bad = pg;
			rp->bad = bad;
			__atomic_store_n(&rp->done, 1, __ATOMIC_RELEASE);
			_exit(0);
		}
		int st = child_status(r, pid);
		if (st < 0) {
			v = V_FAIL;
			goto out_unmap;
		}
		if (st != 0 || !__atomic_load_n(&rp->done, __ATOMIC_ACQUIRE)) {
			v = fail(r, "the child reported nothing in the shared page (status %d)", st);
			goto out_unmap;
		}
		if (rp->bad >= 0) {
			v = fail(r, "the child saw the wrong value in page %ld", rp->bad);
			goto out_unmap;
		}
		total += rp->ns;
		for (long k = 0; k < 64; k++) {
			long pg = k * (COW_PAGES / 64) + rep % (COW_PAGES / 64);
			if (p[pg * PAGE] != cow_val(pg)) {
				v = fail(r, "the parent's page %ld changed when the child wrote it", pg);
				goto out_unmap;
			}
		}
	}
	r->ns = total;
out_unmap:
	munmap(p, COW_BYTES);
out_report:
	munmap((void *)rp, PAGE);
	return v;
}

int t_mmap_munmap(struct run *r, long reps)
{
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		volatile unsigned char *p = mmap(NULL, PAGE, PROT_READ | PROT_WRITE,
						 MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (p == MAP_FAILED)
			return OPFAIL(r, i, "mmap");
		if ((uintptr_t)p % PAGE)
			return fail(r, "mmap returned the unaligned address %p", (void *)p);
		if (i == 0) {
			/* once per run, prove the mapping is real */
			p[0] = 0x77;
			if (p[0] != 0x77 || p[PAGE - 1] != 0)
				return fail(r, "the mapped page does not hold data");
		}
		if (munmap((void *)p, PAGE) != 0)
			return OPFAIL(r, i, "munmap");
	}
	r->ns = now_ns() - t0;
	return V_OK;
}
