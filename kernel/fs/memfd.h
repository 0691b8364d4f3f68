/* memfd_create(2) and file seals (fcntl F_ADD_SEALS / F_GET_SEALS) on tmpfs files: the checks
 * the tmpfs write, truncate and chmod paths and mmap call. Seals live in the tmpfs inode
 * (struct tmpfs_inode.seals, under inode->lock); a tmpfs file that is not a sealable memfd
 * has F_SEAL_SEAL, as Linux's shmem files. */
#ifndef FS_MEMFD_H
#define FS_MEMFD_H

#include <stddef.h>
#include <stdint.h>

struct file;
struct inode;
struct iattr;

/* fcntl F_ADD_SEALS / F_GET_SEALS. */
long memfd_fcntl(struct file *f, unsigned int cmd, uint64_t arg);
/* May a write of len bytes at pos change the file? 0 or -EPERM. inode->lock held. */
int seals_check_write_locked(const struct inode *inode, int64_t pos, size_t len);
/* May the attribute change a happen (size against SHRINK/GROW, mode against EXEC)? 0 or
 * -EPERM. inode->lock held. */
int seals_check_setattr_locked(const struct inode *inode, const struct iattr *a);
/* May fallocate change [off, off + len) (punching a hole writes; allocating may grow)? 0 or
 * -EPERM. inode->lock held. */
int seals_check_fallocate_locked(const struct inode *inode, int mode, int64_t off, int64_t len);
/* mmap of f with *vm_flags: -EPERM for a shared writable mapping of a write-sealed file; a
 * shared read-only one may not become writable (VM_RDONLY_FILE). */
int seals_check_mmap(struct file *f, uint32_t *vm_flags);

#endif
