/* inotify (inotify(7), inotify_init1(2), inotify_add_watch(2), inotify_rm_watch(2)): the events
 * of a watched file and of a watched directory in Linux's order, cookies of a rename, the self
 * events and IN_IGNORED, watch flags (IN_ONESHOT, IN_MASK_ADD, IN_MASK_CREATE, IN_ONLYDIR,
 * IN_EXCL_UNLINK), merging, IN_Q_OVERFLOW, FIONREAD, poll, the limits in /proc/sys/fs/inotify
 * and the errors. Everything happens in a fresh directory on a tmpfs. */
#define _GNU_SOURCE
#include "test.h"
#include <fcntl.h>
#include <poll.h>
#include <sys/inotify.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <sys/xattr.h>

#define MAXEV 64

struct ev {
	int wd;
	uint32_t mask, cookie;
	char name[64];
};

static char dir[64];

static const char *at(const char *name)
{
	static char buf[4][128];
	static int i;
	i = (i + 1) % 4;
	snprintf(buf[i], sizeof(buf[i]), "%s/%s", dir, name);
	return buf[i];
}

/* The queued events (none waited for: the instances are non-blocking). */
static int collect(int fd, struct ev *out)
{
	char buf[4096] __attribute__((aligned(8)));
	int n = 0;
	long len;
	while ((len = read(fd, buf, sizeof(buf))) > 0) {
		for (long i = 0; i < len && n < MAXEV;) {
			struct inotify_event *e = (struct inotify_event *)(buf + i);
			out[n] = (struct ev){ .wd = e->wd, .mask = e->mask, .cookie = e->cookie };
			snprintf(out[n].name, sizeof(out[n].name), "%s", e->len ? e->name : "");
			n++;
			i += (long)sizeof(*e) + e->len;
		}
	}
	return n;
}

/* want: "mask:name" items separated by spaces, masks in hex (name may be empty). */
static bool events_are(const char *case_name, int fd, const char *want)
{
	struct ev got[MAXEV];
	int n = collect(fd, got), i = 0;
	char desc[512] = "", w[256];
	snprintf(w, sizeof(w), "%s", want);
	bool ok = true;
	for (char *save, *tok = strtok_r(w, " ", &save); tok; tok = strtok_r(NULL, " ", &save)) {
		char *colon = strchr(tok, ':');
		uint32_t mask = (uint32_t)strtoul(tok, NULL, 16);
		if (i >= n || got[i].mask != mask || strcmp(got[i].name, colon ? colon + 1 : ""))
			ok = false;
		i++;
	}
	ok = ok && i == n;
	for (int k = 0; k < n; k++) {
		size_t l = strlen(desc);
		snprintf(desc + l, sizeof(desc) - l, "%x:%s ", got[k].mask, got[k].name);
	}
	return test_result(case_name, ok, "got %s, want %s", desc, want);
}

static int instance(void)
{
	return inotify_init1(IN_NONBLOCK);
}

static void test_init(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	CHECK("init1_flags", fd >= 0 && (fcntl(fd, F_GETFL) & O_NONBLOCK) &&
				     (fcntl(fd, F_GETFD) & FD_CLOEXEC));
	char buf[64];
	CHECK("read_empty_eagain", read(fd, buf, sizeof(buf)) < 0 && errno == EAGAIN);
	int n = -1;
	CHECK("fionread_empty", ioctl(fd, FIONREAD, &n) == 0 && n == 0);
	close(fd);
	fd = inotify_init();
	CHECK("init", fd >= 0 && !(fcntl(fd, F_GETFL) & O_NONBLOCK));
	close(fd);
	EXPECT("init1_bad_flags", sys_res(inotify_init1(1)), -EINVAL);
}

static void test_errors(void)
{
	int fd = instance();
	int file = open(at("f"), O_CREAT | O_RDWR, 0644);
	EXPECT("add_bad_fd", sys_res(inotify_add_watch(-1, dir, IN_ALL_EVENTS)), -EBADF);
	EXPECT("add_not_inotify", sys_res(inotify_add_watch(file, dir, IN_ALL_EVENTS)), -EINVAL);
	EXPECT("add_no_events", sys_res(inotify_add_watch(fd, dir, 0)), -EINVAL);
	EXPECT("add_onlydir_file", sys_res(inotify_add_watch(fd, at("f"), IN_ONLYDIR | IN_OPEN)),
	       -ENOTDIR);
	EXPECT("add_missing", sys_res(inotify_add_watch(fd, at("nope"), IN_OPEN)), -ENOENT);
	EXPECT("add_bad_path", sys_res(inotify_add_watch(fd, UNMAPPED_PTR, IN_OPEN)), -EFAULT);
	EXPECT("add_mask_add_and_create",
	       sys_res(inotify_add_watch(fd, dir, IN_OPEN | IN_MASK_ADD | IN_MASK_CREATE)),
	       -EINVAL);
	int wd = inotify_add_watch(fd, dir, IN_OPEN);
	EXPECT("add_mask_create_exists",
	       sys_res(inotify_add_watch(fd, dir, IN_OPEN | IN_MASK_CREATE)), -EEXIST);
	EXPECT("add_same_inode_same_wd", sys_res(inotify_add_watch(fd, dir, IN_CREATE)), wd);
	EXPECT("rm_bad_wd", sys_res(inotify_rm_watch(fd, wd + 100)), -EINVAL);
	EXPECT("rm_not_inotify", sys_res(inotify_rm_watch(file, wd)), -EINVAL);
	EXPECT("rm", sys_res(inotify_rm_watch(fd, wd)), 0);
	events_are("rm_ignored", fd, "8000:");
	EXPECT("rm_again", sys_res(inotify_rm_watch(fd, wd)), -EINVAL);
	close(file);
	unlink(at("f"));
	close(fd);
}

static void test_file_events(void)
{
	int fd = instance();
	int f = open(at("file"), O_CREAT | O_RDWR, 0644);
	close(f);
	inotify_add_watch(fd, at("file"), IN_ALL_EVENTS);
	chmod(at("file"), 0600);
	f = open(at("file"), O_RDONLY);
	char buf[16];
	(void)!read(f, buf, sizeof(buf)); /* empty: no IN_ACCESS */
	close(f);
	f = open(at("file"), O_RDWR);
	(void)!write(f, "abc", 3);
	(void)!write(f, "def", 3); /* merged with the first */
	(void)!pread(f, buf, 2, 0);
	(void)!ftruncate(f, 1);
	close(f);
	events_are("file_events", fd, "4: 20: 10: 20: 2: 1: 2: 8:");
	int n = -1;
	f = open(at("file"), O_RDONLY);
	CHECK("fionread", ioctl(fd, FIONREAD, &n) == 0 && n == 16);
	struct pollfd p = { .fd = fd, .events = POLLIN };
	CHECK("poll_readable", poll(&p, 1, 0) == 1 && p.revents == POLLIN);
	char small[8];
	CHECK("read_small_einval", read(fd, small, sizeof(small)) < 0 && errno == EINVAL);
	close(f);
	events_are("open_close", fd, "20: 10:");
	CHECK("poll_empty", poll(&p, 1, 0) == 0);
	close(fd);
	unlink(at("file"));
}

static void test_dir_events(void)
{
	int fd = instance();
	inotify_add_watch(fd, dir, IN_ALL_EVENTS);
	int f = open(at("a"), O_CREAT | O_WRONLY, 0644);
	close(f);
	mkdir(at("sub"), 0755);
	rename(at("a"), at("b"));
	link(at("b"), at("c"));
	symlink("b", at("s"));
	unlink(at("b"));
	unlink(at("c"));
	unlink(at("s"));
	rmdir(at("sub"));
	chmod(dir, 0755);
	events_are("dir_events", fd,
		   "100:a 20:a 8:a 40000100:sub 40:a 80:b 100:c 100:s 200:b 200:c 200:s "
		   "40000200:sub 40000004:");
	f = open(at("a"), O_CREAT | O_WRONLY, 0644);
	close(f);
	collect(fd, (struct ev[MAXEV]){ 0 });
	rename(at("a"), at("b"));
	struct ev got[MAXEV];
	int n = collect(fd, got);
	CHECK("rename_cookie", n == 2 && got[0].cookie && got[0].cookie == got[1].cookie);
	unlink(at("b"));
	close(fd);
}

static void test_self_events(void)
{
	int fd = instance();
	int f = open(at("victim"), O_CREAT | O_WRONLY, 0644);
	close(f);
	mkdir(at("d"), 0755);
	inotify_add_watch(fd, at("victim"), IN_ALL_EVENTS);
	inotify_add_watch(fd, at("d"), IN_ALL_EVENTS);
	unlink(at("victim"));
	events_are("unlink_delete_self", fd, "4: 400: 8000:");
	f = open(at("open_victim"), O_CREAT | O_WRONLY, 0644);
	inotify_add_watch(fd, at("open_victim"), IN_ALL_EVENTS);
	unlink(at("open_victim"));
	events_are("unlink_open_attrib_only", fd, "4:");
	close(f);
	events_are("last_close_delete_self", fd, "8: 400: 8000:");
	rename(at("d"), at("d2"));
	events_are("move_self", fd, "800:");
	rmdir(at("d2"));
	events_are("rmdir_delete_self", fd, "400: 8000:");
	close(fd);
}

/* A watch on the directory and on its file, in one instance: the directory's event first. */
static void test_parent_and_child(void)
{
	int fd = instance();
	int f = open(at("kid"), O_CREAT | O_WRONLY, 0644);
	close(f);
	int wd_dir = inotify_add_watch(fd, dir, IN_ATTRIB);
	int wd_kid = inotify_add_watch(fd, at("kid"), IN_ATTRIB | IN_OPEN);
	chmod(at("kid"), 0600);
	struct ev got[MAXEV];
	int n = collect(fd, got);
	CHECK("parent_then_child", n == 2 && got[0].wd == wd_dir && !strcmp(got[0].name, "kid") &&
					   got[1].wd == wd_kid && !got[1].name[0]);
	f = open(at("kid"), O_RDONLY);
	close(f);
	n = collect(fd, got);
	CHECK("only_asked_for", n == 1 && got[0].wd == wd_kid && got[0].mask == IN_OPEN);
	unlink(at("kid"));
	close(fd);
}

static void test_flags(void)
{
	int fd = instance();
	int f = open(at("g"), O_CREAT | O_RDWR, 0644);
	int wd = inotify_add_watch(fd, at("g"), IN_MODIFY | IN_ONESHOT);
	(void)!write(f, "1", 1);
	(void)!write(f, "2", 1);
	events_are("oneshot", fd, "2: 8000:");
	wd = inotify_add_watch(fd, at("g"), IN_ATTRIB);
	EXPECT("mask_add_same_wd", sys_res(inotify_add_watch(fd, at("g"), IN_MODIFY | IN_MASK_ADD)),
	       wd);
	fchmod(f, 0600);
	(void)!write(f, "3", 1);
	events_are("mask_add", fd, "4: 2:");
	inotify_add_watch(fd, at("g"), IN_ATTRIB); /* replaces: no IN_MODIFY */
	(void)!write(f, "4", 1);
	events_are("mask_replace", fd, "");
	close(f);
	close(fd);
	/* IN_EXCL_UNLINK: no more events about the file once it has no name. */
	fd = instance();
	f = open(at("g"), O_RDWR);
	inotify_add_watch(fd, dir, IN_MODIFY | IN_EXCL_UNLINK);
	(void)!write(f, "5", 1);
	unlink(at("g"));
	(void)!write(f, "6", 1);
	events_are("excl_unlink", fd, "2:g");
	close(f);
	close(fd);
}

static int write_sysctl(const char *path, int v)
{
	FILE *fp = fopen(path, "w");
	if (!fp)
		return -1;
	int r = fprintf(fp, "%d\n", v) > 0 ? 0 : -1;
	return fclose(fp) ? -1 : r;
}

static int read_sysctl(const char *path)
{
	FILE *fp = fopen(path, "r");
	int v = -1;
	if (fp) {
		if (fscanf(fp, "%d", &v) != 1)
			v = -1;
		fclose(fp);
	}
	return v;
}

#define QUEUED "/proc/sys/fs/inotify/max_queued_events"

static void test_overflow(void)
{
	int old = read_sysctl(QUEUED);
	CHECK("sysctls", old > 0 && read_sysctl("/proc/sys/fs/inotify/max_user_instances") > 0 &&
				 read_sysctl("/proc/sys/fs/inotify/max_user_watches") > 0);
	if (write_sysctl(QUEUED, 4)) {
		test_result("overflow", false, "cannot set %s (errno %d)", QUEUED, errno);
		return;
	}
	int fd = instance();
	write_sysctl(QUEUED, old);
	inotify_add_watch(fd, dir, IN_CREATE);
	for (int i = 0; i < 8; i++) {
		char n[8];
		snprintf(n, sizeof(n), "o%d", i);
		close(open(at(n), O_CREAT | O_WRONLY, 0644));
		unlink(at(n));
	}
	struct ev got[MAXEV];
	int n = collect(fd, got);
	CHECK("overflow", n == 5 && got[4].mask == IN_Q_OVERFLOW && got[4].wd == -1 &&
				  !got[4].name[0] && got[3].mask == IN_CREATE);
	close(fd);
}

/* The instance's /proc/self/fdinfo: Linux's common lines and a line per watch. */
static void test_fdinfo(void)
{
	int fd = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	int wd = inotify_add_watch(fd, dir, IN_MODIFY | IN_ONESHOT);
	char path[64], text[512] = "";
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	test_read_text(path, text, sizeof(text));
	unsigned flags = 0, mask = 0;
	int got_wd = -1;
	char *w = strstr(text, "inotify wd:");
	CHECK("fdinfo_common", sscanf(text, "pos:\t%*d\nflags:\t%o", &flags) == 1 &&
				       (flags & O_CLOEXEC) && (flags & O_NONBLOCK) &&
				       strstr(text, "\nino:\t"));
	CHECK("fdinfo_watch", w && sscanf(w, "inotify wd:%x ino:%*x sdev:%*x mask:%x", &got_wd,
					   &mask) == 2 && got_wd == wd &&
				      mask == (IN_MODIFY | IN_ONESHOT));
	close(fd);
}

static void test_xattr(void)
{
	int fd = instance();
	close(open(at("x"), O_CREAT | O_WRONLY, 0644));
	inotify_add_watch(fd, at("x"), IN_ATTRIB);
	if (setxattr(at("x"), "user.t", "v", 1, 0) == 0)
		events_are("xattr_attrib", fd, "4:");
	else
		test_result("xattr_attrib", false, "setxattr: errno %d", errno);
	unlink(at("x"));
	close(fd);
}

int main(void)
{
	test_begin("inotify");
	const char *tmp = test_tmpfs_dir();
	snprintf(dir, sizeof(dir), "%s/inotifyXXXXXX", tmp ? tmp : "/tmp");
	if (!mkdtemp(dir)) {
		test_result("setup", false, "mkdtemp %s: errno %d", dir, errno);
		test_end();
	}
	test_init();
	test_errors();
	test_file_events();
	test_dir_events();
	test_self_events();
	test_parent_and_child();
	test_flags();
	test_overflow();
	test_fdinfo();
	test_xattr();
	rmdir(dir);
	test_end();
}
