/* zero-sh's tokenizer: splits a command text into words (kept raw, with their quotes, because
 * expansion happens only when the command runs) and operators (| || & && ; newline and the
 * redirections < > >> <& >& with an optional one-digit descriptor). It says "incomplete" for
 * an unterminated quote or a trailing backslash(-newline), so that the reader can fetch
 * another line. */
#include "sh.h"

#include <ctype.h>
#include <stdlib.h>
#include <string.h>

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

static bool is_operator_char(char c)
{
	return c == '|' || c == '&' || c == ';' || c == '<' || c == '>' || c == '(' || c == ')' ||
	       c == '\n';
}

static struct token *push(struct tokens *out, enum tok_kind kind, size_t start, size_t end)
{
	if (out->n == out->cap) {
		out->cap = out->cap ? out->cap * 2 : 16;
		out->t = xrealloc(out->t, out->cap * sizeof(*out->t));
	}
	struct token *t = &out->t[out->n++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	t->start = start;
	t->end = end;
	return t;
}

/* A backslash-newline that ends the text: the command goes on in the next line. */
static bool continues_line(const char *s, size_t i)
{
	return s[i + 1] == '\n' && s[i + 2] == '\0';
}

/* The end of "${...}" starting at s[i] == '$', or 0 if it is not closed. */
static size_t skip_braces(const char *s, size_t i)
{
	const char *close = strchr(s + i + 2, '}');
	return close ? (size_t)(close - s) + 1 : 0;
}

/* The end of a double-quoted part whose opening quote is at s[i]; 0 if unterminated. */
static size_t skip_dquote(const char *s, size_t i)
{
	for (i++; s[i]; i++) {
		if (s[i] == '"')
			return i + 1;
		if (s[i] == '\\' && s[i + 1])
			i++;
		else if (s[i] == '$' && s[i + 1] == '{') {
			size_t e = skip_braces(s, i);
			if (!e)
				return 0;
			i = e - 1;
		}
	}
	return 0;
}

/* Scans the word starting at s[i]; its end, or 0 if a quote is left open. */
static size_t scan_word(const char *s, size_t i, enum parse_result *res)
{
	while (s[i] && !is_blank(s[i]) && !is_operator_char(s[i])) {
		size_t e = i + 1;
		if (s[i] == '\'') {
			const char *q = strchr(s + i + 1, '\'');
			e = q ? (size_t)(q - s) + 1 : 0;
		} else if (s[i] == '"') {
			e = skip_dquote(s, i);
		} else if (s[i] == '\\') {
			e = s[i + 1] && !continues_line(s, i) ? i + 2 : 0;
		} else if (s[i] == '$' && s[i + 1] == '{') {
			e = skip_braces(s, i);
		}
		if (!e) {
			*res = PARSE_INCOMPLETE;
			return 0;
		}
		i = e;
	}
	return i;
}

/* An operator at s[i]: pushes it and returns its length, or 0 for a syntax error. */
static size_t lex_operator(const char *s, size_t i, struct tokens *out)
{
	static const struct {
		const char *text;
		enum tok_kind kind;
		enum redir_kind rkind;
	} ops[] = {
		{ "&&", T_AND, 0 },	    { "||", T_OR, 0 },		{ ">>", T_REDIR, R_APPEND },
		{ ">&", T_REDIR, R_DUP_OUT }, { "<&", T_REDIR, R_DUP_IN }, { "|", T_PIPE, 0 },
		{ "&", T_AMP, 0 },	    { ";", T_SEMI, 0 },		{ "\n", T_NEWLINE, 0 },
		{ "<", T_REDIR, R_IN },	    { ">", T_REDIR, R_OUT },
	};
	int fd = -1;
	size_t start = i;
	if (isdigit((unsigned char)s[i]) && (s[i + 1] == '<' || s[i + 1] == '>'))
		fd = s[i++] - '0';
	for (size_t k = 0; k < sizeof(ops) / sizeof(ops[0]); k++) {
		size_t len = strlen(ops[k].text);
		if (strncmp(s + i, ops[k].text, len) != 0)
			continue;
		struct token *t = push(out, ops[k].kind, start, i + len);
		t->rkind = ops[k].rkind;
		if (t->kind == T_REDIR)
			t->fd = fd >= 0 ? fd : (s[i] == '<' ? 0 : 1);
		return i + len - start;
	}
	sh_error(NULL, "syntax error: '%c' is not supported", s[i]);
	return 0;
}

enum parse_result lex(const char *s, struct tokens *out)
{
	enum parse_result res = PARSE_OK;
	size_t i = 0;
	while (s[i]) {
		if (is_blank(s[i])) {
			i++;
		} else if (s[i] == '\\' && s[i + 1] == '\n') {
			if (continues_line(s, i))
				return PARSE_INCOMPLETE;
			i += 2; /* a line continuation between words */
		} else if (s[i] == '#') {
			while (s[i] && s[i] != '\n')
				i++;
		} else if (is_operator_char(s[i]) ||
			   (isdigit((unsigned char)s[i]) && (s[i + 1] == '<' || s[i + 1] == '>'))) {
			size_t len = lex_operator(s, i, out);
			if (!len)
				return PARSE_ERROR;
			i += len;
		} else {
			size_t end = scan_word(s, i, &res);
			if (!end)
				return res;
			push(out, T_WORD, i, end)->word = xstrndup(s + i, end - i);
			i = end;
		}
	}
	push(out, T_EOF, i, i);
	return PARSE_OK;
}

void tokens_free(struct tokens *t)
{
	for (size_t i = 0; i < t->n; i++)
		free(t->t[i].word);
	free(t->t);
	t->t = NULL;
	t->n = t->cap = 0;
}
