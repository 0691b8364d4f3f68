/* zbench tests of communication between processes and threads: pipe round trip and bandwidth,
 * sched_yield and futex ping-pong, signal delivery to oneself, and Zero-OS's capability
 * endpoints (call/reply round trip, one-way messages). Every partner that could wait
 * forever on a broken kernel gives up after a few seconds without progress instead. */
#define _GNU_SOURCE
#include <errno.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "zbench.h"
#include "../include/uapi/zero/ipc.h"

/* From <linux/futex.h>, which musl-gcc does not provide. */
#define FUTEX_WAIT_PRIVATE (0 | 128)
#define FUTEX_WAKE_PRIVATE (1 | 128)

#define STALL_NS (5 * NS_PER_SEC) /* no progress for this long: the partner is lost */

static void reap(pid_t pid)
{
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
}

/* Waits for a child and returns its exit status, or -1 if it did not exit normally. */
static int wait_status(pid_t pid)
{
	int st;
	pid_t w;
	do
		w = waitpid(pid, &st, 0);
	while (w < 0 && errno == EINTR);
	if (w != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

/* ---- pipe ping-pong ------------------------------------------------------------------------ */

/* Two pipes and a child, for the two pipe tests: V_OK with *pid set (0 in the child), or the
 * test's verdict when the system lacks pipes or fork (everything opened is closed again). */
static int pipes_and_child(struct run *r, int a[2], int b[2], pid_t *pid)
{
	if (pipe(a) != 0)
		return unsup(r, "pipe");
	if (pipe(b) != 0) {
		close(a[0]), close(a[1]);
		return unsup(r, "pipe");
	}
	*pid = fork();
	if (*pid < 0) {
		int v = unsup(r, "fork");
		close(a[0]), close(a[1]), close(b[0]), close(b[1]);
		return v;
	}
	if (opt.apart)
		pin_to_nth_cpu(*pid == 0 ? 1 : 0);
	return 0;
}

/* The verdict once the partner process should be ending: after a failed run it is only reaped;
 * otherwise it must exit 0 (its own checks of what it received are in that status). */
static int partner_verdict(struct run *r, pid_t pid, int v, const char *who)
{
	if (v != V_OK) {
		reap(pid);
		return v;
	}
	int st = wait_status(pid);
	return st == 0 ? V_OK : fail(r, "the %s process ended with status %d", who, st);
}

int t_pipe_pingpong(struct run *r, long reps)
{
	int down[2], up[2];
	pid_t pid;
	int setup = pipes_and_child(r, down, up, &pid);
	if (setup != V_OK)
		return setup;
	if (pid == 0) {
		/* the echo: each byte comes back plus one, until end of file */
		close(down[1]);
		close(up[0]);
		for (;;) {
			unsigned char b;
			ssize_t n = read(down[0], &b, 1);
			if (n == 0)
				_exit(0);
			b++;
			if (n != 1 || write(up[1], &b, 1) != 1)
				_exit(3);
		}
	}
	close(down[0]);
	close(up[1]);
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		unsigned char b = (unsigned char)i, c = 0;
		if (write(down[1], &b, 1) != 1) {
			v = sys_fail(r, "write(pipe)");
			break;
		}
		if (read(up[0], &c, 1) != 1) {
			v = sys_fail(r, "read(pipe)");
			break;
		}
		if (c != (unsigned char)(b + 1)) {
			v = fail(r, "sent %u, the echo returned %u", b, c);
			break;
		}
	}
	r->ns = now_ns() - t0;
	close(down[1]);
	close(up[0]);
	return partner_verdict(r, pid, v, "echo");
}

/* ---- pipe bandwidth ------------------------------------------------------------------------ */

static unsigned char pipebuf[CHUNK];

int t_pipe_bw(struct run *r, long reps)
{
	int data[2], ack[2];
	r->bytes_per_op = CHUNK;
	pid_t pid;
	int setup = pipes_and_child(r, data, ack, &pid);
	if (setup != V_OK)
		return setup;
	if (pid == 0) {
		/* the sink: reads every chunk in full, checks its stamps, acknowledges the end */
		close(data[1]);
		close(ack[0]);
		char verdict = 'K';
		for (long c = 0; c < reps; c++) {
			if (read_all(data[0], pipebuf, CHUNK) != 0) {
				verdict = 'R';
				break;
			}
			if (!check_chunk(pipebuf, 1, c)) {
				verdict = 'D';
				break;
			}
		}
		if (verdict == 'K' && read(data[0], pipebuf, 1) != 0)
			verdict = 'E';
		_exit(write(ack[1], &verdict, 1) == 1 ? 0 : 3);
	}
	close(data[0]);
	close(ack[1]);
	memset(pipebuf, 0x3c, sizeof(pipebuf));
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long c = 0; c < reps; c++) {
		stamp_chunk(pipebuf, 1, c);
		for (long off = 0; off < CHUNK;) {
			ssize_t n = write(data[1], pipebuf + off, CHUNK - off);
			if (n <= 0) {
				v = sys_fail(r, "write(pipe)");
				goto out;
			}
			off += n;
		}
	}
	close(data[1]);
	data[1] = -1;
	char verdict = 0;
	if (read(ack[0], &verdict, 1) != 1)
		v = fail(r, "the reader did not acknowledge the data");
	r->ns = now_ns() - t0;
	if (v == V_OK && verdict != 'K')
		v = fail(r, "the reader found %s", verdict == 'D' ? "wrong data" :
			 verdict == 'E' ? "more data than was sent" : "the data cut short");
out:
	if (data[1] >= 0)
		close(data[1]);
	close(ack[0]);
	return partner_verdict(r, pid, v, "reader");
}

/* ---- sched_yield ping-pong -------------------------------------------------------------------- */

/* Spins with sched_yield until *turn == want; 0 on success, -1 after STALL_NS without it. */
static int yield_until(volatile long *turn, long want)
{
	uint64_t since = 0;
	for (unsigned long spins = 1; __atomic_load_n(turn, __ATOMIC_ACQUIRE) != want; spins++) {
		sched_yield();
		if (spins % 1024 == 0) {
			uint64_t t = now_ns();
			if (!since)
				since = t;
			else if (t - since > STALL_NS)
				return -1;
		}
	}
	return 0;
}

int t_yield_pingpong(struct run *r, long reps)
{
	if (sched_yield() != 0)
		return unsup(r, "sched_yield");
	volatile long *sh = mmap(NULL, PAGE, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_ANONYMOUS, -1, 0);
	if (sh == MAP_FAILED)
		return unsup(r, "mmap(MAP_SHARED|MAP_ANONYMOUS)");
	sh[0] = 0; /* whose turn: 1 = the child's, 0 = the parent's */
	sh[1] = 0; /* rounds the child completed */
	pid_t pid = fork();
	if (pid < 0) {
		munmap((void *)sh, PAGE);
		return unsup(r, "fork");
	}
	if (pid == 0) {
		for (long i = 0; i < reps; i++) {
			if (yield_until(&sh[0], 1) != 0)
				_exit(4);
			sh[1] = i + 1;
			__atomic_store_n(&sh[0], 0, __ATOMIC_RELEASE);
		}
		_exit(0);
	}
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		__atomic_store_n(&sh[0], 1, __ATOMIC_RELEASE);
		if (yield_until(&sh[0], 0) != 0) {
			v = fail(r, "round %ld: the partner made no progress for 5 s (is MAP_SHARED shared?)", i);
			break;
		}
		if (sh[1] != i + 1) {
			v = fail(r, "round %ld: the partner counted %ld rounds", i, sh[1]);
			break;
		}
	}
	r->ns = now_ns() - t0;
	v = partner_verdict(r, pid, v, "partner");
	munmap((void *)sh, PAGE);
	return v;
}

/* ---- futex ping-pong -------------------------------------------------------------------------- */

static int fword; /* 1: the partner's turn, 0: the main thread's turn */
static volatile int fabort;

static long futex(int *uaddr, int op, int val, const struct timespec *ts)
{
	return syscall(SYS_futex, uaddr, op, val, ts, NULL, 0);
}

/* Waits until fword == want (it holds `other` meanwhile); 0, or -1 after STALL_NS. */
static int futex_until(int want, int other)
{
	uint64_t since = 0;
	while (__atomic_load_n(&fword, __ATOMIC_ACQUIRE) != want) {
		struct timespec ts = { 1, 0 };
		if (futex(&fword, FUTEX_WAIT_PRIVATE, other, &ts) != 0 && errno != EAGAIN &&
		    errno != EINTR && errno != ETIMEDOUT)
			return -1;
		if (fabort)
			return -1;
		uint64_t t = now_ns();
		if (!since)
			since = t;
		else if (t - since > STALL_NS)
			return -1;
	}
	return 0;
}

struct partner {
	long reps;
	long done;
};

static void *futex_partner(void *arg)
{
	struct partner *p = arg;
	if (opt.apart)
		pin_to_nth_cpu(1);
	for (long i = 0; i < p->reps; i++) {
		if (futex_until(1, 0) != 0)
			break;
		p->done = i + 1;
		__atomic_store_n(&fword, 0, __ATOMIC_RELEASE);
		futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL);
	}
	return NULL;
}

int t_futex_pingpong(struct run *r, long reps)
{
	fword = 0;
	fabort = 0;
	if (futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL) < 0)
		return unsup(r, "futex(FUTEX_WAKE)");
	/* static: a partner left behind after a failure must not point into a dead stack frame */
	static struct partner p;
	p.reps = reps;
	p.done = 0;
	if (opt.apart)
		pin_to_nth_cpu(0);
	pthread_t th;
	int e = pthread_create(&th, NULL, futex_partner, &p);
	if (e != 0) {
		errno = e;
		return unsup(r, "pthread_create");
	}
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		__atomic_store_n(&fword, 1, __ATOMIC_RELEASE);
		if (futex(&fword, FUTEX_WAKE_PRIVATE, 1, NULL) < 0) {
			v = sys_fail(r, "futex(FUTEX_WAKE)");
			break;
		}
		if (futex_until(0, 1) != 0) {
			v = fail(r, "round %ld: the partner thread made no progress for 5 s", i);
			break;
		}
	}
	r->ns = now_ns() - t0;
	if (v != V_OK) {
		fabort = 1;
		/* the partner gives up within a second; without the join the process exits anyway */
		return v;
	}
	if ((e = pthread_join(th, NULL)) != 0) {
		errno = e;
		return sys_fail(r, "pthread_join");
	}
	if (p.done != reps)
		return fail(r, "the partner thread did %ld of %ld rounds", p.done, reps);
	return V_OK;
}

/* ---- signal delivery ---------------------------------------------------------------------------- */

static volatile sig_atomic_t sig_count, sig_wrong;

static void on_usr1(int sig)
{
	if (sig == SIGUSR1)
		sig_count++;
	else
		sig_wrong = sig;
}

int t_signal(struct run *r, long reps)
{
	struct sigaction sa, old;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_usr1;
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGUSR1, &sa, &old) != 0)
		return unsup(r, "sigaction");
	pid_t self = (pid_t)syscall(SYS_getpid);
	sig_count = 0;
	sig_wrong = 0;
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		if (kill(self, SIGUSR1) != 0) {
			v = OPFAIL(r, i, "kill");
			break;
		}
		/* POSIX: a signal sent to oneself, unblocked, is delivered before kill returns */
		if (sig_count != (sig_atomic_t)(i + 1) || sig_wrong) {
			v = fail(r, "after %ld kills the handler ran %ld times (wrong signal: %d)", i + 1,
				 (long)sig_count, (int)sig_wrong);
			break;
		}
	}
	r->ns = now_ns() - t0;
	sigaction(SIGUSR1, &old, NULL);
	return v;
}

/* ---- capability endpoints (Zero-OS's own calls; Linux answers ENOSYS: unsupported) ------- */
/* These wait without a timeout (a timed wait reads the clock every call): a partner that dies
 * ends the other side's wait anyway (EPIPE for callers and senders, end of stream for
 * receivers). */

/* An endpoint and a child serving it: V_OK with *pid set (0 in the child), or the verdict. */
static int endpoint_and_child(struct run *r, int ep[2], uint32_t depth, pid_t *pid)
{
	if (zero_endpoint_create(depth, 64, 0, ep) != 0)
		return unsup(r, "zero_endpoint_create");
	*pid = fork();
	if (*pid < 0) {
		int v = unsup(r, "fork");
		close(ep[0]), close(ep[1]);
		return v;
	}
	return V_OK;
}

static struct zero_msg zmsg(void *data, uint64_t len)
{
	struct zero_msg m = { .data = data, .len = len, .caps = { -1, -1, -1, -1 }, .reply_fd = -1 };
	return m;
}

int t_ipc_call(struct run *r, long reps)
{
	int ep[2];
	pid_t pid;
	int setup = endpoint_and_child(r, ep, 1, &pid);
	if (setup != V_OK)
		return setup;
	if (pid == 0) {
		/* the server: answers each 1-byte request with the byte plus one, until the end;
		 * one zero_reply_recv per request answers the last one and takes the next */
		close(ep[1]);
		unsigned char b;
		struct zero_msg a = zmsg(&b, 1), *answer = NULL;
		for (;;) {
			struct zero_msg m = zmsg(&b, 1);
			int n = zero_reply_recv(ep[0], answer, &m, 0, ZERO_WAIT_FOREVER);
			if (n == 0)
				_exit(0);
			if (n != ZERO_RECV_CALL || m.len != 1)
				_exit(3);
			b++;
			answer = &a;
		}
	}
	close(ep[0]);
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		unsigned char b = (unsigned char)i, c = 0;
		struct zero_msg q = zmsg(&b, 1), a = zmsg(&c, 1);
		if (zero_call(ep[1], &q, &a, ZERO_WAIT_FOREVER) != 0) {
			v = sys_fail(r, "zero_call");
			break;
		}
		if (a.len != 1 || c != (unsigned char)(b + 1)) {
			v = fail(r, "sent %u, the reply was %u (%lu bytes)", b, c, (unsigned long)a.len);
			break;
		}
	}
	r->ns = now_ns() - t0;
	close(ep[1]);
	return partner_verdict(r, pid, v, "server");
}

int t_ipc_msg(struct run *r, long reps)
{
	int ep[2];
	pid_t pid;
	int setup = endpoint_and_child(r, ep, 64, &pid);
	if (setup != V_OK)
		return setup;
	if (pid == 0) {
		/* the sink: checks the sequence numbers, exits 0 at end of stream after all */
		close(ep[1]);
		for (long i = 0;; i++) {
			long seq = -1;
			struct zero_msg m = zmsg(&seq, sizeof(seq));
			int n = zero_recv(ep[0], &m, 0, ZERO_WAIT_FOREVER);
			if (n == 0)
				_exit(i == reps ? 0 : 4);
			if (n != 1 || m.len != sizeof(seq) || seq != i)
				_exit(3);
		}
	}
	close(ep[0]);
	int v = V_OK;
	uint64_t t0 = now_ns();
	for (long i = 0; i < reps; i++) {
		struct zero_msg m = zmsg(&i, sizeof(i));
		if (zero_send(ep[1], &m, 0, ZERO_WAIT_FOREVER) != 0) {
			v = sys_fail(r, "zero_send");
			break;
		}
	}
	close(ep[1]);
	v = partner_verdict(r, pid, v, "receiver"); /* timed: the last message must arrive */
	r->ns = now_ns() - t0;
	return v;
}
