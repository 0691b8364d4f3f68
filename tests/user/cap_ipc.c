/* Capability endpoints (include/uapi/zero/ipc.h): messages with bytes and capabilities, queue
 * limits with blocking, non-blocking and timed waits, peer death on both sides, poll, and
 * call/reply with 16 concurrent clients, served with zero_recv + zero_reply and with
 * zero_reply_recv (whose own cases are in cap_reply_recv.c). Zero-OS only (Linux has no such
 * calls). */
#include "cap_test.h"
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define MS 1000000LL

static int64_t now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1000000000LL + ts.tv_nsec;
}

static void test_basic(void)
{
	int ep[2];
	CHECK("create", zero_endpoint_create(4, 64, 0, ep) == 0);
	CHECK("send", send_str(ep[1], "hello", 0, ZERO_WAIT_FOREVER) == 0);
	char buf[64] = { 0 };
	struct zero_msg m = msg(buf, sizeof(buf));
	CHECK("recv", zero_recv(ep[0], &m, 0, ZERO_WAIT_FOREVER) == 1 && m.len == 5 &&
			      !memcmp(buf, "hello", 5) && m.ncaps == 0 && m.reply_fd == -1);
	/* Order is kept. */
	send_str(ep[1], "a", 0, -1);
	send_str(ep[1], "bb", 0, -1);
	m = msg(buf, sizeof(buf));
	zero_recv(ep[0], &m, 0, -1);
	bool first = m.len == 1;
	m = msg(buf, sizeof(buf));
	zero_recv(ep[0], &m, 0, -1);
	CHECK("fifo_order", first && m.len == 2);
	/* An empty message is a message. */
	CHECK("empty_msg", send_str(ep[1], "", 0, -1) == 0 &&
				   (m = msg(buf, sizeof(buf)), zero_recv(ep[0], &m, 0, -1)) == 1 &&
				   m.len == 0);
	/* Too big for the endpoint / for the buffer (the message stays). */
	char big[65];
	struct zero_msg bm = msg(big, sizeof(big));
	CHECK("send_too_big", zero_send(ep[1], &bm, 0, -1) == -1 && errno == EMSGSIZE);
	send_str(ep[1], "0123456789", 0, -1);
	m = msg(buf, 4);
	CHECK("recv_buffer_small",
	      zero_recv(ep[0], &m, 0, -1) == -1 && errno == EMSGSIZE && m.len == 10);
	m = msg(buf, sizeof(buf));
	CHECK("recv_after_small", zero_recv(ep[0], &m, 0, -1) == 1 && m.len == 10);
	struct stat st;
	CHECK("fstat", fstat(ep[0], &st) == 0);
	CHECK("no_lseek", lseek(ep[0], 0, SEEK_SET) == -1 && errno == ENOTCAPABLE);
	close(ep[0]);
	close(ep[1]);
}

static void test_limits(void)
{
	int ep[2];
	CHECK("create_depth0", zero_endpoint_create(0, 8, 0, ep) == -1 && errno == EINVAL);
	CHECK("create_depth_huge",
	      zero_endpoint_create(ZERO_EP_MAX_DEPTH + 1, 8, 0, ep) == -1 && errno == EINVAL);
	CHECK("create_msg_huge",
	      zero_endpoint_create(1, ZERO_EP_MAX_MSG + 1, 0, ep) == -1 && errno == EINVAL);
	CHECK("create_bad_flags", zero_endpoint_create(1, 8, 0x1, ep) == -1 && errno == EINVAL);
	CHECK("create_efault",
	      zero_endpoint_create(1, 8, 0, (int *)UNMAPPED_PTR) == -1 && errno == EFAULT);
	CHECK("create_max", zero_endpoint_create(ZERO_EP_MAX_DEPTH, ZERO_EP_MAX_MSG,
						 ZERO_EP_CLOEXEC, ep) == 0);
	CHECK("cloexec", fcntl(ep[0], F_GETFD) == FD_CLOEXEC);
	close(ep[0]);
	close(ep[1]);
}

static void test_full_empty(void)
{
	int ep[2];
	zero_endpoint_create(2, 8, 0, ep);
	char buf[8];
	struct zero_msg m = msg(buf, sizeof(buf));
	CHECK("empty_nonblock",
	      zero_recv(ep[0], &m, ZERO_MSG_NONBLOCK, -1) == -1 && errno == EAGAIN);
	int64_t t0 = now_ns();
	CHECK("empty_timeout", zero_recv(ep[0], &m, 0, 20 * MS) == -1 && errno == ETIMEDOUT &&
				       now_ns() - t0 >= 20 * MS);
	CHECK("empty_timeout0", zero_recv(ep[0], &m, 0, 0) == -1 && errno == ETIMEDOUT);
	send_str(ep[1], "1", 0, -1);
	send_str(ep[1], "2", 0, -1);
	CHECK("full_nonblock", send_str(ep[1], "3", ZERO_MSG_NONBLOCK, -1) == -1 && errno == EAGAIN);
	t0 = now_ns();
	CHECK("full_timeout", send_str(ep[1], "3", 0, 20 * MS) == -1 && errno == ETIMEDOUT &&
				      now_ns() - t0 >= 20 * MS);
	/* A blocked sender proceeds once a child takes a message. */
	pid_t pid = fork();
	if (pid == 0) {
		struct zero_msg cm = msg(buf, sizeof(buf));
		_exit(zero_recv(ep[0], &cm, 0, -1) == 1 ? 0 : 1);
	}
	CHECK("full_blocking", send_str(ep[1], "3", 0, -1) == 0);
	int status;
	waitpid(pid, &status, 0);
	CHECK("full_child", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A blocked receiver wakes for a message from a child. */
	m = msg(buf, sizeof(buf));
	zero_recv(ep[0], &m, 0, -1);
	zero_recv(ep[0], &m, 0, -1);
	pid = fork();
	if (pid == 0)
		_exit(send_str(ep[1], "late", 0, -1) == 0 ? 0 : 1);
	m = msg(buf, sizeof(buf));
	CHECK("empty_blocking", zero_recv(ep[0], &m, 0, -1) == 1 && m.len == 4);
	waitpid(pid, &status, 0);
	/* O_NONBLOCK on the endpoint works like the flag. */
	fcntl(ep[0], F_SETFL, O_NONBLOCK);
	CHECK("o_nonblock", zero_recv(ep[0], &m, 0, -1) == -1 && errno == EAGAIN);
	close(ep[0]);
	close(ep[1]);
}

static void test_peer_death(void)
{
	int ep[2];
	char buf[8];
	zero_endpoint_create(4, 8, 0, ep);
	send_str(ep[1], "x", 0, -1);
	close(ep[1]);
	struct zero_msg m = msg(buf, sizeof(buf));
	CHECK("drain_after_close", zero_recv(ep[0], &m, 0, -1) == 1 && m.len == 1);
	CHECK("eos", zero_recv(ep[0], &m, 0, -1) == 0);
	struct pollfd pf = { .fd = ep[0], .events = POLLIN };
	CHECK("poll_hup", poll(&pf, 1, 0) == 1 && (pf.revents & POLLHUP));
	close(ep[0]);

	zero_endpoint_create(4, 8, 0, ep);
	close(ep[0]);
	signal(SIGPIPE, SIG_DFL);
	CHECK("epipe_no_sigpipe", send_str(ep[1], "x", 0, -1) == -1 && errno == EPIPE);
	pf = (struct pollfd){ .fd = ep[1], .events = POLLOUT };
	CHECK("poll_err", poll(&pf, 1, 0) == 1 && (pf.revents & POLLERR));
	close(ep[1]);

	/* A receiver blocked when the last sender (a child) exits sees end of stream. */
	zero_endpoint_create(4, 8, 0, ep);
	pid_t pid = fork();
	if (pid == 0) {
		close(ep[0]);
		_exit(0);
	}
	close(ep[1]);
	m = msg(buf, sizeof(buf));
	CHECK("eos_on_exit", zero_recv(ep[0], &m, 0, 5000 * MS) == 0);
	waitpid(pid, NULL, 0);
	close(ep[0]);

	/* A sender blocked on a full queue gets EPIPE when the receiver (a child) exits. */
	zero_endpoint_create(1, 8, 0, ep);
	send_str(ep[1], "f", 0, -1);
	pid = fork();
	if (pid == 0) {
		close(ep[1]);
		usleep(20000); /* let the parent block first (either order passes) */
		_exit(0);
	}
	close(ep[0]);
	CHECK("epipe_blocked", send_str(ep[1], "x", 0, 5000 * MS) == -1 && errno == EPIPE);
	waitpid(pid, NULL, 0);
	close(ep[1]);
}

static void test_poll(void)
{
	int ep[2];
	zero_endpoint_create(1, 8, 0, ep);
	struct pollfd pf[2] = { { .fd = ep[0], .events = POLLIN }, { .fd = ep[1], .events = POLLOUT } };
	CHECK("poll_initial", poll(pf, 2, 0) == 1 && pf[0].revents == 0 && pf[1].revents == POLLOUT);
	send_str(ep[1], "x", 0, -1);
	CHECK("poll_full", poll(pf, 2, 0) == 1 && pf[0].revents == POLLIN && pf[1].revents == 0);
	pid_t pid = fork();
	if (pid == 0) {
		char b[8];
		struct zero_msg m = msg(b, sizeof(b));
		zero_recv(ep[0], &m, 0, -1);
		_exit(0);
	}
	struct pollfd w = { .fd = ep[1], .events = POLLOUT };
	CHECK("poll_wakes", poll(&w, 1, 5000) == 1 && w.revents == POLLOUT);
	waitpid(pid, NULL, 0);
	close(ep[0]);
	close(ep[1]);
}

/* Capabilities in messages: a pipe's write end passed to a child through an endpoint. */
static void test_pass(void)
{
	int ep[2], p[2];
	zero_endpoint_create(4, 64, 0, ep);
	pipe(p);
	struct zero_msg m = msg("cap", 3);
	m.caps[0] = p[1];
	m.ncaps = 1;
	CHECK("send_cap", zero_send(ep[1], &m, 0, -1) == 0);
	close(p[1]);
	pid_t pid = fork();
	if (pid == 0) {
		char b[8];
		struct zero_msg r = msg(b, sizeof(b));
		if (zero_recv(ep[0], &r, 0, -1) != 1 || r.ncaps != 1 || r.caps[0] < 0)
			_exit(1);
		_exit(write(r.caps[0], "via", 3) == 3 ? 0 : 2);
	}
	int status;
	waitpid(pid, &status, 0);
	CHECK("cap_used_by_receiver", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	char b[8] = { 0 };
	CHECK("cap_data_arrived", read(p[0], b, sizeof(b)) == 3 && !memcmp(b, "via", 3));
	/* Rights travel with the capability: a read-only-limited descriptor stays limited. */
	int q[2];
	pipe(q);
	zero_cap_limit(q[1], ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE | ZERO_CAP_STAT);
	m = msg("", 0);
	m.caps[0] = q[1];
	m.ncaps = 1;
	zero_send(ep[1], &m, 0, -1);
	struct zero_msg r = msg(b, sizeof(b));
	zero_recv(ep[0], &r, 0, -1);
	uint64_t rights = 0;
	CHECK("rights_travel", r.ncaps == 1 && zero_cap_rights(r.caps[0], &rights) == 0 &&
				       rights == (ZERO_CAP_GRANT | ZERO_CAP_DUPLICATE | ZERO_CAP_STAT));
	CHECK("rights_enforced_after_pass", write(r.caps[0], "x", 1) == -1 && errno == ENOTCAPABLE);
	close(r.caps[0]);
	/* GRANT is needed to pass. */
	zero_cap_limit(q[1], ZERO_CAP_DUPLICATE);
	m.caps[0] = q[1];
	CHECK("grant_required", zero_send(ep[1], &m, 0, -1) == -1 && errno == ENOTCAPABLE);
	/* Bad capability arguments. */
	m.caps[0] = 999;
	CHECK("pass_closed_fd", zero_send(ep[1], &m, 0, -1) == -1 && errno == EBADF);
	m.ncaps = 5;
	CHECK("pass_too_many", zero_send(ep[1], &m, 0, -1) == -1 && errno == EINVAL);
	m.caps[0] = ep[0];
	m.ncaps = 1;
	CHECK("pass_self", zero_send(ep[1], &m, 0, -1) == -1 && errno == EINVAL);
	/* Nothing was queued by the failures. */
	r = msg(b, sizeof(b));
	CHECK("failed_sends_left_nothing", zero_recv(ep[0], &r, ZERO_MSG_NONBLOCK, -1) == -1 &&
						   errno == EAGAIN);
	close(q[0]);
	close(q[1]);
	close(p[0]);
	close(ep[0]);
	close(ep[1]);
}

/* A server answering `n` requests: the reply is the request with its first byte + 1. */
static void serve(int rfd, int n)
{
	for (int i = 0; i < n; i++) {
		char b[64];
		struct zero_msg m = msg(b, sizeof(b));
		if (zero_recv(rfd, &m, 0, -1) != 1)
			_exit(3);
		b[0]++;
		struct zero_msg a = msg(b, m.len);
		if (zero_reply(m.reply_fd, &a) != 0)
			_exit(4);
	}
}

/* The same with zero_reply_recv: each call answers the previous request; the last answer goes
 * with a non-blocking receive that finds the queue empty. */
static void serve_held(int rfd, int n)
{
	char b[64];
	struct zero_msg a, *answer = NULL;
	for (int i = 0; i < n; i++) {
		struct zero_msg m = msg(b, sizeof(b));
		if (zero_reply_recv(rfd, answer, &m, 0, -1) != ZERO_RECV_CALL || m.reply_fd != -1)
			_exit(3);
		b[0]++;
		a = msg(b, m.len);
		answer = &a;
	}
	struct zero_msg m = msg(b, sizeof(b));
	if (zero_reply_recv(rfd, answer, &m, ZERO_MSG_NONBLOCK, -1) != -1 || errno != EAGAIN)
		_exit(4);
}

static void test_call(bool held)
{
	int ep[2];
	zero_endpoint_create(32, 64, 0, ep);
	pid_t srv = fork();
	if (srv == 0) {
		close(ep[1]);
		(held ? serve_held : serve)(ep[0], 1 + 16 * 20);
		_exit(0);
	}
	close(ep[0]);
	char b[64];
	struct zero_msg req = msg("A1", 2), rep = msg(b, sizeof(b));
	CHECK(held ? "held_call" : "call", zero_call(ep[1], &req, &rep, -1) == 0 && rep.len == 2 &&
						   b[0] == 'B' && b[1] == '1' && rep.reply_fd == -1);
	/* 16 clients, 20 calls each, every reply matched to its request. */
	pid_t kids[16];
	for (int c = 0; c < 16; c++) {
		kids[c] = fork();
		if (kids[c] == 0) {
			for (int i = 0; i < 20; i++) {
				char q[16], a[16];
				int n = snprintf(q, sizeof(q), "a%d.%d", c, i);
				struct zero_msg rq = msg(q, (uint64_t)n), rp = msg(a, sizeof(a));
				if (zero_call(ep[1], &rq, &rp, -1) != 0 || rp.len != (uint64_t)n ||
				    a[0] != 'b' || memcmp(a + 1, q + 1, (size_t)n - 1))
					_exit(1);
			}
			_exit(0);
		}
	}
	int ok = 0;
	for (int c = 0; c < 16; c++) {
		int status;
		waitpid(kids[c], &status, 0);
		ok += WIFEXITED(status) && WEXITSTATUS(status) == 0;
	}
	CHECK(held ? "held_16_clients_matched" : "16_clients_matched", ok == 16);
	int status;
	waitpid(srv, &status, 0);
	CHECK(held ? "held_server_done" : "server_done",
	      WIFEXITED(status) && WEXITSTATUS(status) == 0);
	close(ep[1]);
}

static void test_call_errors(void)
{
	int ep[2];
	char b[64];
	zero_endpoint_create(4, 64, 0, ep);
	/* The server closes the reply capability without answering. */
	pid_t srv = fork();
	if (srv == 0) {
		struct zero_msg m = msg(b, sizeof(b));
		zero_recv(ep[0], &m, 0, -1);
		close(m.reply_fd);
		/* and then dies holding the next request */
		m = msg(b, sizeof(b));
		zero_recv(ep[0], &m, 0, -1);
		_exit(0);
	}
	close(ep[0]);
	struct zero_msg req = msg("q", 1), rep = msg(b, sizeof(b));
	CHECK("reply_closed_epipe", zero_call(ep[1], &req, &rep, 5000 * MS) == -1 && errno == EPIPE);
	CHECK("server_died_epipe", zero_call(ep[1], &req, &rep, 5000 * MS) == -1 && errno == EPIPE);
	waitpid(srv, NULL, 0);
	CHECK("no_server_epipe", zero_call(ep[1], &req, &rep, -1) == -1 && errno == EPIPE);
	close(ep[1]);

	/* A call times out; the late reply finds nobody (EPIPE for the server). */
	zero_endpoint_create(4, 64, 0, ep);
	int sync[2];
	pipe(sync);
	srv = fork();
	if (srv == 0) {
		struct zero_msg m = msg(b, sizeof(b));
		zero_recv(ep[0], &m, 0, -1);
		char c;
		read(sync[0], &c, 1); /* the caller has timed out */
		struct zero_msg a = msg("late", 4);
		_exit(zero_reply(m.reply_fd, &a) == -1 && errno == EPIPE ? 0 : 1);
	}
	rep = msg(b, sizeof(b));
	CHECK("call_timeout", zero_call(ep[1], &req, &rep, 20 * MS) == -1 && errno == ETIMEDOUT);
	write(sync[1], "x", 1);
	int status;
	waitpid(srv, &status, 0);
	CHECK("late_reply_epipe", WIFEXITED(status) && WEXITSTATUS(status) == 0);
	/* A caller killed while it waits: the server's reply finds nobody. */
	pid_t caller = fork();
	if (caller == 0) {
		rep = msg(b, sizeof(b));
		zero_call(ep[1], &req, &rep, -1);
		_exit(9);
	}
	struct zero_msg got = msg(b, sizeof(b));
	bool received = zero_recv(ep[0], &got, 0, 5000 * MS) == 1 && got.reply_fd >= 0;
	kill(caller, SIGKILL);
	waitpid(caller, &status, 0);
	struct zero_msg late = msg("x", 1);
	CHECK("caller_killed", received && WIFSIGNALED(status) &&
				       zero_reply(got.reply_fd, &late) == -1 && errno == EPIPE);
	CHECK("reply_fd_used_up", fcntl(got.reply_fd, F_GETFD) == -1 && errno == EBADF);
	/* Wrong descriptors for call/reply. */
	CHECK("call_on_recv_end", zero_call(ep[0], &req, &rep, -1) == -1 && errno == ENOTCAPABLE);
	CHECK("reply_on_endpoint", zero_reply(ep[1], &req) == -1 && errno == EINVAL);
	CHECK("call_bad_reply_ptr",
	      zero_call(ep[1], &req, (struct zero_msg *)UNMAPPED_PTR, -1) == -1 && errno == EFAULT);
	close(ep[0]);
	close(ep[1]);
	close(sync[0]);
	close(sync[1]);
}

int main(void)
{
	test_begin("cap_ipc");
	test_basic();
	test_limits();
	test_full_empty();
	test_peer_death();
	test_poll();
	test_pass();
	test_call(false);
	test_call(true);
	test_call_errors();
	test_end();
}
