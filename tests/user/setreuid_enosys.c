/* Bug setreuid_enosys: setreuid and setregid were missing (ENOSYS). Root sets any real and
 * effective id (the saved one follows the new effective one); afterwards only the real,
 * effective or saved ids may be chosen, and a swap leaves the saved id as setreuid(2) says. */
#define _GNU_SOURCE
#include "test.h"
#include <sys/wait.h>

static bool resuid_is(uid_t r, uid_t e, uid_t s)
{
	uid_t a, b, c;
	return getresuid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

static bool resgid_is(gid_t r, gid_t e, gid_t s)
{
	gid_t a, b, c;
	return getresgid(&a, &b, &c) == 0 && a == r && b == e && c == s;
}

/* In a child (it gives up root): a bit per failed step. */
static int steps(void)
{
	int bad = 0;
	if (setregid(2000, 2001) != 0 || !resgid_is(2000, 2001, 2001))
		bad |= 1;
	if (setreuid(1000, 1001) != 0 || !resuid_is(1000, 1001, 1001))
		bad |= 2;
	if (setreuid(-1, 1000) != 0 || !resuid_is(1000, 1000, 1001))
		bad |= 4; /* to the real id: the saved one stays */
	if (setreuid(-1, 1001) != 0 || !resuid_is(1000, 1001, 1001))
		bad |= 8; /* back to the saved one */
	errno = 0;
	if (setreuid(3000, -1) != -1 || errno != EPERM)
		bad |= 16;
	errno = 0;
	if (setregid(-1, 3000) != -1 || errno != EPERM)
		bad |= 32;
	if (setreuid(1001, 1000) != 0 || !resuid_is(1001, 1000, 1000))
		bad |= 64; /* a swap */
	return bad;
}

int main(void)
{
	test_begin("setreuid_enosys");
	test_in_child("setreuid-setregid", steps);
	test_end();
}
