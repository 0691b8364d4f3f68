/* zero-sh's word expansion, done when a command runs: quote removal ('...', "...", \),
 * parameters ($NAME ${NAME} $? $$ $! $# $0-$9), a leading ~ for $HOME, and field splitting of
 * unquoted expansions at blanks and newlines. */
#include "sh.h"

#include <ctype.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct sh_state sh;

struct fields {
	struct strvec *out; /* NULL: no field splitting, one result in cur */
	struct strbuf cur;
	bool have; /* cur is a field even if empty (something quoted contributed to it) */
};

static void lit(struct fields *f, const char *s, size_t n)
{
	sb_putn(&f->cur, s, n);
	f->have = true;
}

static void end_field(struct fields *f)
{
	if (f->have)
		sv_push(f->out, sb_take(&f->cur));
	f->have = false;
}

/* The result of an expansion: split at blanks unless quoted or not splitting. */
static void expansion(struct fields *f, const char *val, bool quoted)
{
	if (quoted || !f->out) {
		lit(f, val, strlen(val));
		return;
	}
	for (; *val; val++) {
		if (*val == ' ' || *val == '\t' || *val == '\n')
			end_field(f);
		else
			lit(f, val, 1);
	}
}

static char *special_value(const char *name)
{
	char buf[32];
	long n;
	switch (name[0]) {
	case '?': n = sh.last_status; break;
	case '$': n = sh.pid; break;
	case '!': n = sh.last_bg; break;
	case '#': n = sh.nargs > 0 ? sh.nargs - 1 : 0; break;
	default: {
		int idx = name[0] - '0';
		return xstrdup(idx < sh.nargs ? sh.args[idx] : "");
	}
	}
	snprintf(buf, sizeof(buf), "%ld", n);
	return xstrdup(buf);
}

static bool is_special(char c)
{
	return c == '?' || c == '$' || c == '!' || c == '#' || isdigit((unsigned char)c);
}

/* Expands the parameter at s[*i] == '$'; advances *i past it. -1 after a reported error. */
static int parameter(struct fields *f, const char *s, size_t *i, bool quoted)
{
	const char *p = s + *i + 1;
	size_t len;
	bool braced = *p == '{';
	if (braced)
		p++;
	if (is_special(*p))
		len = 1;
	else
		for (len = 0; isalnum((unsigned char)p[len]) || p[len] == '_';)
			len++;
	if (braced && (len == 0 || p[len] != '}')) {
		const char *close = strchr(p, '}');
		sh_error(NULL, "%.*s: bad substitution", close ? (int)(close - s - *i + 1) : 2, s + *i);
		return -1;
	}
	if (len == 0) { /* a lone $ is itself */
		lit(f, "$", 1);
		*i += 1;
		return 0;
	}
	char *name = xstrndup(p, len);
	char *val = is_special(*p) ? special_value(name) : xstrdup(var_get(name) ? var_get(name) : "");
	expansion(f, val, quoted);
	free(val);
	free(name);
	*i = (size_t)(p - s) + len + braced;
	return 0;
}

/* Inside "...": \ keeps its meaning only before $ ` " \ and newline. */
static int double_quoted(struct fields *f, const char *s, size_t *i)
{
	f->have = true;
	for ((*i)++; s[*i] && s[*i] != '"';) {
		if (s[*i] == '\\' && s[*i + 1] && strchr("$`\"\\\n", s[*i + 1])) {
			if (s[*i + 1] != '\n')
				lit(f, s + *i + 1, 1);
			*i += 2;
		} else if (s[*i] == '$') {
			if (parameter(f, s, i, true) < 0)
				return -1;
		} else {
			lit(f, s + (*i)++, 1);
		}
	}
	if (s[*i])
		(*i)++;
	return 0;
}

static int expand(const char *s, struct fields *f)
{
	size_t i = 0;
	if (s[0] == '~' && (s[1] == '/' || s[1] == '\0')) {
		const char *home = var_get("HOME");
		lit(f, home ? home : "~", strlen(home ? home : "~"));
		i = 1;
	}
	while (s[i]) {
		if (s[i] == '\'') {
			const char *q = strchr(s + i + 1, '\'');
			size_t end = q ? (size_t)(q - s) : strlen(s);
			lit(f, s + i + 1, end - i - 1);
			i = q ? end + 1 : end;
		} else if (s[i] == '"') {
			if (double_quoted(f, s, &i) < 0)
				return -1;
		} else if (s[i] == '\\') {
			if (s[i + 1] && s[i + 1] != '\n')
				lit(f, s + i + 1, 1);
			i += s[i + 1] ? 2 : 1;
		} else if (s[i] == '$') {
			if (parameter(f, s, &i, false) < 0)
				return -1;
		} else {
			lit(f, s + i++, 1);
		}
	}
	return 0;
}

int expand_word(const char *raw, struct strvec *out)
{
	struct fields f = { .out = out };
	int r = expand(raw, &f);
	if (r == 0)
		end_field(&f);
	free(f.cur.s);
	return r;
}

char *expand_one(const char *raw)
{
	struct fields f = { 0 };
	if (expand(raw, &f) < 0) {
		free(f.cur.s);
		return NULL;
	}
	return sb_take(&f.cur);
}

size_t assignment_name_len(const char *raw)
{
	const char *eq = strchr(raw, '=');
	if (!eq || !is_name(raw, (size_t)(eq - raw)))
		return 0;
	return (size_t)(eq - raw);
}
