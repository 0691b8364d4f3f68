/* zero-sh's entry: `zero-sh -c 'commands' [name [args]]`, `zero-sh script [args]`, or commands
 * from standard input - interactively (a prompt, job control, ^C back to the prompt) when it is
 * a terminal. Input is read a line at a time until it parses as a complete command. */
#include "sh.h"

#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#define READ_CHUNK 4096

extern char **environ;

static volatile sig_atomic_t got_sigint;

struct reader {
	int fd;
	bool unbuffered; /* standard input is shared with the commands: never read past a line */
	char buf[READ_CHUNK];
	size_t pos, len;
};

enum read_result { READ_EOF, READ_LINE, READ_INTERRUPTED };

static void on_sigint(int sig)
{
	(void)sig;
	got_sigint = 1;
}

void sh_interactive_signals(void)
{
	static const int ignored[] = { SIGQUIT, SIGTSTP, SIGTTIN, SIGTTOU };
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_sigint; /* no SA_RESTART: ^C ends the read at the prompt */
	sigemptyset(&sa.sa_mask);
	if (sigaction(SIGINT, &sa, NULL) < 0)
		sh_perror("sigaction");
	sa.sa_handler = SIG_IGN;
	for (size_t i = 0; i < sizeof(ignored) / sizeof(ignored[0]); i++)
		if (sigaction(ignored[i], &sa, NULL) < 0)
			sh_perror("sigaction");
}

/* Puts the shell in its own process group in the terminal's foreground; without that, no job
 * control (commands still run). */
static void setup_job_control(void)
{
	pid_t pg;
	while ((pg = tcgetpgrp(0)) >= 0 && pg != getpgrp())
		kill(-getpgrp(), SIGTTIN); /* started in the background: wait to be foreground */
	if (pg < 0) {
		sh_perror("tcgetpgrp");
		return;
	}
	if (getpgrp() != getpid() && setpgid(0, 0) < 0) {
		sh_perror("setpgid");
		return;
	}
	sh.pgid = getpid();
	if (tcsetpgrp(0, sh.pgid) < 0) {
		sh_perror("tcsetpgrp");
		return;
	}
	if (tcgetattr(0, &sh.tmodes) < 0) {
		sh_perror("tcgetattr");
		return;
	}
	sh.jobctl = true;
}

/* Appends one line (with its newline) to acc. */
static enum read_result read_line(struct reader *r, struct strbuf *acc)
{
	bool some = false;
	for (;;) {
		if (r->pos == r->len) {
			if (got_sigint)
				return READ_INTERRUPTED;
			ssize_t n = read(r->fd, r->buf, r->unbuffered ? 1 : sizeof(r->buf));
			if (n < 0 && errno == EINTR) {
				if (got_sigint)
					return READ_INTERRUPTED;
				continue;
			}
			if (n < 0)
				sh_perror("read");
			if (n <= 0)
				return some ? READ_LINE : READ_EOF;
			r->pos = 0;
			r->len = (size_t)n;
		}
		char *nl = memchr(r->buf + r->pos, '\n', r->len - r->pos);
		size_t take = nl ? (size_t)(nl - (r->buf + r->pos)) + 1 : r->len - r->pos;
		sb_putn(acc, r->buf + r->pos, take);
		r->pos += take;
		some = true;
		if (nl)
			return READ_LINE;
	}
}

static void prompt(bool continuation)
{
	struct strbuf b = { 0 };
	if (continuation) {
		sb_puts(&b, "> ");
	} else {
		char *cwd = getcwd(NULL, 0);
		sb_puts(&b, SH_NAME ":");
		sb_puts(&b, cwd ? cwd : "?");
		sb_puts(&b, geteuid() == 0 ? "# " : "$ ");
		free(cwd);
	}
	write_all(2, b.s, b.len);
	free(b.s);
}

static int run_parsed(enum parse_result r, struct list *l)
{
	if (r == PARSE_INCOMPLETE)
		sh_error(NULL, "syntax error: unexpected end of input");
	if (r != PARSE_OK) {
		sh.last_status = STATUS_SYNTAX;
		return STATUS_SYNTAX;
	}
	run_list(l);
	list_free(l);
	return sh.last_status;
}

int run_source(const char *src)
{
	struct list l;
	return run_parsed(parse(src, &l), &l);
}

int run_script_fd(int fd)
{
	struct reader *r = xmalloc(sizeof(*r));
	struct strbuf acc = { 0 };
	r->fd = fd;
	r->unbuffered = fd == STDIN_FILENO;
	r->pos = r->len = 0;
	for (;;) {
		got_sigint = 0; /* before the prompt: a ^C from here on starts over */
		if (sh.interactive) {
			if (!acc.len)
				jobs_notify();
			prompt(acc.len != 0);
		}
		enum read_result rr = read_line(r, &acc);
		if (rr == READ_INTERRUPTED) {
			write_all(2, "\n", 1);
			acc.len = 0;
			continue;
		}
		if (rr == READ_EOF && !acc.len)
			break;
		struct list l;
		enum parse_result pr = parse(acc.s, &l);
		if (pr == PARSE_INCOMPLETE && rr == READ_LINE)
			continue;
		acc.len = 0;
		if (run_parsed(pr, &l) == STATUS_SYNTAX && pr != PARSE_OK && !sh.interactive)
			break;
		if (rr == READ_EOF)
			break;
	}
	if (sh.interactive)
		write_all(2, "exit\n", 5);
	free(acc.s);
	free(r);
	return sh.last_status;
}

static int run_script_file(char **argv)
{
	int fd = open(argv[0], O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		sh_perror(argv[0]);
		return STATUS_NOTFOUND;
	}
	int high = fcntl(fd, F_DUPFD_CLOEXEC, SH_FD_MIN);
	if (high < 0) {
		sh_perror("fcntl");
		return 1;
	}
	close(fd);
	return run_script_fd(high);
}

int main(int argc, char **argv)
{
	sh.pid = getpid();
	sh.args = argv;
	sh.nargs = argc;
	vars_init(environ);
	if (argc > 1 && strcmp(argv[1], "-c") == 0) {
		if (argc < 3) {
			sh_error("-c", "option requires an argument");
			return STATUS_SYNTAX;
		}
		if (argc > 3) {
			sh.args = argv + 3;
			sh.nargs = argc - 3;
		}
		return run_source(argv[2]);
	}
	if (argc > 1 && argv[1][0] == '-') {
		sh_error(argv[1], "unknown option (usage: " SH_NAME " [-c command | script] [arg ...])");
		return STATUS_SYNTAX;
	}
	if (argc > 1) {
		sh.args = argv + 1;
		sh.nargs = argc - 1;
		return run_script_file(argv + 1);
	}
	sh.interactive = isatty(0) && isatty(2);
	if (sh.interactive) {
		sh_interactive_signals();
		setup_job_control();
	}
	return run_script_fd(STDIN_FILENO);
}
