/* fork gives the child a copy-on-write copy: writes by either side are never seen by the other
 * (data, bss, heap, stack), and a thousand fork/exit/wait rounds give the memory back. */
#include "test.h"
#include <sys/sysinfo.h>
#include <sys/wait.h>

static int data_var = 1;
static int bss_var;

static bool child_ok(pid_t pid)
{
	int st;
	return pid > 0 && waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static unsigned long free_ram(void)
{
	struct sysinfo si;
	if (sysinfo(&si) < 0)
		return 0;
	return si.freeram * si.mem_unit;
}

int main(void)
{
	test_begin("fork_cow");
	int stack_var = 5;
	int *heap = malloc(64 * 1024);
	heap[0] = 7;
	heap[16383] = 8;

	/* The child writes; the parent must still see its own values. */
	pid_t pid = fork();
	if (pid == 0) {
		data_var = 100;
		bss_var = 200;
		stack_var = 300;
		heap[0] = 400;
		heap[16383] = 500;
		_exit(data_var == 100 && bss_var == 200 && stack_var == 300 && heap[0] == 400 ? 0 : 1);
	}
	bool child_saw_own = child_ok(pid);
	CHECK("child-writes-own", child_saw_own);
	CHECK("parent-unchanged", data_var == 1 && bss_var == 0 && stack_var == 5 && heap[0] == 7 &&
					  heap[16383] == 8);

	/* The parent writes after the fork; the child must see the values from before it. */
	volatile int *flag = &data_var;
	pid = fork();
	if (pid == 0) {
		usleep(100 * 1000); /* let the parent write first */
		_exit(*flag == 1 && bss_var == 0 && heap[0] == 7 ? 0 : 1);
	}
	data_var = 2;
	bss_var = 3;
	heap[0] = 9;
	CHECK("child-unaffected", child_ok(pid));

	CHECK("fork-returns-pid", pid > 0 && pid != getpid());

	/* A thousand forks, each child exiting at once and reaped. */
	unsigned long before = free_ram();
	int ok = 0;
	for (int i = 0; i < 1000; i++) {
		pid_t p = fork();
		if (p == 0)
			_exit(i & 0x7f);
		int st;
		if (p > 0 && waitpid(p, &st, 0) == p && WIFEXITED(st) && WEXITSTATUS(st) == (i & 0x7f))
			ok++;
	}
	unsigned long after = free_ram();
	test_result("fork-1000", ok == 1000, "%d of 1000 rounds right", ok);
	test_result("fork-1000-memory", before && after + (1UL << 20) >= before,
		    "free RAM %lu KiB before, %lu KiB after", before >> 10, after >> 10);
	test_end();
}
