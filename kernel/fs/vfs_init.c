/* Bringing up the name space at boot: the root tmpfs with the initramfs unpacked into it, the
 * standard directories, devtmpfs on /dev with the device nodes, devpts on /dev/pts, a tmpfs
 * on /dev/shm, and procfs on /proc when it is built in. */
#include <fs/procfs/procfs.h>
#include <ipc/mqueue.h>
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <fs/tmpfs.h>
#include <fs/devpts.h>
#include <fs/initramfs.h>
#include <block/blkdev.h>
#include <core/panic.h>
#include <core/printk.h>
#include <lib/printf.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

static struct path root_path; /* the first mount's root: init's root and cwd */

void vfs_root(struct path *out)
{
	*out = root_path;
	path_get(out);
}

static const struct dev_node {
	const char *name;
	uint32_t mode;
	uint32_t major, minor;
} dev_nodes[] = {
	{ "null", S_IFCHR | 0666, 1, 3 },   { "zero", S_IFCHR | 0666, 1, 5 },
	{ "full", S_IFCHR | 0666, 1, 7 },   { "random", S_IFCHR | 0666, 1, 8 },
	{ "urandom", S_IFCHR | 0666, 1, 9 }, { "tty", S_IFCHR | 0666, 5, 0 },
	{ "console", S_IFCHR | 0600, 5, 1 }, { "ttyS0", S_IFCHR | 0660, 4, 64 },
	{ "ptmx", S_IFCHR | 0666, 5, 2 },
};

static const struct dev_link {
	const char *name, *target;
} dev_links[] = {
	{ "fd", "/proc/self/fd" },
	{ "stdin", "/proc/self/fd/0" },
	{ "stdout", "/proc/self/fd/1" },
	{ "stderr", "/proc/self/fd/2" },
};

static void ensure_dir(const char *path, uint32_t mode)
{
	int r = vfs_mknodat(AT_FDCWD, path, S_IFDIR | mode, 0);
	if (r && r != -EEXIST)
		pr_err("vfs: cannot create %s (%d)\n", path, r);
}

static void mount_at(const char *fstype, const char *where, const char *data)
{
	struct path target;
	int r = path_lookup_at(AT_FDCWD, where, LOOKUP_FOLLOW, &target);
	if (!r) {
		r = vfs_mount(fstype, &target, fstype, 0, data);
		path_put(&target);
	}
	if (r)
		pr_err("vfs: cannot mount %s on %s (%d)\n", fstype, where, r);
}

static void populate_dev(void)
{
	char path[32];
	for (size_t i = 0; i < sizeof(dev_nodes) / sizeof(dev_nodes[0]); i++) {
		const struct dev_node *n = &dev_nodes[i];
		ksnprintf(path, sizeof(path), "/dev/%s", n->name);
		int r = vfs_mknodat(AT_FDCWD, path, n->mode, MKDEV(n->major, n->minor));
		if (r)
			pr_err("vfs: cannot create %s (%d)\n", path, r);
	}
	for (size_t i = 0; i < sizeof(dev_links) / sizeof(dev_links[0]); i++) {
		ksnprintf(path, sizeof(path), "/dev/%s", dev_links[i].name);
		vfs_symlinkat(dev_links[i].target, AT_FDCWD, path);
	}
}

void vfs_init(uint64_t initramfs_phys, uint64_t initramfs_size)
{
	files_init();
	tmpfs_register();
	procfs_register();
	mqueue_fs_register();
	devpts_register();
	struct super_block *sb;
	struct mount *root_mnt;
	/* Named "tmpfs" in /proc/mounts, not "rootfs": it is a real tmpfs, and busybox (df,
	 * mount) skips entries of that name (on Linux, the initramfs hidden under the root). */
	if (fs_type_find("tmpfs")->mount("tmpfs", 0, "mode=0755", &sb) ||
	    mount_attach(sb, NULL, "tmpfs", 0, &root_mnt))
		panic("vfs: cannot mount the root tmpfs");
	root_path.mnt = root_mnt;
	root_path.dentry = dentry_get(sb->root);
	mount_get(root_mnt);
	initramfs_unpack(initramfs_phys, initramfs_size);
	ensure_dir("/dev", 0755);
	ensure_dir("/proc", 0555);
	ensure_dir("/tmp", 01777);
	mount_at("devtmpfs", "/dev", "mode=0755");
	populate_dev();
	blkdev_dev_ready(); /* the nodes of disks found so far, and from now on at once */
	/* POSIX shared memory and named semaphores (shm_open, sem_open) are files here. */
	ensure_dir("/dev/shm", 01777);
	mount_at("tmpfs", "/dev/shm", "mode=1777");
	ensure_dir("/dev/pts", 0755);
	mount_at("devpts", "/dev/pts", devpts_boot_options());
	if (fs_type_find("proc"))
		mount_at("proc", "/proc", NULL);
}
