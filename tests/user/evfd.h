/* Helpers shared by the event-descriptor tests (eventfd.c, epoll.c, timerfd.c, signalfd.c):
 * waiting until a process or thread sleeps, and running a blocking call in a child that a
 * signal then ends. Linux's behaviour is the reference: they run on the host too. */
#ifndef TESTS_USER_EVFD_H
#define TESTS_USER_EVFD_H

#define _GNU_SOURCE
#include "test.h"
#include <signal.h>
#include <stdint.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>

#define EVFD_BOUND_MS 5000 /* how long an expected event may take before a case fails */
#define EVFD_CHILD_OK 100 /* a child's exit status when its call succeeded */

static long evfd_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

static void evfd_pause_ms(long ms)
{
	struct timespec ts = { ms / 1000, (ms % 1000) * 1000000 };
	nanosleep(&ts, NULL);
}

/* The state letter of /proc/<pid>/task/<tid>/stat, or 0. */
static char evfd_state(pid_t pid, pid_t tid)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/stat", pid, tid);
	FILE *f = fopen(path, "r");
	if (!f)
		return 0;
	size_t n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = 0;
	char *p = strrchr(buf, ')');
	return p && p[1] == ' ' ? p[2] : 0;
}

/* Wait until the thread sleeps (state S): true, or false after EVFD_BOUND_MS. */
static bool evfd_wait_sleeping(pid_t pid, pid_t tid)
{
	long end = evfd_now_ms() + EVFD_BOUND_MS;
	while (evfd_now_ms() < end) {
		if (evfd_state(pid, tid) == 'S')
			return true;
		evfd_pause_ms(2);
	}
	return false;
}

/* waitpid with a bound: the status, or -1 (the child is then killed and reaped). */
static int evfd_reap(pid_t pid)
{
	long end = evfd_now_ms() + EVFD_BOUND_MS;
	int status;
	while (evfd_now_ms() < end) {
		pid_t r = waitpid(pid, &status, WNOHANG);
		if (r == pid)
			return status;
		if (r < 0)
			return -1;
		evfd_pause_ms(2);
	}
	kill(pid, SIGKILL);
	waitpid(pid, &status, 0);
	return -1;
}

static void evfd_on_sig(int sig)
{
	(void)sig;
}

static void evfd_catch(int sig, int flags)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = evfd_on_sig;
	sa.sa_flags = flags;
	sigaction(sig, &sa, NULL);
}

/* Run call(arg) in a child with SIGUSR1 caught (no SA_RESTART); once it sleeps, send sig.
 * The child's wait status: exit EINTR-like errno when the call failed, EVFD_CHILD_OK when it
 * succeeded; -1 when it never slept or never ended. */
static int evfd_interrupt(long (*call)(void *), void *arg, int sig)
{
	pid_t pid = fork();
	if (pid == 0) {
		evfd_catch(SIGUSR1, 0);
		long r = call(arg);
		_exit(r < 0 ? errno : EVFD_CHILD_OK);
	}
	if (pid < 0)
		return -1;
	if (!evfd_wait_sleeping(pid, pid)) {
		kill(pid, SIGKILL);
		evfd_reap(pid);
		return -1;
	}
	kill(pid, sig);
	return evfd_reap(pid);
}

static bool evfd_exited_with(int status, int code)
{
	return status != -1 && WIFEXITED(status) && WEXITSTATUS(status) == code;
}

static bool evfd_killed_by(int status, int sig)
{
	return status != -1 && WIFSIGNALED(status) && WTERMSIG(status) == sig;
}

/* Does /proc/self/fdinfo/<fd> contain text (Linux's per-type lines)? */
static inline bool fdinfo_has(int fd, const char *text)
{
	char path[64], buf[512];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	test_read_text(path, buf, sizeof(buf));
	return strstr(buf, text) != NULL;
}

#endif
