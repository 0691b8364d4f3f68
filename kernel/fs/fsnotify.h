/* File-system event hooks (Linux's fsnotify, for inotify(7)): the generic VFS calls one of these
 * at each event site — name-space changes in namei_ops.c and open.c, reads and writes in
 * read_write.c, attribute changes in attr.c and xattr.c, the last close in file.c, unmount in
 * mount.c — so every file system gets events without doing anything. fs/inotify.c delivers
 * them: to the watches on the inode itself (no name) and, for events about a file inside a
 * watched directory, to the directory's watches with the file's name. Each hook costs one
 * atomic load while nothing is watched. Hooks are called with no spinlock held. */
#ifndef FS_FSNOTIFY_H
#define FS_FSNOTIFY_H

#include <stdbool.h>
#include <stdint.h>
#include <uapi/inotify.h>

struct dentry;
struct file;
struct inode;
struct super_block;

/* An event about the file d names (IN_ACCESS, IN_MODIFY, IN_ATTRIB, IN_OPEN, IN_CLOSE_*): to its
 * own watches and to its directory's, with its name. */
void fsnotify_dentry(struct dentry *d, uint32_t mask);
/* The same for an open file (anonymous files have no directory: their own watches only). */
void fsnotify_file(struct file *f, uint32_t mask);
/* An event for the inode's own watches only (IN_ATTRIB of a link-count change). */
void fsnotify_inode(struct inode *inode, uint32_t mask);
/* A directory-entry event (IN_CREATE, IN_DELETE, IN_MOVED_FROM/TO) for dir's watches, about
 * the entry `name` (len bytes), a directory when isdir. */
void fsnotify_name(struct inode *dir, const char *name, uint32_t len, uint32_t mask,
		   uint32_t cookie, bool isdir);
/* The inode may be gone: once it has no name left (unlink, rmdir, a rename over it) and no
 * open file (as Linux, where an open file keeps the dentry: its last close calls this again),
 * IN_DELETE_SELF, then its watches go (IN_IGNORED). Nothing otherwise. */
void fsnotify_unlinked(struct inode *inode);
/* A cookie tying an IN_MOVED_FROM to its IN_MOVED_TO (never 0). */
uint32_t fsnotify_cookie(void);
/* The super block is being unmounted: IN_UNMOUNT and IN_IGNORED for every watch on it. */
void fsnotify_unmount(struct super_block *sb);

/* /proc/sys/fs/inotify: the queue length of a new instance, and per real uid the instances and
 * watches allowed (EMFILE, ENOSPC past them). Atomic. */
extern int inotify_max_queued_events, inotify_max_user_instances, inotify_max_user_watches;

/* The whole of a rename's events, in Linux's order: MOVED_FROM and MOVED_TO (one cookie),
 * IN_ATTRIB for a replaced file, MOVE_SELF for the moved one, then the replaced file's
 * deletion. moved is the file renamed; replaced the one the new name named before, or NULL;
 * exchange: RENAME_EXCHANGE (replaced moved the other way). */
struct fsnotify_move {
	struct inode *old_dir, *new_dir;
	const char *old_name, *new_name;
	uint32_t old_len, new_len;
	struct inode *moved, *replaced;
	bool exchange;
};
void fsnotify_rename(const struct fsnotify_move *m);

#endif
