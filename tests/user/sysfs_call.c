/* sysfs(2), the numbering of file-system types: the count, index to name and back, the same
 * order as /proc/filesystems, and EINVAL/EFAULT for bad options, names, indexes and buffers.
 * Expectations are Linux's: runs on the host too. */
#include "test.h"
#include <sys/syscall.h>

#define MAX_TYPES 128

static long sysfs_call(int option, unsigned long a, unsigned long b)
{
	return sys_res(syscall(SYS_sysfs, option, a, b));
}

/* The type names of /proc/filesystems, in order ("nodev\tname" or "\tname" lines). */
static int proc_types(char names[][64], int max)
{
	FILE *f = fopen("/proc/filesystems", "r");
	char line[128];
	int n = 0;
	while (f && n < max && fgets(line, sizeof(line), f)) {
		char *tab = strchr(line, '\t');
		if (!tab)
			continue;
		snprintf(names[n], 64, "%s", tab + 1);
		names[n][strcspn(names[n], "\n")] = 0;
		n++;
	}
	if (f)
		fclose(f);
	return n;
}

int main(void)
{
	test_begin("sysfs_call");
	static char names[MAX_TYPES][64];
	int n = proc_types(names, MAX_TYPES);
	EXPECT("count-matches-proc-filesystems", sysfs_call(3, 0, 0), n);
	bool same = n > 0;
	for (int i = 0; i < n && same; i++) {
		char buf[64] = { 0 };
		same = sysfs_call(2, (unsigned long)i, (unsigned long)buf) == 0 &&
		       !strcmp(buf, names[i]) &&
		       sysfs_call(1, (unsigned long)names[i], 0) == i;
	}
	test_result("names-and-indexes-in-proc-order", same, "mismatch against /proc/filesystems");
	char buf[64];
	EXPECT("unknown-name-einval", sysfs_call(1, (unsigned long)"no-such-fs", 0), -EINVAL);
	EXPECT("bad-name-pointer-efault", sysfs_call(1, (unsigned long)KERNEL_PTR, 0), -EFAULT);
	EXPECT("index-out-of-range-einval", sysfs_call(2, (unsigned long)n, (unsigned long)buf),
	       -EINVAL);
	EXPECT("bad-buffer-efault", sysfs_call(2, 0, (unsigned long)UNMAPPED_PTR), -EFAULT);
	EXPECT("option-4-einval", sysfs_call(4, 0, 0), -EINVAL);
	EXPECT("option-0-einval", sysfs_call(0, 0, 0), -EINVAL);
	test_end();
}
