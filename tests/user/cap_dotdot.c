/* ".." in capability mode (docs/capabilities.md): a lookup from a held directory may climb
 * back up as long as it never leaves that directory, in paths, in relative symlinks, across a
 * mount, and while another process renames a directory out from under the walk. A child in
 * capability mode runs the cases; the parent, outside it, builds the tree and renames on
 * request. Zero-OS only. */
#include "test.h"
#include "../../include/uapi/zero/cap.h"
#include <fcntl.h>
#include <stdint.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>

#define TOP "/tmp/capdd"
#define BOX TOP "/box" /* the directory the child holds */

/* Ask the helper (the parent) for something and wait until it is done. */
static int cmd_w, ack_r;

static void ask(char c)
{
	char a;
	if (write(cmd_w, &c, 1) != 1 || read(ack_r, &a, 1) != 1)
		_exit(255);
}

/* The result of an open (closed again): 0, or the errno. */
static int open_err(int dir, const char *path, int flags)
{
	int fd = openat(dir, path, flags);
	if (fd < 0)
		return errno;
	close(fd);
	return 0;
}

/* Does path (from dir) name a file holding `what`? */
static bool reads(int dir, const char *path, const char *what)
{
	char b[16] = { 0 };
	int fd = openat(dir, path, O_RDONLY);
	if (fd < 0)
		return false;
	long n = read(fd, b, sizeof(b) - 1);
	close(fd);
	return n == (long)strlen(what) && memcmp(b, what, n) == 0;
}

static bool same_file(int dir, const char *a, const char *b)
{
	struct stat sa, sb;
	return fstatat(dir, a, &sa, 0) == 0 && fstatat(dir, b, &sb, 0) == 0 &&
	       sa.st_ino == sb.st_ino && sa.st_dev == sb.st_dev;
}

static void test_paths(int box)
{
	CHECK("sub_dotdot_file", reads(box, "sub/../file", "file"));
	CHECK("two_levels_up", reads(box, "sub/sub2/../../file", "file"));
	CHECK("down_up_down", reads(box, "sub/sub2/../../sub/sub2/../../file", "file"));
	CHECK("dotdot_names_parent", same_file(box, "sub/sub2/..", "sub"));
	CHECK("dotdot_back_to_start", open_err(box, "sub/..", O_RDONLY | O_DIRECTORY) == 0);
	CHECK("dotdot_at_start", open_err(box, "..", O_RDONLY) == ECAPMODE);
	CHECK("dotdot_past_start", open_err(box, "sub/../..", O_RDONLY) == ECAPMODE);
	CHECK("dotdot_out_and_back", open_err(box, "sub/../../box/file", O_RDONLY) == ECAPMODE);
	CHECK("dotdot_deep_past_start", open_err(box, "sub/sub2/../../../box", O_RDONLY) == ECAPMODE);
}

/* Calls that stop before the last component: ".." from the start is refused, ".." below it is
 * the usual error of each call, and ".." in the middle works. */
static void test_parent_calls(int box)
{
	CHECK("mkdir_dotdot_at_start", mkdirat(box, "..", 0700) == -1 && errno == ECAPMODE);
	CHECK("rmdir_dotdot_at_start",
	      unlinkat(box, "..", AT_REMOVEDIR) == -1 && errno == ECAPMODE);
	CHECK("rename_dotdot_at_start",
	      renameat(box, "sub/../..", box, "z") == -1 && errno == ECAPMODE);
	CHECK("rename_dotdot_below", renameat(box, "sub/..", box, "z") == -1 && errno == EBUSY);
	CHECK("rmdir_dotdot_below",
	      unlinkat(box, "sub/sub2/..", AT_REMOVEDIR) == -1 && errno == ENOTEMPTY);
	CHECK("mkdir_through_dotdot", mkdirat(box, "sub/../made", 0700) == 0);
	CHECK("rename_through_dotdot", renameat(box, "sub/../made", box, "sub/sub2/../made2") == 0);
	CHECK("rmdir_through_dotdot",
	      unlinkat(box, "sub/sub2/../../sub/made2", AT_REMOVEDIR) == 0 &&
		      fstatat(box, "sub/made2", &(struct stat){ 0 }, 0) == -1);
}

static void test_symlinks(int box)
{
	CHECK("link_to_sibling", reads(box, "sub/sibling", "file"));
	CHECK("link_dir_then_dotdot", reads(box, "sub/down/../../file", "file"));
	CHECK("link_out", open_err(box, "out", O_RDONLY) == ECAPMODE);
	CHECK("link_out_from_below", open_err(box, "sub/out2", O_RDONLY) == ECAPMODE);
	CHECK("link_absolute", open_err(box, "abs", O_RDONLY) == ECAPMODE);
}

/* mv (with mv/x and mv/inner) is held by fd_mv and fd_inner, then moved out of the box. */
static void test_moved(int box, int fd_mv, int fd_inner)
{
	CHECK("before_move", reads(box, "mv/inner/../x", "x"));
	ask('m');
	CHECK("moved_gone_from_box", open_err(box, "mv/inner/../x", O_RDONLY) == ENOENT);
	CHECK("moved_held_dir_still_works", reads(fd_mv, "inner/../x", "x"));
	CHECK("moved_dotdot_at_its_start", open_err(fd_inner, "../x", O_RDONLY) == ECAPMODE);
	CHECK("moved_no_way_out", open_err(fd_mv, "inner/../../outside", O_RDONLY) == ECAPMODE);
}

/* fd_mp was opened on mp before a tmpfs was mounted there: "x/.." steps onto the mounted
 * file system (below the held directory), and ".." from its root leads above mp. */
static void test_mount(int box, int fd_mp)
{
	CHECK("mount_crossed", reads(box, "mp/upper", "upper") && reads(box, "mp/../file", "file"));
	CHECK("mount_dotdot_lands_on_mount", reads(fd_mp, "x/../upper", "upper"));
	CHECK("mount_dotdot_past_start", open_err(fd_mp, "x/../..", O_RDONLY) == ECAPMODE);
	CHECK("mount_dotdot_past_start2", open_err(fd_mp, "x/../../file", O_RDONLY) == ECAPMODE);
}

static uint64_t now_ms(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000 + (uint64_t)ts.tv_nsec / 1000000;
}

/* The parent moves a/b to o/p/q/b and back, over and over, while we walk
 * a/b/c/././.../../../../x: box/x does not exist, o/p/x does, so an open that succeeds has
 * climbed out. The long run of "./" makes it likely that the walk is preempted in c; when it
 * resumes there with b away, the ".." from c must fail with ECAPMODE (the race taken). We go on
 * until it was taken a few times, or a deadline. */
#define RACE_HITS 4
#define RACE_MS 20000
static void test_rename_race(int box)
{
	static char path[3000];
	strcpy(path, "a/b/c/");
	for (int i = 0; i < 1000; i++)
		strcat(path, "./");
	strcat(path, "../../../x");
	int escapes = 0, hits = 0, other = 0;
	ask('r');
	uint64_t end = now_ms() + RACE_MS;
	while (hits + escapes < RACE_HITS && now_ms() < end) {
		int e = open_err(box, path, O_RDONLY);
		escapes += e == 0;
		hits += e == ECAPMODE;
		other += e != 0 && e != ECAPMODE && e != ENOENT;
	}
	ask('s');
	CHECK("race_no_escape", escapes == 0 && other == 0);
	/* Timing decides whether the walk is preempted in the window: reported, not asserted. */
	printf("cap_dotdot: the rename race was taken %d times\n", hits + escapes);
}

static void run_child(void)
{
	int box = open(BOX, O_RDONLY | O_DIRECTORY);
	int fd_mv = open(BOX "/mv", O_RDONLY | O_DIRECTORY);
	int fd_inner = open(BOX "/mv/inner", O_RDONLY | O_DIRECTORY);
	int fd_mp = open(BOX "/mp", O_RDONLY | O_DIRECTORY);
	ask('M'); /* the mount goes on mp after fd_mp was opened */
	if (zero_cap_enter() != 0 || box < 0 || fd_mv < 0 || fd_inner < 0 || fd_mp < 0)
		_exit(255);
	test_paths(box);
	test_parent_calls(box);
	test_symlinks(box);
	test_moved(box, fd_mv, fd_inner);
	test_mount(box, fd_mp);
	test_rename_race(box);
	exit(test_exit_code());
}

static void put_file(const char *path, const char *text)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	write(fd, text, strlen(text));
	close(fd);
}

static void build_tree(void)
{
	static const char *dirs[] = { TOP, TOP "/away", TOP "/o", TOP "/o/p", TOP "/o/p/q", BOX,
				      BOX "/sub", BOX "/sub/sub2", BOX "/mv", BOX "/mv/inner",
				      BOX "/mp", BOX "/mp/x", BOX "/a", BOX "/a/b", BOX "/a/b/c" };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		mkdir(dirs[i], 0700);
	put_file(TOP "/outside", "outside");
	put_file(TOP "/o/p/x", "secret");
	put_file(BOX "/file", "file");
	put_file(BOX "/mv/x", "x");
	symlink("../file", BOX "/sub/sibling");
	symlink("sub2", BOX "/sub/down");
	symlink("../outside", BOX "/out");
	symlink("../../outside", BOX "/sub/out2");
	symlink("/tmp", BOX "/abs");
}

/* Serve the child's requests until it exits: M mount on mp, m move mv away, r rename a/b
 * back and forth until s. */
static void serve(int cmd_r, int ack_w)
{
	char c;
	while (read(cmd_r, &c, 1) == 1) {
		if (c == 'M') {
			mount("tmpfs", BOX "/mp", "tmpfs", 0, NULL);
			put_file(BOX "/mp/upper", "upper");
		} else if (c == 'm') {
			rename(BOX "/mv", TOP "/away/mv");
		} else if (c == 'r') {
			write(ack_w, &c, 1);
			fcntl(cmd_r, F_SETFL, O_NONBLOCK);
			while (read(cmd_r, &c, 1) != 1) {
				rename(BOX "/a/b", TOP "/o/p/q/b");
				rename(TOP "/o/p/q/b", BOX "/a/b");
			}
			fcntl(cmd_r, F_SETFL, 0);
		}
		write(ack_w, &c, 1);
	}
}

static void remove_tree(void)
{
	umount2(BOX "/mp", 0);
	static const char *files[] = { TOP "/outside", TOP "/o/p/x", BOX "/file", TOP "/away/mv/x",
				       BOX "/sub/sibling", BOX "/sub/down", BOX "/out",
				       BOX "/sub/out2", BOX "/abs" };
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		unlink(files[i]);
	static const char *dirs[] = { BOX "/a/b/c", BOX "/a/b", BOX "/a", BOX "/mp/x", BOX "/mp",
				      TOP "/away/mv/inner", TOP "/away/mv", BOX "/sub/sub2",
				      BOX "/sub", BOX, TOP "/o/p/q", TOP "/o/p", TOP "/o",
				      TOP "/away", TOP };
	for (size_t i = 0; i < sizeof(dirs) / sizeof(dirs[0]); i++)
		rmdir(dirs[i]);
}

int main(void)
{
	test_begin("cap_dotdot");
	build_tree();
	int cmd[2], ack[2];
	if (pipe(cmd) || pipe(ack))
		return 255;
	pid_t pid = fork();
	if (pid == 0) {
		close(cmd[0]);
		close(ack[1]);
		cmd_w = cmd[1];
		ack_r = ack[0];
		run_child();
	}
	close(cmd[1]);
	close(ack[0]);
	serve(cmd[0], ack[1]);
	int status = 0;
	waitpid(pid, &status, 0);
	remove_tree();
	CHECK("tree_removed", access(TOP, F_OK) == -1);
	/* The child printed its cases: its counts join ours. */
	bool ran = WIFEXITED(status) && WEXITSTATUS(status) != 255;
	CHECK("child_ran", ran);
	if (ran) {
		test_passed += WEXITSTATUS(status) & 63;
		test_failed += WEXITSTATUS(status) >> 6;
	}
	test_end();
}
