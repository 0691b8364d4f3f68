/* zbench tests of the Linux API families of issue 16: epoll_wait with one ready descriptor out
 * of 1 and of 1,000 registered, an eventfd round trip between two threads, uncontended flock
 * and F_SETLK lock/unlock pairs, a System V semaphore round trip between two processes, and a
 * pty round trip (master -> slave -> master). Every wait is bounded (poll, semtimedop), so a
 * broken kernel fails the test instead of hanging the run. */
#define _GNU_SOURCE
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <pthread.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/file.h>
#include <sys/ipc.h>
#include <sys/sem.h>
#include <sys/wait.h>
#include <termios.h>
#include <time.h>
#include <unistd.h>

#include "zbench.h"

#define WAIT_MS 5000 /* no progress for this long: the partner is lost */
#define MANY 1000

/* ---- epoll_wait ----------------------------------------------------------------------------- */

/* One epoll_wait per op, with n eventfds registered of which the first is ready (level
 * triggered, so it stays ready). */
static int epoll_n(struct run *r, long reps, int n)
{
	int ep = epoll_create1(0), *fds = calloc((size_t)n, sizeof(int)), v = V_OK;
	if (ep < 0 || !fds)
		return unsup(r, "epoll_create1");
	for (int i = 0; i < n && v == V_OK; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		fds[i] = eventfd(i == 0, 0);
		if (fds[i] < 0 || epoll_ctl(ep, EPOLL_CTL_ADD, fds[i], &ev) != 0)
			v = unsup(r, fds[i] < 0 ? "eventfd" : "epoll_ctl");
	}
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++) {
		struct epoll_event ev;
		int got = epoll_wait(ep, &ev, 1, 0);
		if (got < 0)
			v = OPFAIL(r, i, "epoll_wait");
		else if (got != 1 || ev.data.u32 != 0)
			v = fail(r, "epoll_wait gave %d events (first %u)", got, ev.data.u32);
	}
	r->ns = now_ns() - t0;
	for (int i = 0; i < n; i++)
		if (fds[i] > 0)
			close(fds[i]);
	free(fds);
	close(ep);
	return v;
}

int t_epoll_wait_1(struct run *r, long reps)
{
	return epoll_n(r, reps, 1);
}

int t_epoll_wait_1000(struct run *r, long reps)
{
	return epoll_n(r, reps, MANY);
}

/* ---- eventfd ping-pong ---------------------------------------------------------------------- */

/* Read 8 bytes from fd once it is readable (bounded): 0 or -1. */
static int read_within(int fd, void *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, WAIT_MS) != 1)
		return -1;
	return read(fd, buf, len) == (ssize_t)len ? 0 : -1;
}

struct evpair {
	int ping, pong;
	long reps;
};

static void *eventfd_partner(void *arg)
{
	struct evpair *e = arg;
	uint64_t one = 1, got;
	for (long i = 0; i < e->reps; i++)
		if (read_within(e->ping, &got, 8) || write(e->pong, &one, 8) != 8)
			break;
	return NULL;
}

int t_eventfd_pingpong(struct run *r, long reps)
{
	static struct evpair e; /* static: a partner left behind must not see a dead frame */
	e = (struct evpair){ eventfd(0, 0), eventfd(0, 0), reps };
	if (e.ping < 0 || e.pong < 0)
		return unsup(r, "eventfd");
	pthread_t th;
	if (pthread_create(&th, NULL, eventfd_partner, &e) != 0)
		return unsup(r, "pthread_create");
	int v = V_OK;
	uint64_t one = 1, got, t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++)
		if (write(e.ping, &one, 8) != 8 || read_within(e.pong, &got, 8))
			v = fail(r, "round %ld: no answer from the partner thread", i);
	r->ns = now_ns() - t0;
	if (v == V_OK)
		pthread_join(th, NULL);
	close(e.ping);
	close(e.pong);
	return v;
}

/* ---- locks ---------------------------------------------------------------------------------- */

/* A file of its own in the tmpfs directory (already unlinked): its descriptor, or -1. */
static int lock_file(void)
{
	char path[256];
	snprintf(path, sizeof(path), "%s/zbench-lock", opt.tmpdir);
	int fd = open(path, O_RDWR | O_CREAT, 0600);
	unlink(path);
	return fd;
}

int t_flock_pair(struct run *r, long reps)
{
	int fd = lock_file(), v = V_OK;
	if (fd < 0)
		return unsup(r, "open");
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++)
		if (flock(fd, LOCK_EX) != 0 || flock(fd, LOCK_UN) != 0)
			v = OPFAIL(r, i, "flock");
	r->ns = now_ns() - t0;
	close(fd);
	return v;
}

int t_setlk_pair(struct run *r, long reps)
{
	int fd = lock_file(), v = V_OK;
	if (fd < 0)
		return unsup(r, "open");
	struct flock lk = { .l_type = F_WRLCK, .l_whence = SEEK_SET, .l_start = 0, .l_len = 1 };
	struct flock un = lk;
	un.l_type = F_UNLCK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++)
		if (fcntl(fd, F_SETLK, &lk) != 0 || fcntl(fd, F_SETLK, &un) != 0)
			v = OPFAIL(r, i, "fcntl(F_SETLK)");
	r->ns = now_ns() - t0;
	close(fd);
	return v;
}

/* ---- System V semaphore ping-pong ----------------------------------------------------------- */

/* Semaphore n of set id down by one, waiting at most WAIT_MS: 0 or -1. */
static int sem_down(int id, unsigned short n)
{
	struct sembuf op = { .sem_num = n, .sem_op = -1 };
	struct timespec ts = { WAIT_MS / 1000, 0 };
	return semtimedop(id, &op, 1, &ts);
}

static int sem_up(int id, unsigned short n)
{
	struct sembuf op = { .sem_num = n, .sem_op = 1 };
	return semop(id, &op, 1);
}

int t_sem_pingpong(struct run *r, long reps)
{
	int id = semget(IPC_PRIVATE, 2, IPC_CREAT | 0600);
	if (id < 0)
		return unsup(r, "semget");
	pid_t pid = fork();
	if (pid == 0) {
		for (long i = 0; i < reps; i++)
			if (sem_down(id, 0) || sem_up(id, 1))
				_exit(3);
		_exit(0);
	}
	int v = pid < 0 ? unsup(r, "fork") : V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++)
		if (sem_up(id, 0) || sem_down(id, 1))
			v = fail(r, "round %ld: no answer from the partner process", i);
	r->ns = now_ns() - t0;
	if (pid > 0) {
		if (v != V_OK)
			kill(pid, SIGKILL);
		int st = 0;
		waitpid(pid, &st, 0);
		if (v == V_OK && (!WIFEXITED(st) || WEXITSTATUS(st)))
			v = fail(r, "the partner process ended with status %#x", st);
	}
	semctl(id, 0, IPC_RMID);
	return v;
}

/* ---- pty round trip ------------------------------------------------------------------------- */

int t_pty_roundtrip(struct run *r, long reps)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (m < 0 || grantpt(m) || unlockpt(m))
		return unsup(r, "posix_openpt");
	int s = open(ptsname(m), O_RDWR | O_NOCTTY);
	struct termios t;
	if (s < 0 || tcgetattr(s, &t))
		return unsup(r, "open(pts)");
	cfmakeraw(&t); /* bytes through untouched, one at a time */
	tcsetattr(s, TCSANOW, &t);
	pid_t pid = fork();
	if (pid == 0) {
		for (long i = 0; i < reps; i++) {
			unsigned char b;
			if (read_within(s, &b, 1))
				_exit(3);
			b++;
			if (write(s, &b, 1) != 1)
				_exit(4);
		}
		_exit(0);
	}
	int v = pid < 0 ? unsup(r, "fork") : V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps && v == V_OK; i++) {
		unsigned char b = (unsigned char)i, c = 0;
		if (write(m, &b, 1) != 1 || read_within(m, &c, 1) || c != (unsigned char)(b + 1))
			v = fail(r, "round %ld: sent %u, got %u back", i, b, c);
	}
	r->ns = now_ns() - t0;
	if (pid > 0) {
		if (v != V_OK)
			kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
	}
	close(s);
	close(m);
	return v;
}
