/* Helpers shared by the System V IPC tests (sysv_shm.c, sysv_sem.c, sysv_msg.c): a key of our
 * own for each test, running a function as an unprivileged child, waiting for a child. */
#ifndef TESTS_USER_SYSV_H
#define TESTS_USER_SYSV_H

#define _GNU_SOURCE
#include "test.h"
#include <sched.h>
#include <signal.h>
#include <sys/ipc.h>
#include <sys/shm.h>
#include <sys/wait.h>
#include <time.h>

#define SYSV_NOBODY 65534

/* A key no other test (or other run on the same host) uses: the pid and a counter. */
static key_t sysv_key(void)
{
	static int n;
	return (key_t)(0x5a000000 | ((getpid() & 0xffff) << 8) | (++n & 0xff));
}

/* The exit status of child pid (or -1 when it did not exit normally, -2 on a signal n: -100-n). */
static int sysv_wait(pid_t pid)
{
	int st;
	if (waitpid(pid, &st, 0) != pid)
		return -1;
	if (WIFSIGNALED(st))
		return -100 - WTERMSIG(st);
	return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
}

/* Run fn(arg) in a child with euid/uid nobody; its return value (0..255) is the result. */
static int sysv_as_nobody(int (*fn)(long arg), long arg)
{
	pid_t pid = fork();
	if (pid == 0) {
		if (setgid(SYSV_NOBODY) || setuid(SYSV_NOBODY))
			_exit(254);
		_exit(fn(arg) & 0xff);
	}
	return pid < 0 ? -1 : sysv_wait(pid);
}

/* errno of a failed call as a small positive exit code (0 when it succeeded). */
static int sysv_errno(long r)
{
	return r < 0 ? errno : 0;
}

static long sysv_now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000 + ts.tv_nsec / 1000000;
}

/* The first n numbers (key, id, perms in octal, then decimal) of id's line in
 * /proc/sysvipc/<kind>; false when there is none, or the header is not Linux's. */
static bool sysv_proc_line(const char *kind, int id, unsigned long *v, int n)
{
	char path[64], line[512];
	snprintf(path, sizeof(path), "/proc/sysvipc/%s", kind);
	FILE *f = fopen(path, "r");
	bool found = false;
	if (!f)
		return false;
	if (!fgets(line, sizeof(line), f) || strncmp(line, "       key      ", 16) != 0)
		n = 0;
	while (n && !found && fgets(line, sizeof(line), f)) {
		char *p = line, *end;
		for (int i = 0; i < n; i++, p = end)
			v[i] = strtoul(p, &end, i == 2 ? 8 : 10);
		found = (int)v[1] == id;
	}
	fclose(f);
	return found;
}

/* A segment's IPC_STAT (shm_nattch is -errno when the call failed). */
static struct shmid_ds st_of(int id)
{
	struct shmid_ds ds;
	memset(&ds, 0xff, sizeof(ds));
	if (shmctl(id, IPC_STAT, &ds) < 0)
		ds.shm_nattch = (shmatt_t)-errno;
	return ds;
}

#endif
