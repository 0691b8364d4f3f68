/* Bug rlimit_cpu_ignored: RLIMIT_CPU was not enforced. A process spinning with a soft limit of
 * 1 s and a hard one of 2 s gets SIGXCPU (caught here) and then dies of SIGKILL. */
#include "test.h"
#include <signal.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/wait.h>

static volatile int *got; /* shared with the parent: the signal the child caught */

static void on_xcpu(int sig)
{
	*got = sig;
}

int main(void)
{
	test_begin("rlimit_cpu_ignored");
	got = mmap(NULL, 4096, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (got == MAP_FAILED)
		return 1;
	pid_t pid = fork();
	if (pid == 0) {
		signal(SIGXCPU, on_xcpu);
		if (setrlimit(RLIMIT_CPU, &(struct rlimit){ 1, 2 }) < 0)
			_exit(1);
		alarm(30); /* a kernel that never enforces it must not hang the test */
		for (;;)
			;
	}
	int st = -1;
	bool waited = waitpid(pid, &st, 0) == pid;
	test_result("sigxcpu-then-sigkill",
		    waited && WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL && *got == SIGXCPU,
		    "status %#x, caught %d", st, *got);
	test_end();
}
