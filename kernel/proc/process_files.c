/* A process's files (fd table, root/cwd/umask, executable) through its life: created for init
 * with the console on descriptors 0-2, shared or copied at clone, unshared and close-on-exec'd
 * at exec, dropped when the process ends. The pointers change under p->lock. */
#include <proc/process_files.h>
#include <proc/process.h>
#include <fs/fdtable.h>
#include <fs/fs_context.h>
#include <fs/vfs_ops.h>
#include <core/printk.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/sched.h>

int process_files_init(struct process *p)
{
	p->files = fdtable_alloc();
	p->fs = fs_context_alloc_init();
	if (!p->files || !p->fs)
		return -ENOMEM;
	/* Like Linux's kernel_init: stdin, stdout and stderr on /dev/console. */
	struct file *f;
	int r = vfs_openat(AT_FDCWD, "/dev/console", O_RDWR, 0, &f);
	if (r) {
		pr_warn("init: no /dev/console (%d): starting without stdio\n", r);
		return 0;
	}
	for (int fd = 0; fd < 3; fd++) {
		file_get(f);
		fd_install(f, false, fd);
	}
	file_put(f);
	return 0;
}

/* A process's reference to its executable also keeps writers out of it (ETXTBSY), as Linux's
 * mm->exe_file; the holder already has a deny (exec's, or the parent's), so this one cannot
 * fail. */
static void exe_hold(struct file *exe)
{
	file_get(exe);
	(void)inode_deny_write_access(exe->inode);
}

static void exe_drop(struct file *exe)
{
	inode_allow_write_access(exe->inode);
	file_put(exe);
}

int process_files_fork(struct process *np, struct process *p, uint64_t flags)
{
	if (flags & CLONE_FILES) {
		fdtable_get(p->files);
		np->files = p->files;
	} else {
		np->files = fdtable_copy(p->files);
	}
	if (flags & CLONE_FS) {
		fs_context_get(p->fs);
		np->fs = p->fs;
	} else {
		np->fs = fs_context_copy(p->fs);
	}
	if (p->exe_file) {
		exe_hold(p->exe_file);
		np->exe_file = p->exe_file;
	}
	return np->files && np->fs ? 0 : -ENOMEM;
}

int process_files_exec(struct process *p, struct file *exe)
{
	/* Linux unshares before the point of no return too; a failure here fails the exec. */
	if (__atomic_load_n(&p->files->refcount, __ATOMIC_ACQUIRE) > 1) {
		/* Shared with another process (CLONE_FILES): the new image gets its own. */
		struct fd_table *copy = fdtable_copy(p->files);
		if (!copy)
			return -ENOMEM;
		uint64_t f = spin_lock_irqsave(&p->lock);
		struct fd_table *old = p->files;
		p->files = copy;
		spin_unlock_irqrestore(&p->lock, f);
		fdtable_put(old);
	}
	fdtable_close_on_exec(p->files);
	exe_hold(exe);
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct file *old_exe = p->exe_file;
	p->exe_file = exe;
	spin_unlock_irqrestore(&p->lock, f);
	if (old_exe)
		exe_drop(old_exe);
	return 0;
}

void process_files_release(struct process *p)
{
	uint64_t f = spin_lock_irqsave(&p->lock);
	struct fd_table *files = p->files;
	struct fs_context *fs = p->fs;
	struct file *exe = p->exe_file;
	p->files = NULL;
	p->fs = NULL;
	p->exe_file = NULL;
	spin_unlock_irqrestore(&p->lock, f);
	fdtable_put(files);
	fs_context_put(fs);
	if (exe)
		exe_drop(exe);
}
