/* Extended attributes (xattr(7)): set/get/list/remove and their l- and f- variants on a scratch
 * directory in /tmp: values round-trip, the size query and ERANGE, XATTR_CREATE/REPLACE,
 * Linux's errors for bad names, sizes and flags, the user.* rule for special files, and the
 * rules for an unprivileged caller (trusted.* invisible, security.* read-only, user.* under the
 * file's permission bits). Expectations are Linux's: the test runs on the host's Linux too. */
#include "test.h"
#include <fcntl.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <sys/xattr.h>

#define DIR_NAME "/tmp/xattr-test"
#define FILE_NAME DIR_NAME "/file"
#define KEY "user.colour"
#define VALUE "blue-green"
#define NOBODY 65534

static void test_round_trip(void)
{
	char buf[64] = { 0 };
	EXPECT("set", sys_res(setxattr(FILE_NAME, KEY, VALUE, strlen(VALUE), 0)), 0);
	EXPECT("get-size-query", sys_res(getxattr(FILE_NAME, KEY, NULL, 0)), (long)strlen(VALUE));
	long n = getxattr(FILE_NAME, KEY, buf, sizeof(buf));
	test_result("get-value", n == (long)strlen(VALUE) && !memcmp(buf, VALUE, (size_t)n),
		    "got %ld '%.*s'", n, n > 0 ? (int)n : 0, buf);
	EXPECT("get-small-buffer-erange", sys_res(getxattr(FILE_NAME, KEY, buf, 3)), -ERANGE);
	EXPECT("create-existing-eexist",
	       sys_res(setxattr(FILE_NAME, KEY, "x", 1, XATTR_CREATE)), -EEXIST);
	EXPECT("replace-existing", sys_res(setxattr(FILE_NAME, KEY, "red", 3, XATTR_REPLACE)), 0);
	EXPECT("replaced-size", sys_res(getxattr(FILE_NAME, KEY, NULL, 0)), 3);
	EXPECT("replace-missing-enodata",
	       sys_res(setxattr(FILE_NAME, "user.none", "x", 1, XATTR_REPLACE)), -ENODATA);
	EXPECT("empty-value", sys_res(setxattr(FILE_NAME, "user.empty", "", 0, XATTR_CREATE)), 0);
	EXPECT("empty-value-size", sys_res(getxattr(FILE_NAME, "user.empty", buf, sizeof(buf))), 0);
	EXPECT("get-missing-enodata", sys_res(getxattr(FILE_NAME, "user.none", buf, sizeof(buf))),
	       -ENODATA);
}

static void test_list_and_remove(void)
{
	char list[256];
	const char want[] = KEY "\0user.empty";
	EXPECT("list-size-query", sys_res(listxattr(FILE_NAME, NULL, 0)), (long)sizeof(want));
	long n = listxattr(FILE_NAME, list, sizeof(list));
	test_result("list-names", n == (long)sizeof(want) && !memcmp(list, want, sizeof(want)),
		    "got %ld bytes", n);
	EXPECT("list-small-buffer-erange", sys_res(listxattr(FILE_NAME, list, 4)), -ERANGE);
	EXPECT("remove", sys_res(removexattr(FILE_NAME, "user.empty")), 0);
	EXPECT("remove-missing-enodata", sys_res(removexattr(FILE_NAME, "user.empty")), -ENODATA);
	EXPECT("list-after-remove", sys_res(listxattr(FILE_NAME, list, sizeof(list))),
	       (long)sizeof(KEY));
}

static void test_bad_arguments(void)
{
	char name[300];
	memset(name, 'n', sizeof(name));
	memcpy(name, "user.", 5);
	name[256] = 0; /* 256 bytes: one more than XATTR_NAME_MAX */
	static char big[65537];
	EXPECT("bad-flags-einval", sys_res(setxattr(FILE_NAME, KEY, "x", 1, 4)), -EINVAL);
	EXPECT("empty-name-erange", sys_res(setxattr(FILE_NAME, "", "x", 1, 0)), -ERANGE);
	EXPECT("long-name-erange", sys_res(setxattr(FILE_NAME, name, "x", 1, 0)), -ERANGE);
	name[255] = 0;
	EXPECT("name-255-ok", sys_res(setxattr(FILE_NAME, name, "x", 1, 0)), 0);
	EXPECT("name-255-removed", sys_res(removexattr(FILE_NAME, name)), 0);
	EXPECT("value-too-big-e2big",
	       sys_res(setxattr(FILE_NAME, KEY, big, sizeof(big), 0)), -E2BIG);
	EXPECT("bare-prefix-einval", sys_res(setxattr(FILE_NAME, "user.", "x", 1, 0)), -EINVAL);
	EXPECT("unknown-namespace-eopnotsupp", sys_res(setxattr(FILE_NAME, "colour", "x", 1, 0)),
	       -EOPNOTSUPP);
	EXPECT("bad-name-pointer-efault",
	       sys_res(setxattr(FILE_NAME, KERNEL_PTR, "x", 1, 0)), -EFAULT);
	EXPECT("bad-value-pointer-efault",
	       sys_res(setxattr(FILE_NAME, KEY, UNMAPPED_PTR, 4, 0)), -EFAULT);
	EXPECT("bad-buffer-efault", sys_res(getxattr(FILE_NAME, KEY, UNMAPPED_PTR, 64)), -EFAULT);
	EXPECT("missing-file-enoent", sys_res(getxattr(DIR_NAME "/none", KEY, NULL, 0)), -ENOENT);
	EXPECT("bad-fd-ebadf", sys_res(fgetxattr(-1, KEY, NULL, 0)), -EBADF);
}

static void test_file_kinds(void)
{
	char buf[16];
	mkfifo(DIR_NAME "/fifo", 0644);
	EXPECT("fifo-user-set-eperm", sys_res(setxattr(DIR_NAME "/fifo", KEY, "x", 1, 0)), -EPERM);
	EXPECT("fifo-user-get-enodata", sys_res(getxattr(DIR_NAME "/fifo", KEY, buf, sizeof(buf))),
	       -ENODATA);
	symlink("file", DIR_NAME "/link");
	EXPECT("symlink-followed", sys_res(getxattr(DIR_NAME "/link", KEY, buf, sizeof(buf))), 3);
	EXPECT("symlink-itself-user-eperm",
	       sys_res(lsetxattr(DIR_NAME "/link", KEY, "x", 1, 0)), -EPERM);
	EXPECT("symlink-itself-get-enodata",
	       sys_res(lgetxattr(DIR_NAME "/link", KEY, buf, sizeof(buf))),
	       -ENODATA);
	EXPECT("directory-user-set", sys_res(setxattr(DIR_NAME, KEY, "d", 1, 0)), 0);
	int fd = open(FILE_NAME, O_RDONLY);
	EXPECT("fd-get", sys_res(fgetxattr(fd, KEY, buf, sizeof(buf))), 3);
	EXPECT("fd-set-on-read-only-fd", sys_res(fsetxattr(fd, "user.fd", "f", 1, 0)), 0);
	EXPECT("fd-list",
	       sys_res(flistxattr(fd, NULL, 0)), (long)(sizeof(KEY) + sizeof("user.fd")));
	EXPECT("fd-remove", sys_res(fremovexattr(fd, "user.fd")), 0);
	close(fd);
	fd = open(FILE_NAME, O_PATH);
	EXPECT("o-path-fd-ebadf", sys_res(fgetxattr(fd, KEY, buf, sizeof(buf))), -EBADF);
	close(fd);
	int p[2];
	if (pipe(p) == 0) {
		EXPECT("pipe-user-set-eperm", sys_res(fsetxattr(p[1], KEY, "x", 1, 0)), -EPERM);
		EXPECT("pipe-trusted-get-eopnotsupp",
		       sys_res(fgetxattr(p[0], "trusted.x", buf, 16)),
		       -EOPNOTSUPP);
		close(p[0]);
		close(p[1]);
	}
}

/* In a child that became nobody: 0 when every check held, else the number of the first that
 * failed (the parent reports it). */
static int unprivileged_checks(void)
{
	char buf[64];
	if (setuid(NOBODY))
		return 1;
	if (sys_res(getxattr(FILE_NAME, KEY, buf, sizeof(buf))) != 3)
		return 2; /* readable: the file is 0644 */
	if (sys_res(setxattr(FILE_NAME, KEY, "x", 1, 0)) != -EACCES)
		return 3; /* not writable by others */
	if (sys_res(getxattr(FILE_NAME, "trusted.secret", buf, sizeof(buf))) != -ENODATA)
		return 4;
	if (sys_res(setxattr(FILE_NAME, "trusted.secret", "x", 1, 0)) != -EPERM)
		return 5;
	if (sys_res(listxattr(FILE_NAME, buf, sizeof(buf))) != (long)sizeof(KEY))
		return 6; /* trusted.secret is not listed */
	if (sys_res(setxattr(FILE_NAME, "security.label", "x", 1, 0)) != -EPERM)
		return 7;
	return 0;
}

static void test_unprivileged(void)
{
	EXPECT("trusted-set-as-root", sys_res(setxattr(FILE_NAME, "trusted.secret", "s", 1, 0)), 0);
	EXPECT("list-shows-trusted-to-root", sys_res(listxattr(FILE_NAME, NULL, 0)),
	       (long)(sizeof(KEY) + sizeof("trusted.secret")));
	pid_t pid = fork();
	if (pid == 0)
		_exit(unprivileged_checks());
	int status = 0;
	waitpid(pid, &status, 0);
	test_result("unprivileged-rules", WIFEXITED(status) && WEXITSTATUS(status) == 0,
		    "check %d failed (status %#x)", WEXITSTATUS(status), status);
}

static void cleanup(void)
{
	unlink(DIR_NAME "/fifo");
	unlink(DIR_NAME "/link");
	unlink(FILE_NAME);
	rmdir(DIR_NAME);
}

int main(void)
{
	test_begin("xattr");
	cleanup();
	if (mkdir(DIR_NAME, 0755) || close(open(FILE_NAME, O_CREAT | O_WRONLY, 0644))) {
		test_result("setup", false, "errno %d", errno);
		test_end();
	}
	test_round_trip();
	test_list_and_remove();
	test_bad_arguments();
	test_file_kinds();
	test_unprivileged();
	cleanup();
	test_end();
}
