/* zero-sh's helpers: allocation that exits on exhaustion, growable strings and string vectors
 * (nothing in the shell has a fixed size), and error messages of the form
 * "zero-sh: <cmd>: <why>" written straight to fd 2 (no stdio buffer to duplicate on fork). */
#include "sh.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static void out_of_memory(void)
{
	static const char msg[] = SH_NAME ": out of memory\n";
	write_all(2, msg, sizeof(msg) - 1);
	_exit(STATUS_SIGNAL_BASE - 1);
}

void *xmalloc(size_t n)
{
	void *p = malloc(n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

void *xrealloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		out_of_memory();
	return p;
}

char *xstrndup(const char *s, size_t n)
{
	char *d = xmalloc(n + 1);
	memcpy(d, s, n);
	d[n] = '\0';
	return d;
}

char *xstrdup(const char *s)
{
	return xstrndup(s, strlen(s));
}

static size_t grow(size_t cap, size_t need)
{
	size_t c = cap ? cap : 16;
	while (c < need) {
		if (c > ((size_t)-1) / 2)
			out_of_memory();
		c *= 2;
	}
	return c;
}

void sb_putn(struct strbuf *b, const char *s, size_t n)
{
	if (b->len + n + 1 > b->cap) {
		b->cap = grow(b->cap, b->len + n + 1);
		b->s = xrealloc(b->s, b->cap);
	}
	memcpy(b->s + b->len, s, n);
	b->len += n;
	b->s[b->len] = '\0';
}

void sb_putc(struct strbuf *b, char c)
{
	sb_putn(b, &c, 1);
}

void sb_puts(struct strbuf *b, const char *s)
{
	sb_putn(b, s, strlen(s));
}

char *sb_take(struct strbuf *b)
{
	char *s = b->s ? b->s : xstrdup("");
	b->s = NULL;
	b->len = b->cap = 0;
	return s;
}

void sv_push(struct strvec *v, char *s)
{
	if (v->n + 2 > v->cap) {
		v->cap = grow(v->cap, v->n + 2);
		v->v = xrealloc(v->v, v->cap * sizeof(*v->v));
	}
	v->v[v->n++] = s;
	v->v[v->n] = NULL;
}

void sv_free(struct strvec *v)
{
	for (size_t i = 0; i < v->n; i++)
		free(v->v[i]);
	free(v->v);
	v->v = NULL;
	v->n = v->cap = 0;
}

int write_all(int fd, const char *s, size_t n)
{
	while (n) {
		ssize_t w = write(fd, s, n);
		if (w < 0) {
			if (errno == EINTR)
				continue;
			return -1;
		}
		s += w;
		n -= (size_t)w;
	}
	return 0;
}

void sh_error(const char *cmd, const char *fmt, ...)
{
	struct strbuf b = { 0 };
	char *msg = NULL;
	va_list ap;
	va_start(ap, fmt);
	if (vasprintf(&msg, fmt, ap) < 0)
		out_of_memory();
	va_end(ap);
	sb_puts(&b, SH_NAME ": ");
	if (cmd) {
		sb_puts(&b, cmd);
		sb_puts(&b, ": ");
	}
	sb_puts(&b, msg);
	sb_putc(&b, '\n');
	write_all(2, b.s, b.len);
	free(msg);
	free(b.s);
}

void sh_perror(const char *cmd)
{
	sh_error(cmd, "%s", strerror(errno));
}

bool is_name(const char *s, size_t n)
{
	if (n == 0 || !(isalpha((unsigned char)s[0]) || s[0] == '_'))
		return false;
	for (size_t i = 1; i < n; i++)
		if (!(isalnum((unsigned char)s[i]) || s[i] == '_'))
			return false;
	return true;
}
