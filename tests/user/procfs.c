/* procfs: /proc/self, the per-process files (stat, status, cmdline, environ, maps, exe, cwd,
 * fd/) in Linux's formats, zombies and dead pids, the system files (meminfo, uptime, loadavg,
 * mounts, filesystems, stat, version), <pid>/syscall, permissions for other users, and reads in small chunks.
 * Validated against the host's Linux first: everything here holds there too. */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <dirent.h>
#include <fcntl.h>
#include <pthread.h>
#include <sys/prctl.h>
#include <sys/stat.h>
#include <sys/statfs.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define BIG 65536
#define PROC_SUPER_MAGIC 0x9fa0
#define NOBODY 65534
#define STAT_FIELDS 52

static char buf[BIG], buf2[BIG];
static char exe_path[4096];

/* The whole file in one read (files here are far smaller than BIG): length or -1. */
static long read_file(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long total = 0, n;
	while ((n = read(fd, out + total, size - 1 - (size_t)total)) > 0)
		total += n;
	close(fd);
	if (n < 0)
		return -1;
	out[total] = 0;
	return total;
}

/* The same, one byte per read. */
static long read_file_bytewise(const char *path, char *out, size_t size)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -1;
	long total = 0, n;
	while ((size_t)total < size - 1 && (n = read(fd, out + total, 1)) == 1)
		total++;
	close(fd);
	out[total] = 0;
	return total;
}

static long link_text(const char *path, char *out, size_t size)
{
	long n = readlink(path, out, size - 1);
	if (n >= 0)
		out[n] = 0;
	return n;
}

/* The value after "Key:" in a status-style text, or NULL. */
static const char *field(const char *text, const char *key)
{
	size_t k = strlen(key);
	for (const char *l = text; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL)
		if (!strncmp(l, key, k) && l[k] == ':')
			return l + k + 1 + strspn(l + k + 1, " \t");
	return NULL;
}

static void test_self(void)
{
	char want[32], got[64];
	snprintf(want, sizeof(want), "%d", getpid());
	CHECK("self_link", link_text("/proc/self", got, sizeof(got)) > 0 && !strcmp(got, want));
	struct stat st;
	CHECK("self_is_dir", stat("/proc/self", &st) == 0 && S_ISDIR(st.st_mode));
	struct statfs sf;
	CHECK("statfs_magic", statfs("/proc", &sf) == 0 && sf.f_type == PROC_SUPER_MAGIC);
}

static void test_stat(void)
{
	long n = read_file("/proc/self/stat", buf, sizeof(buf));
	int pid = 0, ppid = 0;
	char comm[32] = "", state = 0;
	int got = n > 0 ? sscanf(buf, "%d (%31[^)]) %c %d", &pid, comm, &state, &ppid) : 0;
	CHECK("stat_head", got == 4 && pid == getpid() && !strcmp(comm, "procfs") &&
				   state == 'R' && ppid == getppid());
	/* 52 fields: the comm is one (no spaces in ours), the rest are separated by spaces. */
	int fields = 0;
	for (char *tok = strtok(buf, " \n"); tok; tok = strtok(NULL, " \n"))
		fields++;
	test_result("stat_52_fields", fields == STAT_FIELDS, "%d fields", fields);
	/* Field 8: the foreground group of our controlling terminal, -1 without one. */
	read_file("/proc/self/stat", buf, sizeof(buf));
	int tpgid = 0, tty = open("/dev/tty", O_RDONLY);
	int want = tty >= 0 ? tcgetpgrp(tty) : -1;
	sscanf(strrchr(buf, ')') + 2, "%*c %*d %*d %*d %*d %d", &tpgid);
	test_result("stat_tpgid", tpgid == want, "tpgid %d, want %d", tpgid, want);
	if (tty >= 0)
		close(tty);
}

static void test_status(void)
{
	char want[32];
	read_file("/proc/self/status", buf, sizeof(buf));
	const char *name = field(buf, "Name"), *pid = field(buf, "Pid"), *ppid = field(buf, "PPid");
	const char *uid = field(buf, "Uid"), *state = field(buf, "State");
	CHECK("status_name", name && !strncmp(name, "procfs\n", 7));
	CHECK("status_pid", pid && atoi(pid) == getpid() && ppid && atoi(ppid) == getppid());
	snprintf(want, sizeof(want), "%u\t%u\t%u\t%u\n", getuid(), geteuid(), geteuid(), geteuid());
	CHECK("status_uid", uid && !strncmp(uid, want, strlen(want)));
	CHECK("status_state", state && !strncmp(state, "R (running)", 11));
	const char *vm = field(buf, "VmRSS"), *th = field(buf, "Threads");
	CHECK("status_vm_threads", vm && atol(vm) > 0 && th && atoi(th) == 1);
}

static pthread_mutex_t gate = PTHREAD_MUTEX_INITIALIZER;

static void *thread_waiter(void *arg)
{
	(void)arg;
	pthread_mutex_lock(&gate); /* until the main thread lets go */
	pthread_mutex_unlock(&gate);
	return NULL;
}

static void test_threads(void)
{
	pthread_t t;
	pthread_mutex_lock(&gate);
	if (pthread_create(&t, NULL, thread_waiter, NULL)) {
		pthread_mutex_unlock(&gate);
		test_result("status_two_threads", false, "no thread (errno %d)", errno);
		return;
	}
	read_file("/proc/self/status", buf, sizeof(buf));
	const char *th = field(buf, "Threads");
	CHECK("status_two_threads", th && atoi(th) == 2);
	pthread_mutex_unlock(&gate);
	pthread_join(t, NULL);
}

static void test_cmdline(int argc, char **argv)
{
	size_t len = 0;
	for (int i = 0; i < argc; i++) {
		memcpy(buf2 + len, argv[i], strlen(argv[i]) + 1);
		len += strlen(argv[i]) + 1;
	}
	long n = read_file("/proc/self/cmdline", buf, sizeof(buf));
	CHECK("cmdline", n == (long)len && !memcmp(buf, buf2, len));
}

/* Run ourselves with a known argv and environment: the child checks its own files. */
static void test_environ_exec(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { "procfs", "--env-child", "two words", NULL };
		char *envp[] = { "A=1", "B=two", NULL };
		execve(exe_path, argv, envp);
		_exit(99);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	test_result("environ_and_cmdline_after_exec", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "child status %#x", st);
}

static int env_child(void)
{
	static const char env[] = "A=1\0B=two", cmd[] = "procfs\0--env-child\0two words";
	long e = read_file("/proc/self/environ", buf, sizeof(buf));
	long c = read_file("/proc/self/cmdline", buf2, sizeof(buf2));
	bool ok = e == sizeof(env) && !memcmp(buf, env, sizeof(env)) && c == sizeof(cmd) &&
		  !memcmp(buf2, cmd, sizeof(cmd));
	return ok ? 0 : 1;
}

static void test_maps(void)
{
	read_file("/proc/self/maps", buf, sizeof(buf));
	bool stack = strstr(buf, "[stack]\n") != NULL, image = false;
	for (char *l = buf; l && *l; l = strchr(l, '\n') ? strchr(l, '\n') + 1 : NULL) {
		unsigned long lo, hi;
		char perms[5];
		if (sscanf(l, "%lx-%lx %4s", &lo, &hi, perms) == 3 && perms[2] == 'x' &&
		    !strncmp(strchr(l, '\n') - strlen(exe_path), exe_path, strlen(exe_path)) &&
		    (unsigned long)&test_maps >= lo && (unsigned long)&test_maps < hi)
			image = true;
	}
	CHECK("maps_stack", stack);
	CHECK("maps_exe_text", image);
	/* The name column: Linux pads the fixed part to 73 characters. */
	char *s = strstr(buf, "[stack]");
	char *line = s;
	while (line > buf && line[-1] != '\n')
		line--;
	CHECK("maps_name_column", s && s - line == 73);
}

static void test_exe_cwd(void)
{
	struct stat a, b;
	CHECK("exe_link", exe_path[0] == '/' && strstr(exe_path, "procfs") &&
				  stat("/proc/self/exe", &a) == 0 && stat(exe_path, &b) == 0 &&
				  a.st_ino == b.st_ino && a.st_dev == b.st_dev);
	char got[256];
	CHECK("cwd_after_chdir", chdir("/dev") == 0 &&
					 link_text("/proc/self/cwd", got, sizeof(got)) > 0 &&
					 !strcmp(got, "/dev"));
	/* The magic link leads to the directory itself. */
	CHECK("cwd_follow", stat("/proc/self/cwd", &a) == 0 && stat("/dev", &b) == 0 &&
				    a.st_ino == b.st_ino);
	chdir("/");
}

static void test_fd(void)
{
	int fd = open(exe_path, O_RDONLY);
	bool seen[64] = { false };
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (e->d_name[0] != '.' && atoi(e->d_name) < 64)
			seen[atoi(e->d_name)] = true;
	if (d)
		closedir(d);
	CHECK("fd_list", fd >= 3 && fd < 64 && seen[0] && seen[1] && seen[2] && seen[fd]);
	char path[64], got[4096];
	snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
	CHECK("fd_readlink", link_text(path, got, sizeof(got)) > 0 && !strcmp(got, exe_path));
	/* Opening the link opens the file itself. */
	int again = open(path, O_RDONLY);
	char m1[4] = "", m2[4] = "";
	CHECK("fd_reopen", again >= 0 && read(again, m1, 4) == 4 && pread(fd, m2, 4, 0) == 4 &&
				   !memcmp(m1, "\177ELF", 4) && !memcmp(m1, m2, 4));
	close(again);
	close(fd);
	CHECK("fd_closed_gone", access(path, F_OK) < 0 && errno == ENOENT);
	int p[2];
	if (pipe(p) == 0) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", p[0]);
		CHECK("fd_pipe_name", link_text(path, got, sizeof(got)) > 0 &&
					      !strncmp(got, "pipe:[", 6));
		close(p[0]);
		close(p[1]);
	}
}

static bool proc_lists(const char *name)
{
	bool found = false;
	DIR *d = opendir("/proc");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strcmp(e->d_name, name))
			found = true;
	if (d)
		closedir(d);
	return found;
}

static void test_readdir(void)
{
	char me[32];
	snprintf(me, sizeof(me), "%d", getpid());
	CHECK("readdir_lists_pid", proc_lists(me) && proc_lists("self") && proc_lists("meminfo"));
	bool stat_seen = false;
	DIR *d = opendir("/proc/self");
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strcmp(e->d_name, "status") && e->d_type == DT_REG)
			stat_seen = true;
	if (d)
		closedir(d);
	CHECK("readdir_pid_dir", stat_seen);
}

static char state_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	if (read_file(path, buf2, sizeof(buf2)) <= 0)
		return 0;
	char *close_paren = strrchr(buf2, ')');
	return close_paren ? close_paren[2] : 0;
}

static void test_zombie_and_dead(void)
{
	pid_t pid = fork();
	if (pid == 0)
		_exit(7);
	siginfo_t si;
	/* Wait for the exit without reaping: the child is a zombie until waitpid. */
	int w = waitid(P_PID, (id_t)pid, &si, WEXITED | WNOWAIT);
	CHECK("zombie_state_Z", w == 0 && state_of(pid) == 'Z');
	char name[32];
	snprintf(name, sizeof(name), "%d", pid);
	CHECK("zombie_listed", proc_lists(name));
	waitpid(pid, NULL, 0);
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/stat", pid);
	errno = 0;
	CHECK("dead_pid_enoent", open(path, O_RDONLY) < 0 && errno == ENOENT && !proc_lists(name));
}

/* <pid>/syscall: our own read shows read(fd, buf, count); a child asleep in pause() shows
 * pause's number once it sleeps, and "running" or a number only, never garbage. */
static void test_syscall(void)
{
	int fd = open("/proc/self/syscall", O_RDONLY);
	long n = fd < 0 ? -1 : read(fd, buf, sizeof(buf) - 1);
	buf[n > 0 ? n : 0] = 0;
	char expect[64];
	snprintf(expect, sizeof(expect), "0 0x%x 0x%lx 0x%lx ", fd, (unsigned long)buf,
		 (unsigned long)(sizeof(buf) - 1));
	test_result("syscall_self_read", !strncmp(buf, expect, strlen(expect)), "got \"%s\"", buf);
	close(fd);
	pid_t pid = fork();
	if (pid == 0) {
		pause();
		_exit(0);
	}
	CHECK("syscall_child_pause", proc_wait_in_syscall(pid, SYS_pause, SYS_pause, 10));
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/syscall", pid);
	struct stat st;
	CHECK("syscall_mode_0400", stat(path, &st) == 0 && (st.st_mode & 0777) == 0400);
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

static void test_system_files(void)
{
	read_file("/proc/meminfo", buf, sizeof(buf));
	const char *total = field(buf, "MemTotal"), *free_ = field(buf, "MemFree");
	CHECK("meminfo", total && free_ && atol(total) > 0 && atol(free_) <= atol(total) &&
				 strstr(buf, "MemTotal:       ") == buf && field(buf, "SwapTotal"));
	double a, b, first;
	read_file("/proc/uptime", buf, sizeof(buf));
	CHECK("uptime_format", sscanf(buf, "%lf %lf", &a, &b) == 2 && a > 0);
	first = a;
	struct timespec t0, t;
	clock_gettime(CLOCK_MONOTONIC, &t0);
	do { /* wait for the next hundredth, at most 5 s */
		read_file("/proc/uptime", buf, sizeof(buf));
		sscanf(buf, "%lf", &a);
		clock_gettime(CLOCK_MONOTONIC, &t);
	} while (a <= first && t.tv_sec - t0.tv_sec < 5);
	CHECK("uptime_increases", a > first);

	int i1, f1, i5, f5, i15, f15, run, tot, last;
	read_file("/proc/loadavg", buf, sizeof(buf));
	int n = sscanf(buf, "%d.%2d %d.%2d %d.%2d %d/%d %d", &i1, &f1, &i5, &f5, &i15, &f15, &run,
		       &tot, &last);
	CHECK("loadavg_format", n == 9 && run >= 1 && tot >= run && last > 0);
	/* We keep a CPU busy: within two 5 s samples the 1-minute average leaves 0.00. */
	clock_gettime(CLOCK_MONOTONIC, &t0);
	while (n == 9 && i1 == 0 && f1 == 0 && t.tv_sec - t0.tv_sec < 12) {
		read_file("/proc/loadavg", buf, sizeof(buf));
		n = sscanf(buf, "%d.%2d", &i1, &f1) == 2 ? 9 : 0;
		clock_gettime(CLOCK_MONOTONIC, &t);
	}
	test_result("loadavg_rises_under_load", i1 > 0 || f1 > 0, "%s", buf);

	read_file("/proc/mounts", buf, sizeof(buf));
	CHECK("mounts", strstr(buf, " / ") && strstr(buf, " /dev ") &&
				strstr(buf, "proc /proc proc "));
	read_file("/proc/filesystems", buf, sizeof(buf));
	CHECK("filesystems", strstr(buf, "nodev\ttmpfs\n") && strstr(buf, "nodev\tproc\n"));
	read_file("/proc/version", buf, sizeof(buf));
	CHECK("version", !strncmp(buf, "Linux version ", 14));

	read_file("/proc/uptime", buf, sizeof(buf));
	double up = atof(buf);
	read_file("/proc/stat", buf, sizeof(buf));
	const char *bt = strstr(buf, "\nbtime ");
	long btime = bt ? atol(bt + 7) : -1;
	long now = (long)time(NULL);
	CHECK("stat_lines", !strncmp(buf, "cpu  ", 5) && strstr(buf, "\ncpu0 ") &&
				    strstr(buf, "\nprocesses ") && strstr(buf, "\nctxt "));
	/* Boot time plus uptime is now (give or take the seconds' truncation). */
	test_result("stat_btime", bt && btime <= now && btime >= now - (long)up - 2,
		    "btime %ld, now %ld, uptime %.2f", btime, now, up);
}

static void test_chunks(void)
{
	static const char *files[] = { "/proc/self/maps", "/proc/filesystems", "/proc/version",
				       "/proc/self/cmdline" };
	bool ok = true;
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		long n1 = read_file(files[i], buf, sizeof(buf));
		long n2 = read_file_bytewise(files[i], buf2, sizeof(buf2));
		if (n1 <= 0 || n1 != n2 || memcmp(buf, buf2, (size_t)n1)) {
			printf("  %s: %ld bytes at once, %ld bytewise\n", files[i], n1, n2);
			ok = false;
		}
	}
	CHECK("bytewise_equals_whole", ok);
	/* A seek back to the start reads the text again. */
	int fd = open("/proc/version", O_RDONLY);
	long n1 = read(fd, buf, sizeof(buf));
	long n2 = lseek(fd, 0, SEEK_SET) == 0 ? read(fd, buf2, sizeof(buf2)) : -1;
	CHECK("reread_after_lseek", n1 > 0 && n1 == n2 && !memcmp(buf, buf2, (size_t)n1));
	close(fd);
}

/* Root may open for writing (as on Linux) but the write fails; others cannot open. */
static void test_writes(void)
{
	int fd = open("/proc/uptime", O_WRONLY);
	errno = 0;
	CHECK("write_system_file_eio", fd >= 0 && write(fd, "1", 1) < 0 && errno == EIO);
	close(fd);
	fd = open("/proc/self/stat", O_WRONLY);
	errno = 0;
	CHECK("write_pid_file_einval", fd >= 0 && write(fd, "1", 1) < 0 && errno == EINVAL);
	close(fd);
}

/* As another user: no writes, and none of init's private files. */
static void test_other_user(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		int bad = 0;
		if (setresgid(NOBODY, NOBODY, NOBODY) || setresuid(NOBODY, NOBODY, NOBODY))
			_exit(100);
		if (!(open("/proc/uptime", O_WRONLY) < 0 && errno == EACCES))
			bad |= 1;
		if (!(open("/proc/1/environ", O_RDONLY) < 0 && errno == EACCES))
			bad |= 2;
		if (!(open("/proc/1/maps", O_RDONLY) < 0 && errno == EACCES))
			bad |= 4;
		char t[64];
		if (!(readlink("/proc/1/exe", t, sizeof(t)) < 0 && errno == EACCES))
			bad |= 8;
		if (!(opendir("/proc/1/fd") == NULL && errno == EACCES))
			bad |= 16;
		if (read_file("/proc/1/stat", buf, sizeof(buf)) <= 0 || buf[0] != '1')
			bad |= 32;
		/* Not dumpable: our own files belong to root (Linux's task_dump_owner). */
		struct stat st;
		if (prctl(PR_SET_DUMPABLE, 0) || stat("/proc/self/environ", &st) || st.st_uid != 0 ||
		    !(open("/proc/self/environ", O_RDONLY) < 0 && errno == EACCES))
			bad |= 64;
		_exit(bad);
	}
	int st = -1;
	waitpid(pid, &st, 0);
	test_result("other_user_denied", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "status %#x (bits: 1 write 2 environ 4 maps 8 exe 16 fd 32 stat 64 dumpable)", st);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "--env-child"))
		return env_child();
	test_begin("procfs");
	if (link_text("/proc/self/exe", exe_path, sizeof(exe_path)) <= 0)
		printf("  readlink /proc/self/exe: %s\n", strerror(errno));
	test_self();
	test_stat();
	test_status();
	test_threads();
	test_cmdline(argc, argv);
	test_environ_exec();
	test_maps();
	test_exe_cwd();
	test_fd();
	test_readdir();
	test_zombie_and_dead();
	test_syscall();
	test_system_files();
	test_chunks();
	test_writes();
	test_other_user();
	test_end();
}
