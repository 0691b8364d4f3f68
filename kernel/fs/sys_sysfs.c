/* sysfs(2), the old System V call that numbers the registered file-system types (not the
 * /sys file system): option 1 turns a name into its index, option 2 an index into its name,
 * option 3 counts them. Indexes follow registration order, as /proc/filesystems lists them. */
#include <fs/vfs.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define FS_NAME_MAX 64 /* longer than any registered name */

/* Walks the types, counting, until one matches by name or by index. */
struct fs_type_search {
	const char *name; /* option 1 */
	long index; /* option 2: wanted; otherwise the count so far */
	long seen;
	const struct fs_type *found;
};

static bool search_step(const struct fs_type *t, void *ctx)
{
	struct fs_type_search *s = ctx;
	if ((s->name && !strcmp(t->name, s->name)) || (!s->name && s->seen == s->index)) {
		s->found = t;
		return false;
	}
	s->seen++;
	return true;
}

static long sysfs_index_of(const char __user *uname)
{
	char name[FS_NAME_MAX];
	long n = strncpy_from_user(name, uname, sizeof(name));
	if (n == -ENAMETOOLONG)
		return -EINVAL; /* no type has so long a name */
	if (n < 0)
		return n;
	struct fs_type_search s = { .name = name };
	fs_type_for_each(search_step, &s);
	return s.found ? s.seen : -EINVAL;
}

static long sysfs_name_of(uint64_t index, char __user *ubuf)
{
	struct fs_type_search s = { .index = (long)index };
	if (index > INT32_MAX)
		return -EINVAL;
	fs_type_for_each(search_step, &s);
	if (!s.found)
		return -EINVAL;
	return copy_to_user(ubuf, s.found->name, strlen(s.found->name) + 1) ? -EFAULT : 0;
}

SYSCALL_DEFINE3(sysfs, int, option, uint64_t, arg1, uint64_t, arg2)
{
	switch (option) {
	case 1:
		return sysfs_index_of((const char __user *)arg1);
	case 2:
		return sysfs_name_of(arg1, (char __user *)arg2);
	case 3: {
		struct fs_type_search s = { .index = -1 };
		fs_type_for_each(search_step, &s);
		return s.seen;
	}
	default:
		return -EINVAL;
	}
}
