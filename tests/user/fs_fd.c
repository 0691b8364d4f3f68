/* File descriptors: close and close_range, dup/dup2/dup3, fcntl (F_DUPFD, F_DUPFD_CLOEXEC,
 * F_GETFD/F_SETFD, F_GETFL/F_SETFL with O_NONBLOCK and O_APPEND), the offset shared through
 * dup and fork, EMFILE under a lowered RLIMIT_NOFILE, O_CLOEXEC/FD_CLOEXEC across exec (the
 * program execs itself), and stdio reading stdin and writing stdout redirected to files. */
#include "fs.h"
#include <sys/resource.h>

static const char *self;

static void test_close(void)
{
	int fd = open("f", O_RDONLY);
	VAL("close", close(fd), 0);
	ERR("close-twice-ebadf", close(fd), EBADF);
	ERR("close-negative-ebadf", close(-1), EBADF);

	int fds[4];
	for (int i = 0; i < 4; i++)
		fds[i] = open("f", O_RDONLY);
	bool ok = syscall(SYS_close_range, fds[1], fds[2], 0) == 0 &&
		  fcntl(fds[1], F_GETFD) == -1 && fcntl(fds[2], F_GETFD) == -1 &&
		  fcntl(fds[0], F_GETFD) == 0 && fcntl(fds[3], F_GETFD) == 0;
	CHECK("close-range", ok);
	ok = syscall(SYS_close_range, fds[3], ~0u, 4 /* CLOSE_RANGE_CLOEXEC */) == 0 &&
	     fcntl(fds[3], F_GETFD) == FD_CLOEXEC && fcntl(fds[0], F_GETFD) == 0;
	CHECK("close-range-cloexec", ok);
	ERR("close-range-first-gt-last-einval", syscall(SYS_close_range, 10, 5, 0), EINVAL);
	ERR("close-range-bad-flags-einval", syscall(SYS_close_range, fds[0], fds[0], 0x80), EINVAL);
	close(fds[0]);
	close(fds[3]);
}

static void test_shared_offset(void)
{
	put_file("so", 0644, "abcdefghij");
	int fd = open("so", O_RDONLY);
	int fd2 = dup(fd);
	char c[4] = { 0 };
	bool ok = read(fd, c, 2) == 2 && read(fd2, c, 2) == 2 && !memcmp(c, "cd", 2) &&
		  lseek(fd, 0, SEEK_CUR) == 4;
	CHECK("offset-shared-after-dup", ok);
	int other = open("so", O_RDONLY);
	ok = read(other, c, 1) == 1 && c[0] == 'a' && lseek(fd, 0, SEEK_CUR) == 4;
	CHECK("offset-separate-after-open", ok);
	close(other);
	pid_t pid = fork();
	if (pid == 0)
		_exit(read(fd, c, 3) == 3 && !memcmp(c, "efg", 3) ? 0 : 1);
	ok = child_ok(pid) && lseek(fd2, 0, SEEK_CUR) == 7 && read(fd, c, 1) == 1 && c[0] == 'h';
	CHECK("offset-shared-after-fork", ok);
	close(fd);
	close(fd2);
}

static void test_dup(void)
{
	put_file("f", 0644, "hello");
	int fd = open("f", O_RDONLY);
	close(20);
	int low = dup(fd);
	test_result("dup-lowest-free", low > fd && fcntl(low, F_GETFD) == 0, "dup gave %d", low);
	VAL("dup2-to-chosen", dup2(fd, 20), 20);
	VAL("dup2-same-fd", dup2(fd, fd), fd);
	ERR("dup2-bad-old-ebadf", dup2(99, 21), EBADF);
	ERR("dup-bad-ebadf", dup(99), EBADF);
	VAL("dup3-cloexec", dup3(fd, 21, O_CLOEXEC) == 21 && fcntl(21, F_GETFD) == FD_CLOEXEC, 1);
	ERR("dup3-same-fd-einval", syscall(SYS_dup3, fd, fd, 0), EINVAL);
	ERR("dup3-bad-flags-einval", syscall(SYS_dup3, fd, 22, 0x4), EINVAL);
	VAL("dup2-clears-cloexec", dup2(fd, 21) == 21 && fcntl(21, F_GETFD) == 0, 1);
	char c;
	bool ok = dup2(fd, 20) == 20 && close(fd) == 0 && read(20, &c, 1) == 1 && c == 'h';
	CHECK("dup-survives-close-of-original", ok);
	close(20);
	close(21);
	close(low);
}

static void test_fcntl(void)
{
	int fd = open("f", O_RDWR);
	int d = fcntl(fd, F_DUPFD, 30);
	test_result("fcntl-dupfd-min", d >= 30 && fcntl(d, F_GETFD) == 0, "got %d", d);
	int d2 = fcntl(fd, F_DUPFD, 30);
	test_result("fcntl-dupfd-next-free", d2 > d, "got %d after %d", d2, d);
	int dc = fcntl(fd, F_DUPFD_CLOEXEC, 40);
	test_result("fcntl-dupfd-cloexec", dc >= 40 && fcntl(dc, F_GETFD) == FD_CLOEXEC,
		    "got %d", dc);
	bool ok = fcntl(d, F_SETFD, FD_CLOEXEC) == 0 && fcntl(d, F_GETFD) == FD_CLOEXEC &&
		  fcntl(fd, F_GETFD) == 0 && fcntl(d, F_SETFD, 0) == 0 && fcntl(d, F_GETFD) == 0;
	CHECK("fcntl-setfd-per-descriptor", ok);
	int fl = fcntl(fd, F_GETFL);
	test_result("fcntl-getfl-rdwr", fl >= 0 && (fl & O_ACCMODE) == O_RDWR &&
		    !(fl & (O_APPEND | O_NONBLOCK)), "flags %#x", fl);
	ok = fcntl(fd, F_SETFL, O_NONBLOCK | O_APPEND) == 0;
	fl = fcntl(d2, F_GETFL);
	test_result("fcntl-setfl-shared-by-dup", ok && (fl & O_NONBLOCK) && (fl & O_APPEND) &&
		    (fl & O_ACCMODE) == O_RDWR, "flags %#x", fl);
	struct stat st;
	ok = write(fd, "!", 1) == 1 && fstat(fd, &st) == 0 && st.st_size == 6;
	char buf[8] = { 0 };
	ok = ok && pread(fd, buf, 8, 0) == 6 && !memcmp(buf, "hello!", 6);
	CHECK("fcntl-setfl-append-takes-effect", ok);
	ok = fcntl(fd, F_SETFL, O_RDONLY) == 0 && (fcntl(fd, F_GETFL) & O_ACCMODE) == O_RDWR &&
	     !(fcntl(fd, F_GETFL) & (O_APPEND | O_NONBLOCK));
	CHECK("fcntl-setfl-keeps-access-mode", ok);
	ERR("fcntl-bad-cmd-einval", fcntl(fd, 12345), EINVAL);
	ERR("fcntl-closed-ebadf", fcntl(99, F_GETFD), EBADF);
	ERR("fcntl-dupfd-negative-einval", fcntl(fd, F_DUPFD, -1), EINVAL);
	close(d);
	close(d2);
	close(dc);
	close(fd);
}

/* In a child with RLIMIT_NOFILE 10 (fds 0-2 open): fds 3-9 can be opened, then EMFILE. */
static bool emfile_step(const char *what, long r, long want_r, int want_errno)
{
	if (r == want_r && (want_r != -1 || errno == want_errno))
		return true;
	printf("FAIL: user/fs_fd/emfile-rlimit-nofile: %s: got %ld errno %d, want %ld errno %d\n",
	       what, r, r == -1 ? errno : 0, want_r, want_r == -1 ? want_errno : 0);
	return false;
}

static void test_emfile(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		struct rlimit rl = { 10, 10 };
		for (int i = 3; i < 64; i++)
			close(i);
		if (!emfile_step("setrlimit", setrlimit(RLIMIT_NOFILE, &rl), 0, 0))
			_exit(1);
		long last = -1;
		for (int i = 0; i < 7; i++)
			last = open("f", O_RDONLY);
		bool ok = emfile_step("7th open", last, 9, 0) &&
			  emfile_step("open when full", open("f", O_RDONLY), -1, EMFILE) &&
			  emfile_step("dup when full", dup(0), -1, EMFILE) &&
			  emfile_step("F_DUPFD when full", fcntl(0, F_DUPFD, 0), -1, EMFILE) &&
			  emfile_step("dup2 to fd 10", dup2(0, 10), -1, EBADF) &&
			  emfile_step("F_DUPFD from 10", fcntl(0, F_DUPFD, 10), -1, EINVAL) &&
			  emfile_step("close 5", close(5), 0, 0) &&
			  emfile_step("open reuses 5", open("f", O_RDONLY), 5, 0);
		_exit(ok ? 0 : 1);
	}
	int st = 0;
	if (waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0)
		test_result("emfile-rlimit-nofile", true, "");
	else
		test_failed++; /* the child printed the FAIL line */
}

/* The exec'd image: argv = self, "cloexec-child", <closed fds...>, "--", <open fds...>.
 * Open ones must read the next byte at the shared offset ('l' at 2). */
static int cloexec_child(int argc, char **argv)
{
	int i = 2;
	for (; i < argc && strcmp(argv[i], "--"); i++)
		if (fcntl(atoi(argv[i]), F_GETFD) != -1 || errno != EBADF)
			return 1;
	for (i++; i < argc; i++) {
		int fd = atoi(argv[i]);
		char c;
		if (fcntl(fd, F_GETFD) != 0 || read(fd, &c, 1) != 1 || c != 'l')
			return 2;
		lseek(fd, -1, SEEK_CUR);
	}
	return 0;
}

static void test_cloexec_exec(void)
{
	int plain = open("f", O_RDONLY);
	int oc = open("f", O_RDONLY | O_CLOEXEC);
	int setfd = open("f", O_RDONLY);
	fcntl(setfd, F_SETFD, FD_CLOEXEC);
	int dupc = fcntl(plain, F_DUPFD_CLOEXEC, 0);
	int dupplain = dup(oc);
	lseek(plain, 2, SEEK_SET);
	lseek(dupplain, 2, SEEK_SET);
	char a[5][12];
	snprintf(a[0], 12, "%d", oc);
	snprintf(a[1], 12, "%d", setfd);
	snprintf(a[2], 12, "%d", dupc);
	snprintf(a[3], 12, "%d", plain);
	snprintf(a[4], 12, "%d", dupplain);
	pid_t pid = fork();
	if (pid == 0) {
		char *argv[] = { (char *)self, "cloexec-child", a[0], a[1], a[2], "--", a[3], a[4],
				 NULL };
		execv(self, argv);
		_exit(3);
	}
	int st = 0;
	waitpid(pid, &st, 0);
	test_result("o-cloexec-across-exec", WIFEXITED(st) && WEXITSTATUS(st) == 0,
		    "child status %#x (1: a close-on-exec fd survived, 2: a plain fd was lost, "
		    "3: exec failed)", st);
	close(plain);
	close(oc);
	close(setfd);
	close(dupc);
	close(dupplain);
}

/* stdio through fds 0 and 1 redirected to files, in a child. */
static void test_stdio(void)
{
	put_file("in.txt", 0644, "41 line two\n");
	pid_t pid = fork();
	if (pid == 0) {
		int in = open("in.txt", O_RDONLY);
		int out = open("out.txt", O_WRONLY | O_CREAT | O_TRUNC, 0644);
		if (dup2(in, 0) < 0 || dup2(out, 1) < 0)
			_exit(1);
		setvbuf(stdout, NULL, _IOFBF, 4096);
		int n;
		char word[16];
		if (scanf("%d %15s", &n, word) != 2)
			_exit(2);
		printf("%d %s\n", n + 1, word);
		fflush(stdout);
		_exit(0);
	}
	char buf[64];
	bool ok = child_ok(pid) && get_file("out.txt", buf, sizeof(buf)) > 0 &&
		  !strcmp(buf, "42 line\n");
	CHECK("stdin-stdout-redirected", ok);
	ok = write(1, "", 0) == 0 && fcntl(0, F_GETFD) >= 0 && fcntl(2, F_GETFD) >= 0;
	CHECK("fds-0-1-2-open", ok);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "cloexec-child"))
		return cloexec_child(argc, argv);
	self = argv[0];
	scratch_setup("fs_fd");
	test_dup();
	test_fcntl();
	test_close();
	test_shared_offset();
	test_emfile();
	test_cloexec_exec();
	test_stdio();
	scratch_cleanup();
	test_end();
}
