/* zero-sh, run non-interactively: `-c` strings, script files and commands on standard input,
 * with standard output and error captured through one pipe and compared exactly - quoting,
 * variables, pipelines, redirections, && || ;, exit statuses (127, 126, 128+n), cd/pwd,
 * background jobs and wait. TEST_SH and TEST_PATH name the shell and its PATH on a host. */
#include "test.h"
#include <fcntl.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define DIR "/tmp/shtest"
#define TIMEOUT_S 30 /* a hung shell is killed, and its case fails */

static const char *sh_path = "/bin/zero-sh";
static const char *path_var = "PATH=/tests:/bin";
static volatile pid_t running;

static void on_alarm(int sig)
{
	(void)sig;
	if (running > 0)
		kill(-running, SIGKILL);
}

static void child(char **argv, int in, int out)
{
	char *envp[] = { (char *)path_var, "HOME=/", NULL };
	setpgid(0, 0);
	if (in < 0)
		in = open("/dev/null", O_RDONLY);
	if (in < 0 || dup2(in, 0) < 0 || dup2(out, 1) < 0 || dup2(out, 2) < 0)
		_exit(125);
	execve(sh_path, argv, envp);
	_exit(125);
}

/* Runs the shell with argv; feeds it input (if any); its output (NULL: it could not run). */
static char *run_sh(char **argv, const char *input, int *status)
{
	int out[2], in[2] = { -1, -1 };
	if (pipe2(out, O_CLOEXEC) < 0 || (input && pipe2(in, O_CLOEXEC) < 0))
		return NULL;
	pid_t pid = fork();
	if (pid == 0)
		child(argv, in[0], out[1]);
	close(out[1]);
	if (in[0] >= 0)
		close(in[0]);
	if (pid < 0)
		return NULL;
	setpgid(pid, pid);
	running = pid;
	alarm(TIMEOUT_S);
	if (input) {
		if (write(in[1], input, strlen(input)) < 0)
			printf("shell: writing the input: %s\n", strerror(errno));
		close(in[1]);
	}
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap);
	for (;;) {
		if (len + 1 == cap)
			buf = realloc(buf, cap *= 2);
		ssize_t n = read(out[0], buf + len, cap - len - 1);
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	buf[len] = '\0';
	close(out[0]);
	while (waitpid(pid, status, 0) < 0 && errno == EINTR)
		;
	alarm(0);
	running = 0;
	return buf;
}

/* Newlines as \n, so a failure reads on one line. */
static const char *shown(const char *s)
{
	static char buf[160];
	size_t j = 0;
	for (; s && *s && j + 3 < sizeof(buf); s++) {
		if (*s == '\n') {
			buf[j++] = '\\';
			buf[j++] = 'n';
		} else {
			buf[j++] = *s;
		}
	}
	buf[j] = '\0';
	return buf;
}

static void check_run(const char *name, char **argv, const char *input, const char *want,
		      int want_status)
{
	int st = -1;
	char *got = run_sh(argv, input, &st);
	int code = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
	test_result(name, got && strcmp(got, want) == 0 && code == want_status,
		    "status %d (want %d), output \"%s\"", code, want_status, shown(got));
	free(got);
}

/* `zero-sh -c cmd` prints exactly want and exits with want_status. */
static void check(const char *name, const char *cmd, const char *want, int want_status)
{
	char *argv[] = { (char *)sh_path, "-c", (char *)cmd, NULL };
	check_run(name, argv, NULL, want, want_status);
}

static bool write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, mode);
	if (fd < 0)
		return false;
	bool ok = write(fd, text, strlen(text)) == (ssize_t)strlen(text);
	return close(fd) == 0 && ok && chmod(path, mode) == 0;
}

static void test_words(void)
{
	check("quoting", "echo a   b 'c  d' \"e  f\" g\\ h \"\" x",
	      "a b c  d e  f g h  x\n", 0);
	check("nested_quotes", "echo \"it's\" 'say \"hi\"' \"\\$HOME\\\\\" '\\n' # comment",
	      "it's say \"hi\" $HOME\\ \\n\n", 0);
	check("variables", "A=hello; B=\"$A world\"; echo $B ${A}x \"$B\" '$A'; unset A; echo \"[$A]\"",
	      "hello world hellox hello world $A\n[]\n", 0);
	check("field_splitting", "V='1  2   3'; echo $V; echo \"$V\"; E=; echo [$E] [\"$E\"]",
	      "1 2 3\n1  2   3\n[] []\n", 0);
}

static void test_special_params(void)
{
	/* $$ is the shell's pid: the child the test forked. */
	char *argv[] = { (char *)sh_path, "-c", "echo $$; false; echo $?", NULL };
	int st;
	char *got = run_sh(argv, NULL, &st);
	long pid = got ? strtol(got, NULL, 10) : 0;
	char *rest = got ? strchr(got, '\n') : NULL;
	test_result("status_and_pid", pid > 1 && rest && strcmp(rest, "\n1\n") == 0 &&
		    WIFEXITED(st) && WEXITSTATUS(st) == 0, "output \"%s\"", shown(got));
	free(got);
}

static void test_env(void)
{
	check("export", "export Z=zz; \"$0\" -c 'echo $Z'; Y=local; \"$0\" -c 'echo [$Y]';"
	      " Y=tmp \"$0\" -c 'echo $Y'; echo $Y", "zz\n[]\ntmp\nlocal\n", 0);
}

static void test_pipelines(void)
{
	check("pipeline_3", "echo one two | upper | upper", "ONE TWO\n", 0);
	check("pipeline_10", "echo x | upper | upper | upper | upper | upper | upper | upper |"
	      " upper | upper", "X\n", 0);
	check("pipeline_builtin_stage", "cd /tmp && pwd | upper", "/TMP\n", 0);
	check("pipeline_status", "true | false; echo $?; false | true; echo $?", "1\n0\n", 0);
}

static void test_redirections(void)
{
	check("redirect_out_in", "echo first > " DIR "/f; echo second >> " DIR "/f; upper < " DIR "/f",
	      "FIRST\nSECOND\n", 0);
	check("redirect_truncates", "echo long-line > " DIR "/g; echo s > " DIR "/g; upper < " DIR "/g",
	      "S\n", 0);
	check("redirect_stderr_file", "nosuch_cmd 2> " DIR "/err; echo $?; upper < " DIR "/err",
	      "127\nZERO-SH: NOSUCH_CMD: COMMAND NOT FOUND\n", 0);
	check("redirect_2_to_1", "nosuch_cmd 2>&1 | upper", "ZERO-SH: NOSUCH_CMD: COMMAND NOT FOUND\n",
	      0);
	check("redirect_order", "echo shown >&2 2>/dev/null; echo hidden 2>/dev/null >&2", "shown\n", 0);
	check("redirect_builtin_restored", "echo to-file > " DIR "/h; echo after; upper < " DIR "/h",
	      "after\nTO-FILE\n", 0);
	check("exec_redirect", "exec 3>&1 > " DIR "/e; echo inside; exec >&3 3>&-; upper < " DIR "/e",
	      "INSIDE\n", 0);
	check("redirect_missing_file", "upper < " DIR "/none; echo $?",
	      "zero-sh: " DIR "/none: No such file or directory\n1\n", 0);
}

static void test_sequences(void)
{
	check("and_or_seq", "true && echo a; false && echo b; false || echo c; true || echo d;"
	      " false && echo e || echo f; echo g", "a\nc\nf\ng\n", 0);
	check("newlines", "echo a\n\necho b &&\necho c |\nupper", "a\nb\nC\n", 0);
}

static void test_statuses(void)
{
	check("not_found_127", "nosuch_cmd; echo $?", "zero-sh: nosuch_cmd: command not found\n127\n", 0);
	check("not_executable_126", DIR "/noexec; echo $?",
	      "zero-sh: " DIR "/noexec: Permission denied\n126\n", 0);
	check("killed_128_plus_n", "\"$0\" -c 'kill -9 $$'; echo $?; \"$0\" -c 'kill $$'; echo $?",
	      "Killed\n137\nTerminated\n143\n", 0);
	check("exit_n", "echo before; exit 7; echo after", "before\n", 7);
	check("syntax_error", "echo a |", "zero-sh: syntax error: unexpected end of input\n", 2);
	check("unterminated_quote", "echo 'a", "zero-sh: syntax error: unexpected end of input\n", 2);
	check("redirect_without_target", "echo a >",
	      "zero-sh: syntax error: redirection without a target\n", 2);
}

static void test_cd(void)
{
	check("cd_pwd", "cd " DIR "; pwd; cd ..; pwd; cd /nonexistent; echo $?; cd; pwd",
	      DIR "\n/tmp\nzero-sh: cd: /nonexistent: No such file or directory\n1\n/\n", 0);
}

static void test_background(void)
{
	check("background_wait_job", "echo bg > " DIR "/bg & wait %1; echo $?; upper < " DIR "/bg",
	      "0\nBG\n", 0);
	check("background_wait_pid", "\"$0\" -c 'exit 3' & wait $!; echo $?", "3\n", 0);
	check("background_wait_all", "echo x > " DIR "/w1 & echo y > " DIR "/w2 & wait;"
	      " upper < " DIR "/w1; upper < " DIR "/w2", "X\nY\n", 0);
	check("background_andor", "false && echo no || echo yes & wait", "yes\n", 0);
}

static void test_scripts(void)
{
	static const char script[] = "#!/bin/sh\n# a comment line\necho \"args: $1 $2 $#\"\n"
				     "X=multi\necho \"$X\n line\" \\\n continued\nexit 5\necho not\n";
	char *argv[] = { (char *)sh_path, DIR "/script", "a1", "a2", NULL };
	CHECK("script_written", write_file(DIR "/script", script, 0644));
	check_run("script_file", argv, NULL, "args: a1 a2 2\nmulti\n line continued\n", 5);

	char *stdin_argv[] = { (char *)sh_path, NULL };
	check_run("script_stdin", stdin_argv, "echo from-stdin\nV=2\necho $V | upper\n",
		  "from-stdin\n2\n", 0);
	/* stdin is shared: the command gets the lines after it, not the shell's read-ahead */
	check_run("stdin_shared", stdin_argv, "upper\nlower-line\n", "LOWER-LINE\n", 0);

	CHECK("noshebang_written", write_file(DIR "/run", "echo script ran $1\n", 0755));
	check("enoexec_runs_as_script", DIR "/run arg", "script ran arg\n", 0);
}

static void test_builtins(void)
{
	check("echo_n", "echo -n a; echo -n b; echo", "ab\n", 0);
	check("type", "type echo; type nosuch_cmd; echo $?", "echo is a shell builtin\n"
	      "zero-sh: type: nosuch_cmd: not found\n1\n", 0);
	check("true_false", "true; echo $?; false; echo $?", "0\n1\n", 0);
}

int main(void)
{
	test_begin("shell");
	if (getenv("TEST_SH"))
		sh_path = getenv("TEST_SH");
	if (getenv("TEST_PATH"))
		path_var = getenv("TEST_PATH");
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigaction(SIGALRM, &sa, NULL);
	mkdir("/tmp", 01777);
	mkdir(DIR, 0755);
	CHECK("setup", write_file(DIR "/noexec", "echo no\n", 0644));
	test_words();
	test_special_params();
	test_env();
	test_pipelines();
	test_redirections();
	test_sequences();
	test_statuses();
	test_cd();
	test_background();
	test_scripts();
	test_builtins();
	test_end();
}
