/* The working directory, root and umask system calls: chdir, fchdir, getcwd, chroot, umask. */
#include <fs/fs_context.h>
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <mm/kmalloc.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

/* Become cwd (or root): a directory the caller may search. Takes over p's reference. */
static int set_dir(struct path *p, bool root)
{
	int r = S_ISDIR(p->dentry->inode->mode) ? inode_permission(p->dentry->inode, MAY_EXEC)
						  : -ENOTDIR;
	if (r) {
		path_put(p);
		return r;
	}
	if (!root) {
		current_set_cwd(p);
		return 0;
	}
	struct fs_context *c = process_current()->fs;
	uint64_t f = spin_lock_irqsave(&c->lock);
	struct path old = c->root;
	c->root = *p;
	spin_unlock_irqrestore(&c->lock, f);
	path_put(&old);
	return 0;
}

SYSCALL_DEFINE1(chdir, const char __user *, upath)
{
	struct path p;
	int r = user_path_lookup_at(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	return r ? r : set_dir(&p, false);
}

SYSCALL_DEFINE1(fchdir, int, fd)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	struct path p = f->path;
	int r = p.dentry ? 0 : -ENOTDIR;
	if (!r)
		path_get(&p);
	file_put(f);
	return r ? r : set_dir(&p, false);
}

SYSCALL_DEFINE1(chroot, const char __user *, upath)
{
	if (!capable(CAP_SYS_CHROOT))
		return -EPERM;
	struct path p;
	int r = user_path_lookup_at(AT_FDCWD, upath, LOOKUP_FOLLOW | LOOKUP_DIRECTORY, &p);
	return r ? r : set_dir(&p, true);
}

SYSCALL_DEFINE2(getcwd, char __user *, buf, size_t, size)
{
	char *kbuf = kmalloc(PATH_MAX);
	if (!kbuf)
		return -ENOMEM;
	struct path cwd, root;
	current_cwd(&cwd);
	current_root(&root);
	long len;
	if (!cwd.dentry->hashed && cwd.dentry->parent != cwd.dentry)
		len = -ENOENT; /* the cwd was removed */
	else
		len = path_to_string(&cwd, &root, kbuf, PATH_MAX);
	path_put(&cwd);
	path_put(&root);
	if (len >= 0 && (size_t)len + 1 > size)
		len = -ERANGE;
	if (len >= 0 && copy_to_user(buf, kbuf, (size_t)len + 1))
		len = -EFAULT;
	kfree(kbuf);
	return len < 0 ? len : len + 1;
}

SYSCALL_DEFINE1(umask, uint32_t, mask)
{
	struct fs_context *c = process_current()->fs;
	return __atomic_exchange_n(&c->umask, mask & 0777, __ATOMIC_RELAXED);
}
