/* Resource limits: defaults, the soft <= hard rule, raising a hard limit only as root, prlimit64,
 * and a fork bomb that RLIMIT_NPROC stops (the kernel stays alive). */
#define _GNU_SOURCE
#include "test.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/times.h>
#include <sys/wait.h>

/* Runs as uid 1000 with RLIMIT_NPROC 10: forks until refused. Children wait until their parent
 * is gone (they are then init's), then exit. Returns how many forks succeeded, or 100+errno. */
static int bomb(void)
{
	struct rlimit rl = { 10, 10 };
	if (setrlimit(RLIMIT_NPROC, &rl) < 0 || setuid(1000) < 0)
		return 99;
	pid_t me = getpid();
	for (int n = 0; n < 1000; n++) {
		pid_t p = fork();
		if (p == 0) {
			while (getppid() == me)
				usleep(20 * 1000);
			_exit(0);
		}
		if (p < 0)
			return errno == EAGAIN ? n : 100 + errno;
	}
	return 98;
}

int main(void)
{
	test_begin("rlimit");
	struct rlimit rl;
	CHECK("stack-default", getrlimit(RLIMIT_STACK, &rl) == 0 && rl.rlim_cur == 8 << 20);
	CHECK("lower-soft", getrlimit(RLIMIT_NOFILE, &rl) == 0 &&
				    setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 100, rl.rlim_max }) == 0 &&
				    getrlimit(RLIMIT_NOFILE, &rl) == 0 && rl.rlim_cur == 100);
	errno = 0;
	CHECK("soft-above-hard", setrlimit(RLIMIT_NOFILE, &(struct rlimit){ 200, 100 }) == -1 &&
					 errno == EINVAL);
	errno = 0;
	CHECK("bad-resource", getrlimit(99, &rl) == -1 && errno == EINVAL);
	struct rlimit old;
	CHECK("prlimit-self", prlimit(0, RLIMIT_CORE, &(struct rlimit){ 0, 0 }, &old) == 0 &&
				      getrlimit(RLIMIT_CORE, &rl) == 0 && rl.rlim_max == 0);

	pid_t pid = fork();
	if (pid == 0) {
		setuid(1000);
		struct rlimit r;
		getrlimit(RLIMIT_STACK, &r);
		r.rlim_max = RLIM_INFINITY;
		r.rlim_cur = 1 << 20;
		setrlimit(RLIMIT_STACK, &(struct rlimit){ 1 << 20, 16 << 20 }); /* lower hard */
		errno = 0;
		_exit(setrlimit(RLIMIT_STACK, &r) == -1 && errno == EPERM ? 0 : 1);
	}
	int st;
	CHECK("raise-hard-eperm", waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0);

	pid = fork();
	if (pid == 0)
		_exit(bomb());
	CHECK("fork-bomb-stopped", waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
					   WEXITSTATUS(st) >= 8 && WEXITSTATUS(st) <= 10);
	/* The kernel is alive and forks again once the bomb's children are gone. */
	usleep(200 * 1000);
	pid = fork();
	if (pid == 0)
		_exit(0);
	CHECK("alive-after-bomb", pid > 0 && waitpid(pid, &st, 0) == pid);

	struct tms t;
	CHECK("times", times(&t) != (clock_t)-1);
	struct rusage ru;
	CHECK("getrusage", getrusage(RUSAGE_SELF, &ru) == 0 && getrusage(RUSAGE_CHILDREN, &ru) == 0);
	test_end();
}
