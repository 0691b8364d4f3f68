/* Regression (found by review): a descriptor whose rights were reduced with zero_cap_limit
 * could be opened again by its /proc/self/fd/<n> name, and the new descriptor carried every
 * right — rights raised, which the capability model forbids. Following such a link now fails
 * with ENOTCAPABLE; a descriptor with all its rights still reopens as on Linux, and reading
 * the link is unaffected. Zero-OS only. */
#include "cap_test.h"
#include <fcntl.h>

#define PATH "/tmp/cap_reopen_by_proc"

static int reopen(int fd, int flags)
{
	char name[64];
	snprintf(name, sizeof(name), "/proc/self/fd/%d", fd);
	return open(name, flags);
}

int main(void)
{
	test_begin("cap_reopen_by_proc");
	int fd = open(PATH, O_RDWR | O_CREAT | O_TRUNC, 0600);
	int ro = dup(fd);
	CHECK("limit", zero_cap_limit(ro, ZERO_CAP_READ | ZERO_CAP_STAT) == 0);
	errno = 0;
	CHECK("reduced_not_reopened_rw", reopen(ro, O_RDWR) == -1 && errno == ENOTCAPABLE);
	errno = 0;
	CHECK("reduced_not_reopened_ro", reopen(ro, O_RDONLY) == -1 && errno == ENOTCAPABLE);
	int again = reopen(fd, O_RDWR);
	CHECK("full_rights_reopened", again >= 0 && write(again, "x", 1) == 1);
	char name[64], target[256];
	snprintf(name, sizeof(name), "/proc/self/fd/%d", ro);
	ssize_t n = readlink(name, target, sizeof(target) - 1);
	target[n > 0 ? n : 0] = 0;
	CHECK("reduced_link_still_reads", n > 0 && !strcmp(target, PATH));
	unlink(PATH);
	test_end();
}
