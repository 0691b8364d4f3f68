/* The in-memory extended attributes of an inode (tmpfs and other file systems that keep
 * everything in memory): a list of (name, value) pairs hanging off inode->xattrs, guarded by
 * inode->lock. Names arrive checked (non-empty, at most XATTR_NAME_MAX bytes, a known
 * namespace); fs/xattr.c does the system calls, their permission rules and their errors. */
#ifndef FS_XATTR_STORE_H
#define FS_XATTR_STORE_H

#include <stdbool.h>
#include <stddef.h>
#include <fs/vfs.h>
#include <uapi/xattr.h>

/* Bytes of names and values one inode may hold (ENOSPC beyond): every name must fit in one
 * listxattr answer, and a user must not turn one file into unbounded kernel memory. */
#define XATTR_STORE_NAMES_MAX XATTR_LIST_MAX
#define XATTR_STORE_VALUES_MAX (1024 * 1024)

/* The value of name: its length, copying it into buf when size is non-zero (-ERANGE when it
 * does not fit), or -ENODATA. inode->lock held. */
long xattr_store_get_locked(struct inode *inode, const char *name, void *buf, size_t size);
/* Create or replace name (XATTR_CREATE: -EEXIST if present; XATTR_REPLACE: -ENODATA if
 * absent). 0, -ENOMEM or -ENOSPC. inode->lock held. */
int xattr_store_set_locked(struct inode *inode, const char *name, const void *value,
			   size_t size, int flags);
/* Remove name: 0 or -ENODATA. inode->lock held. */
int xattr_store_remove_locked(struct inode *inode, const char *name);
/* The names for which visible(name) holds, each NUL-terminated, into buf: the bytes needed
 * (nothing is written when size is 0), or -ERANGE when they do not fit in size. inode->lock
 * held. */
long xattr_store_list_locked(struct inode *inode, bool (*visible)(const char *name), char *buf,
			     size_t size);
/* Free every attribute (the inode's last reference went). */
void xattr_store_free(struct inode *inode);

#endif
