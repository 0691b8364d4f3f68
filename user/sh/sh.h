/* zero-sh, Zero-OS's own small POSIX-ish shell: the declarations its parts share. The shell
 * reads a complete command (lex.c), parses it into lists of and-or lists of pipelines
 * (parse.c), expands words when they run (expand.c, vars.c), and runs them (exec.c) as jobs
 * (jobs.c) or builtins (builtins.c). Memory and error helpers live in util.c. */
#ifndef ZERO_SH_H
#define ZERO_SH_H

#ifndef _GNU_SOURCE
#define _GNU_SOURCE /* vasprintf, strsignal; sh.h comes first in every file */
#endif

#include <stdbool.h>
#include <stddef.h>
#include <sys/types.h>
#include <termios.h>

#define SH_NAME "zero-sh"
#define STATUS_SYNTAX 2
#define STATUS_NOEXEC 126
#define STATUS_NOTFOUND 127
#define STATUS_SIGNAL_BASE 128
/* The shell's own descriptors (script file, saved fds) live at or above this number, out of
 * the way of the single-digit descriptors that redirections name. */
#define SH_FD_MIN 10

/* ---- util.c ---- */
void *xmalloc(size_t n);
void *xrealloc(void *p, size_t n);
char *xstrdup(const char *s);
char *xstrndup(const char *s, size_t n);

struct strbuf {
	char *s;
	size_t len, cap;
};
void sb_putn(struct strbuf *b, const char *s, size_t n);
void sb_putc(struct strbuf *b, char c);
void sb_puts(struct strbuf *b, const char *s);
char *sb_take(struct strbuf *b); /* the NUL-terminated text; b is empty afterwards */

/* A growable NULL-terminated vector of owned strings (argv, envp). */
struct strvec {
	char **v;
	size_t n, cap;
};
void sv_push(struct strvec *v, char *s);
void sv_free(struct strvec *v);

void sh_error(const char *cmd, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
void sh_perror(const char *cmd); /* "zero-sh: cmd: strerror(errno)" */
int write_all(int fd, const char *s, size_t n);
bool is_name(const char *s, size_t n); /* a valid variable name */

/* ---- lex.c ---- */
enum tok_kind { T_WORD, T_PIPE, T_AND, T_OR, T_SEMI, T_AMP, T_NEWLINE, T_REDIR, T_EOF };
enum redir_kind { R_IN, R_OUT, R_APPEND, R_DUP_IN, R_DUP_OUT };
struct token {
	enum tok_kind kind;
	char *word; /* T_WORD: the raw text, quotes included (expanded when it runs) */
	enum redir_kind rkind; /* T_REDIR */
	int fd; /* T_REDIR: the descriptor redirected */
	size_t start, end; /* its place in the source, for job texts */
};
enum parse_result { PARSE_OK, PARSE_INCOMPLETE, PARSE_ERROR };
struct tokens {
	struct token *t;
	size_t n, cap;
};
enum parse_result lex(const char *src, struct tokens *out);
void tokens_free(struct tokens *t);

/* ---- parse.c ---- */
struct redir {
	enum redir_kind kind;
	int fd;
	char *target; /* raw word */
	struct redir *next;
};
struct command {
	struct strvec words; /* raw words: assignments first, then the command and arguments */
	struct redir *redirs;
};
struct pipeline {
	struct command *cmds;
	size_t n;
};
struct andor {
	struct pipeline *pipes;
	enum tok_kind *ops; /* ops[i] joins pipes[i] and pipes[i+1]: T_AND or T_OR */
	size_t n;
	bool background;
	char *text; /* its source text, for the job table */
};
struct list {
	struct andor *items;
	size_t n;
};
enum parse_result parse(const char *src, struct list *out);
void list_free(struct list *l);

/* ---- vars.c ---- */
void vars_init(char **envp);
const char *var_get(const char *name);
void var_set(const char *name, const char *value);
void var_export(const char *name);
void var_unset(const char *name);
/* The environment of a command: exported variables, overridden by "NAME=value" assigns. */
char **var_environ(const struct strvec *assigns);
int var_print_exported(void); /* -1 on a write error (errno) */

/* ---- expand.c ---- */
struct sh_state {
	int last_status;
	pid_t pid; /* $$ */
	pid_t last_bg; /* $! */
	bool interactive; /* reading commands from a terminal */
	bool jobctl; /* job control: jobs in their own process groups */
	pid_t pgid; /* the shell's process group, when jobctl */
	struct termios tmodes; /* the terminal's modes for the shell, put back after each job */
	int nargs; /* $0..: positional parameters */
	char **args;
};
extern struct sh_state sh;
/* Appends the fields of a raw word to out (field splitting of unquoted expansions). */
int expand_word(const char *raw, struct strvec *out);
/* The raw word as one string, without field splitting; NULL after an error (reported). */
char *expand_one(const char *raw);
/* Length of the assignment's name if the raw word is NAME=..., else 0. */
size_t assignment_name_len(const char *raw);

/* ---- exec.c ---- */
int run_list(struct list *l);
int run_andor(struct andor *ao);
/* Replaces the process with argv[0] found on PATH; returns only on failure, with the status
 * (126/127) after reporting why. */
int exec_external(char **argv, char **envp);
void child_reset_signals(void);
/* The executable file name would run as, found on $PATH; NULL if none. */
char *path_find(const char *name);

/* ---- jobs.c ---- */
enum proc_state { P_RUNNING, P_STOPPED, P_DONE };
struct proc {
	pid_t pid;
	enum proc_state state;
	int status; /* wait status, once P_DONE or P_STOPPED */
};
struct job {
	int id; /* 0 for a foreground job until it stops */
	pid_t pgid;
	struct proc *procs;
	size_t n;
	char *text;
	bool reported_stop;
};
struct job *job_new(const char *text);
void job_add_proc(struct job *j, pid_t pid);
void job_background(struct job *j); /* numbers it and announces it when interactive */
int job_wait_fg(struct job *j); /* waits until done or stopped; its status */
int job_wait_done(struct job *j); /* waits until done, for `wait`; its status, job removed */
void job_remove(struct job *j);
void jobs_notify(void); /* reaps without blocking; reports done and stopped jobs */
struct job *job_find(const char *spec); /* NULL spec: the current job; reports a miss */
void jobs_print(void);
int job_continue(struct job *j, bool foreground);
int jobs_wait_all(void);
int status_of(int wstatus);

/* ---- builtins.c ---- */
typedef int (*builtin_fn)(int argc, char **argv);
builtin_fn builtin_find(const char *name);

/* ---- main.c ---- */
int run_source(const char *src); /* parses and runs a complete command text */
int run_script_fd(int fd); /* runs commands read from fd until end of input */
/* An interactive shell ignores the job-control signals and catches SIGINT at its prompt. */
void sh_interactive_signals(void);

#endif
