/* Endpoints that hold each other's receive ends in their queues (docs/capabilities.md, "Receive
 * ends in messages"). Regression tests of two bugs:
 *  - endpoint_cycle_leak: two endpoints each queuing the other's receive end (or a longer
 *    ring) kept each other alive for ever once their holders closed them: kernel memory any
 *    program could leak without bound. Such a send now fails with ELOOP.
 *  - endpoint_chain_release_recursion: closing the head of a long chain (each endpoint queuing
 *    the next one's receive end) released the chain recursively, one kernel stack frame per
 *    endpoint, until the kernel stack overflowed. Releases nested in a release now wait
 *    their turn instead.
 * Zero-OS only (Linux has no such calls). */
#include "cap_test.h"
#include <fcntl.h>
#include <sys/resource.h>
#include <sys/wait.h>

/* Send a message carrying the descriptor cap through the send end sfd: 0 or -1 (errno). */
static int send_cap(int sfd, int cap)
{
	struct zero_msg m = msg("c", 1);
	m.caps[0] = cap;
	m.ncaps = 1;
	return zero_send(sfd, &m, ZERO_MSG_NONBLOCK, -1);
}

static void close_pair(int ep[2])
{
	close(ep[0]);
	close(ep[1]);
}

/* Two endpoints: E1 may queue E2's receive end, but E2 then may not queue E1's (nor any receive
 * end: its own is in a message). */
static void test_two_cycle(void)
{
	int e1[2], e2[2];
	zero_endpoint_create(4, 64, 0, e1);
	zero_endpoint_create(4, 64, 0, e2);
	CHECK("chain_link_ok", send_cap(e1[1], e2[0]) == 0);
	CHECK("cycle_refused", send_cap(e2[1], e1[0]) == -1 && errno == ELOOP);
	int e3[2];
	zero_endpoint_create(4, 64, 0, e3);
	CHECK("in_flight_takes_no_receive_end", send_cap(e2[1], e3[0]) == -1 && errno == ELOOP);
	CHECK("in_flight_takes_plain", send_str(e2[1], "plain", 0, -1) == 0);
	close_pair(e3);
	/* A send end closes no loop: the receive end is what keeps a queue alive. */
	CHECK("send_end_back_ok", send_cap(e2[1], e1[1]) == 0);
	/* Received (out of flight) again, E2's receive end no longer blocks the other way. */
	char b[8];
	struct zero_msg m = msg(b, sizeof(b));
	CHECK("received_back", zero_recv(e1[0], &m, 0, -1) == 1 && m.ncaps == 1);
	CHECK("after_receive_ok", send_cap(e2[1], e1[0]) == 0);
	close(m.caps[0]);
	close_pair(e1);
	close_pair(e2);
}

/* A ring of three is refused at its last link, whatever the order of the first two. */
static void test_three_cycle(void)
{
	int e[3][2];
	for (int i = 0; i < 3; i++)
		zero_endpoint_create(4, 64, 0, e[i]);
	CHECK("ring3_link_b", send_cap(e[1][1], e[2][0]) == 0);
	CHECK("ring3_link_a", send_cap(e[0][1], e[1][0]) == 0);
	CHECK("ring3_closing_link_refused", send_cap(e[2][1], e[0][0]) == -1 && errno == ELOOP);
	for (int i = 0; i < 3; i++)
		close_pair(e[i]);
}

/* A call carrying a receive end is held to the same rule as a send. */
static void test_call_cycle(void)
{
	int e1[2], e2[2];
	zero_endpoint_create(4, 64, 0, e1);
	zero_endpoint_create(4, 64, 0, e2);
	CHECK("call_chain_link_ok", send_cap(e1[1], e2[0]) == 0);
	struct zero_msg q = msg("q", 1), r = msg((char[8]){ 0 }, 8);
	q.caps[0] = e1[0];
	q.ncaps = 1;
	CHECK("call_cycle_refused", zero_call(e2[1], &q, &r, 0) == -1 && errno == ELOOP);
	close_pair(e1);
	close_pair(e2);
}

/* Free kernel memory in KiB, from /proc/meminfo. */
static long mem_free_kib(void)
{
	char buf[512] = { 0 };
	int fd = open("/proc/meminfo", O_RDONLY);
	if (fd < 0)
		return -1;
	long n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	char *p = n > 0 ? strstr(buf, "MemFree:") : NULL;
	return p ? strtol(p + 8, NULL, 10) : -1;
}

/* Closing the head of a chain of `n` endpoints, each queuing the next one's receive end. Built
 * from the tail, as the other way round each link would go to an endpoint whose receive end is
 * already in a message. */
static bool release_chain(int n)
{
	int next_recv = -1;
	for (int i = 0; i < n; i++) {
		int e[2];
		if (zero_endpoint_create(1, 8, 0, e))
			return false;
		if (next_recv >= 0 && send_cap(e[1], next_recv))
			return false;
		close(e[1]);
		if (next_recv >= 0)
			close(next_recv);
		next_recv = e[0];
	}
	close(next_recv); /* the head: the whole chain goes now */
	return true;
}

/* n two-endpoint rings attempted (each refused): all well? */
static bool attempt_cycles(int n)
{
	bool ok = true;
	for (int i = 0; i < n && ok; i++) {
		int e1[2], e2[2];
		ok = !zero_endpoint_create(4, 64, 0, e1) && !zero_endpoint_create(4, 64, 0, e2) &&
		     send_cap(e1[1], e2[0]) == 0 && send_cap(e2[1], e1[0]) == -1;
		close_pair(e1);
		close_pair(e2);
	}
	return ok;
}

/* run(n) twice, checked; memory is measured around the second run, so that caches grown by the
 * first do not count. n thousands of endpoints of several hundred bytes each: a leak would be
 * megabytes. */
static void check_leaks_nothing(const char *name, bool (*run)(int), int n)
{
	char what[64];
	snprintf(what, sizeof(what), "%s_%d", name, n);
	CHECK(what, run(n));
	long before = mem_free_kib();
	snprintf(what, sizeof(what), "%s_%d_again", name, n);
	CHECK(what, run(n));
	long after = mem_free_kib();
	snprintf(what, sizeof(what), "%s_leaks_nothing", name);
	test_result(what, before > 0 && after > before - 1024, "MemFree %ld KiB before, %ld KiB after",
		    before, after);
}

int main(void)
{
	test_begin("cap_endpoint_graph");
	test_two_cycle();
	test_three_cycle();
	test_call_cycle();
	check_leaks_nothing("cycle_attempts", attempt_cycles, 5000);
	struct rlimit rl = { 64, 64 };
	setrlimit(RLIMIT_NOFILE, &rl); /* a chain needs no more than a few descriptors */
	check_leaks_nothing("chain_released", release_chain, 20000);
	test_end();
}
