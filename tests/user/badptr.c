/* Every pointer-taking process call given a kernel address and an unmapped address: each
 * fails with EFAULT and nothing happens (a wait4 with a bad status pointer reaps nothing). */
#include "test.h"
#include <sys/syscall.h>
#include <sys/wait.h>

static bool efault(long r)
{
	return r == -1 && errno == EFAULT;
}

static void both(const char *name, long (*fn)(void *bad))
{
	char n[64];
	errno = 0;
	snprintf(n, sizeof(n), "%s-kernel", name);
	test_result(n, efault(fn(KERNEL_PTR)), "errno %d", errno);
	errno = 0;
	snprintf(n, sizeof(n), "%s-unmapped", name);
	test_result(n, efault(fn(UNMAPPED_PTR)), "errno %d", errno);
}

static long t_execve_path(void *p) { char *a[] = { "x", NULL }; return syscall(SYS_execve, p, a, NULL); }
static long t_execve_argv(void *p) { return syscall(SYS_execve, "/tests/badptr", p, NULL); }
static long t_execve_arg(void *p) { char *a[] = { "x", p, NULL }; return syscall(SYS_execve, "/tests/badptr", a, NULL); }
static long t_execve_envp(void *p) { char *a[] = { "x", NULL }; return syscall(SYS_execve, "/tests/badptr", a, p); }
static long t_getrlimit(void *p) { return syscall(SYS_getrlimit, RLIMIT_STACK, p); }
static long t_setrlimit(void *p) { return syscall(SYS_setrlimit, RLIMIT_STACK, p); }
static long t_prlimit_new(void *p) { return syscall(SYS_prlimit64, 0, RLIMIT_STACK, p, NULL); }
static long t_prlimit_old(void *p) { return syscall(SYS_prlimit64, 0, RLIMIT_STACK, NULL, p); }
static long t_getrusage(void *p) { return syscall(SYS_getrusage, 0, p); }
static long t_times(void *p) { return syscall(SYS_times, p); }
static long t_getresuid(void *p) { uid_t a, b; return syscall(SYS_getresuid, &a, &b, p); }
static long t_getresgid(void *p) { gid_t a, b; return syscall(SYS_getresgid, p, &a, &b); }
static long t_robust(void *p) { size_t len; (void)len; return syscall(SYS_get_robust_list, 0, p, &len); }

static pid_t zombie_child;
static long t_wait4_status(void *p) { return syscall(SYS_wait4, zombie_child, p, 0, NULL); }
static long t_wait4_rusage(void *p) { int st; return syscall(SYS_wait4, zombie_child, &st, 0, p); }
static long t_waitid_info(void *p) { return syscall(SYS_waitid, P_PID, zombie_child, p, WEXITED, NULL); }
static long t_waitid_rusage(void *p) { siginfo_t si; return syscall(SYS_waitid, P_PID, zombie_child, &si, WEXITED, p); }

int main(void)
{
	test_begin("badptr");
	both("execve-path", t_execve_path);
	both("execve-argv", t_execve_argv);
	both("execve-argv-elem", t_execve_arg);
	both("execve-envp", t_execve_envp);
	both("getrlimit", t_getrlimit);
	both("setrlimit", t_setrlimit);
	both("prlimit-new", t_prlimit_new);
	both("prlimit-old", t_prlimit_old);
	both("getrusage", t_getrusage);
	both("times", t_times);
	both("getresuid", t_getresuid);
	both("getresgid", t_getresgid);
	both("get-robust-list", t_robust);

	zombie_child = fork();
	if (zombie_child == 0)
		_exit(4);
	usleep(50 * 1000);
	both("wait4-status", t_wait4_status);
	both("wait4-rusage", t_wait4_rusage);
	both("waitid-infop", t_waitid_info);
	both("waitid-rusage", t_waitid_rusage);
	int st = 0;
	CHECK("child-not-lost", waitpid(zombie_child, &st, 0) == zombie_child && WEXITSTATUS(st) == 4);
	test_end();
}
