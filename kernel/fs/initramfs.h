/* The initramfs as a read-only table of files, until the VFS (issue 4) mounts it into a tmpfs:
 * the loader's cpio newc archive (boot_info.initramfs) is checked as a whole at boot and its
 * regular files and symlinks are indexed by absolute path. exec reads programs from here. */
#ifndef FS_INITRAMFS_H
#define FS_INITRAMFS_H

#include <stddef.h>
#include <stdint.h>

#define INITRAMFS_SYMLINK_DEPTH 8

/* Parse and index the archive at physical [base, base + size) (size 0: no initramfs). A
 * corrupt archive is reported and indexed as empty: nothing from it can run. */
void initramfs_init(uint64_t phys_base, uint64_t size);

/* Find a regular file by path (relative paths start at the root: there is no cwd yet),
 * following symlinks (at most INITRAMFS_SYMLINK_DEPTH).
 * *data is 8-byte aligned and stays valid forever. 0, -ENOENT or -ELOOP. */
int initramfs_lookup(const char *path, const void **data, size_t *size);

/* Number of indexed files and symlinks (0 when absent or corrupt). */
size_t initramfs_count(void);

#endif
