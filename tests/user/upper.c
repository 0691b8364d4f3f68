/* A helper of the shell tests (tests/user/shell.c): copies standard input to standard output
 * in upper case, so that pipelines and redirections have a program of ours to run. */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#define CHUNK 4096

static int write_all(const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(1, s, n);
		if (w < 0 && errno == EINTR)
			continue;
		if (w < 0)
			return -1;
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

int main(void)
{
	char buf[CHUNK];
	for (;;) {
		ssize_t n = read(0, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0) {
			fprintf(stderr, "upper: read: %s\n", strerror(errno));
			return 1;
		}
		if (n == 0)
			return 0;
		for (ssize_t i = 0; i < n; i++)
			buf[i] = (char)toupper((unsigned char)buf[i]);
		if (write_all(buf, (size_t)n) < 0) {
			fprintf(stderr, "upper: write: %s\n", strerror(errno));
			return 1;
		}
	}
}
