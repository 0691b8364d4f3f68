/* prctl(2): the thread name (set, get, 15-character truncation, bad pointers), dumpable,
 * no_new_privs (one-way, inherited), and EINVAL for options we do not implement. */
#include "test.h"
#include <sys/prctl.h>
#include <sys/wait.h>


int main(void)
{
	test_begin("prctl");
	char name[32] = { 0 };
	CHECK("set-name", prctl(PR_SET_NAME, "zero-test", 0, 0, 0) == 0);
	CHECK("get-name", prctl(PR_GET_NAME, name, 0, 0, 0) == 0 && strcmp(name, "zero-test") == 0);
	prctl(PR_SET_NAME, "a-very-long-thread-name", 0, 0, 0);
	memset(name, 'x', sizeof(name));
	prctl(PR_GET_NAME, name, 0, 0, 0);
	CHECK("name-truncated-15", strcmp(name, "a-very-long-thr") == 0);
	errno = 0;
	CHECK("set-name-efault", prctl(PR_SET_NAME, (char *)8, 0, 0, 0) == -1 && errno == EFAULT);
	errno = 0;
	CHECK("get-name-efault", prctl(PR_GET_NAME, (char *)-4096L, 0, 0, 0) == -1 && errno == EFAULT);
	CHECK("dumpable-default", prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 1);
	CHECK("dumpable-set", prctl(PR_SET_DUMPABLE, 0, 0, 0, 0) == 0 &&
				      prctl(PR_GET_DUMPABLE, 0, 0, 0, 0) == 0);
	errno = 0;
	CHECK("dumpable-bad", prctl(PR_SET_DUMPABLE, 7, 0, 0, 0) == -1 && errno == EINVAL);
	CHECK("nnp-off", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
	errno = 0;
	CHECK("nnp-clear-einval", prctl(PR_SET_NO_NEW_PRIVS, 0, 0, 0, 0) == -1 && errno == EINVAL);
	pid_t pid = fork();
	if (pid == 0) {
		int ok = prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) == 0 &&
			 prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1;
		pid_t g = fork();
		if (g == 0)
			_exit(prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 1 ? 0 : 1);
		int st;
		ok = ok && waitpid(g, &st, 0) == g && WIFEXITED(st) && WEXITSTATUS(st) == 0;
		_exit(ok ? 0 : 1);
	}
	int st;
	CHECK("nnp-set-inherited", waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
					   WEXITSTATUS(st) == 0);
	CHECK("nnp-parent-unaffected", prctl(PR_GET_NO_NEW_PRIVS, 0, 0, 0, 0) == 0);
	errno = 0;
	CHECK("unknown-option-einval", prctl(9999, 0, 0, 0, 0) == -1 && errno == EINVAL);
	test_end();
}
