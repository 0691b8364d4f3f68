/* zero_reply_recv (include/uapi/zero/ipc.h): a server's reply held by its thread instead of a
 * descriptor: hostile arguments, answering (small and big answers), a failed answer that keeps
 * the call, dropping it, a caller that gave up, a server that exits holding a call, and a
 * signal ending the wait.
 * Zero-OS only (Linux has no such calls). */
#include "cap_test.h"
#include <signal.h>
#include <sys/wait.h>

#define MS 1000000LL

/* A child that calls sfd once with "q": it exits 0 if the call ends as expected (want_errno
 * 0: answered with "r"; else failed with that errno), after signalling its parent with sig
 * (0: none). */
static pid_t call_child(int sfd, int64_t timeout, int want_errno, int sig)
{
	pid_t pid = fork();
	if (pid == 0) {
		char b[8];
		struct zero_msg q = msg("q", 1), r = msg(b, sizeof(b));
		int rc = zero_call(sfd, &q, &r, timeout);
		bool ok = want_errno ? rc == -1 && errno == want_errno
				     : rc == 0 && r.len == 1 && b[0] == 'r';
		if (sig)
			kill(getppid(), sig);
		_exit(ok ? 0 : 1);
	}
	return pid;
}

static bool child_ok(pid_t pid)
{
	int status;
	return waitpid(pid, &status, 0) == pid && WIFEXITED(status) && WEXITSTATUS(status) == 0;
}

/* zero_reply_recv's arguments, with no call held. */
static void test_reply_recv_args(int ep[2])
{
	char b[64];
	struct zero_msg m = msg(b, sizeof(b)), r = msg("r", 1);
	CHECK("rr_nothing_held", zero_reply_recv(ep[0], &r, &m, 0, -1) == -1 && errno == EINVAL);
	CHECK("rr_bad_flags", zero_reply_recv(ep[0], NULL, &m, 2, -1) == -1 && errno == EINVAL);
	CHECK("rr_bad_msg",
	      zero_reply_recv(ep[0], NULL, (struct zero_msg *)UNMAPPED_PTR, 0, -1) == -1 &&
		      errno == EFAULT);
	CHECK("rr_send_end", zero_reply_recv(ep[1], NULL, &m, 0, -1) == -1 && errno == ENOTCAPABLE);
	CHECK("rr_closed_fd", zero_reply_recv(999, NULL, &m, 0, -1) == -1 && errno == EBADF);
	int p[2];
	pipe(p);
	CHECK("rr_not_endpoint", zero_reply_recv(p[0], NULL, &m, 0, -1) == -1 && errno == EINVAL);
	close(p[0]);
	close(p[1]);
	CHECK("rr_nonblock",
	      zero_reply_recv(ep[0], NULL, &m, ZERO_MSG_NONBLOCK, -1) == -1 && errno == EAGAIN);
	CHECK("rr_timeout", zero_reply_recv(ep[0], NULL, &m, 0, 0) == -1 && errno == ETIMEDOUT);
	send_str(ep[1], "plain", 0, -1);
	CHECK("rr_plain", zero_reply_recv(ep[0], NULL, &m, 0, -1) == 1 && m.len == 5 &&
				  m.reply_fd == -1);
}

static void on_usr1(int sig)
{
	(void)sig;
}

/* zero_reply_recv's held reply: answered, kept over a failed answer, used up, dropped, lost by a
 * caller that gave up, failed by the server's exit; a signal ends its wait with EINTR. */
static void test_reply_recv(void)
{
	int ep[2];
	char b[64];
	zero_endpoint_create(4, 64, 0, ep);
	test_reply_recv_args(ep);
	struct zero_msg m = msg(b, sizeof(b)), r = msg("r", 1);
	pid_t c = call_child(ep[1], -1, 0, 0);
	CHECK("rr_call_held", zero_reply_recv(ep[0], NULL, &m, 0, -1) == ZERO_RECV_CALL &&
				      m.len == 1 && b[0] == 'q' && m.reply_fd == -1);
	CHECK("rr_bad_answer", zero_reply_recv(ep[0], (struct zero_msg *)UNMAPPED_PTR, &m,
					       ZERO_MSG_NONBLOCK, -1) == -1 && errno == EFAULT);
	struct zero_msg big = msg(b, ZERO_EP_MAX_MSG + 1);
	CHECK("rr_answer_too_big",
	      zero_reply_recv(ep[0], &big, &m, ZERO_MSG_NONBLOCK, -1) == -1 && errno == EMSGSIZE);
	CHECK("rr_answered", zero_reply_recv(ep[0], &r, &m, ZERO_MSG_NONBLOCK, -1) == -1 &&
				     errno == EAGAIN && child_ok(c));
	CHECK("rr_used_up",
	      zero_reply_recv(ep[0], &r, &m, ZERO_MSG_NONBLOCK, -1) == -1 && errno == EINVAL);
	/* An answer bigger than the room the request left in its slot arrives whole too. */
	pid_t bc = fork();
	if (bc == 0) {
		char a[200];
		struct zero_msg q = msg("q", 1), rp = msg(a, sizeof(a));
		_exit(zero_call(ep[1], &q, &rp, -1) == 0 && rp.len == 150 && a[149] == 'z' ? 0 : 1);
	}
	char z[150];
	memset(z, 'z', sizeof(z));
	struct zero_msg zm = msg(z, sizeof(z));
	m = msg(b, sizeof(b));
	zero_reply_recv(ep[0], NULL, &m, 0, -1);
	CHECK("rr_big_answer", zero_reply_recv(ep[0], &zm, &m, ZERO_MSG_NONBLOCK, -1) == -1 &&
				       errno == EAGAIN && child_ok(bc));
	/* No answer: the held call is dropped, its caller gets EPIPE. */
	c = call_child(ep[1], -1, EPIPE, 0);
	m = msg(b, sizeof(b));
	zero_reply_recv(ep[0], NULL, &m, 0, -1);
	CHECK("rr_drop_epipe", zero_reply_recv(ep[0], NULL, &m, ZERO_MSG_NONBLOCK, -1) == -1 &&
				       errno == EAGAIN && child_ok(c));
	/* The caller timed out: the answer is dropped quietly and the receive goes on. */
	c = call_child(ep[1], 20 * MS, ETIMEDOUT, 0);
	m = msg(b, sizeof(b));
	zero_reply_recv(ep[0], NULL, &m, 0, -1);
	bool gone = child_ok(c);
	send_str(ep[1], "next", 0, -1);
	m = msg(b, sizeof(b));
	CHECK("rr_caller_gone", gone && zero_reply_recv(ep[0], &r, &m, 0, -1) == 1 && m.len == 4);
	/* A server that exits holding a call: the caller gets EPIPE. */
	c = call_child(ep[1], -1, EPIPE, 0);
	pid_t srv = fork();
	if (srv == 0) {
		m = msg(b, sizeof(b));
		_exit(zero_reply_recv(ep[0], NULL, &m, 0, -1) == ZERO_RECV_CALL ? 0 : 1);
	}
	CHECK("rr_server_exit_epipe", child_ok(srv) && child_ok(c));
	/* The caller signals us once answered: our wait ends with EINTR, even with SA_RESTART. */
	struct sigaction sa = { .sa_handler = on_usr1, .sa_flags = SA_RESTART };
	sigaction(SIGUSR1, &sa, NULL);
	c = call_child(ep[1], -1, 0, SIGUSR1);
	m = msg(b, sizeof(b));
	zero_reply_recv(ep[0], NULL, &m, 0, -1);
	CHECK("rr_signal_eintr",
	      zero_reply_recv(ep[0], &r, &m, 0, -1) == -1 && errno == EINTR && child_ok(c));
	signal(SIGUSR1, SIG_DFL);
	close(ep[0]);
	close(ep[1]);
}

int main(void)
{
	test_begin("cap_reply_recv");
	test_reply_recv();
	test_end();
}
