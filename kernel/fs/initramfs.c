/* Unpacking the initramfs into the root tmpfs (initramfs.h): validate the whole archive, then
 * create each entry through the same VFS operations the system calls use. */
#include <fs/initramfs.h>
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <core/printk.h>
#include <lib/cpio.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* The archive's name as an absolute path in buf ("./bin/x", "bin/x" and "/bin/x" alike; "."
 * is the root, whose mode and owner the archive sets too); false for an empty name or one
 * with a ".." component (refused). */
static bool entry_path(const struct cpio_entry *e, char *buf, size_t size, bool *bad)
{
	const char *n = e->name;
	*bad = false;
	while (n[0] == '.' && n[1] == '/')
		n += 2;
	while (*n == '/')
		n++;
	if (n[0] == '.' && !n[1]) {
		strlcpy(buf, "/", size);
		return true;
	}
	if (!*n)
		return false;
	const char *p = n, *c;
	size_t len;
	while ((len = path_next_component(&p, &c)))
		if (len == 2 && c[0] == '.' && c[1] == '.')
			*bad = true;
	if (*bad || strlen(n) + 2 > size) {
		*bad = true;
		return false;
	}
	buf[0] = '/';
	strlcpy(buf + 1, n, size - 1);
	return true;
}

/* Pass 1: the whole archive must parse, with names we accept. */
static int check_archive(const void *base, uint64_t size, char *path)
{
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why = NULL;
	int r;
	bool bad;
	cpio_iter_init(&it, base, size);
	while ((r = cpio_next(&it, &e, &why)) == 1) {
		entry_path(&e, path, PATH_MAX, &bad);
		if (bad) {
			why = "entry name escapes the archive root or is too long";
			r = -EINVAL;
			break;
		}
	}
	if (r < 0)
		pr_err("initramfs: corrupt archive (%s): nothing unpacked\n", why ? why : "?");
	return r;
}

/* mkdir -p for the directories above path (archives normally list them first). */
static void make_parents(char *path)
{
	for (char *s = path + 1; (s = strchr(s, '/')); s++) {
		*s = 0;
		vfs_mknodat(AT_FDCWD, path, S_IFDIR | 0755, 0);
		*s = '/';
	}
}

static int write_file(const char *path, const struct cpio_entry *e)
{
	struct file *f;
	int r = vfs_openat(AT_FDCWD, path, O_WRONLY | O_CREAT | O_TRUNC, e->mode & S_IALLUGO, &f);
	if (r)
		return r;
	long n = e->size ? kernel_write(f, e->data, e->size, 0) : 0;
	file_put(f);
	return n < 0 ? (int)n : (size_t)n == e->size ? 0 : -ENOSPC;
}

/* Owner, mode and modification time as the archive says. */
static void set_attrs(const char *path, const struct cpio_entry *e)
{
	struct path p;
	if (path_lookup_at(AT_FDCWD, path, 0, &p))
		return;
	struct inode *inode = p.dentry->inode;
	mutex_lock(&inode->lock);
	inode->uid = e->uid;
	inode->gid = e->gid;
	if (!S_ISLNK(inode->mode))
		inode->mode = (inode->mode & S_IFMT) | (e->mode & S_IALLUGO);
	inode->mtime = (struct linux_timespec){ (int64_t)e->mtime, 0 };
	mutex_unlock(&inode->lock);
	path_put(&p);
}

static int unpack_entry(const struct cpio_entry *e, char *path, char *target)
{
	make_parents(path);
	int r;
	switch (e->mode & S_IFMT) {
	case S_IFDIR:
		r = vfs_mknodat(AT_FDCWD, path, S_IFDIR | (e->mode & S_IALLUGO), 0);
		if (r == -EEXIST)
			r = 0;
		break;
	case S_IFREG:
		r = write_file(path, e);
		break;
	case S_IFLNK:
		if (e->size == 0 || e->size >= PATH_MAX)
			return -EINVAL;
		memcpy(target, e->data, e->size);
		target[e->size] = 0;
		r = vfs_symlinkat(target, AT_FDCWD, path);
		break;
	default: /* devices, FIFOs and sockets belong to devtmpfs and the programs */
		pr_warn("initramfs: %s: special file skipped\n", path);
		return 0;
	}
	if (!r)
		set_attrs(path, e);
	return r;
}

long initramfs_unpack(uint64_t phys_base, uint64_t size)
{
	if (!size) {
		pr_warn("initramfs: none\n");
		return 0;
	}
	const void *base = phys_to_virt(phys_base);
	char *path = kmalloc(PATH_MAX), *target = kmalloc(PATH_MAX);
	long count = -ENOMEM;
	if (!path || !target)
		goto out;
	count = check_archive(base, size, path);
	if (count < 0)
		goto out;
	struct cpio_iter it;
	struct cpio_entry e;
	const char *why;
	bool bad;
	cpio_iter_init(&it, base, size);
	while (cpio_next(&it, &e, &why) == 1) {
		if (!entry_path(&e, path, PATH_MAX, &bad))
			continue;
		int r = unpack_entry(&e, path, target);
		if (r) {
			pr_err("initramfs: %s: cannot unpack (%d)\n", path, r);
			continue;
		}
		count++;
	}
	pr_info("initramfs: %ld entries unpacked into the root tmpfs\n", count);
out:
	kfree(path);
	kfree(target);
	return count;
}
