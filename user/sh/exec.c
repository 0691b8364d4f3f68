/* zero-sh's executor: runs lists, and-or lists and pipelines. A lone builtin (or a bare
 * assignment) runs in the shell with its redirections undone afterwards; everything else runs
 * in children, one per pipeline stage, as a job (in its own process group under job control).
 * Programs are found on $PATH and started with execve; a file execve calls ENOEXEC is run as a
 * script of this shell. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#define DEFAULT_PATH "/bin:/sbin:/usr/bin"
#define BINARY_PROBE 256 /* bytes looked at to tell a binary from a script */

struct expanded {
	struct strvec assigns; /* "NAME=value" */
	struct strvec argv;
};

struct saved_fd {
	int fd;
	int copy; /* -1: fd was closed */
};

struct saved_fds {
	struct saved_fd *v;
	size_t n;
};

static void expanded_free(struct expanded *e)
{
	sv_free(&e->assigns);
	sv_free(&e->argv);
}

static int expand_command(struct command *c, struct expanded *e)
{
	memset(e, 0, sizeof(*e));
	for (size_t i = 0; i < c->words.n; i++) {
		const char *w = c->words.v[i];
		size_t name = e->argv.n ? 0 : assignment_name_len(w);
		if (name) {
			char *val = expand_one(w + name + 1);
			if (!val)
				goto fail;
			struct strbuf b = { 0 };
			sb_putn(&b, w, name + 1);
			sb_puts(&b, val);
			free(val);
			sv_push(&e->assigns, sb_take(&b));
		} else if (expand_word(w, &e->argv) < 0) {
			goto fail;
		}
	}
	return 0;
fail:
	expanded_free(e);
	return -1;
}

static void assign_all(const struct strvec *assigns, bool export)
{
	for (size_t i = 0; i < assigns->n; i++) {
		char *eq = strchr(assigns->v[i], '=');
		*eq = '\0';
		var_set(assigns->v[i], eq + 1);
		if (export)
			var_export(assigns->v[i]);
		*eq = '=';
	}
}

/* Remembers fd's current open file (if not already remembered) so it can be put back. */
static int save_fd(struct saved_fds *s, int fd)
{
	for (size_t i = 0; i < s->n; i++)
		if (s->v[i].fd == fd)
			return 0;
	int copy = fcntl(fd, F_DUPFD_CLOEXEC, SH_FD_MIN);
	if (copy < 0 && errno != EBADF) {
		sh_perror("fcntl");
		return -1;
	}
	s->v = xrealloc(s->v, (s->n + 1) * sizeof(*s->v));
	s->v[s->n++] = (struct saved_fd){ fd, copy < 0 ? -1 : copy };
	return 0;
}

static void restore_fds(struct saved_fds *s)
{
	while (s->n) {
		struct saved_fd *f = &s->v[--s->n];
		if (f->copy < 0) {
			close(f->fd);
		} else {
			if (dup2(f->copy, f->fd) < 0)
				sh_perror("dup2");
			close(f->copy);
		}
	}
	free(s->v);
	s->v = NULL;
}

static int open_target(struct redir *r, const char *target)
{
	static const int flags[] = {
		[R_IN] = O_RDONLY,
		[R_OUT] = O_WRONLY | O_CREAT | O_TRUNC,
		[R_APPEND] = O_WRONLY | O_CREAT | O_APPEND,
	};
	if (r->kind == R_DUP_IN || r->kind == R_DUP_OUT) {
		if (strcmp(target, "-") == 0)
			return -2; /* close */
		if (!(target[0] >= '0' && target[0] <= '9' && target[1] == '\0')) {
			sh_error(target, "bad file descriptor");
			return -1;
		}
		return target[0] - '0';
	}
	int fd = open(target, flags[r->kind] | O_CLOEXEC, 0666);
	if (fd < 0)
		sh_perror(target);
	return fd;
}

/* Applies redirections in order; with save, they can be undone by restore_fds. */
static int apply_redirs(struct redir *r, struct saved_fds *save)
{
	for (; r; r = r->next) {
		char *target = expand_one(r->target);
		if (!target)
			return -1;
		if (save && save_fd(save, r->fd) < 0) {
			free(target);
			return -1;
		}
		int fd = open_target(r, target);
		bool dup = r->kind == R_DUP_IN || r->kind == R_DUP_OUT;
		int err = 0;
		if (fd == -2) {
			close(r->fd);
		} else if (fd >= 0 && fd != r->fd) {
			if (dup2(fd, r->fd) < 0)
				err = errno;
			if (!dup)
				close(fd);
		} else if (fd == r->fd && !dup) {
			fcntl(fd, F_SETFD, 0); /* opened right on the wanted number: keep it on exec */
		}
		if (err) {
			errno = err;
			sh_perror(target);
		}
		free(target);
		if (fd == -1 || err)
			return -1;
	}
	return 0;
}

/* A file that is not ELF (ENOEXEC) runs as a script of this shell, unless it looks binary. */
static int run_as_script(const char *path, char **argv, char **envp)
{
	char probe[BINARY_PROBE];
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sh_perror(path);
		return STATUS_NOEXEC;
	}
	ssize_t n = read(fd, probe, sizeof(probe));
	if (n < 0 || memchr(probe, '\0', (size_t)n) || lseek(fd, 0, SEEK_SET) < 0) {
		if (n < 0)
			sh_perror(path);
		else
			sh_error(path, "cannot execute binary file");
		close(fd);
		return STATUS_NOEXEC;
	}
	vars_init(envp);
	sh.interactive = sh.jobctl = false;
	sh.args = argv;
	for (sh.nargs = 0; argv[sh.nargs]; sh.nargs++)
		;
	exit(run_script_fd(fd));
}

static int try_exec(const char *path, char **argv, char **envp)
{
	execve(path, argv, envp);
	if (errno == ENOEXEC)
		return run_as_script(path, argv, envp);
	return -1;
}

/* "dir/name" for the $PATH element path[0..len) (an empty one is the current directory). */
static char *path_join(const char *path, size_t len, const char *name)
{
	struct strbuf b = { 0 };
	if (len)
		sb_putn(&b, path, len);
	else
		sb_putc(&b, '.');
	sb_putc(&b, '/');
	sb_puts(&b, name);
	return sb_take(&b);
}

char *path_find(const char *name)
{
	const char *path = var_get("PATH") ? var_get("PATH") : DEFAULT_PATH;
	for (;;) {
		const char *colon = strchrnul(path, ':');
		char *cand = path_join(path, (size_t)(colon - path), name);
		struct stat st;
		if (stat(cand, &st) == 0 && S_ISREG(st.st_mode) && access(cand, X_OK) == 0)
			return cand;
		free(cand);
		if (!*colon)
			return NULL;
		path = colon + 1;
	}
}

int exec_external(char **argv, char **envp)
{
	const char *name = argv[0];
	if (strchr(name, '/')) {
		int r = try_exec(name, argv, envp);
		if (r >= 0)
			return r;
		int err = errno;
		sh_perror(name);
		return err == ENOENT ? STATUS_NOTFOUND : STATUS_NOEXEC;
	}
	const char *path = var_get("PATH") ? var_get("PATH") : DEFAULT_PATH;
	int denied = 0, other = 0;
	for (; *name;) {
		const char *colon = strchrnul(path, ':');
		char *cand = path_join(path, (size_t)(colon - path), name);
		int r = try_exec(cand, argv, envp);
		free(cand);
		if (r >= 0)
			return r;
		if (errno == EACCES)
			denied = EACCES;
		else if (errno != ENOENT && errno != ENOTDIR)
			other = errno;
		if (!*colon)
			break;
		path = colon + 1;
	}
	if (denied || other) {
		sh_error(name, "%s", strerror(denied ? denied : other));
		return STATUS_NOEXEC;
	}
	sh_error(name, "command not found");
	return STATUS_NOTFOUND;
}

void child_reset_signals(void)
{
	static const int sigs[] = { SIGINT, SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	for (size_t i = 0; i < sizeof(sigs) / sizeof(sigs[0]); i++)
		signal(sigs[i], SIG_DFL);
}

/* In a new child: its process group, the terminal if in the foreground, default signals. */
static void child_setup(pid_t pgid, bool foreground)
{
	if (sh.jobctl) {
		if (setpgid(0, pgid) < 0)
			sh_perror("setpgid");
		if (foreground && tcsetpgrp(0, pgid ? pgid : getpid()) < 0)
			sh_perror("tcsetpgrp");
	}
	child_reset_signals();
	sh.interactive = sh.jobctl = false;
}

static void parent_setpgid(struct job *j, pid_t pid)
{
	/* The child does the same; whichever runs first wins, the other may find it done. */
	if (sh.jobctl && setpgid(pid, j->pgid ? j->pgid : pid) < 0 && errno != EACCES &&
	    errno != ESRCH)
		sh_perror("setpgid");
	job_add_proc(j, pid);
}

static void __attribute__((noreturn)) child_exec(struct command *c, struct expanded *e)
{
	if (apply_redirs(c->redirs, NULL) < 0)
		_exit(1);
	if (e->argv.n == 0)
		_exit(0);
	builtin_fn b = builtin_find(e->argv.v[0]);
	if (b) {
		assign_all(&e->assigns, true);
		exit(b((int)e->argv.n, e->argv.v));
	}
	_exit(exec_external(e->argv.v, var_environ(&e->assigns)));
}

/* Stage of a pipeline, in its child: reads from in, writes to out[1] (-1: unchanged). Under
 * job control the first stage leads the process group, and waits until the shell closes the
 * gate, so that the group still exists when the later stages join it. */
static void __attribute__((noreturn)) pipeline_child(struct command *c, pid_t pgid, bool fg,
						     int in, const int out[2], const int gate[2])
{
	struct expanded e;
	child_setup(pgid, fg);
	if (gate[0] >= 0) {
		char byte;
		close(gate[1]);
		while (pgid == 0 && read(gate[0], &byte, 1) < 0 && errno == EINTR)
			;
		close(gate[0]);
	}
	if ((in >= 0 && dup2(in, 0) < 0) || (out[1] >= 0 && dup2(out[1], 1) < 0)) {
		sh_perror("dup2");
		_exit(1);
	}
	if (in >= 0)
		close(in);
	if (out[1] >= 0) {
		close(out[0]);
		close(out[1]);
	}
	if (expand_command(c, &e) < 0)
		_exit(1);
	child_exec(c, &e);
}

/* The stages of a pipeline, each in a child; a job for them. */
static struct job *start_pipeline(struct pipeline *pl, const char *text, bool fg)
{
	struct job *j = job_new(text);
	int in = -1, gate[2] = { -1, -1 };
	if (sh.jobctl && pl->n > 1 && pipe2(gate, O_CLOEXEC) < 0) {
		sh_perror("pipe");
		gate[0] = gate[1] = -1;
	}
	for (size_t i = 0; i < pl->n; i++) {
		int pfd[2] = { -1, -1 };
		if (i + 1 < pl->n && pipe2(pfd, O_CLOEXEC) < 0) {
			sh_perror("pipe");
			break;
		}
		pid_t pid = fork();
		if (pid < 0) {
			sh_perror("fork");
			close(pfd[0]);
			close(pfd[1]);
			break;
		}
		if (pid == 0)
			pipeline_child(&pl->cmds[i], j->pgid, fg, in, pfd, gate);
		parent_setpgid(j, pid);
		if (in >= 0)
			close(in);
		if (pfd[1] >= 0)
			close(pfd[1]);
		in = pfd[0];
	}
	if (in >= 0)
		close(in);
	if (gate[0] >= 0) { /* every stage is in the group: the leader may go on */
		close(gate[0]);
		close(gate[1]);
	}
	return j;
}

/* A lone command in the foreground: builtins and assignments run in the shell itself. */
static int run_simple(struct command *c, const char *text)
{
	struct expanded e;
	struct saved_fds saved = { 0 };
	int status = 1;
	if (expand_command(c, &e) < 0)
		return 1;
	builtin_fn b = e.argv.n ? builtin_find(e.argv.v[0]) : NULL;
	if (e.argv.n && !b) {
		struct job *j = job_new(text);
		pid_t pid = fork();
		if (pid == 0) {
			child_setup(0, true);
			child_exec(c, &e);
		}
		if (pid < 0) {
			sh_perror("fork");
			job_remove(j);
		} else {
			parent_setpgid(j, pid);
			status = job_wait_fg(j);
		}
		expanded_free(&e);
		return status;
	}
	if (apply_redirs(c->redirs, &saved) == 0) {
		assign_all(&e.assigns, false);
		status = b ? b((int)e.argv.n, e.argv.v) : 0;
		if (b && strcmp(e.argv.v[0], "exec") == 0 && e.argv.n == 1) {
			for (size_t i = 0; i < saved.n; i++) /* exec's redirections stay */
				if (saved.v[i].copy >= 0)
					close(saved.v[i].copy);
			saved.n = 0;
		}
	}
	restore_fds(&saved);
	expanded_free(&e);
	return status;
}

static int run_pipeline(struct pipeline *pl, const char *text)
{
	if (pl->n == 1)
		return run_simple(&pl->cmds[0], text);
	struct job *j = start_pipeline(pl, text, true);
	return job_wait_fg(j);
}

static int run_andor_fg(struct andor *ao)
{
	int status = run_pipeline(&ao->pipes[0], ao->text);
	sh.last_status = status;
	for (size_t i = 1; i < ao->n; i++) {
		if ((ao->ops[i - 1] == T_AND) != (status == 0))
			continue;
		status = run_pipeline(&ao->pipes[i], ao->text);
		sh.last_status = status;
	}
	return status;
}

/* `... &`: one pipeline runs as the job itself; a longer and-or list runs in a subshell. */
static int run_background(struct andor *ao)
{
	struct job *j;
	if (ao->n == 1) {
		j = start_pipeline(&ao->pipes[0], ao->text, false);
	} else {
		j = job_new(ao->text);
		pid_t pid = fork();
		if (pid == 0) {
			child_setup(0, false);
			exit(run_andor_fg(ao));
		}
		if (pid < 0)
			sh_perror("fork");
		else
			parent_setpgid(j, pid);
	}
	if (j->n == 0) {
		job_remove(j);
		return 1;
	}
	sh.last_bg = j->procs[j->n - 1].pid;
	job_background(j);
	return 0;
}

int run_andor(struct andor *ao)
{
	int status = ao->background ? run_background(ao) : run_andor_fg(ao);
	sh.last_status = status;
	return status;
}

int run_list(struct list *l)
{
	int status = 0;
	for (size_t i = 0; i < l->n; i++)
		status = run_andor(&l->items[i]);
	return status;
}
