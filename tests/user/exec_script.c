/* execve of "#!" scripts: the interpreter runs with its optional argument (the rest of the
 * line, one argument, trimmed) and the script's path before the caller's argv[1...]; a script
 * may name another script as its interpreter, but a loop ends in ELOOP; the script needs
 * execute permission itself; large argument vectors pass through whole. This program is its own interpreter: run with an argument that
 * starts with "interp" it prints its argv joined by '|'. */
#include "test.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>

#define DIR "/tmp/exec_script"

static char self[256];

static void write_file(const char *path, const char *text, mode_t mode)
{
	int fd = open(path, O_CREAT | O_WRONLY | O_TRUNC, mode);
	if (fd >= 0) {
		if (write(fd, text, strlen(text)) < 0)
			perror("write");
		close(fd);
	}
	chmod(path, mode);
}

/* Exec path with argv in a child; what it printed (and -errno on exec failure). */
static int run(const char *path, char *const argv[], char *out, size_t size)
{
	int p[2];
	if (pipe(p))
		return -1000;
	pid_t pid = fork();
	if (pid == 0) {
		dup2(p[1], 1);
		close(p[0]);
		execv(path, argv);
		printf("errno=%d", errno);
		_exit(1);
	}
	close(p[1]);
	size_t n = 0;
	ssize_t r;
	while (n + 1 < size && (r = read(p[0], out + n, size - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = 0;
	close(p[0]);
	int st;
	waitpid(pid, &st, 0);
	return 0;
}

int main(int argc, char **argv)
{
	for (int i = 1; i < argc; i++) {
		if (strncmp(argv[i], "interp", 6) != 0)
			continue;
		for (int k = 0; k < argc; k++)
			printf("%s%s", k ? "|" : "", argv[k]);
		return 0;
	}
	test_begin("exec_script");
	strncpy(self, argv[0], sizeof(self) - 1);
	mkdir("/tmp", 01777);
	mkdir(DIR, 0755);
	char text[512], out[1024], want[1024];

	snprintf(text, sizeof(text), "#!%s  interp with  spaces  \nignored\n", self);
	write_file(DIR "/s1", text, 0755);
	char *a1[] = { "s1", "x", "y", NULL };
	run(DIR "/s1", a1, out, sizeof(out));
	snprintf(want, sizeof(want), "%s|interp with  spaces|" DIR "/s1|x|y", self);
	CHECK("interp-arg-path-args", strcmp(out, want) == 0);

	snprintf(text, sizeof(text), "#!\t%s\n", self);
	write_file(DIR "/s2", text, 0755);
	char *a2[] = { "s2", "interp-no-arg", NULL };
	run(DIR "/s2", a2, out, sizeof(out));
	snprintf(want, sizeof(want), "%s|" DIR "/s2|interp-no-arg", self);
	test_result("no-arg", strcmp(out, want) == 0, "got '%s'", out);

	write_file(DIR "/s3", "#!" DIR "/s1 ignored-arg\n", 0755); /* a script as interpreter */
	char *a3[] = { "s3", NULL };
	run(DIR "/s3", a3, out, sizeof(out));
	snprintf(want, sizeof(want), "%s|interp with  spaces|" DIR "/s1|ignored-arg|" DIR "/s3",
		 self);
	test_result("nested-script", strcmp(out, want) == 0, "got '%s'", out);

	/* 40 arguments of 2 KiB each (80 KiB) through the script: the rewritten vector arrives
	 * whole and in order. */
	enum { BIG_ARGS = 40, BIG_LEN = 2048 };
	static char big[BIG_ARGS][BIG_LEN + 1], joined[BIG_ARGS * (BIG_LEN + 1) + 1024];
	static char expect[sizeof(joined)];
	char *ab[BIG_ARGS + 3] = { "s2", "interp-big" };
	int at = snprintf(expect, sizeof(expect), "%s|" DIR "/s2|interp-big", self);
	for (int i = 0; i < BIG_ARGS; i++) {
		memset(big[i], 'a' + i % 26, BIG_LEN);
		ab[i + 2] = big[i];
		at += snprintf(expect + at, sizeof(expect) - (size_t)at, "|%s", big[i]);
	}
	write_file(DIR "/s2", text, 0755); /* "#!<self>" without an argument, as above */
	run(DIR "/s2", ab, joined, sizeof(joined));
	test_result("large-args-through-script", strcmp(joined, expect) == 0,
		    "got %zu bytes, want %zu", strlen(joined), strlen(expect));

	write_file(DIR "/loop1", "#!" DIR "/loop2\n", 0755);
	write_file(DIR "/loop2", "#!" DIR "/loop1\n", 0755);
	char *a4[] = { "loop1", NULL };
	errno = 0;
	CHECK("loop-eloop", execv(DIR "/loop1", a4) == -1 && errno == ELOOP);

	write_file(DIR "/noexec", text, 0644);
	errno = 0;
	CHECK("script-needs-x", execv(DIR "/noexec", a4) == -1 && errno == EACCES);

	write_file(DIR "/missing", "#!/nonexistent/interp\n", 0755);
	errno = 0;
	CHECK("missing-interp-enoent", execv(DIR "/missing", a4) == -1 && errno == ENOENT);

	const char *names[] = { "s1", "s2", "s3", "loop1", "loop2", "noexec", "missing" };
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]); i++) {
		snprintf(text, sizeof(text), DIR "/%s", names[i]);
		unlink(text);
	}
	rmdir(DIR);
	test_end();
}
