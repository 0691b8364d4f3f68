/* procfs: /proc/sys (proc(5)): each file reads in Linux's format, the directories list them,
 * writes need root (a non-root opener gets EACCES, a read-only file refuses root too), bad
 * values are EINVAL, and a written value takes effect (hostname is uname's nodename and
 * sethostname's, pid_max bounds new pids, nr_open bounds RLIMIT_NOFILE, pipe-max-size bounds a
 * non-root F_SETPIPE_SZ, max_map_count bounds mappings). Runs on the host's Linux too
 * (USER_LINUX_TEST_NAMES); there, the writes that would change the shared host's settings are
 * skipped (the hostname is written in a UTS namespace of its own). */
#define _GNU_SOURCE
#include "test.h"
#include <dirent.h>
#include <fcntl.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <sys/wait.h>

#define TEXT_MAX 256
#define NOBODY 65534
#define MAP_TRIES 64

static char text[TEXT_MAX];

/* The text of a file into `text` (without a final newline): its length, or -errno. */
static int read_text(const char *path)
{
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	int e = errno;
	close(fd);
	if (n < 0)
		return -e;
	text[n] = 0;
	if (n && text[n - 1] == '\n')
		text[--n] = 0;
	return (int)n;
}

static long read_long(const char *path)
{
	if (read_text(path) <= 0)
		return -1;
	char *end;
	long v = strtol(text, &end, 10);
	return *end ? -1 : v;
}

/* Write s to path: 0 or -errno. */
static int write_text(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY);
	if (fd < 0)
		return -errno;
	ssize_t n = write(fd, s, strlen(s));
	int e = errno;
	close(fd);
	return n == (ssize_t)strlen(s) ? 0 : n < 0 ? -e : -EIO;
}

static int write_long(const char *path, long v)
{
	char buf[32];
	snprintf(buf, sizeof(buf), "%ld\n", v);
	return write_text(path, buf);
}

static bool is_uuid(const char *s)
{
	if (strlen(s) != 36)
		return false;
	for (int i = 0; i < 36; i++) {
		bool dash = i == 8 || i == 13 || i == 18 || i == 23;
		if (dash ? s[i] != '-' : !strchr("0123456789abcdef", s[i]))
			return false;
	}
	return true;
}

static bool on_zero(void)
{
	struct utsname u;
	return !uname(&u) && strstr(u.release, "zero");
}

static void check_formats(void)
{
	static const char *const ints[] = {
		"/proc/sys/kernel/pid_max", "/proc/sys/kernel/threads-max",
		"/proc/sys/kernel/ngroups_max",
		"/proc/sys/kernel/tainted", "/proc/sys/kernel/random/entropy_avail",
		"/proc/sys/kernel/random/poolsize", "/proc/sys/fs/nr_open",
		"/proc/sys/fs/file-max", "/proc/sys/fs/pipe-max-size",
		"/proc/sys/fs/pipe-user-pages-soft",
		"/proc/sys/fs/pipe-user-pages-hard", "/proc/sys/vm/max_map_count",
		"/proc/sys/vm/mmap_min_addr",
	};
	for (size_t i = 0; i < sizeof(ints) / sizeof(ints[0]); i++)
		test_result(ints[i] + 10, read_long(ints[i]) >= 0, "reads %d '%s'",
			    read_text(ints[i]), text);
	struct utsname u;
	uname(&u);
	read_text("/proc/sys/kernel/ostype");
	test_result("ostype", !strcmp(text, u.sysname), "'%s'", text);
	read_text("/proc/sys/kernel/osrelease");
	test_result("osrelease", !strcmp(text, u.release), "'%s'", text);
	read_text("/proc/sys/kernel/version");
	test_result("version", !strcmp(text, u.version), "'%s'", text);
	read_text("/proc/sys/kernel/hostname");
	test_result("hostname", !strcmp(text, u.nodename), "'%s'", text);
	char first[TEXT_MAX];
	read_text("/proc/sys/kernel/random/boot_id");
	strcpy(first, text);
	read_text("/proc/sys/kernel/random/boot_id");
	test_result("boot_id", is_uuid(first) && !strcmp(first, text), "'%s' '%s'", first, text);
	read_text("/proc/sys/kernel/random/uuid");
	strcpy(first, text);
	read_text("/proc/sys/kernel/random/uuid");
	test_result("uuid", is_uuid(first) && strcmp(first, text), "'%s' '%s'", first, text);
	long nr = -1, zero = -1, max = -1;
	read_text("/proc/sys/fs/file-nr");
	int fields = sscanf(text, "%ld\t%ld\t%ld", &nr, &zero, &max);
	test_result("file-nr", fields == 3 && nr > 0 && zero == 0 &&
				       max == read_long("/proc/sys/fs/file-max"),
		    "'%s'", text);
	test_result("pipe-max-size_default", read_long("/proc/sys/fs/pipe-max-size") == 1048576,
		    "%s", text);
	test_result("max_map_count_default", read_long("/proc/sys/vm/max_map_count") == 65530,
		    "%s", text);
}

static bool dir_has(const char *dir, const char *name, unsigned char type)
{
	DIR *d = opendir(dir);
	bool found = false;
	struct dirent *e;
	while (d && (e = readdir(d)))
		if (!strcmp(e->d_name, name) && e->d_type == type)
			found = true;
	if (d)
		closedir(d);
	return found;
}

static void check_listing(void)
{
	test_result("list_sys", dir_has("/proc", "sys", DT_DIR) &&
				dir_has("/proc/sys", "kernel", DT_DIR) &&
				dir_has("/proc/sys", "fs", DT_DIR) &&
				dir_has("/proc/sys", "vm", DT_DIR), "a directory is missing");
	bool files = dir_has("/proc/sys/kernel", "pid_max", DT_REG) &&
		     dir_has("/proc/sys/kernel", "random", DT_DIR) &&
		     dir_has("/proc/sys/kernel/random", "boot_id", DT_REG) &&
		     dir_has("/proc/sys/fs", "pipe-max-size", DT_REG) &&
		     dir_has("/proc/sys/vm", "max_map_count", DT_REG);
	test_result("list_files", files, "a file is missing");
	struct stat st;
	bool rw = !stat("/proc/sys/kernel/pid_max", &st) && (st.st_mode & 07777) == 0644 &&
		  st.st_uid == 0;
	bool ro = rw && !stat("/proc/sys/kernel/ostype", &st) && (st.st_mode & 07777) == 0444;
	test_result("stat_mode", ro, "mode %o", st.st_mode);
}

/* In a child that became `nobody`: opening a root-writable file for writing is EACCES. */
static void check_permissions(void)
{
	test_result("ro_file_root", write_text("/proc/sys/kernel/ostype", "x") == -EACCES,
		    "%d", write_text("/proc/sys/kernel/ostype", "x"));
	pid_t c = fork();
	if (c == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		_exit(write_text("/proc/sys/kernel/pid_max", "32768") == -EACCES &&
			      read_long("/proc/sys/kernel/pid_max") > 0 ? 0 : 1);
	}
	int st;
	test_result("nonroot_write", waitpid(c, &st, 0) == c && WIFEXITED(st) &&
					     WEXITSTATUS(st) == 0, "status %x", st);
}

static void check_einval(void)
{
	long pid_max = read_long("/proc/sys/kernel/pid_max");
	long pipe_max = read_long("/proc/sys/fs/pipe-max-size");
	test_result("einval_text", write_text("/proc/sys/kernel/pid_max", "abc") == -EINVAL,
		    "%d", write_text("/proc/sys/kernel/pid_max", "abc"));
	test_result("einval_range", write_long("/proc/sys/kernel/pid_max", 1L << 40) == -EINVAL &&
					    write_long("/proc/sys/kernel/pid_max", 10) == -EINVAL,
		    "accepted");
	test_result("einval_pipe", write_long("/proc/sys/fs/pipe-max-size", -1) == -EINVAL &&
					   write_long("/proc/sys/fs/pipe-max-size", 2147483649L) ==
						   -EINVAL, "accepted");
	if (read_long("/proc/sys/fs/pipe-max-size") != pipe_max) /* put back what was taken */
		write_long("/proc/sys/fs/pipe-max-size", pipe_max);
	test_result("unchanged", read_long("/proc/sys/kernel/pid_max") == pid_max, "%s", text);
	/* Rewriting the current value is accepted (and changes nothing). */
	test_result("rewrite_same", write_long("/proc/sys/kernel/pid_max", pid_max) == 0 &&
					    read_long("/proc/sys/kernel/pid_max") == pid_max,
		    "%s", text);
	/* As a shell's `echo N > file` or fopen(.., "w") does: O_TRUNC is accepted. */
	FILE *f = fopen("/proc/sys/kernel/pid_max", "w");
	bool ok = f && fprintf(f, "%ld\n", pid_max) > 0;
	ok = f && !fclose(f) && ok;
	test_result("fopen_w", ok && read_long("/proc/sys/kernel/pid_max") == pid_max, "%s",
		    strerror(errno));
}

/* hostname: the file and uname/sethostname are the same name (in a UTS namespace of our own
 * where there are namespaces). */
static void check_hostname(void)
{
	if (unshare(CLONE_NEWUTS) && !on_zero()) {
		test_result("hostname_effect", true, "");
		return;
	}
	char saved[TEXT_MAX];
	read_text("/proc/sys/kernel/hostname");
	strcpy(saved, text);
	struct utsname u;
	int r = write_text("/proc/sys/kernel/hostname", "sysctl-test\n");
	uname(&u);
	test_result("hostname_write", !r && !strcmp(u.nodename, "sysctl-test"), "%d '%s'", r,
		    u.nodename);
	r = sethostname("via-call", 8);
	read_text("/proc/sys/kernel/hostname");
	test_result("sethostname", !r && !strcmp(text, "via-call"), "%d '%s'", r, text);
	sethostname(saved, strlen(saved));
}

/* pid_max bounds the pids of new processes. */
static void check_pid_max(void)
{
	long saved = read_long("/proc/sys/kernel/pid_max");
	long limit = getpid() + 20 > 400 ? getpid() + 20 : 400;
	bool ok = write_long("/proc/sys/kernel/pid_max", limit) == 0;
	for (int i = 0; ok && i < 30; i++) {
		pid_t c = fork();
		if (c == 0)
			_exit(0);
		ok = c > 0 && c < limit && waitpid(c, NULL, 0) == c;
	}
	write_long("/proc/sys/kernel/pid_max", saved);
	test_result("pid_max_effect", ok && read_long("/proc/sys/kernel/pid_max") == saved,
		    "limit %ld", limit);
}

/* threads-max bounds the threads (and unreaped processes) that exist at once. */
static void check_threads_max(void)
{
	long saved = read_long("/proc/sys/kernel/threads-max");
	int pipefd[2];
	if (pipe(pipefd))
		return;
	pid_t kids[32];
	int n = 0, err = 0;
	/* Room for a few more than exist now: the forks must stop with EAGAIN. */
	int w = write_long("/proc/sys/kernel/threads-max", 20);
	for (; n < 32; n++) {
		kids[n] = fork();
		if (kids[n] == 0) { /* wait for the end of the test: EOF on the pipe */
			char c;
			close(pipefd[1]);
			read(pipefd[0], &c, 1);
			_exit(0);
		}
		if (kids[n] < 0) {
			err = errno;
			break;
		}
	}
	write_long("/proc/sys/kernel/threads-max", saved);
	close(pipefd[1]);
	for (int i = 0; i < n; i++)
		waitpid(kids[i], NULL, 0);
	close(pipefd[0]);
	test_result("threads_max_effect", !w && n < 32 && err == EAGAIN &&
						  read_long("/proc/sys/kernel/threads-max") == saved,
		    "write %d, %d forks, errno %d", w, n, err);
}

/* file-max: past it a non-root caller gets ENFILE; root still opens files. */
static void check_file_max(void)
{
	long saved = read_long("/proc/sys/fs/file-max"), nr;
	read_text("/proc/sys/fs/file-nr");
	nr = strtol(text, NULL, 10);
	int w = write_long("/proc/sys/fs/file-max", nr + 8); /* fork makes no new files */
	pid_t c = fork();
	if (c == 0) {
		if (setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		int n = 0;
		while (n < 64 && open("/dev/null", O_RDONLY) >= 0)
			n++;
		_exit(n < 64 && errno == ENFILE ? 0 : 1);
	}
	int st = -1;
	pid_t r = waitpid(c, &st, 0);
	int fd = open("/dev/null", O_RDONLY);
	write_long("/proc/sys/fs/file-max", saved);
	test_result("file_max_effect", !w && r == c && WIFEXITED(st) && !WEXITSTATUS(st) &&
					       fd >= 0, "write %d status %x root fd %d", w, st, fd);
	if (fd >= 0)
		close(fd);
}

/* nr_open is the ceiling of RLIMIT_NOFILE, even for root. */
static void check_nr_open(void)
{
	long saved = read_long("/proc/sys/fs/nr_open");
	struct rlimit old, big = { 4096, 4096 };
	getrlimit(RLIMIT_NOFILE, &old);
	int w = write_long("/proc/sys/fs/nr_open", 1024);
	int r = setrlimit(RLIMIT_NOFILE, &big) ? errno : 0;
	write_long("/proc/sys/fs/nr_open", saved);
	setrlimit(RLIMIT_NOFILE, &old);
	test_result("nr_open_effect", !w && r == EPERM, "write %d setrlimit %d", w, r);
}

/* pipe-max-size bounds what a non-root F_SETPIPE_SZ may ask. */
static void check_pipe_max(void)
{
	long saved = read_long("/proc/sys/fs/pipe-max-size");
	int w = write_long("/proc/sys/fs/pipe-max-size", 5000); /* rounds up to 8192 */
	long shown = read_long("/proc/sys/fs/pipe-max-size");
	pid_t c = fork();
	if (c == 0) {
		int p[2];
		if (pipe(p) || setgid(NOBODY) || setuid(NOBODY))
			_exit(2);
		/* Shrinking is always allowed; growing past the maximum is not. */
		_exit(fcntl(p[1], F_SETPIPE_SZ, 4096) == 4096 &&
			      fcntl(p[1], F_SETPIPE_SZ, 16384) == -1 && errno == EPERM &&
			      fcntl(p[1], F_SETPIPE_SZ, 8192) == 8192 ? 0 : 1);
	}
	int st;
	bool ok = waitpid(c, &st, 0) == c && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	write_long("/proc/sys/fs/pipe-max-size", saved);
	test_result("pipe_max_effect", !w && shown == 8192 && ok, "write %d shown %ld status %x", w,
		    shown, st);
}

/* A non-root user's pipes: over pipe-user-pages-soft a new pipe gets two pages and cannot
 * grow (EPERM); over pipe-user-pages-hard pipe() fails with ENFILE. */
static void check_pipe_user_pages(void)
{
	long soft = read_long("/proc/sys/fs/pipe-user-pages-soft");
	long hard = read_long("/proc/sys/fs/pipe-user-pages-hard");
	int w = write_long("/proc/sys/fs/pipe-user-pages-soft", 16) |
		write_long("/proc/sys/fs/pipe-user-pages-hard", 19);
	pid_t c = fork();
	if (c == 0) {
		int a[2], b[2], d[2];
		if (setgid(NOBODY) || setuid(NOBODY) || pipe(a) || pipe(b))
			_exit(2);
		bool ok = fcntl(a[1], F_GETPIPE_SZ) == 65536 && fcntl(b[1], F_GETPIPE_SZ) == 8192 &&
			  fcntl(b[1], F_SETPIPE_SZ, 65536) == -1 && errno == EPERM;
		_exit(ok && pipe(d) == -1 && errno == ENFILE ? 0 : 1);
	}
	int st = -1;
	pid_t r = waitpid(c, &st, 0);
	write_long("/proc/sys/fs/pipe-user-pages-soft", soft);
	write_long("/proc/sys/fs/pipe-user-pages-hard", hard);
	test_result("pipe_user_pages_effect", !w && r == c && WIFEXITED(st) && !WEXITSTATUS(st) &&
						      soft == 16384 && hard == 0,
		    "write %d status %x soft %ld hard %ld", w, st, soft, hard);
}

/* max_map_count: mappings that would need more areas fail with ENOMEM. */
static void check_max_map_count(void)
{
	long saved = read_long("/proc/sys/vm/max_map_count");
	int maps = 0;
	FILE *f = fopen("/proc/self/maps", "r");
	for (int ch; f && (ch = fgetc(f)) != EOF;)
		maps += ch == '\n';
	if (f)
		fclose(f);
	int w = write_long("/proc/sys/vm/max_map_count", maps + 8);
	int i, err = 0;
	for (i = 0; i < MAP_TRIES; i++) {
		/* Alternate protections so that neighbours never merge into one area. */
		void *a = mmap(NULL, 4096, i % 2 ? PROT_READ : PROT_READ | PROT_WRITE,
			       MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
		if (a == MAP_FAILED) {
			err = errno;
			break;
		}
	}
	write_long("/proc/sys/vm/max_map_count", saved);
	test_result("max_map_count_effect", !w && i < MAP_TRIES && err == ENOMEM,
		    "write %d, %d maps, mapped %d more, errno %d", w, maps, i, err);
}

int main(void)
{
	test_begin("procfs_sys");
	check_formats();
	check_listing();
	check_permissions();
	check_einval();
	check_hostname();
	if (on_zero()) { /* they change settings of the whole machine */
		check_pid_max();
		check_threads_max();
		check_nr_open();
		check_file_max();
		check_pipe_max();
		check_pipe_user_pages();
		check_max_map_count();
	}
	test_end();
}
