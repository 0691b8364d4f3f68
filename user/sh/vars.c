/* zero-sh's variables: one table of name, value and an "exported" mark, filled from the
 * environment at start; a command's environment is built from the exported ones. */
#include "sh.h"

#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct var {
	char *name;
	char *value; /* NULL: exported but never set */
	bool exported;
};

static struct var *vars;
static size_t nvars, capvars;

static struct var *lookup(const char *name)
{
	for (size_t i = 0; i < nvars; i++)
		if (strcmp(vars[i].name, name) == 0)
			return &vars[i];
	return NULL;
}

static struct var *lookup_or_add(const char *name)
{
	struct var *v = lookup(name);
	if (v)
		return v;
	if (nvars == capvars) {
		capvars = capvars ? capvars * 2 : 32;
		vars = xrealloc(vars, capvars * sizeof(*vars));
	}
	v = &vars[nvars++];
	v->name = xstrdup(name);
	v->value = NULL;
	v->exported = false;
	return v;
}

void vars_init(char **envp)
{
	for (; envp && *envp; envp++) {
		const char *eq = strchr(*envp, '=');
		if (!eq || !is_name(*envp, (size_t)(eq - *envp)))
			continue;
		char *name = xstrndup(*envp, (size_t)(eq - *envp));
		var_set(name, eq + 1);
		var_export(name);
		free(name);
	}
	if (!var_get("PATH")) {
		var_set("PATH", "/bin:/sbin:/usr/bin");
		var_export("PATH");
	}
}

const char *var_get(const char *name)
{
	struct var *v = lookup(name);
	return v ? v->value : NULL;
}

void var_set(const char *name, const char *value)
{
	struct var *v = lookup_or_add(name);
	free(v->value);
	v->value = xstrdup(value);
}

void var_export(const char *name)
{
	lookup_or_add(name)->exported = true;
}

void var_unset(const char *name)
{
	struct var *v = lookup(name);
	if (!v)
		return;
	free(v->name);
	free(v->value);
	*v = vars[--nvars];
}

static bool overridden(const char *name, const struct strvec *assigns)
{
	size_t len = strlen(name);
	for (size_t i = 0; assigns && i < assigns->n; i++)
		if (strncmp(assigns->v[i], name, len) == 0 && assigns->v[i][len] == '=')
			return true;
	return false;
}

char **var_environ(const struct strvec *assigns)
{
	struct strvec env = { 0 };
	for (size_t i = 0; i < nvars; i++) {
		if (!vars[i].exported || !vars[i].value || overridden(vars[i].name, assigns))
			continue;
		struct strbuf b = { 0 };
		sb_puts(&b, vars[i].name);
		sb_putc(&b, '=');
		sb_puts(&b, vars[i].value);
		sv_push(&env, sb_take(&b));
	}
	for (size_t i = 0; assigns && i < assigns->n; i++)
		sv_push(&env, xstrdup(assigns->v[i]));
	if (!env.v) {
		env.v = xmalloc(sizeof(*env.v));
		env.v[0] = NULL;
	}
	return env.v;
}

int var_print_exported(void)
{
	for (size_t i = 0; i < nvars; i++) {
		if (!vars[i].exported)
			continue;
		struct strbuf b = { 0 };
		sb_puts(&b, "export ");
		sb_puts(&b, vars[i].name);
		if (vars[i].value) {
			sb_puts(&b, "='");
			sb_puts(&b, vars[i].value);
			sb_puts(&b, "'");
		}
		sb_putc(&b, '\n');
		int r = write_all(1, b.s, b.len);
		free(b.s);
		if (r < 0)
			return -1;
	}
	return 0;
}
