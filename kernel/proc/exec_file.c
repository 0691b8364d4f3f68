/* Opening the program file of an execve and reading from it (exec_file.h). */
#include <proc/exec_file.h>
#include <fs/vfs.h>
#include <fs/namei.h>
#include <mm/layout.h>
#include <mm/phys.h>
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
	r = inode_deny_write_access(inode); /* no writer while it runs (ETXTBSY) */
	if (r) {
		exec_file_close(ef);
		return r;
	}
	ef->denied = true;
	ef->size = (size_t)inode->size;
	ef->head_len = ef->size < PAGE_SIZE ? ef->size : PAGE_SIZE;
	uint64_t pa = phys_alloc_pages(0); /* zeroed: bytes past a short file read as 0 */
	if (!pa) {
		exec_file_close(ef);
		return -ENOMEM;
	}
	ef->head = phys_to_virt(pa);
	r = exec_file_read(ef, ef->head, ef->head_len, 0);
	if (r)
		exec_file_close(ef);
	return r;
}

int exec_file_read(struct exec_file *ef, void *dst, size_t len, uint64_t off)
{
	long n = kernel_read(ef->file, dst, len, (int64_t)off);
	if (n < 0)
		return (int)n;
	return (size_t)n == len ? 0 : -EIO;
}

void exec_file_close(struct exec_file *ef)
{
	if (ef->head)
		phys_free_pages(virt_to_phys(ef->head), 0);
	if (ef->denied)
		inode_allow_write_access(ef->file->inode);
	if (ef->file)
		file_put(ef->file);
	*ef = (struct exec_file){ 0 };
}
