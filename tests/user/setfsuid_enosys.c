/* Bug setfsuid_enosys: setfsuid and setfsgid were missing. The fs ids decide the owner of new
 * files and file permissions; -1 only asks; an unprivileged caller may only pick one of its
 * ids; leaving fsuid 0 drops the file capabilities (here: creating a file in a directory only
 * root may write fails) and returning restores them; setresuid resets them to the effective
 * ids. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <sys/fsuid.h>
#include <sys/stat.h>

static char dir[64];

/* Create dir/name; its owner and group in *st. */
static bool create(const char *name, struct stat *st)
{
	char path[128];
	snprintf(path, sizeof(path), "%s/%s", dir, name);
	int fd = open(path, O_CREAT | O_WRONLY, 0644);
	if (fd < 0)
		return false;
	close(fd);
	bool ok = stat(path, st) == 0;
	unlink(path);
	return ok;
}

static int steps(void)
{
	int bad = 0;
	struct stat st;
	if (setfsuid(-1) != 0 || setfsgid(-1) != 0)
		bad |= 1; /* the query: root's */
	if (setfsuid(1000) != 0 || setfsuid(-1) != 1000)
		bad |= 2;
	errno = 0;
	if (create("locked/a", &st) || errno != EACCES)
		bad |= 4; /* root's 0755 directory: fsuid 1000 has no CAP_DAC_OVERRIDE */
	if (setfsgid(1001) != 0 || !create("b", &st) || st.st_uid != 1000 || st.st_gid != 1001)
		bad |= 8;
	if (setfsuid(0) != 1000 || !create("locked/c", &st) || st.st_uid != 0)
		bad |= 16; /* back to 0: capabilities restored */
	if (setresuid(2000, 2000, 2000) != 0 || setfsuid(-1) != 2000)
		bad |= 32;
	if (setfsuid(3000) != 2000 || setfsuid(-1) != 2000)
		bad |= 64; /* not one of its ids: unchanged */
	return bad;
}

int main(void)
{
	test_begin("setfsuid_enosys");
	snprintf(dir, sizeof(dir), "/tmp/setfsuid_%d", (int)getpid());
	char locked[80];
	snprintf(locked, sizeof(locked), "%s/locked", dir);
	if (mkdir(dir, 0777) < 0 || chmod(dir, 0777) < 0 || mkdir(locked, 0755) < 0)
		return 1;
	test_in_child("setfsuid-setfsgid", steps);
	rmdir(locked);
	rmdir(dir);
	test_end();
}
