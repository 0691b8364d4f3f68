/* "#!" scripts for execve: the first line names an interpreter and at most one argument (the
 * rest of the line, as Linux passes it); the interpreter runs with the script's path inserted
 * as its argument. */
#include <proc/exec.h>
#include <proc/exec_file.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

#define SCRIPT_LINE_MAX 256 /* Linux's BINPRM_BUF_SIZE: the "#!" line must end within it */

bool exec_is_script(const struct exec_file *ef)
{
	const char *d = ef->head;
	return ef->size >= 2 && d[0] == '#' && d[1] == '!';
}

static bool is_blank(char c)
{
	return c == ' ' || c == '\t';
}

/* Split the "#!" line into the interpreter and its optional argument (both in line, which
 * is NUL-terminated here). */
static int parse_line(char *line, char **interp, char **arg)
{
	char *s = line + 2;
	while (is_blank(*s))
		s++;
	if (!*s)
		return -ENOEXEC;
	*interp = s;
	while (*s && !is_blank(*s))
		s++;
	*arg = NULL;
	if (!*s)
		return 0;
	*s++ = 0;
	while (is_blank(*s))
		s++;
	size_t n = strlen(s);
	while (n && is_blank(s[n - 1]))
		s[--n] = 0;
	if (n)
		*arg = s;
	return 0;
}

/* Append the string s to n's buffer (sized for everything beforehand). */
static void put_string(struct exec_args *n, const char *s)
{
	size_t len = strlen(s) + 1;
	memcpy(n->buf + n->used, s, len);
	n->used += len;
}

int exec_script_rewrite(const struct exec_file *ef, const char *script_path,
			struct exec_args *a, char **interp_out)
{
	char line[SCRIPT_LINE_MAX + 1];
	size_t len = ef->size < SCRIPT_LINE_MAX ? ef->size : SCRIPT_LINE_MAX;
	memcpy(line, ef->head, len);
	line[len] = 0;
	char *nl = memchr(line, '\n', len);
	if (nl)
		*nl = 0;
	else if (ef->size > SCRIPT_LINE_MAX)
		return -ENOEXEC; /* the interpreter line does not fit */
	char *interp, *arg;
	int r = parse_line(line, &interp, &arg);
	if (r)
		return r;
	/* The new vector: interpreter, its argument, the script, then the old argv without its
	 * argv[0], and the environment, as they were. Sized exactly, charged as Linux counts. */
	size_t skip = a->argc ? strlen(a->buf) + 1 : 0;
	size_t rest = a->used - skip;
	size_t head = strlen(interp) + 1 + (arg ? strlen(arg) + 1 : 0) + strlen(script_path) + 1;
	int argc = a->argc + (arg ? 3 : 2) - (a->argc ? 1 : 0);
	size_t charged = head + rest + (size_t)(argc + a->envc) * sizeof(uint64_t);
	if (charged > EXEC_ARG_MAX)
		return -E2BIG;
	struct exec_args n = { .buf = kmalloc(head + rest), .cap = head + rest };
	*interp_out = kmalloc(strlen(interp) + 1);
	if (!n.buf || !*interp_out) {
		kfree(n.buf);
		kfree(*interp_out);
		*interp_out = NULL;
		return -ENOMEM;
	}
	strlcpy(*interp_out, interp, strlen(interp) + 1);
	put_string(&n, interp);
	if (arg)
		put_string(&n, arg);
	put_string(&n, script_path);
	memcpy(n.buf + n.used, a->buf + skip, rest);
	n.used += rest;
	n.argc = argc;
	n.envc = a->envc;
	n.charged = charged;
	kfree(a->buf);
	*a = n;
	return 0;
}
