/* File-backed mmap of a tmpfs file. MAP_PRIVATE: contents at several offsets, the zeroed tail of
 * the last page, SIGBUS for pages wholly beyond the end of the file, private writes invisible to
 * read(2) and to other mappings, fork (COW of private file pages), munmap splitting a mapping,
 * mremap, the mapping outliving its descriptor, a write(2) whose source is a mapping of the very
 * file written, reads of one file into a mapping of another (crosswise from two processes),
 * truncation after mapping, the file and its memory freed with its last mapping,
 * /proc/self/maps. MAP_SHARED: writes seen by read(2) and other mappings and the other way
 * round, across fork, SIGBUS, a read-only descriptor (no PROT_WRITE, not even by mprotect),
 * truncation of a mapped file, msync. And the errors. Runs on Linux too (musl-gcc -static). */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <setjmp.h>
#include <signal.h>
#include <stdint.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/sysinfo.h>
#include <sys/wait.h>

#define PG 4096UL
#define FILE_LEN (3 * PG + 100) /* three whole pages and 100 bytes of a fourth */

static sigjmp_buf jb;
static volatile int got_sig;

static void on_fault(int sig)
{
	got_sig = sig;
	siglongjmp(jb, 1);
}

/* The signal a read of *a raises (0: none). */
static int touch(const volatile uint8_t *a)
{
	got_sig = 0;
	if (!sigsetjmp(jb, 1))
		(void)*a;
	return got_sig;
}

static uint8_t pat(size_t i)
{
	return (uint8_t)(i * 7 + (i >> 12) + 1);
}

static uint8_t flip(size_t i) /* what a private write puts at file offset i */
{
	return (uint8_t)(pat(i) ^ 0xff);
}

static bool matches(const uint8_t *p, size_t file_off, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i] != pat(file_off + i))
			return false;
	return true;
}

/* A fresh file of len bytes of pat, open O_RDWR. */
static int make_file(const char *path, size_t len)
{
	static uint8_t buf[FILE_LEN];
	for (size_t i = 0; i < len; i++)
		buf[i] = pat(i);
	int fd = open(path, O_RDWR | O_CREAT | O_TRUNC, 0600);
	if (fd >= 0 && write(fd, buf, len) != (ssize_t)len) {
		close(fd);
		return -1;
	}
	return fd;
}

static uint8_t *map(size_t len, int prot, int fd, off_t off)
{
	uint8_t *p = mmap(NULL, len, prot, MAP_PRIVATE, fd, off);
	return p == MAP_FAILED ? NULL : p;
}

static bool all_zero(const uint8_t *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (p[i])
			return false;
	return true;
}

/* Whether /proc/self/maps shows the mapping at p with this file offset and inode. */
static bool maps_line_is(const void *p, unsigned long off, unsigned long ino)
{
	FILE *f = fopen("/proc/self/maps", "r");
	char line[512], perms[8];
	unsigned long start, end, o, i;
	unsigned maj, min;
	bool found = false;
	while (f && !found && fgets(line, sizeof(line), f))
		found = sscanf(line, "%lx-%lx %7s %lx %x:%x %lu", &start, &end, perms, &o, &maj,
			       &min, &i) == 7 &&
			start == (unsigned long)p && o == off && i == ino;
	if (f)
		fclose(f);
	return found;
}

static void contents(int fd)
{
	uint8_t *p = map(4 * PG, PROT_READ, fd, 0);
	CHECK("contents", p && matches(p, 0, 64) && matches(p + PG + 17, PG + 17, 300) &&
				  matches(p + 3 * PG, 3 * PG, 100));
	CHECK("tail-zeroed", p && all_zero(p + FILE_LEN, 4 * PG - FILE_LEN));
	CHECK("sigbus-beyond-eof", p && touch(p + 4 * PG - 1) == 0 && munmap(p, 4 * PG) == 0 &&
					   (p = map(6 * PG, PROT_READ, fd, 0)) &&
					   touch(p + 4 * PG) == SIGBUS && touch(p + 5 * PG + 9) == SIGBUS);
	if (p)
		munmap(p, 6 * PG);
	p = map(2 * PG, PROT_READ, fd, 2 * PG);
	CHECK("offset", p && matches(p, 2 * PG, PG + 100) && all_zero(p + PG + 100, PG - 100));
	struct stat st;
	CHECK("proc-maps", p && fstat(fd, &st) == 0 && maps_line_is(p, 2 * PG, st.st_ino));
	if (p)
		munmap(p, 2 * PG);
	/* Far more than the file: fine to map, SIGBUS where there is no file. */
	size_t huge = (size_t)1 << 36;
	p = map(huge, PROT_READ, fd, 0);
	CHECK("huge-length", p && matches(p + 2 * PG, 2 * PG, 50) && touch(p + huge / 2) == SIGBUS &&
				     touch(p + huge - 1) == SIGBUS);
	if (p)
		munmap(p, huge);
}

static void private_writes(int fd)
{
	uint8_t *p = map(4 * PG, PROT_READ | PROT_WRITE, fd, 0);
	uint8_t *q = map(4 * PG, PROT_READ, fd, 0);
	uint8_t b = 0;
	bool ok = p && q;
	if (ok) {
		p[PG + 5] = flip(PG + 5);
		p[3 * PG + 200] = 0xaa; /* beyond the end, within the last page */
		ok = p[PG + 5] == flip(PG + 5) && p[3 * PG + 200] == 0xaa;
	}
	CHECK("private-write", ok);
	CHECK("private-write-not-in-file", ok && pread(fd, &b, 1, PG + 5) == 1 && b == pat(PG + 5));
	CHECK("private-write-not-in-other-mapping", q && q[PG + 5] == pat(PG + 5) &&
							    q[3 * PG + 200] == 0);
	struct stat st;
	CHECK("private-write-size-unchanged", fstat(fd, &st) == 0 && st.st_size == FILE_LEN);
	if (q)
		munmap(q, 4 * PG);
	/* mprotect a read-only private mapping to writable: still private. */
	q = map(PG, PROT_READ, fd, 0);
	ok = q && q[7] == pat(7) && mprotect(q, PG, PROT_READ | PROT_WRITE) == 0;
	if (ok)
		q[7] = flip(7);
	CHECK("mprotect-write-private", ok && q[7] == flip(7) && pread(fd, &b, 1, 7) == 1 &&
						b == pat(7));
	if (q)
		munmap(q, PG);

	/* fork: the child sees writes made before fork, the parent not the child's. */
	if (p) {
		p[0] = 'P';
		pid_t pid = fork();
		if (pid == 0) {
			bool seen = p[0] == 'P' && p[PG + 5] == flip(PG + 5) &&
				    matches(p + 2 * PG, 2 * PG, 64);
			p[1] = 'C';
			p[2 * PG] = 'C'; /* a page the parent never touched */
			_exit(seen && p[1] == 'C' ? 0 : 1);
		}
		int st2 = -1;
		waitpid(pid, &st2, 0);
		CHECK("fork-child-sees-parent-writes", WIFEXITED(st2) && WEXITSTATUS(st2) == 0);
		CHECK("fork-child-writes-private", p[1] == pat(1) && p[2 * PG] == pat(2 * PG) &&
							   p[0] == 'P');
		munmap(p, 4 * PG);
	}
}

static void splits(int fd)
{
	uint8_t *p = map(4 * PG, PROT_READ, fd, 0);
	CHECK("munmap-middle", p && munmap(p + PG, PG) == 0 && matches(p, 0, PG) &&
				       matches(p + 2 * PG, 2 * PG, PG + 100) &&
				       touch(p + PG) == SIGSEGV);
	if (p) {
		munmap(p, PG);
		munmap(p + 2 * PG, 2 * PG);
	}
	p = map(2 * PG, PROT_READ, fd, 0);
	uint8_t *r = p ? mremap(p, 2 * PG, 4 * PG, MREMAP_MAYMOVE) : MAP_FAILED;
	CHECK("mremap-grow", r != MAP_FAILED && matches(r, 0, 2 * PG) &&
				     matches(r + 3 * PG, 3 * PG, 100));
	if (r != MAP_FAILED)
		munmap(r, 4 * PG);
}

static void outlives_fd(void)
{
	int fd = open("mmap_file.data", O_RDONLY);
	uint8_t *p = fd >= 0 ? map(4 * PG, PROT_READ, fd, 0) : NULL;
	if (fd >= 0)
		close(fd);
	CHECK("close-after-mmap", p && matches(p + PG, PG, PG) && matches(p + 3 * PG, 3 * PG, 100));
	if (p)
		munmap(p, 4 * PG);
}

/* write(2) from a not yet touched mapping of the file being written. */
static void write_from_own_mapping(void)
{
	int fd = make_file("mmap_file.self", FILE_LEN);
	uint8_t *p = fd >= 0 ? map(4 * PG, PROT_READ, fd, 0) : NULL;
	uint8_t buf[100];
	bool ok = p && pwrite(fd, p + 2 * PG, 100, 0) == 100 && pread(fd, buf, 100, 0) == 100;
	CHECK("write-from-own-mapping", ok && matches(buf, 2 * PG, 100));
	if (p)
		munmap(p, 4 * PG);
	if (fd >= 0)
		close(fd);
	unlink("mmap_file.self");
}

/* read(2) of one file into a not yet touched private mapping of another: the fault reads the
 * second file in the middle of the copy from the first. Then two processes do that crosswise
 * many times at once (each reading one file into a mapping of the other): no deadlock; Zero-OS
 * may answer EFAULT when the other file is busy (it does not wait for a second file's lock while
 * holding one), Linux copies. */
static bool cross_reads(int from, int to_map, int rounds)
{
	uint8_t *p = map(2 * PG, PROT_READ | PROT_WRITE, to_map, 0);
	bool ok = p != NULL;
	for (int i = 0; ok && i < rounds; i++) {
		ssize_t r = pread(from, p + 100, PG, 0);
		ok = (r == PG && matches(p + 100, 0, PG)) || (r == -1 && errno == EFAULT);
		ok &= madvise(p, 2 * PG, MADV_DONTNEED) == 0; /* the next read faults again */
	}
	if (p)
		munmap(p, 2 * PG);
	return ok;
}

static void other_file(int fd)
{
	int other = make_file("mmap_file.other", FILE_LEN);
	uint8_t *p = other >= 0 ? map(2 * PG, PROT_READ | PROT_WRITE, other, 0) : NULL;
	uint8_t b = 0;
	CHECK("read-into-other-file-mapping", p && pread(fd, p + 10, PG, 2 * PG) == PG &&
						      matches(p + 10, 2 * PG, PG) &&
						      matches(p, 0, 10) && pread(other, &b, 1, 10) == 1 &&
						      b == pat(10));
	if (p)
		munmap(p, 2 * PG);
	pid_t pid = other >= 0 ? fork() : -1;
	if (pid == 0)
		_exit(cross_reads(fd, other, 300) ? 0 : 1);
	bool ok = pid > 0 && cross_reads(other, fd, 300);
	int st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	CHECK("cross-reads-no-deadlock", ok && WIFEXITED(st) && WEXITSTATUS(st) == 0);
	if (other >= 0)
		close(other);
	unlink("mmap_file.other");
}

/* Free memory in pages (sysinfo). */
static long free_pages(void)
{
	struct sysinfo si;
	return sysinfo(&si) == 0 ? (long)(si.freeram * si.mem_unit / PG) : -1;
}

/* The file's blocks, and the memory of its pages, come back once its last mapping goes (after
 * close and unlink; one mapping split by munmap, another inherited by a fork child, every page
 * touched): every VMA dropped its reference to the file, every entry its page. */
static void released(const char *name, int type)
{
	enum { PAGES = 512 };
	int fd = open("mmap_file.big", O_RDWR | O_CREAT | O_TRUNC, 0600);
	static uint8_t buf[PG];
	memset(buf, 0x5c, sizeof(buf));
	struct statfs before, held, after;
	long mem_before = free_pages();
	bool ok = fd >= 0 && fsync(fd) == 0 && statfs(".", &before) == 0;
	for (int i = 0; ok && i < PAGES; i++)
		ok = write(fd, buf, PG) == (ssize_t)PG;
	uint8_t *p = ok ? mmap(NULL, PAGES * PG, PROT_READ | PROT_WRITE, type, fd, 0) : MAP_FAILED;
	if (p == MAP_FAILED)
		p = NULL;
	unsigned sum = 0;
	for (int i = 0; p && i < PAGES; i++)
		sum += p[i * PG];
	ok = p && sum == 0x5c * PAGES && munmap(p + PG, PG) == 0;
	if (ok) {
		p[2 * PG] = 1;
		pid_t pid = fork();
		if (pid == 0)
			_exit(p[2 * PG] == 1 && p[(PAGES - 1) * PG] == 0x5c ? 0 : 1);
		int st = -1;
		waitpid(pid, &st, 0);
		ok = WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	if (fd >= 0)
		close(fd);
	unlink("mmap_file.big");
	ok = ok && statfs(".", &held) == 0 &&
	     held.f_bfree + PAGES / 2 * (PG / held.f_bsize) <= before.f_bfree;
	if (p) {
		munmap(p, PG);
		munmap(p + 2 * PG, (PAGES - 2) * PG);
	}
	sync();
	CHECK(name, ok && statfs(".", &after) == 0 &&
			    after.f_bfree + PAGES / 8 * (PG / after.f_bsize) >= before.f_bfree &&
			    free_pages() + PAGES / 2 >= mem_before);
}

/* Truncation after mapping. Pages not touched before the truncation and wholly beyond the new
 * end raise SIGBUS, on Linux and here. (A page touched before keeps, here, the private copy it
 * got; Linux unmaps page-cache pages beyond the new end, so it is not checked.) */
static void truncated(void)
{
	int fd = make_file("mmap_file.trunc", FILE_LEN);
	uint8_t *p = fd >= 0 ? map(4 * PG, PROT_READ, fd, 0) : NULL;
	bool ok = p && p[5] == pat(5) && ftruncate(fd, PG / 2) == 0;
	CHECK("truncate-after-mmap", ok && touch(p + 2 * PG) == SIGBUS &&
					     touch(p + 3 * PG + 10) == SIGBUS && p[6] == pat(6));
	if (p)
		munmap(p, 4 * PG);
	if (fd >= 0)
		close(fd);
	unlink("mmap_file.trunc");
}

static uint8_t *map_shared(size_t len, int prot, int fd)
{
	uint8_t *p = mmap(NULL, len, prot, MAP_SHARED, fd, 0);
	return p == MAP_FAILED ? NULL : p;
}

/* MAP_SHARED: the file's own pages. */
static void shared(void)
{
	int fd = make_file("mmap_file.shared", FILE_LEN);
	uint8_t *s = fd >= 0 ? map_shared(4 * PG, PROT_READ | PROT_WRITE, fd) : NULL;
	uint8_t *r = fd >= 0 ? map_shared(4 * PG, PROT_READ, fd) : NULL;
	uint8_t b = 0;
	CHECK("shared-contents", s && matches(s, 0, 64) && matches(s + 3 * PG, 3 * PG, 100) &&
					 all_zero(s + FILE_LEN, 4 * PG - FILE_LEN));
	if (s)
		s[PG + 3] = 0x11;
	CHECK("shared-write-in-file", s && pread(fd, &b, 1, PG + 3) == 1 && b == 0x11);
	CHECK("shared-write-in-other-mapping", r && r[PG + 3] == 0x11);
	uint8_t *q = fd >= 0 ? map(4 * PG, PROT_READ, fd, 0) : NULL;
	CHECK("shared-write-in-new-private-mapping", q && q[PG + 3] == 0x11);
	CHECK("write-in-shared-mapping", s && pwrite(fd, "Z", 1, 2 * PG + 1) == 1 &&
						 s[2 * PG + 1] == 'Z' && r[2 * PG + 1] == 'Z');
	pid_t pid = s ? fork() : -1;
	if (pid == 0) {
		s[5] = 'K';
		_exit(s[PG + 3] == 0x11 ? 0 : 1);
	}
	int st = -1;
	if (pid > 0)
		waitpid(pid, &st, 0);
	CHECK("shared-fork", WIFEXITED(st) && WEXITSTATUS(st) == 0 && s[5] == 'K' &&
				     pread(fd, &b, 1, 5) == 1 && b == 'K');
	struct stat sb;
	CHECK("shared-write-beyond-eof-no-growth", s && (s[FILE_LEN + 3] = 1) &&
							   fstat(fd, &sb) == 0 && sb.st_size == FILE_LEN);
	uint8_t *big = fd >= 0 ? map_shared(6 * PG, PROT_READ, fd) : NULL;
	CHECK("shared-sigbus-beyond-eof", big && touch(big + 4 * PG) == SIGBUS &&
						  touch(big + 3 * PG) == 0);
	int ro = open("mmap_file.shared", O_RDONLY);
	errno = 0;
	CHECK("shared-writable-needs-write-fd", ro >= 0 && mmap(NULL, PG, PROT_READ | PROT_WRITE,
								MAP_SHARED, ro, 0) == MAP_FAILED &&
							   errno == EACCES);
	uint8_t *rs = ro >= 0 ? map_shared(PG, PROT_READ, ro) : NULL;
	errno = 0;
	CHECK("shared-readonly-no-mprotect-write", rs && rs[5] == 'K' &&
							   mprotect(rs, PG, PROT_READ | PROT_WRITE) == -1 &&
							   errno == EACCES && mprotect(rs, PG, PROT_NONE) == 0);
	/* The kernel's own write of the child's tid (CLONE_CHILD_SETTID) must not reach a file that
	 * was opened read-only either. */
	long cpid = rs ? syscall(SYS_clone, CLONE_CHILD_SETTID | SIGCHLD, 0, NULL, rs + 64, 0) : -1;
	if (cpid == 0)
		_exit(0);
	st = -1;
	if (cpid > 0)
		waitpid((pid_t)cpid, &st, 0);
	uint8_t tidbytes[4] = { 0 };
	CHECK("shared-readonly-not-written-by-settid",
	      cpid > 0 && WIFEXITED(st) && pread(fd, tidbytes, 4, 64) == 4 &&
		      matches(tidbytes, 64, 4)); /* rs is PROT_NONE by now */
	uint8_t *rp = ro >= 0 ? map(PG, PROT_READ, ro, 0) : NULL;
	CHECK("private-readonly-fd-mprotect-write",
	      rp && mprotect(rp, PG, PROT_READ | PROT_WRITE) == 0 && (rp[0] = 9) == 9 &&
		      pread(fd, &b, 1, 0) == 1 && b == pat(0));
	if (rp)
		munmap(rp, PG);
	CHECK("msync", s && msync(s, 4 * PG, MS_SYNC) == 0 && msync(s, PG, MS_ASYNC) == 0 &&
			       msync(s, 0, MS_SYNC) == 0);
	errno = 0;
	CHECK("msync-einval", s && msync(s + 1, PG, MS_SYNC) == -1 && errno == EINVAL &&
				      msync(s, PG, MS_SYNC | MS_ASYNC) == -1 && errno == EINVAL &&
				      msync(s, PG, 0x100) == -1 && errno == EINVAL);
	if (big)
		munmap(big, 6 * PG);
	errno = 0;
	CHECK("msync-unmapped-enomem", big && msync(big, PG, MS_SYNC) == -1 && errno == ENOMEM);
	if (rs)
		munmap(rs, PG);
	if (q)
		munmap(q, 4 * PG);
	if (r)
		munmap(r, 4 * PG);
	if (s)
		munmap(s, 4 * PG);
	if (ro >= 0)
		close(ro);
	if (fd >= 0)
		close(fd);
	unlink("mmap_file.shared");
}

/* A shared mapping and truncation. Untouched pages beyond the new end raise SIGBUS (as Linux).
 * A page mapped before keeps, here, the page the file had (Linux unmaps it: SIGBUS), so either
 * is accepted; what matters is that the memory stays valid after the file let go of it, and
 * that the file's new pages are not disturbed by writes to it. */
static void shared_truncated(void)
{
	int fd = make_file("mmap_file.strunc", FILE_LEN);
	uint8_t *s = fd >= 0 ? map_shared(4 * PG, PROT_READ | PROT_WRITE, fd) : NULL;
	bool ok = s && s[3 * PG] == pat(3 * PG) && ftruncate(fd, PG / 2) == 0;
	CHECK("shared-truncate-untouched-sigbus", ok && touch(s + 2 * PG) == SIGBUS);
	int sig = ok ? touch(s + 3 * PG) : -1;
	if (sig == 0)
		s[3 * PG] = 0x77; /* into the page the file no longer has */
	uint8_t b = 1;
	CHECK("shared-truncate-touched", (sig == 0 || sig == SIGBUS) && ftruncate(fd, 4 * PG) == 0 &&
						 pread(fd, &b, 1, 3 * PG) == 1 && b == 0 &&
						 all_zero(s + PG / 2, PG / 2));
	if (s)
		munmap(s, 4 * PG);
	if (fd >= 0)
		close(fd);
	unlink("mmap_file.strunc");
}

static void errors(int fd)
{
	errno = 0;
	CHECK("ebadf", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, 999, 0) == MAP_FAILED &&
			       errno == EBADF);
	int wo = open("mmap_file.data", O_WRONLY);
	errno = 0;
	CHECK("eacces-write-only", wo >= 0 && mmap(NULL, PG, PROT_READ, MAP_PRIVATE, wo, 0) ==
						      MAP_FAILED && errno == EACCES);
	close(wo);
	int dir = open(".", O_RDONLY | O_DIRECTORY);
	errno = 0;
	CHECK("enodev-directory", dir >= 0 && mmap(NULL, PG, PROT_READ, MAP_PRIVATE, dir, 0) ==
						      MAP_FAILED && errno == ENODEV);
	close(dir);
	int pfd[2];
	bool piped = pipe(pfd) == 0;
	errno = 0;
	CHECK("enodev-pipe", piped && mmap(NULL, PG, PROT_READ, MAP_PRIVATE, pfd[0], 0) ==
					      MAP_FAILED && errno == ENODEV);
	if (piped) {
		close(pfd[0]);
		close(pfd[1]);
	}
	int opath = open("mmap_file.data", O_PATH);
	errno = 0;
	CHECK("ebadf-o-path", opath >= 0 && mmap(NULL, PG, PROT_READ, MAP_PRIVATE, opath, 0) ==
						 MAP_FAILED && errno == EBADF);
	close(opath);
	errno = 0;
	CHECK("einval-unaligned-offset", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 100) ==
						 MAP_FAILED && errno == EINVAL);
	errno = 0;
	CHECK("eoverflow", mmap(NULL, PG, PROT_READ, MAP_PRIVATE, fd, 0x7ffffffffffff000) ==
				   MAP_FAILED && errno == EOVERFLOW);
	uint8_t *far = map(PG, PROT_READ, fd, (off_t)1 << 40);
	CHECK("offset-far-beyond-eof", far && touch(far) == SIGBUS && munmap(far, PG) == 0);
	errno = 0;
	CHECK("einval-len-0", mmap(NULL, 0, PROT_READ, MAP_PRIVATE, fd, 0) == MAP_FAILED &&
				      errno == EINVAL);
}

int main(void)
{
	test_begin("mmap_file");
	struct sigaction sa = { .sa_handler = on_fault };
	sigaction(SIGBUS, &sa, NULL);
	sigaction(SIGSEGV, &sa, NULL);
	if (chdir("/tmp") != 0)
		return 1;
	int fd = make_file("mmap_file.data", FILE_LEN);
	CHECK("setup", fd >= 0);
	contents(fd);
	private_writes(fd);
	splits(fd);
	outlives_fd();
	write_from_own_mapping();
	other_file(fd);
	truncated();
	released("file-released-after-last-munmap", MAP_PRIVATE);
	released("shared-file-released-after-last-munmap", MAP_SHARED);
	shared();
	shared_truncated();
	errors(fd);
	close(fd);
	unlink("mmap_file.data");
	test_end();
}
