/* Opening and reading the program file of an execve (exec_file.h). */
#include <proc/exec_file.h>
#include <fs/vfs.h>
#include <fs/namei.h>
#include <mm/layout.h>
#include <mm/vmap.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>

#define EXEC_FILE_MAX (256ULL << 20) /* larger programs are refused (-ENOMEM) */

static int exec_checks(const struct path *p)
{
	const struct inode *inode = p->dentry->inode;
	if (!S_ISREG(inode->mode))
		return -EACCES;
	if (p->mnt && (p->mnt->flags & MS_NOEXEC))
		return -EACCES;
	int r = inode_permission(inode, MAY_EXEC);
	if (r)
		return r;
	if (inode->size == 0)
		return -ENOEXEC;
	if ((uint64_t)inode->size > EXEC_FILE_MAX)
		return -ENOMEM;
	return 0;
}

int exec_file_open(const char *path, struct exec_file *ef)
{
	struct path p;
	*ef = (struct exec_file){ 0 };
	int r = path_lookup_at(AT_FDCWD, path, LOOKUP_FOLLOW, &p);
	if (r)
		return r;
	r = exec_checks(&p);
	if (r) {
		path_put(&p);
		return r;
	}
	struct inode *inode = p.dentry->inode;
	inode_get(inode);
	r = file_alloc(&p, inode, O_RDONLY, inode->fops, &ef->file);
	if (r)
		return r;
	ef->size = (size_t)inode->size;
	ef->pages = (ef->size + PAGE_SIZE - 1) / PAGE_SIZE;
	ef->data = vmalloc_pages(ef->pages);
	if (!ef->data) {
		exec_file_close(ef);
		return -ENOMEM;
	}
	long n = kernel_read(ef->file, ef->data, ef->size, 0);
	if (n < 0 || (size_t)n != ef->size) {
		exec_file_close(ef);
		return n < 0 ? (int)n : -EIO;
	}
	return 0;
}

void exec_file_close(struct exec_file *ef)
{
	vfree_pages(ef->data, ef->pages);
	if (ef->file)
		file_put(ef->file);
	*ef = (struct exec_file){ 0 };
}
