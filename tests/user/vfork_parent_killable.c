/* Regression (found by reading): a vfork parent waited uninterruptibly for its child to exec or
 * exit, so a child that did neither made the parent immune to SIGKILL. Linux's wait is
 * killable: a fatal signal (SIGKILL, or one left at a terminating default like SIGTERM) ends it,
 * and the kernel detaches the dying parent from the child, which lives on unharmed; any other
 * signal waits until the child lets the parent go. Each case: P vforks C, C blocks reading a
 * pipe; we see P asleep in vfork and C in read, signal P, then let C finish through the pipe. */
#define _GNU_SOURCE
#include "test.h"
#include "proc_wait.h"
#include <poll.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define TIMEOUT_S 10

struct fds {
	int pid[2]; /* C -> us: its pid */
	int hold[2]; /* C reads until we close the write end */
	int report[2]; /* C -> us: 'k' once it has read EOF */
	int sig[2]; /* P's SIGUSR1 handler -> us */
};

static volatile sig_atomic_t child_released; /* set by C (sharing P's memory) as it exits */
static volatile sig_atomic_t released_at_handler = -1;
static int handler_fd = -1;

static void on_usr1(int sig)
{
	(void)sig;
	released_at_handler = child_released;
	write(handler_fd, "u", 1);
}

static void on_alarm(int sig)
{
	(void)sig; /* only interrupts waitpid */
}

/* C, on P's stack and memory: raw system calls only, and never a return. */
static void vfork_child(const struct fds *f)
{
	long self = syscall(SYS_getpid);
	char c;
	syscall(SYS_write, f->pid[1], &self, sizeof(self));
	if (syscall(SYS_read, f->hold[0], &c, 1) == 0)
		syscall(SYS_write, f->report[1], "k", 1);
	child_released = 1;
	syscall(SYS_exit, 0);
}

/* P: exits 0 if its vfork returned after C exited and SIGUSR1's handler ran after that. */
static void vfork_parent(const struct fds *f)
{
	handler_fd = f->sig[1];
	struct sigaction sa = { .sa_handler = on_usr1 };
	sigaction(SIGUSR1, &sa, NULL);
	close(f->hold[1]); /* C's EOF must depend on us (the test) alone */
	pid_t c = vfork();
	if (c == 0)
		vfork_child(f);
	if (c < 0)
		_exit(1);
	_exit(child_released && released_at_handler == 1 ? 0 : 2);
}

/* Wait for P with a deadline; false (and P freed by killing C) when it does not end. */
static bool wait_parent(pid_t p, pid_t c, int *st)
{
	alarm(TIMEOUT_S);
	pid_t w = waitpid(p, st, 0);
	alarm(0);
	if (w == p)
		return true;
	kill(c, SIGKILL); /* the bug: P only leaves vfork with its child gone */
	waitpid(p, st, 0);
	return false;
}

/* Signal P asleep in vfork with sig: a fatal one must end it at once and leave C alive and
 * fine; SIGUSR1 must not end the wait (its handler runs once C has exited), nor SIGQUIT, whose
 * default dumps core (Linux ends a killable wait only for SIGKILL and the non-core fatal
 * signals): P dies of it once C has exited. */
static void vfork_case(const char *name, int sig)
{
	struct fds f;
	if (pipe(f.pid) || pipe(f.hold) || pipe(f.report) || pipe(f.sig)) {
		test_result(name, false, "pipe: %s", strerror(errno));
		return;
	}
	pid_t p = fork();
	if (p == 0)
		vfork_parent(&f);
	close(f.pid[1]);
	close(f.report[1]);
	close(f.sig[1]);
	long c = 0;
	bool asleep = read(f.pid[0], &c, sizeof(c)) == sizeof(c) &&
		      proc_wait_in_syscall(p, SYS_vfork, SYS_clone, TIMEOUT_S) &&
		      proc_wait_in_syscall(c, SYS_read, SYS_read, TIMEOUT_S);
	kill(p, sig);
	bool fatal = sig == SIGKILL || sig == SIGTERM, early = false, ended = false, alive = true;
	int st = 0;
	if (fatal) {
		ended = wait_parent(p, c, &st) && WIFSIGNALED(st) && WTERMSIG(st) == sig;
		alive = kill(c, 0) == 0 && proc_syscall_of(c) == SYS_read;
	} else {
		/* A wrong early return would run the handler (or end P) now: give it a bounded
		 * chance. */
		struct pollfd pf = { .fd = f.sig[0], .events = POLLIN };
		early = poll(&pf, 1, 300) != 0 || proc_syscall_of(p) != SYS_vfork;
	}
	close(f.hold[1]); /* C reads EOF, reports and exits */
	char r = 0;
	bool fine = read(f.report[0], &r, 1) == 1 && r == 'k';
	if (sig == SIGUSR1)
		ended = wait_parent(p, c, &st) && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	else if (!fatal)
		ended = wait_parent(p, c, &st) && WIFSIGNALED(st) && WTERMSIG(st) == sig;
	test_result(name, asleep && ended && alive && fine && !early,
		    "asleep %d ended %d (status %#x) child alive %d fine %d early %d", asleep, ended,
		    st, alive, fine, early);
	close(f.pid[0]);
	close(f.hold[0]);
	close(f.report[0]);
	close(f.sig[0]);
}

int main(void)
{
	test_begin("vfork_parent_killable");
	struct sigaction sa = { .sa_handler = on_alarm };
	sigaction(SIGALRM, &sa, NULL);
	vfork_case("sigkill_ends_vfork_wait", SIGKILL);
	vfork_case("default_sigterm_ends_vfork_wait", SIGTERM);
	vfork_case("handled_signal_waits_for_child", SIGUSR1);
	vfork_case("core_signal_waits_for_child", SIGQUIT);
	/* The children above outlived their parents; the kernel must still fork and reap. */
	pid_t k = fork();
	if (k == 0)
		_exit(5);
	int st = 0;
	CHECK("fork_after", waitpid(k, &st, 0) == k && WIFEXITED(st) && WEXITSTATUS(st) == 5);
	test_end();
}
