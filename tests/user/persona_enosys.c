/* Bug persona_enosys: personality(2) was ENOSYS. It reads and sets the execution domain;
 * UNAME26 makes uname report a 2.6 release (and nothing leaks past the string), fork inherits
 * it, and clearing it restores the real release. */
#include "test.h"
#include <sys/personality.h>
#include <sys/utsname.h>
#include <sys/wait.h>

int main(void)
{
	test_begin("persona_enosys");
	struct utsname before, after;
	uname(&before);
	CHECK("query-linux", personality(0xffffffff) == PER_LINUX);
	CHECK("set-uname26", personality(PER_LINUX | UNAME26) == PER_LINUX &&
				     personality(0xffffffff) == (PER_LINUX | UNAME26));
	memset(&after, 0, sizeof(after));
	uname(&after);
	size_t n = strlen(after.release);
	bool clean = true;
	for (size_t i = n; i < sizeof(after.release); i++)
		clean = clean && !after.release[i];
	CHECK("uname26-release", !strncmp(after.release, "2.6.", 4) && clean);
	pid_t pid = fork();
	if (pid == 0)
		_exit(personality(0xffffffff) == (PER_LINUX | UNAME26) ? 0 : 1);
	int st = -1;
	CHECK("inherited-by-fork", waitpid(pid, &st, 0) == pid && WIFEXITED(st) &&
					   WEXITSTATUS(st) == 0);
	CHECK("cleared", personality(PER_LINUX) == (PER_LINUX | UNAME26) && uname(&after) == 0 &&
				 !strcmp(after.release, before.release));
	test_end();
}
