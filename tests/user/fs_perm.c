/* Permissions as an ordinary user (a child that setuid(1000)s): EACCES opening a 0600 root
 * file, creating in a 0755 root directory, searching a 0700 one, executing a file without x
 * bits; EPERM changing another user's file; what the owner may do; and the umask, which is
 * per process and applied to every creating call. */
#include "fs.h"

static long u_open_0600(void) { return open("root600", O_RDONLY); }
static long u_open_0644_read(void) { return open("root644", O_RDONLY); }
static long u_open_0644_write(void) { return open("root644", O_WRONLY); }
static long u_mkdir_in_root_dir(void) { return mkdir("rootdir/x", 0755); }
static long u_creat_in_root_dir(void) { return open("rootdir/f", O_RDWR | O_CREAT, 0644); }
static long u_unlink_in_root_dir(void) { return unlink("rootdir/keep"); }
static long u_rename_in_root_dir(void) { return rename("rootdir/keep", "rootdir/k2"); }
static long u_chdir_0700(void) { return chdir("private"); }
static long u_stat_through_0700(void) { struct stat st; return stat("private/inner", &st); }
static long u_list_0700(void) { return open("private", O_RDONLY | O_DIRECTORY); }
static long u_chdir_0711_ok(void) { return chdir("searchonly"); }
static long u_list_0711(void) { return open("searchonly", O_RDONLY | O_DIRECTORY); }
static long u_exec_0644(void)
{
	char *argv[] = { "noexec", NULL };
	return execve("noexec", argv, NULL);
}
static long u_exec_dir(void)
{
	char *argv[] = { "rootdir", NULL };
	return execve("rootdir", argv, NULL);
}
static long u_chmod_other(void) { return chmod("root644", 0777); }
static long u_chown_other(void) { return chown("root644", TEST_UID, TEST_GID); }
static long u_chown_own_to_root(void) { return chown("userfile", 0, 0); }
static long u_chmod_own(void) { return chmod("userfile", 0600); }
static long u_utimes_other(void)
{
	struct timespec t[2] = { { 1, 0 }, { 1, 0 } };
	return utimensat(AT_FDCWD, "root644", t, 0);
}
static long u_utimes_now_other(void) { return utimensat(AT_FDCWD, "root644", NULL, 0); }
static long u_utimes_now_writable(void) { return utimensat(AT_FDCWD, "world666", NULL, 0); }
static long u_truncate_other(void) { return truncate("root644", 0); }
static long u_access_w(void) { return access("root644", W_OK); }
static long u_access_r(void) { return access("root644", R_OK); }
static long u_create_in_user_dir(void) { return open("userdir/mine", O_RDWR | O_CREAT, 0600); }
static long u_mount(void) { return mount("tmpfs", "userdir", "tmpfs", 0, NULL); }
static long u_umount(void) { return umount2("/tmp", 0); }

static void make_fixtures(void)
{
	put_file("root600", 0600, "secret");
	put_file("root644", 0644, "public");
	put_file("world666", 0666, "");
	chmod("world666", 0666);
	mkdir("rootdir", 0755);
	put_file("rootdir/keep", 0644, "");
	mkdir("private", 0700);
	put_file("private/inner", 0644, "");
	mkdir("searchonly", 0711);
	put_file("noexec", 0644, "#!/bin/sh\nexit 0\n");
	put_file("userfile", 0644, "");
	chown("userfile", TEST_UID, TEST_GID);
	mkdir("userdir", 0755);
	chown("userdir", TEST_UID, TEST_GID);
}

static void test_as_user(void)
{
	user_err("open-0600-root-file-eacces", u_open_0600, EACCES);
	user_err("open-0644-read-ok", u_open_0644_read, 0);
	user_err("open-0644-write-eacces", u_open_0644_write, EACCES);
	user_err("mkdir-in-0755-root-dir-eacces", u_mkdir_in_root_dir, EACCES);
	user_err("creat-in-0755-root-dir-eacces", u_creat_in_root_dir, EACCES);
	user_err("unlink-in-0755-root-dir-eacces", u_unlink_in_root_dir, EACCES);
	user_err("rename-in-0755-root-dir-eacces", u_rename_in_root_dir, EACCES);
	user_err("chdir-0700-dir-eacces", u_chdir_0700, EACCES);
	user_err("stat-through-0700-dir-eacces", u_stat_through_0700, EACCES);
	user_err("open-0700-dir-eacces", u_list_0700, EACCES);
	user_err("chdir-0711-dir-ok", u_chdir_0711_ok, 0);
	user_err("open-0711-dir-for-reading-eacces", u_list_0711, EACCES);
	user_err("exec-0644-file-eacces", u_exec_0644, EACCES);
	user_err("exec-directory-eacces", u_exec_dir, EACCES);
	user_err("chmod-other-users-file-eperm", u_chmod_other, EPERM);
	user_err("chown-other-users-file-eperm", u_chown_other, EPERM);
	user_err("chown-own-file-to-root-eperm", u_chown_own_to_root, EPERM);
	user_err("chmod-own-file-ok", u_chmod_own, 0);
	user_err("utimensat-times-not-owner-eperm", u_utimes_other, EPERM);
	user_err("utimensat-now-no-write-eacces", u_utimes_now_other, EACCES);
	user_err("utimensat-now-writable-ok", u_utimes_now_writable, 0);
	user_err("truncate-no-write-eacces", u_truncate_other, EACCES);
	user_err("access-w-eacces", u_access_w, EACCES);
	user_err("access-r-ok", u_access_r, 0);
	user_err("create-in-own-dir-ok", u_create_in_user_dir, 0);
	user_err("mount-as-user-eperm", u_mount, EPERM);
	user_err("umount-as-user-eperm", u_umount, EPERM);

	struct stat st;
	bool ok = stat("userdir/mine", &st) == 0 && st.st_uid == TEST_UID && st.st_gid == TEST_GID;
	CHECK("created-file-owned-by-creator", ok);
	ok = stat("root644", &st) == 0 && (st.st_mode & 07777) == 0644 && st.st_uid == 0;
	CHECK("refused-calls-changed-nothing", ok && access("rootdir/x", F_OK) == -1 &&
						 access("rootdir/keep", F_OK) == 0);
	pid_t pid = fork();
	if (pid == 0) {
		execve("noexec", (char *[]){ "noexec", NULL }, NULL);
		_exit(errno);
	}
	int status = 0;
	waitpid(pid, &status, 0);
	test_result("exec-0644-as-root-eacces", WIFEXITED(status) && WEXITSTATUS(status) == EACCES,
		    "status %#x, want exit status %d (EACCES)", status, EACCES);
}

static void test_umask(void)
{
	mode_t old = umask(077);
	VAL("umask-returns-old", umask(077), 077);
	struct stat st;
	bool ok = put_file("um-file", 0666, "") == 0 && stat("um-file", &st) == 0 &&
		  (st.st_mode & 07777) == 0600;
	CHECK("umask-open", ok);
	ok = mkdir("um-dir", 0777) == 0 && stat("um-dir", &st) == 0 && (st.st_mode & 07777) == 0700;
	CHECK("umask-mkdir", ok);
	int fd = openat(AT_FDCWD, "um-at", O_RDWR | O_CREAT, 0666);
	ok = fd >= 0 && fstat(fd, &st) == 0 && (st.st_mode & 07777) == 0600 &&
	     mkdirat(AT_FDCWD, "um-dir2", 0755) == 0 && stat("um-dir2", &st) == 0 &&
	     (st.st_mode & 07777) == 0700;
	close(fd);
	CHECK("umask-openat-mkdirat", ok);
	ok = chmod("um-file", 0666) == 0 && stat("um-file", &st) == 0 &&
	     (st.st_mode & 07777) == 0666;
	CHECK("umask-not-applied-to-chmod", ok);
	pid_t pid = fork();
	if (pid == 0) {
		if (umask(0) != 077)
			_exit(1);
		_exit(put_file("child-file", 0666, "") == 0 && stat("child-file", &st) == 0 &&
		      (st.st_mode & 07777) == 0666 ? 0 : 2);
	}
	ok = child_ok(pid) && umask(077) == 077;
	CHECK("umask-inherited-and-per-process", ok);
	umask(old);
}

int main(void)
{
	scratch_setup("fs_perm");
	make_fixtures();
	test_as_user();
	test_umask();
	scratch_cleanup();
	test_end();
}
