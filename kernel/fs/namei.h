/* Path resolution: from a starting directory (the cwd, a dirfd, or the root) through each
 * component, following ".", "..", mount points (both ways) and symlinks (at most
 * SYMLINK_MAX_FOLLOW in one resolution: ELOOP), checking search permission on each directory.
 * Errors: ENOENT, ENOTDIR, ENAMETOOLONG (a component over NAME_MAX or a path over PATH_MAX),
 * ELOOP, EACCES, EFAULT (user strings), ECAPMODE (capability mode: global names, climbing out
 * of the starting directory; docs/capabilities.md). */
#ifndef FS_NAMEI_H
#define FS_NAMEI_H

#include <fs/vfs.h>
#include <fs/path.h>

#define SYMLINK_MAX_FOLLOW 40

#define LOOKUP_FOLLOW 0x1u /* follow a symlink in the last component */
#define LOOKUP_DIRECTORY 0x2u /* the result must be a directory (trailing slash implies it) */
#define LOOKUP_EMPTY 0x4u /* "" names the starting directory itself (AT_EMPTY_PATH) */

/* Resolve a kernel path string relative to dirfd (AT_FDCWD: the cwd; ignored for absolute
 * paths): 0 with *out referenced (positive), or -errno. */
int path_lookup_at(int dirfd, const char *path, unsigned flags, struct path *out);
/* The same for a user pointer (copies it with strncpy_from_user: EFAULT, ENAMETOOLONG). */
int user_path_lookup_at(int dirfd, const char __user *upath, unsigned flags, struct path *out);

/* For calls that create or remove a name: resolve all but the last component of path into
 * *parent (a directory, referenced) and return the last component in *last (pointing into
 * the kernel copy `path`, not NUL-terminated; length *last_len). A path ending in "." or ".."
 * or "/" alone gives last_len 0 with *last_type telling which, so that callers can answer
 * EEXIST/EBUSY/EINVAL as Linux does. Trailing slashes set *trailing_slash. */
enum last_type { LAST_NORM, LAST_ROOT, LAST_DOT, LAST_DOTDOT };
struct parent_lookup {
	struct path parent;
	const char *last;
	size_t last_len;
	enum last_type type;
	bool trailing_slash;
};
int path_parent_at(int dirfd, const char *path, struct parent_lookup *out);

/* Look up one name in the directory parent (which the caller holds): the child dentry
 * (referenced, possibly negative) after asking the file system on a miss. Takes
 * namespace_mutex on the slow path unless the caller holds it (locked = true). Does not cross
 * mounts. */
int lookup_one(struct dentry *parent, const char *name, size_t len, bool locked,
	       struct dentry **out);

/* Copy a user path into a kernel buffer of PATH_MAX bytes (give it back with putname). 0,
 * -EFAULT, -ENAMETOOLONG, -ENOMEM. An empty string is -ENOENT unless allow_empty. */
int getname(const char __user *upath, bool allow_empty, char **out);
void putname(char *name); /* NULL is ignored */

#endif
