/* execve: argv, envp and the auxiliary vector reach the new program as the SysV ABI says;
 * hostile files (truncated, garbage, W+X, kernel addresses, bad entry, program headers past
 * the file or its first page, dynamic) fail with ENOEXEC and the caller carries on; missing
 * files give ENOENT, oversized arguments E2BIG, large ones that fit arrive whole. */
#include "test.h"
#include <elf.h>
#include <stdint.h>
#include <sys/auxv.h>
#include <sys/wait.h>

extern char **environ;

/* Child mode: check what exec gave us; exit 0 when everything is right, else the case number. */
static int child_checks(int argc, char **argv)
{
	if (argc != 4 || strcmp(argv[1], "child") || strcmp(argv[2], "a b") || strcmp(argv[3], ""))
		return 1;
	if (!environ || !environ[0] || strcmp(environ[0], "ZT=1") || strcmp(environ[1], "X=two") ||
	    environ[2])
		return 2;
	uint8_t *rnd = (uint8_t *)getauxval(AT_RANDOM);
	if (!rnd)
		return 3;
	int nonzero = 0;
	for (int i = 0; i < 16; i++)
		nonzero |= rnd[i];
	if (!nonzero)
		return 4;
	if (getauxval(AT_PAGESZ) != 4096 || !getauxval(AT_PHDR) || !getauxval(AT_ENTRY) ||
	    getauxval(AT_PHENT) != sizeof(Elf64_Phdr))
		return 5;
	const char *fn = (const char *)getauxval(AT_EXECFN);
	if (!fn || strcmp(fn, "/tests/exec"))
		return 6;
	if (getauxval(AT_SECURE) != 0 || getauxval(AT_UID) != getuid())
		return 7;
	/* The stack pointer at entry was 16-byte aligned: argv sits 8 bytes above it. */
	if (((uintptr_t)argv - 8) % 16)
		return 8;
	return 0;
}

#define BIG_ARGS 200 /* of BIG_ARG_LEN bytes: 200 KiB, below EXEC_ARG_MAX (256 KiB) */
#define BIG_ARG_LEN 1023

/* Child mode "bigargs": every argument arrived whole (exec's buffer grows as they come). */
static int child_bigargs(int argc, char **argv)
{
	if (argc != 2 + BIG_ARGS)
		return 1;
	for (int i = 2; i < argc; i++) {
		if (strlen(argv[i]) != BIG_ARG_LEN || argv[i][0] != 'a' + i % 26 ||
		    argv[i][BIG_ARG_LEN - 1] != 'a' + i % 26)
			return 2;
	}
	return 0;
}

static int run(const char *path, char **argv, char **envp)
{
	pid_t pid = fork();
	if (pid == 0) {
		execve(path, argv, envp);
		_exit(100 + errno);
	}
	int st = -1;
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st))
		return -1;
	return WEXITSTATUS(st);
}

static void hostile(const char *name)
{
	char path[64], casename[64];
	snprintf(path, sizeof(path), "/tests/%s", name);
	snprintf(casename, sizeof(casename), "enoexec-%s", name + 4);
	char *argv[] = { path, NULL };
	errno = 0;
	int r = execve(path, argv, environ); /* in this very process: we must survive it */
	test_result(casename, r == -1 && errno == ENOEXEC, "execve returned %d errno %d", r, errno);
}

int main(int argc, char **argv)
{
	if (argc > 1 && !strcmp(argv[1], "child"))
		return child_checks(argc, argv);
	if (argc > 1 && !strcmp(argv[1], "bigargs"))
		return child_bigargs(argc, argv);
	test_begin("exec");
	char *cargv[] = { "/tests/exec", "child", "a b", "", NULL };
	char *cenvp[] = { "ZT=1", "X=two", NULL };
	int r = run("/tests/exec", cargv, cenvp);
	test_result("argv-envp-auxv", r == 0, "child check %d failed", r);

	const char *bad[] = { "bad_trunc", "bad_garbage", "bad_wx", "bad_kaddr", "bad_entry",
			      "bad_phoff", "bad_phdr_far", "bad_script", "bad_script_long", "bad_dynamic" };
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		hostile(bad[i]);

	static char *gargv[2 + BIG_ARGS + 1];
	gargv[0] = "/tests/exec";
	gargv[1] = "bigargs";
	for (int i = 2; i < 2 + BIG_ARGS; i++) {
		gargv[i] = malloc(BIG_ARG_LEN + 1);
		if (!gargv[i])
			break;
		memset(gargv[i], 'a' + i % 26, BIG_ARG_LEN);
		gargv[i][BIG_ARG_LEN] = 0;
	}
	r = run("/tests/exec", gargv, cenvp);
	test_result("large-args", r == 0, "child check %d failed", r);

	char *nargv[] = { "/nonexistent", NULL };
	errno = 0;
	CHECK("enoent", execve("/nonexistent", nargv, environ) == -1 && errno == ENOENT);

	/* 300 arguments of 1 KiB each: more than EXEC_ARG_MAX (256 KiB). */
	static char big[1024];
	static char *bargv[302];
	memset(big, 'x', sizeof(big) - 1);
	bargv[0] = "/tests/exec";
	for (int i = 1; i <= 300; i++)
		bargv[i] = big;
	errno = 0;
	CHECK("e2big", execve("/tests/exec", bargv, environ) == -1 && errno == E2BIG);

	CHECK("still-alive", getpid() > 1);
	test_end();
}
