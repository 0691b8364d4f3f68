/* zero-sh's parser: tokens into a list of and-or lists (separated by ; & or newlines), each a
 * chain of pipelines joined by && and ||, each pipeline a chain of simple commands (words and
 * redirections). Input that stops right after | && or || is "incomplete", so that the reader
 * can fetch another line. */
#include "sh.h"

#include <stdlib.h>
#include <string.h>

struct parser {
	const char *src;
	struct tokens toks;
	size_t pos;
};

static struct token *peek(struct parser *p)
{
	return &p->toks.t[p->pos];
}

static const char *tok_text(struct token *t)
{
	static const char *const names[] = {
		[T_WORD] = "word", [T_PIPE] = "|",	  [T_AND] = "&&", [T_OR] = "||",
		[T_SEMI] = ";",	   [T_AMP] = "&",	  [T_NEWLINE] = "newline",
		[T_REDIR] = "redirection", [T_EOF] = "end of input",
	};
	return t->kind == T_WORD ? t->word : names[t->kind];
}

static enum parse_result unexpected(struct parser *p)
{
	struct token *t = peek(p);
	if (t->kind == T_EOF)
		return PARSE_INCOMPLETE;
	sh_error(NULL, "syntax error near unexpected '%s'", tok_text(t));
	return PARSE_ERROR;
}

static void skip_newlines(struct parser *p)
{
	while (peek(p)->kind == T_NEWLINE)
		p->pos++;
}

static void command_free(struct command *c)
{
	sv_free(&c->words);
	while (c->redirs) {
		struct redir *r = c->redirs;
		c->redirs = r->next;
		free(r->target);
		free(r);
	}
}

static void pipeline_free(struct pipeline *pl)
{
	for (size_t j = 0; j < pl->n; j++)
		command_free(&pl->cmds[j]);
	free(pl->cmds);
}

static enum parse_result parse_command(struct parser *p, struct command *c)
{
	struct redir **tail = &c->redirs;
	memset(c, 0, sizeof(*c));
	for (;;) {
		struct token *t = peek(p);
		if (t->kind == T_WORD) {
			sv_push(&c->words, xstrdup(t->word));
			p->pos++;
		} else if (t->kind == T_REDIR) {
			p->pos++;
			if (peek(p)->kind == T_EOF) {
				sh_error(NULL, "syntax error: redirection without a target");
				return PARSE_ERROR;
			}
			if (peek(p)->kind != T_WORD)
				return unexpected(p);
			struct redir *r = xmalloc(sizeof(*r));
			r->kind = t->rkind;
			r->fd = t->fd;
			r->target = xstrdup(peek(p)->word);
			r->next = NULL;
			*tail = r;
			tail = &r->next;
			p->pos++;
		} else {
			break;
		}
	}
	return c->words.n || c->redirs ? PARSE_OK : unexpected(p);
}

static enum parse_result parse_pipeline(struct parser *p, struct pipeline *pl)
{
	memset(pl, 0, sizeof(*pl));
	for (;;) {
		pl->cmds = xrealloc(pl->cmds, (pl->n + 1) * sizeof(*pl->cmds));
		enum parse_result r = parse_command(p, &pl->cmds[pl->n]);
		if (r != PARSE_OK) {
			command_free(&pl->cmds[pl->n]);
			return r;
		}
		pl->n++;
		if (peek(p)->kind != T_PIPE)
			return PARSE_OK;
		p->pos++;
		skip_newlines(p);
	}
}

static enum parse_result parse_andor(struct parser *p, struct andor *ao)
{
	size_t start = peek(p)->start, end;
	memset(ao, 0, sizeof(*ao));
	for (;;) {
		ao->pipes = xrealloc(ao->pipes, (ao->n + 1) * sizeof(*ao->pipes));
		ao->ops = xrealloc(ao->ops, (ao->n + 1) * sizeof(*ao->ops));
		enum parse_result r = parse_pipeline(p, &ao->pipes[ao->n]);
		if (r != PARSE_OK) {
			pipeline_free(&ao->pipes[ao->n]);
			return r;
		}
		ao->n++;
		end = p->toks.t[p->pos - 1].end;
		enum tok_kind k = peek(p)->kind;
		if (k != T_AND && k != T_OR)
			break;
		ao->ops[ao->n - 1] = k;
		p->pos++;
		skip_newlines(p);
	}
	ao->text = xstrndup(p->src + start, end - start);
	if (peek(p)->kind == T_AMP) {
		ao->background = true;
		p->pos++;
	} else if (peek(p)->kind == T_SEMI) {
		p->pos++;
	}
	return PARSE_OK;
}

static void andor_free(struct andor *ao)
{
	for (size_t i = 0; i < ao->n; i++)
		pipeline_free(&ao->pipes[i]);
	free(ao->pipes);
	free(ao->ops);
	free(ao->text);
}

void list_free(struct list *l)
{
	for (size_t i = 0; i < l->n; i++)
		andor_free(&l->items[i]);
	free(l->items);
	l->items = NULL;
	l->n = 0;
}

enum parse_result parse(const char *src, struct list *out)
{
	struct parser p = { .src = src };
	memset(out, 0, sizeof(*out));
	enum parse_result r = lex(src, &p.toks);
	while (r == PARSE_OK) {
		skip_newlines(&p);
		if (peek(&p)->kind == T_EOF)
			break;
		struct token *before = peek(&p);
		if (before->kind != T_WORD && before->kind != T_REDIR) {
			r = unexpected(&p);
			break;
		}
		out->items = xrealloc(out->items, (out->n + 1) * sizeof(*out->items));
		r = parse_andor(&p, &out->items[out->n]);
		if (r != PARSE_OK) {
			andor_free(&out->items[out->n]);
			break;
		}
		out->n++;
		enum tok_kind k = peek(&p)->kind;
		if (k != T_NEWLINE && k != T_EOF && p.toks.t[p.pos - 1].kind != T_AMP &&
		    p.toks.t[p.pos - 1].kind != T_SEMI)
			r = unexpected(&p);
	}
	tokens_free(&p.toks);
	if (r != PARSE_OK)
		list_free(out);
	return r;
}
