/* Path resolution (namei.h): walks components from the root, the cwd or a directory fd,
 * crossing mounts both ways and following symlinks with a total budget of SYMLINK_MAX_FOLLOW
 * per resolution. Every step holds a reference to the current (mount, dentry) pair. */
#include <fs/namei.h>
#include <fs/fdtable.h>
#include <fs/fs_context.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <security/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

struct mutex namespace_mutex = MUTEX_INIT(namespace_mutex, "namespace");

/* One resolution: the caller's root (where ".." stops and absolute paths start), the symlink
 * budget shared by nested resolutions, and whether the caller is in capability mode (sampled
 * once, so that a whole resolution follows one set of rules), with then the directory it
 * started from: the one it may not leave. */
struct walk {
	struct path root;
	int links_left;
	bool capmode;
	struct path start; /* referenced when capmode */
};

/* Path buffers: PATH_MAX bytes each, recycled through a small cache instead of a page
 * allocation (and its zeroing) per system call. A buffer in the cache is all zeros: putname
 * clears the bytes a path used. names_lock guards the cache. */
#define NAMES_CACHED 8
static struct spinlock names_lock = SPINLOCK_INIT("names");
static char *names_free[NAMES_CACHED];
static int nr_names_free;

static char *name_buf_get(void)
{
	char *buf = NULL;
	uint64_t f = spin_lock_irqsave(&names_lock);
	if (nr_names_free)
		buf = names_free[--nr_names_free];
	spin_unlock_irqrestore(&names_lock, f);
	return buf ? buf : kmalloc(PATH_MAX);
}

void putname(char *name)
{
	if (!name)
		return;
	memset(name, 0, strnlen(name, PATH_MAX));
	uint64_t f = spin_lock_irqsave(&names_lock);
	if (nr_names_free < NAMES_CACHED) {
		names_free[nr_names_free++] = name;
		name = NULL;
	}
	spin_unlock_irqrestore(&names_lock, f);
	kfree(name);
}

int getname(const char __user *upath, bool allow_empty, char **out)
{
	char *buf = name_buf_get();
	if (!buf)
		return -ENOMEM;
	long n = strncpy_from_user(buf, upath, PATH_MAX);
	if (n == 0 && !allow_empty)
		n = -ENOENT;
	if (n < 0) {
		putname(buf);
		return (int)n;
	}
	*out = buf;
	return 0;
}

int lookup_one(struct dentry *parent, const char *name, size_t len, bool locked,
	       struct dentry **out)
{
	const struct inode_ops *iops = parent->inode->iops;
	bool dir_is_cache = parent->sb->flags & SB_DCACHE_IS_DIRECTORY;
	struct dentry *d = dcache_lookup(parent, name, len);
	if (d && d->inode && !dir_is_cache && iops && iops->revalidate && !iops->revalidate(d)) {
		dentry_unhash(d); /* stale: open files keep it, lookups make a new one */
		dentry_put(d);
		d = NULL;
	}
	if (d && (d->inode || dir_is_cache)) {
		*out = d;
		return 0;
	}
	if (!locked)
		mutex_lock(&namespace_mutex);
	if (!d)
		d = dcache_lookup(parent, name, len); /* someone may have added it meanwhile */
	int r = 0;
	if (!d) {
		d = dentry_alloc(parent, name, len);
		if (!d)
			r = -ENOMEM;
	}
	if (!r && !d->inode && !dir_is_cache && iops && iops->lookup)
		r = iops->lookup(parent->inode, d);
	if (!locked)
		mutex_unlock(&namespace_mutex);
	if (r) {
		dentry_put(d);
		return r;
	}
	*out = d;
	return 0;
}

/* Replace *cur with next (whose reference passes to *cur). */
static void path_set(struct path *cur, struct path next)
{
	path_put(cur);
	*cur = next;
}

/* While a file system is mounted on cur, step onto its root. */
static void cross_mounts_down(struct path *cur)
{
	for (;;) {
		struct mount *m = mount_lookup(cur->mnt, cur->dentry);
		if (!m)
			return;
		path_set(cur, (struct path){ m, dentry_get(m->root) });
	}
}

/* "..": stays at the caller's root and at the global root; from the root of a mounted file
 * system goes to the directory it is mounted on first.
 *
 * [capmode] Capsicum's rule (Linux's RESOLVE_BENEATH): ".." may move around below the
 * directory the lookup started from, never above it. The caller refuses ".." from that
 * directory itself; here, after the step, the new position must still be at or below it,
 * which path_is_beneath checks by walking its parents up. Counting depth would not do: another
 * process may rename the directory we stand in out of the start directory, and ".." from there
 * leads outside however deep we went. The check looks at the position we hold, under
 * dcache_lock, which every rename holds while it moves a dentry, so it sees the tree before or
 * after a rename, never half-way. A rename after it can move us out again, but then the next
 * ".." is checked in turn; going down from there reaches what was below the start directory
 * when we got there, as a rename could move the result away the moment the lookup ends
 * anyway. Linux instead samples rename and mount sequence counters and fails with EAGAIN
 * when they moved, because its lookups take no lock; we would rather not hand EAGAIN to
 * programs that do not expect it from open. Only capability mode pays: the check costs a walk
 * up the tree for each "..". */
static int step_up(struct walk *w, struct path *cur)
{
	for (;;) {
		if (path_equal(cur, &w->root))
			goto out;
		if (cur->dentry != cur->mnt->root)
			break;
		struct mount *m = cur->mnt;
		if (m->parent == m)
			goto out;
		struct path up = { m->parent, m->mountpoint };
		path_get(&up);
		path_set(cur, up);
	}
	struct path up = { cur->mnt, dentry_get_parent(cur->dentry) };
	mount_get(up.mnt);
	path_set(cur, up);
	cross_mounts_down(cur);
out:
	if (w->capmode && !path_is_beneath(cur, &w->start))
		return -ECAPMODE; /* [capmode] see above */
	return 0;
}

static int walk_components(struct walk *w, struct path *cur, const char *path,
			   struct parent_lookup *pl, bool follow_last);

/* Resolve the symlink link (reached from directory *cur): *cur becomes its target. */
static int follow_link(struct walk *w, struct path *cur, struct path *link)
{
	if (--w->links_left < 0)
		return -ELOOP;
	const struct inode_ops *iops = link->dentry->inode->iops;
	if (iops && iops->get_link && w->capmode)
		return -ECAPMODE; /* [capmode] procfs's links lead anywhere */
	if (iops && iops->get_link) { /* procfs: the link is a path already */
		struct path target;
		int r = iops->get_link(link->dentry, &target.mnt, &target.dentry);
		if (r)
			return r;
		path_set(cur, target);
		return 0;
	}
	if (!iops || !iops->readlink)
		return -EINVAL;
	char *buf = kmalloc(PATH_MAX);
	if (!buf)
		return -ENOMEM;
	long n = iops->readlink(link->dentry, buf, PATH_MAX - 1);
	int r = n < 0 ? (int)n : 0;
	if (!r) {
		buf[n] = 0;
		r = n == 0 ? -ENOENT : walk_components(w, cur, buf, NULL, true);
	}
	kfree(buf);
	return r;
}

/* Does the rest of the path (after a component) hold only slashes? */
static bool rest_is_slashes(const char *p, bool *had_slash)
{
	*had_slash = *p == '/';
	while (*p == '/')
		p++;
	return *p == 0;
}

/* Walk path from *cur (referenced, replaced as the walk goes). With pl, stop before the last
 * component and describe it in *pl; otherwise resolve it, following a final symlink when
 * follow_last (or when a trailing slash demands a directory). */
static int walk_components(struct walk *w, struct path *cur, const char *path,
			   struct parent_lookup *pl, bool follow_last)
{
	if (*path == '/' && w->capmode)
		return -ECAPMODE; /* [capmode] an absolute symlink */
	if (*path == '/') {
		struct path root = w->root;
		path_get(&root);
		path_set(cur, root);
	}
	const char *p = path;
	for (;;) {
		const char *name;
		size_t len = path_next_component(&p, &name);
		if (len == 0) { /* "/", or a path of slashes after the start */
			if (pl) {
				pl->last = name;
				pl->last_len = 0;
				pl->type = LAST_ROOT;
			}
			return 0;
		}
		if (len > NAME_MAX)
			return -ENAMETOOLONG;
		if (!S_ISDIR(cur->dentry->inode->mode))
			return -ENOTDIR;
		int r = inode_permission(cur->dentry->inode, MAY_EXEC);
		if (r)
			return r;
		bool trailing;
		bool last = rest_is_slashes(p, &trailing);
		bool dot = len == 1 && name[0] == '.';
		bool dotdot = len == 2 && name[0] == '.' && name[1] == '.';
		if (dotdot && w->capmode && path_equal(cur, &w->start))
			return -ECAPMODE; /* [capmode] never above the directory held (step_up) */
		if (last && pl) {
			pl->last = name;
			pl->last_len = dot || dotdot ? 0 : len;
			pl->type = dot ? LAST_DOT : dotdot ? LAST_DOTDOT : LAST_NORM;
			pl->trailing_slash = trailing;
			return 0;
		}
		if (dot)
			continue;
		if (dotdot) {
			r = step_up(w, cur);
			if (r)
				return r;
			continue;
		}
		struct dentry *child;
		r = lookup_one(cur->dentry, name, len, false, &child);
		if (r)
			return r;
		if (!child->inode) {
			dentry_put(child);
			return -ENOENT;
		}
		bool follow = S_ISLNK(child->inode->mode) && (!last || follow_last || trailing);
		if (!follow && !READ_ONCE(child->mounted)) {
			/* The common step: same mount, so no mount reference changes hands. */
			dentry_put(cur->dentry);
			cur->dentry = child;
			continue;
		}
		struct path next = { cur->mnt, child };
		mount_get(cur->mnt);
		cross_mounts_down(&next);
		if (S_ISLNK(next.dentry->inode->mode) && (!last || follow_last || trailing)) {
			r = follow_link(w, cur, &next);
			path_put(&next);
			if (r)
				return r;
			continue;
		}
		path_set(cur, next);
	}
}

/* The starting point of a resolution: the cwd, the directory behind dirfd, or (absolute
 * paths) the root, set by walk_components. */
static int start_at(int dirfd, const char *path, bool capmode, struct path *start)
{
	if ((path[0] == '/' || dirfd == AT_FDCWD) && capmode)
		return -ECAPMODE; /* [capmode] no global name space */
	if (path[0] == '/' || dirfd == AT_FDCWD) {
		current_cwd(start);
		return 0;
	}
	struct file *f = fd_get(dirfd);
	if (!f)
		return -EBADF;
	int r = 0;
	if (!f->path.mnt)
		r = -ENOTDIR; /* a pipe or another anonymous file */
	else if (!S_ISDIR(f->inode->mode) && path[0])
		r = -ENOTDIR;
	if (!r) {
		*start = f->path;
		path_get(start);
	}
	file_put(f);
	return r;
}

/* One resolution from start_at's directory with the caller's root; on success *cur holds the
 * (referenced) result. */
static int resolve(int dirfd, const char *path, struct parent_lookup *pl, bool follow,
		   struct path *cur)
{
	struct walk w = { .links_left = SYMLINK_MAX_FOLLOW, .capmode = capmode_current() };
	int r = start_at(dirfd, path, w.capmode, cur);
	if (r)
		return r;
	if (w.capmode) {
		w.start = *cur;
		path_get(&w.start);
	}
	current_root(&w.root);
	r = walk_components(&w, cur, path, pl, follow);
	path_put(&w.root);
	if (w.capmode)
		path_put(&w.start);
	if (r)
		path_put(cur);
	return r;
}

int path_lookup_at(int dirfd, const char *path, unsigned flags, struct path *out)
{
	if (!path[0] && !(flags & LOOKUP_EMPTY))
		return -ENOENT;
	struct path cur;
	int r = resolve(dirfd, path, NULL, flags & LOOKUP_FOLLOW, &cur);
	if (r)
		return r;
	/* A trailing slash demands a directory, as LOOKUP_DIRECTORY does. */
	size_t len = strlen(path);
	bool want_dir = (flags & LOOKUP_DIRECTORY) || (len && path[len - 1] == '/');
	if (want_dir && !S_ISDIR(cur.dentry->inode->mode)) {
		path_put(&cur);
		return -ENOTDIR;
	}
	*out = cur;
	return 0;
}

int user_path_lookup_at(int dirfd, const char __user *upath, unsigned flags, struct path *out)
{
	char *path;
	int r = getname(upath, flags & LOOKUP_EMPTY, &path);
	if (r)
		return r;
	r = path_lookup_at(dirfd, path, flags, out);
	putname(path);
	return r;
}

int path_parent_at(int dirfd, const char *path, struct parent_lookup *out)
{
	if (!path[0])
		return -ENOENT;
	*out = (struct parent_lookup){ 0 };
	struct path cur;
	int r = resolve(dirfd, path, out, false, &cur);
	if (r)
		return r;
	if (!S_ISDIR(cur.dentry->inode->mode)) {
		path_put(&cur);
		return -ENOTDIR;
	}
	out->parent = cur;
	return 0;
}
