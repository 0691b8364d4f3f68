/* Waiting, from a test, for another process to be asleep in a given system call: reads
 * /proc/<pid>/syscall (Linux's format: the number first, "running" while it runs) until it
 * names one of the calls, with a deadline instead of a fixed sleep. */
#ifndef TESTS_USER_PROC_WAIT_H
#define TESTS_USER_PROC_WAIT_H

#include <fcntl.h>
#include <sched.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>
#include <unistd.h>

/* The system-call number a /proc "syscall" file shows: -1 outside one, -2 running, -3
 * unreadable (gone, or no such file). */
static inline long proc_syscall_at(const char *path)
{
	char text[256];
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return -3;
	ssize_t n = read(fd, text, sizeof(text) - 1);
	close(fd);
	if (n <= 0)
		return -3;
	text[n] = 0;
	if (text[0] == 'r')
		return -2;
	return strtol(text, NULL, 10);
}

/* The system-call number pid (its main thread) sleeps in, as proc_syscall_at. */
static inline long proc_syscall_of(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/syscall", (int)pid);
	return proc_syscall_at(path);
}

/* The same for thread tid of process pid (/proc/<pid>/task/<tid>/syscall). */
static inline long proc_thread_syscall_of(pid_t pid, pid_t tid)
{
	char path[96];
	snprintf(path, sizeof(path), "/proc/%d/task/%d/syscall", (int)pid, (int)tid);
	return proc_syscall_at(path);
}

/* True once pid sleeps in system call a or b (pass the same twice for one), false after
 * timeout_s seconds. */
static inline bool proc_wait_in_syscall(pid_t pid, long a, long b, int timeout_s)
{
	struct timespec start, now;
	clock_gettime(CLOCK_MONOTONIC, &start);
	for (;;) {
		long nr = proc_syscall_of(pid);
		if (nr == a || nr == b)
			return true;
		clock_gettime(CLOCK_MONOTONIC, &now);
		if (nr == -3 || now.tv_sec - start.tv_sec >= timeout_s)
			return false;
		sched_yield();
	}
}

#endif
