/* Regression test of bug exit_preempted_after_zombie: the last thread of an exiting process
 * re-enabled interrupts between announcing the zombie to its parent and switching away for
 * good. A timer tick in that window let the parent reap and free the process, and switching
 * back to the dying thread read the freed process's address space: a kernel page fault. The
 * window is a few instructions wide, but a tick that arrives while the exit holds the tree lock
 * (interrupts off) fires in it: so the dying children here spin first (the parent, asleep in
 * waitpid, then runs before them once woken) and have many zombie children of their own to hand
 * to init under that lock, single-threaded and with threads exiting together (exit_group). It
 * exercises the path but could not be made to hit the window: the evidence for the fix is the
 * shell suite run 12 times over (tty_jobs, shell), which hit it in about one run in five before
 * and in none of ten after. */
#include "test.h"
#include <pthread.h>
#include <sys/wait.h>

#define ROUNDS 1000
#define THREADED_ROUNDS 200
#define ZOMBIE_ROUNDS 40
#define ZOMBIES 150

static void spin(unsigned n)
{
	for (volatile unsigned i = 0; i < n; i++)
		;
}

static void *spin_forever(void *arg)
{
	(void)arg;
	for (;;)
		spin(1000);
	return NULL;
}

/* Fork a child that makes `zombies` children that exit at once (left unreaped, for init),
 * spins `n` iterations (with `threads` extra threads spinning too), then exits with status 7;
 * reap it. Did it exit 7? */
static bool exit_and_reap(unsigned n, int threads, int zombies)
{
	pid_t pid = fork();
	if (pid == 0) {
		for (int i = 0; i < zombies; i++)
			if (fork() == 0)
				_exit(0);
		for (int i = 0; i < threads; i++) {
			pthread_t t;
			pthread_create(&t, NULL, spin_forever, NULL);
		}
		spin(n);
		_exit(7);
	}
	int status;
	return pid > 0 && waitpid(pid, &status, 0) == pid && WIFEXITED(status) &&
	       WEXITSTATUS(status) == 7;
}

int main(void)
{
	test_begin("exit_preempted_after_zombie");
	bool ok = true;
	for (unsigned i = 0; i < ROUNDS && ok; i++)
		ok = exit_and_reap((i * 7919u) % 20000u, 0, 0);
	CHECK("single_thread_exits", ok);
	for (unsigned i = 0; i < THREADED_ROUNDS && ok; i++)
		ok = exit_and_reap((i * 7919u) % 20000u, 3, 0);
	CHECK("threaded_exits", ok);
	for (unsigned i = 0; i < ZOMBIE_ROUNDS && ok; i++)
		ok = exit_and_reap(200000, 0, ZOMBIES);
	CHECK("exits_handing_zombies_to_init", ok);
	test_end();
}
