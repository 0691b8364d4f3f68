/* A pipeline of 8 processes, each copying its stdin to its stdout with its own buffer size,
 * fed 16 MiB of pseudo-random bytes by a generator process; the parent reads the far end and
 * compares length and checksum with what the generator's sequence must give. */
#define _GNU_SOURCE
#include "test.h"
#include <stdint.h>
#include <sys/wait.h>

#define STAGES 8
#define TOTAL (16u << 20)
#define GEN_CHUNK 5000 /* not a power of two: writes straddle page boundaries */

static uint64_t rng_state;

static uint64_t rng_next(void)
{
	rng_state ^= rng_state << 13;
	rng_state ^= rng_state >> 7;
	rng_state ^= rng_state << 17;
	return rng_state;
}

static void fill_random(unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++)
		buf[i] = (unsigned char)(rng_next() >> 24);
}

/* Fletcher-like running checksum: order-sensitive, so a swapped chunk is caught. */
struct sum {
	uint64_t a, b;
};

static void sum_add(struct sum *s, const unsigned char *buf, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		s->a += buf[i];
		s->b += s->a; /* wraps: still order-sensitive */
	}
}

static int write_all(int fd, const unsigned char *buf, size_t n)
{
	while (n > 0) {
		ssize_t w = write(fd, buf, n);
		if (w <= 0)
			return -1;
		buf += w;
		n -= (size_t)w;
	}
	return 0;
}

/* A stage: stdin to stdout until EOF. */
static void copy_stage(size_t bufsize)
{
	static unsigned char buf[65536];
	ssize_t n;
	while ((n = read(0, buf, bufsize)) > 0)
		if (write_all(1, buf, (size_t)n))
			_exit(2);
	_exit(n == 0 ? 0 : 1);
}

static void generator(int fd)
{
	static unsigned char buf[GEN_CHUNK];
	rng_state = 0x9e3779b97f4a7c15ull;
	for (size_t left = TOTAL; left > 0;) {
		size_t n = left < GEN_CHUNK ? left : GEN_CHUNK;
		fill_random(buf, n);
		if (write_all(fd, buf, n))
			_exit(1);
		left -= n;
	}
	_exit(0);
}

static struct sum expected_sum(void)
{
	static unsigned char buf[GEN_CHUNK];
	struct sum s = { 1, 0 };
	rng_state = 0x9e3779b97f4a7c15ull;
	for (size_t left = TOTAL; left > 0;) {
		size_t n = left < GEN_CHUNK ? left : GEN_CHUNK;
		fill_random(buf, n);
		sum_add(&s, buf, n);
		left -= n;
	}
	return s;
}

int main(void)
{
	test_begin("pipe_pipeline");
	pid_t pids[STAGES + 1];
	int in[2];
	if (pipe(in)) {
		test_result("pipeline", false, "pipe failed");
		test_end();
	}
	pids[0] = fork();
	if (pids[0] == 0) {
		close(in[0]);
		generator(in[1]);
	}
	close(in[1]);
	int prev = in[0]; /* read end feeding the next stage */
	for (int i = 1; i <= STAGES; i++) {
		int p[2];
		pipe(p);
		pids[i] = fork();
		if (pids[i] == 0) {
			dup2(prev, 0);
			dup2(p[1], 1);
			close(prev);
			close(p[0]);
			close(p[1]);
			copy_stage(1000 + (size_t)i * 3001); /* 4001 .. 25008 bytes */
		}
		close(prev);
		close(p[1]);
		prev = p[0];
	}
	static unsigned char buf[32768];
	struct sum got = { 1, 0 };
	uint64_t total = 0;
	ssize_t n;
	while ((n = read(prev, buf, sizeof(buf))) > 0) {
		sum_add(&got, buf, (size_t)n);
		total += (uint64_t)n;
	}
	close(prev);
	int clean = 0;
	for (int i = 0; i <= STAGES; i++) {
		int st;
		waitpid(pids[i], &st, 0);
		clean += WIFEXITED(st) && WEXITSTATUS(st) == 0;
	}
	struct sum want = expected_sum();
	test_result("length_16mib", total == TOTAL, "got %llu bytes", (unsigned long long)total);
	test_result("checksum", got.a == want.a && got.b == want.b, "sum %llx/%llx want %llx/%llx",
		    (unsigned long long)got.a, (unsigned long long)got.b,
		    (unsigned long long)want.a, (unsigned long long)want.b);
	test_result("all_stages_exit_0", clean == STAGES + 1, "%d of %d", clean, STAGES + 1);
	test_end();
}
