/* zero-sh's builtins: the commands that must change the shell itself (cd, exit, export, unset,
 * exec, jobs, fg, bg, wait) and a few small ones (echo, pwd, true, false, kill, type, help).
 * Output goes straight to fd 1 with write; errors are "zero-sh: <builtin>: <why>". */
#include "sh.h"

#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

static int out(const char *cmd, const char *s, size_t n)
{
	if (write_all(1, s, n) < 0) {
		sh_perror(cmd);
		return 1;
	}
	return 0;
}

static int b_true(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 0;
}

static int b_false(int argc, char **argv)
{
	(void)argc, (void)argv;
	return 1;
}

static int b_echo(int argc, char **argv)
{
	struct strbuf b = { 0 };
	int i = 1;
	bool newline = true;
	if (argc > 1 && strcmp(argv[1], "-n") == 0) {
		newline = false;
		i++;
	}
	for (; i < argc; i++) {
		sb_puts(&b, argv[i]);
		if (i + 1 < argc)
			sb_putc(&b, ' ');
	}
	if (newline)
		sb_putc(&b, '\n');
	int r = b.len ? out("echo", b.s, b.len) : 0;
	free(b.s);
	return r;
}

static int print_cwd(const char *cmd)
{
	char *cwd = getcwd(NULL, 0);
	if (!cwd) {
		sh_perror(cmd);
		return 1;
	}
	struct strbuf b = { 0 };
	sb_puts(&b, cwd);
	sb_putc(&b, '\n');
	int r = out(cmd, b.s, b.len);
	free(b.s);
	free(cwd);
	return r;
}

static int b_pwd(int argc, char **argv)
{
	(void)argc, (void)argv;
	return print_cwd("pwd");
}

static int b_cd(int argc, char **argv)
{
	const char *dir = argc > 1 ? argv[1] : var_get("HOME");
	bool dash = dir && strcmp(dir, "-") == 0;
	if (dash)
		dir = var_get("OLDPWD");
	if (!dir || !*dir)
		dir = dash ? "." : "/";
	char *old = getcwd(NULL, 0);
	if (chdir(dir) < 0) {
		sh_error("cd", "%s: %s", dir, strerror(errno));
		free(old);
		return 1;
	}
	if (old)
		var_set("OLDPWD", old);
	free(old);
	char *cwd = getcwd(NULL, 0);
	if (cwd)
		var_set("PWD", cwd);
	free(cwd);
	return dash ? print_cwd("cd") : 0;
}

static int b_exit(int argc, char **argv)
{
	int code = sh.last_status;
	if (argc > 1) {
		char *end;
		long n = strtol(argv[1], &end, 10);
		if (!*argv[1] || *end) {
			sh_error("exit", "%s: numeric argument required", argv[1]);
			code = STATUS_SYNTAX;
		} else {
			code = (int)(n & 0xff);
		}
	}
	exit(code);
}

static int b_export(int argc, char **argv)
{
	int status = 0;
	if (argc == 1)
		return var_print_exported() < 0 ? (sh_perror("export"), 1) : 0;
	for (int i = 1; i < argc; i++) {
		char *eq = strchr(argv[i], '=');
		size_t len = eq ? (size_t)(eq - argv[i]) : strlen(argv[i]);
		if (!is_name(argv[i], len)) {
			sh_error("export", "%s: not a valid identifier", argv[i]);
			status = 1;
			continue;
		}
		char *name = xstrndup(argv[i], len);
		if (eq)
			var_set(name, eq + 1);
		var_export(name);
		free(name);
	}
	return status;
}

static int b_unset(int argc, char **argv)
{
	for (int i = 1; i < argc; i++)
		var_unset(argv[i]);
	return 0;
}

static int b_exec(int argc, char **argv)
{
	if (argc == 1)
		return 0; /* its redirections stay: run_simple sees to that */
	child_reset_signals();
	int status = exec_external(argv + 1, var_environ(NULL));
	if (!sh.interactive)
		exit(status);
	sh_interactive_signals();
	return status;
}

static int b_jobs(int argc, char **argv)
{
	(void)argc, (void)argv;
	jobs_print();
	return 0;
}

static int fg_bg(int argc, char **argv, bool fg)
{
	if (!sh.jobctl) {
		sh_error(argv[0], "no job control");
		return 1;
	}
	struct job *j = job_find(argc > 1 ? argv[1] : NULL);
	return j ? job_continue(j, fg) : 1;
}

static int b_fg(int argc, char **argv)
{
	return fg_bg(argc, argv, true);
}

static int b_bg(int argc, char **argv)
{
	return fg_bg(argc, argv, false);
}

static int b_wait(int argc, char **argv)
{
	if (argc == 1)
		return jobs_wait_all();
	int status = 0;
	for (int i = 1; i < argc; i++) {
		struct job *j = job_find(argv[i]);
		status = j ? job_wait_done(j) : STATUS_NOTFOUND;
	}
	return status;
}

static const struct {
	const char *name;
	int sig;
} signal_names[] = {
	{ "HUP", SIGHUP },   { "INT", SIGINT },	  { "QUIT", SIGQUIT }, { "KILL", SIGKILL },
	{ "SEGV", SIGSEGV }, { "PIPE", SIGPIPE }, { "ALRM", SIGALRM }, { "TERM", SIGTERM },
	{ "USR1", SIGUSR1 }, { "USR2", SIGUSR2 }, { "CHLD", SIGCHLD }, { "CONT", SIGCONT },
	{ "STOP", SIGSTOP }, { "TSTP", SIGTSTP }, { "TTIN", SIGTTIN }, { "TTOU", SIGTTOU },
};

static int parse_signal(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);
	if (*s && !*end)
		return n > 0 && n < NSIG ? (int)n : -1;
	if (strncmp(s, "SIG", 3) == 0)
		s += 3;
	for (size_t i = 0; i < sizeof(signal_names) / sizeof(signal_names[0]); i++)
		if (strcmp(s, signal_names[i].name) == 0)
			return signal_names[i].sig;
	return -1;
}

static int kill_one(const char *target, int sig)
{
	pid_t pid;
	if (target[0] == '%') {
		struct job *j = job_find(target);
		if (!j)
			return 1;
		pid = j->pgid ? -j->pgid : j->procs[j->n - 1].pid;
	} else {
		char *end;
		long n = strtol(target, &end, 10);
		if (!*target || *end) {
			sh_error("kill", "%s: arguments must be process or job IDs", target);
			return 1;
		}
		pid = (pid_t)n;
	}
	if (kill(pid, sig) < 0) {
		sh_error("kill", "(%s) - %s", target, strerror(errno));
		return 1;
	}
	return 0;
}

static int b_kill(int argc, char **argv)
{
	int sig = SIGTERM, i = 1, status = 0;
	if (argc > 1 && argv[1][0] == '-' && argv[1][1]) {
		sig = parse_signal(argv[1] + 1);
		if (sig < 0) {
			sh_error("kill", "%s: invalid signal specification", argv[1] + 1);
			return 1;
		}
		i++;
	}
	if (i == argc) {
		sh_error("kill", "usage: kill [-SIGNAL] pid|%%job ...");
		return STATUS_SYNTAX;
	}
	for (; i < argc; i++)
		status |= kill_one(argv[i], sig);
	return status;
}

static int b_type(int argc, char **argv)
{
	int status = 0;
	for (int i = 1; i < argc; i++) {
		char *path = NULL;
		struct strbuf b = { 0 };
		sb_puts(&b, argv[i]);
		if (builtin_find(argv[i])) {
			sb_puts(&b, " is a shell builtin\n");
		} else if (!strchr(argv[i], '/') && (path = path_find(argv[i]))) {
			sb_puts(&b, " is ");
			sb_puts(&b, path);
			sb_putc(&b, '\n');
			free(path);
		} else {
			sh_error("type", "%s: not found", argv[i]);
			free(b.s);
			status = 1;
			continue;
		}
		status |= out("type", b.s, b.len);
		free(b.s);
	}
	return status;
}

static int b_help(int argc, char **argv);

static const struct {
	const char *name;
	builtin_fn fn;
	const char *usage;
} builtins[] = {
	{ ":", b_true, ":" },
	{ "bg", b_bg, "bg [%job]" },
	{ "cd", b_cd, "cd [dir|-]" },
	{ "echo", b_echo, "echo [-n] [arg ...]" },
	{ "exec", b_exec, "exec [command [arg ...]]" },
	{ "exit", b_exit, "exit [n]" },
	{ "export", b_export, "export [name[=value] ...]" },
	{ "false", b_false, "false" },
	{ "fg", b_fg, "fg [%job]" },
	{ "help", b_help, "help" },
	{ "jobs", b_jobs, "jobs" },
	{ "kill", b_kill, "kill [-SIGNAL] pid|%job ..." },
	{ "pwd", b_pwd, "pwd" },
	{ "true", b_true, "true" },
	{ "type", b_type, "type name ..." },
	{ "unset", b_unset, "unset name ..." },
	{ "wait", b_wait, "wait [pid|%job ...]" },
};

static int b_help(int argc, char **argv)
{
	(void)argc, (void)argv;
	struct strbuf b = { 0 };
	sb_puts(&b, SH_NAME " builtins:\n");
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++) {
		sb_puts(&b, "  ");
		sb_puts(&b, builtins[i].usage);
		sb_putc(&b, '\n');
	}
	int r = out("help", b.s, b.len);
	free(b.s);
	return r;
}

builtin_fn builtin_find(const char *name)
{
	for (size_t i = 0; i < sizeof(builtins) / sizeof(builtins[0]); i++)
		if (strcmp(name, builtins[i].name) == 0)
			return builtins[i].fn;
	return NULL;
}
