/* Bug open_noatime: O_NOATIME is for the file's owner (or a privileged caller): anyone else gets
 * EPERM from open and from fcntl(F_SETFL), while a plain open still works. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/wait.h>

#define NOBODY 65534

/* As uid NOBODY on root's file: a bit per failed step. */
static int unprivileged(const char *path)
{
	int bad = 0;
	if (seteuid(NOBODY) < 0)
		return 0x80;
	errno = 0;
	if (open(path, O_RDONLY | O_NOATIME) != -1 || errno != EPERM)
		bad |= 1;
	int fd = open(path, O_RDONLY);
	if (fd < 0)
		return bad | 2;
	errno = 0;
	if (fcntl(fd, F_SETFL, O_NOATIME) != -1 || errno != EPERM)
		bad |= 4;
	return bad;
}

int main(void)
{
	test_begin("open_noatime");
	char path[64];
	snprintf(path, sizeof(path), "/tmp/open_noatime_%d", (int)getpid());
	int fd = open(path, O_CREAT | O_RDWR | O_TRUNC, 0644);
	close(fd);
	pid_t pid = fork();
	if (pid == 0)
		_exit(unprivileged(path));
	int st = -1;
	bool ok = waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
	test_result("non-owner-eperm", ok, "status %#x (failed steps in bits 8-15)", st);
	fd = open(path, O_RDONLY | O_NOATIME);
	CHECK("root-may", fd >= 0 && fcntl(fd, F_SETFL, O_NOATIME) == 0);
	close(fd);
	unlink(path);
	test_end();
}
