/* Mounts: a tmpfs mounted with -o size=1m (statfs/fstatfs report it), hiding and revealing
 * the directory under it, ".." from its root back to the parent, umount2's EBUSY/EINVAL/
 * ENOENT, mount's ENOENT/ENODEV/ENOTDIR/EINVAL, EXDEV for rename and link across mounts,
 * and ENOSPC when the 1 MiB fills up, with the space back after an unlink. */
#include "fs.h"
#include <sys/statfs.h>

#define TMPFS_MAGIC_ 0x01021994
#define MNT_SIZE (1L << 20)

static bool same_file(const char *a, const char *b)
{
	struct stat sa, sb;
	return stat(a, &sa) == 0 && stat(b, &sb) == 0 && sa.st_ino == sb.st_ino &&
	       sa.st_dev == sb.st_dev;
}

static void test_mount_basics(void)
{
	mkdir("m", 0755);
	put_file("m/under", 0644, "");
	struct stat before, root;
	stat("m", &before);
	bool ok = mount("tmpfs", "m", "tmpfs", 0, "size=1m") == 0;
	CHECK("mount-tmpfs-size", ok);
	ok = stat("m", &root) == 0 && root.st_dev != before.st_dev && S_ISDIR(root.st_mode);
	CHECK("mount-root-new-device", ok);
	ok = access("m/under", F_OK) == -1 && errno == ENOENT;
	CHECK("mount-hides-directory-below", ok);
	struct statfs sf;
	ok = statfs("m", &sf) == 0 && sf.f_type == TMPFS_MAGIC_ && sf.f_bsize > 0 &&
	     sf.f_blocks * sf.f_bsize == MNT_SIZE && sf.f_bfree <= sf.f_blocks;
	test_result("statfs-tmpfs-size", ok, "type %#lx bsize %ld blocks %ld", (long)sf.f_type,
		    (long)sf.f_bsize, (long)sf.f_blocks);
	int fd = open("m", O_RDONLY | O_DIRECTORY);
	struct statfs sf2;
	ok = fstatfs(fd, &sf2) == 0 && sf2.f_type == TMPFS_MAGIC_ && sf2.f_blocks == sf.f_blocks;
	CHECK("fstatfs", ok);
	close(fd);
	ok = statfs("/", &sf2) == 0 && sf2.f_bsize > 0;
	CHECK("statfs-root", ok);
	ERR("statfs-missing-enoent", statfs("nothere", &sf2), ENOENT);

	ok = same_file("m/..", ".") && same_file("m/../m", "m");
	CHECK("dotdot-from-mount-root", ok);
	char buf[256], want[256];
	snprintf(want, sizeof(want), "%s/m", scratch);
	ok = chdir("m") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, want);
	CHECK("getcwd-inside-mount", ok);
	ok = chdir("..") == 0 && getcwd(buf, sizeof(buf)) && !strcmp(buf, scratch) &&
	     access("m", F_OK) == 0;
	CHECK("chdir-dotdot-leaves-mount", ok);
	ok = mkdir("m/sub", 0755) == 0 && same_file("m/sub/../..", ".") &&
	     put_file("m/inside", 0644, "in") == 0;
	CHECK("path-through-mount-both-ways", ok);

	put_file("outside", 0644, "out");
	ERR("rename-across-mounts-exdev", rename("outside", "m/outside"), EXDEV);
	ERR("rename-across-mounts-back-exdev", rename("m/inside", "inside"), EXDEV);
	ERR("link-across-mounts-exdev", link("outside", "m/l"), EXDEV);
	ERR("rmdir-mount-point-ebusy", rmdir("m"), EBUSY);

	fd = open("m/inside", O_RDONLY);
	ERR("umount-open-file-ebusy", umount2("m", 0), EBUSY);
	close(fd);
	chdir("m/sub");
	ERR("umount-cwd-inside-ebusy", umount2(want, 0), EBUSY);
	chdir(scratch);
	ok = umount2("m", 0) == 0 && access("m/under", F_OK) == 0 && access("m/inside", F_OK) == -1;
	CHECK("umount-reveals-directory", ok);
	ERR("umount-not-mount-point-einval", umount2("m", 0), EINVAL);
	ERR("umount-missing-enoent", umount2("nothere", 0), ENOENT);
	ERR("umount-bad-flags-einval", umount2("m", 0x80000000), EINVAL);
	ERR("mount-missing-target-enoent", mount("tmpfs", "nothere", "tmpfs", 0, NULL), ENOENT);
	ERR("mount-on-file-enotdir", mount("tmpfs", "outside", "tmpfs", 0, NULL), ENOTDIR);
	ERR("mount-unknown-type-enodev", mount("x", "m", "no-such-fs", 0, NULL), ENODEV);
	ERR("mount-bad-size-einval", mount("tmpfs", "m", "tmpfs", 0, "size=abc"), EINVAL);

	ok = mount("tmpfs", "m", "tmpfs", 0, NULL) == 0 && mount("tmpfs", "m", "tmpfs", 0, NULL) == 0
	     && umount2("m", 0) == 0 && umount2("m", 0) == 0 && access("m/under", F_OK) == 0;
	CHECK("mount-stacked-twice", ok);
}

static void test_enospc(void)
{
	mkdir("small", 0755);
	if (!CHECK("enospc-mount", mount("tmpfs", "small", "tmpfs", 0, "size=1m") == 0))
		return;
	struct statfs empty;
	statfs("small", &empty);
	static char chunk[16384];
	memset(chunk, 0xab, sizeof(chunk));
	int fd = open("small/fill", O_WRONLY | O_CREAT, 0644);
	long total = 0;
	ssize_t n;
	while ((n = write(fd, chunk, sizeof(chunk))) > 0 && total < 4 * MNT_SIZE)
		total += n;
	int e = errno;
	test_result("enospc-when-full", n == -1 && e == ENOSPC && total <= MNT_SIZE &&
		    total >= MNT_SIZE / 2, "wrote %ld, last %zd errno %d", total, n, e);
	close(fd);
	fd = open("small/more", O_WRONLY | O_CREAT, 0644);
	ERR("enospc-new-file-write", write(fd, chunk, sizeof(chunk)), ENOSPC);
	close(fd);
	struct stat st;
	bool ok = stat("small/fill", &st) == 0 && st.st_size == total;
	CHECK("enospc-size-is-what-was-written", ok);
	ok = stat("/", &st) == 0 && put_file("alive", 0644, "still working") == 0;
	CHECK("system-works-after-enospc", ok);
	struct statfs after;
	ok = unlink("small/fill") == 0 && statfs("small", &after) == 0 &&
	     after.f_bfree >= empty.f_bfree - 1;
	test_result("enospc-space-back-after-unlink", ok, "free %ld, was %ld",
		    (long)after.f_bfree, (long)empty.f_bfree);
	fd = open("small/again", O_WRONLY | O_CREAT, 0644);
	ok = write(fd, chunk, sizeof(chunk)) == sizeof(chunk);
	CHECK("enospc-write-after-unlink", ok);
	close(fd);
	VAL("enospc-umount", umount2("small", 0), 0);
}

int main(void)
{
	scratch_setup("fs_mount");
	test_mount_basics();
	test_enospc();
	sync();
	scratch_cleanup();
	test_end();
}
