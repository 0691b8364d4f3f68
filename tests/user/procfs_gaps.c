/* procfs: /proc/self/pagemap (proc(5): 64-bit entries, bit 63 present, bit 56 exclusively
 * mapped, frame numbers for root only, EINVAL off an 8-byte boundary), /proc/self/mounts (the
 * same list as /proc/mounts), and /proc/<pid>/stat's state being the leader's own: S while the
 * leader sleeps even though another thread runs. Runs on the host's Linux too
 * (USER_LINUX_TEST_NAMES). */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <fcntl.h>
#include <pthread.h>
#include <stdint.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define PM_PRESENT (1ULL << 63)
#define PM_EXCLUSIVE (1ULL << 56)
#define PM_PFN ((1ULL << 55) - 1)
#define TEXT_MAX 8192
#define WAIT_S 10

static uint64_t pagemap_of(int fd, const void *addr)
{
	uint64_t e = 0;
	off_t off = (off_t)((uintptr_t)addr / 4096 * sizeof(e));
	if (pread(fd, &e, sizeof(e), off) != sizeof(e))
		return ~0ULL;
	return e;
}

/* Two touched pages and an untouched one between them; want_pfn: frame numbers shown. */
static bool pagemap_ok(bool want_pfn, char *why, size_t len)
{
	char *m = mmap(NULL, 3 * 4096, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int fd = open("/proc/self/pagemap", O_RDONLY);
	if (m == MAP_FAILED || fd < 0) {
		snprintf(why, len, "mmap/open errno %d", errno);
		return false;
	}
	m[0] = 1;
	m[2 * 4096] = 1;
	uint64_t a = pagemap_of(fd, m), b = pagemap_of(fd, m + 4096), c = pagemap_of(fd, m + 8192);
	char buf[8];
	bool unaligned = pread(fd, buf, 8, 3) == -1 && errno == EINVAL;
	close(fd);
	munmap(m, 3 * 4096);
	snprintf(why, len, "%llx %llx %llx unaligned %d", (unsigned long long)a,
		 (unsigned long long)b, (unsigned long long)c, unaligned);
	bool pfn = want_pfn ? (a & PM_PFN) && (c & PM_PFN) : !(a & PM_PFN) && !(c & PM_PFN);
	return (a & PM_PRESENT) && (a & PM_EXCLUSIVE) && (c & PM_PRESENT) && !(b & PM_PRESENT) &&
	       pfn && unaligned;
}

static void check_pagemap(void)
{
	char why[200];
	bool ok = pagemap_ok(true, why, sizeof(why));
	test_result("pagemap_root", ok, "%s", why);
	pid_t c = fork();
	if (c == 0) { /* a changed uid makes the process undumpable: its /proc files root's */
		if (setuid(65534) || prctl(PR_SET_DUMPABLE, 1))
			_exit(2);
		_exit(pagemap_ok(false, why, sizeof(why)) ? 0 : 1);
	}
	int st = -1;
	pid_t w = waitpid(c, &st, 0);
	test_result("pagemap_nonroot_no_pfn", w == c && WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "status %x", st);
}

static int slurp(const char *path, char *buf)
{
	int fd = open(path, O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, buf, TEXT_MAX - 1);
	if (fd >= 0)
		close(fd);
	buf[n > 0 ? n : 0] = 0;
	return (int)n;
}

static void check_mounts(void)
{
	static char a[TEXT_MAX], b[TEXT_MAX];
	int n = slurp("/proc/mounts", a);
	int m = slurp("/proc/self/mounts", b);
	test_result("self_mounts", n > 0 && n == m && !strcmp(a, b) && strstr(b, " / "),
		    "%d %d", n, m);
	/* mountinfo: "id parent major:minor root mountpoint options ... - type source super" per
	 * mount, as many lines as mounts, one of them the root. */
	slurp("/proc/self/mountinfo", b);
	int lines = 0, good = 0, root = 0;
	for (char *line = strtok(b, "\n"); line; line = strtok(NULL, "\n")) {
		int id, parent;
		unsigned maj, min;
		char fsroot[256], point[256] = "";
		lines++;
		if (sscanf(line, "%d %d %u:%u %255s %255s", &id, &parent, &maj, &min, fsroot,
			   point) == 6 && strstr(line, " - "))
			good++;
		root += !strcmp(point, "/");
	}
	int mounts = 0;
	for (char *s = a; (s = strchr(s, '\n')); s++)
		mounts++;
	test_result("mountinfo", lines > 0 && lines == good && lines == mounts && root >= 1,
		    "%d lines, %d well-formed, %d mounts, root %d", lines, good, mounts, root);
}

static char state_of(const char *path)
{
	char text[512];
	if (slurp(path, text) <= 0)
		return '?';
	char *p = strrchr(text, ')');
	return p && p[1] == ' ' ? p[2] : '?';
}

static volatile int spin_stop;
static volatile pid_t spin_tid;

static void *spinner(void *arg)
{
	(void)arg;
	spin_tid = (pid_t)syscall(SYS_gettid);
	while (!spin_stop)
		;
	return NULL;
}

/* A child whose leader sleeps in read() while its second thread spins. */
static void check_leader_state(void)
{
	int p[2], q[2];
	if (pipe(p) || pipe(q))
		return;
	pid_t c = fork();
	if (c == 0) {
		pthread_t t;
		pthread_create(&t, NULL, spinner, NULL);
		while (!spin_tid)
			;
		pid_t tid = spin_tid;
		write(q[1], &tid, sizeof(tid));
		char ch;
		read(p[0], &ch, 1);
		spin_stop = 1;
		pthread_join(t, NULL);
		_exit(0);
	}
	pid_t tid = 0;
	read(q[0], &tid, sizeof(tid));
	char path[64], tpath[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", c);
	snprintf(tpath, sizeof(tpath), "/proc/%d/task/%d/stat", c, tid);
	time_t end = time(NULL) + WAIT_S;
	while (state_of(path) != 'S' && time(NULL) <= end)
		sched_yield();
	char leader = state_of(path), thread = state_of(tpath);
	test_result("stat_leader_state", leader == 'S' && thread == 'R', "leader %c thread %c",
		    leader, thread);
	write(p[1], "x", 1);
	waitpid(c, NULL, 0);
}

int main(void)
{
	test_begin("procfs_gaps");
	check_pagemap();
	check_mounts();
	check_leader_state();
	test_end();
}
