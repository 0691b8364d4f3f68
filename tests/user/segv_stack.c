/* Unbounded recursion must end in SIGSEGV at the stack guard (the stack grows to its limit,
 * then the guard gap stops it), seen by the parent through wait4 as death by SIGSEGV; the
 * kernel stays alive for the next child. */
#include "test.h"
#include <signal.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* Opaque to the compiler's infinite-recursion check: the point is to overflow the stack. */
static volatile int keep_going = 1;

static int recurse(int n)
{
	volatile char pad[1024];
	pad[n % sizeof(pad)] = (char)n;
	if (!keep_going)
		return pad[0];
	return recurse(n + 1) + pad[0];
}

static int run_child(void)
{
	pid_t pid = fork();
	if (pid == 0) {
		recurse(0);
		_exit(0);
	}
	int st = 0;
	struct rusage ru;
	if (wait4(pid, &st, 0, &ru) != pid)
		return -1;
	return st;
}

int main(void)
{
	test_begin("segv_stack");
	int st = run_child();
	test_result("recursion-dies-of-sigsegv", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		    "status %#x", st);
	st = run_child();
	test_result("again-kernel-alive", WIFSIGNALED(st) && WTERMSIG(st) == SIGSEGV,
		    "status %#x", st);
	test_end();
}
