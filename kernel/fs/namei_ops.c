/* Name-space changes (vfs_ops.h): creating, linking, removing and renaming names, with the
 * checks Linux makes and in its order — resolve the parent, take namespace_mutex, look the
 * last name up again under it, check types and permissions, then let the file system act. */
#include <fs/vfs_ops.h>
#include <fs/namei.h>
#include <fs/fsnotify.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <proc/process.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/mount.h>

bool mnt_is_readonly(const struct mount *mnt)
{
	return (READ_ONCE(mnt->flags) & MS_RDONLY) || (READ_ONCE(mnt->sb->flags) & SB_RDONLY);
}

int mnt_want_write(const struct mount *mnt)
{
	return mnt && mnt_is_readonly(mnt) ? -EROFS : 0;
}

/* A directory that was removed keeps working for those inside it, but takes no new names. */
static bool dir_alive(const struct dentry *d)
{
	return d->hashed || d->parent == d;
}

static int may_create(const struct path *dir)
{
	if (!dir_alive(dir->dentry))
		return -ENOENT;
	int r = mnt_want_write(dir->mnt);
	return r ? r : inode_permission(dir->dentry->inode, MAY_WRITE | MAY_EXEC);
}

/* May the caller remove (or replace) the name victim from dir? */
static int may_delete(const struct path *dir, const struct dentry *victim)
{
	int r = mnt_want_write(dir->mnt);
	if (!r)
		r = inode_permission(dir->dentry->inode, MAY_WRITE | MAY_EXEC);
	if (r)
		return r;
	const struct inode *di = dir->dentry->inode;
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	if ((di->mode & S_ISVTX) && uid != di->uid && uid != victim->inode->uid &&
	    !capable(CAP_FOWNER))
		return -EPERM; /* sticky directory: only owners remove */
	if (victim->mounted)
		return -EBUSY;
	return 0;
}

/* Resolve the parent of path and look its last name up under namespace_mutex, which is held
 * on success (the caller unlocks, then puts pl->parent and *child). */
static int lookup_for_change(int dirfd, const char *path, struct parent_lookup *pl,
			     struct dentry **child)
{
	int r = path_parent_at(dirfd, path, pl);
	if (r)
		return r;
	if (pl->type != LAST_NORM) {
		*child = NULL;
		mutex_lock(&namespace_mutex);
		return 0;
	}
	mutex_lock(&namespace_mutex);
	r = lookup_one(pl->parent.dentry, pl->last, pl->last_len, true, child);
	if (r) {
		mutex_unlock(&namespace_mutex);
		path_put(&pl->parent);
	}
	return r;
}

static void change_done(struct parent_lookup *pl, struct dentry *child)
{
	mutex_unlock(&namespace_mutex);
	dentry_put(child);
	path_put(&pl->parent);
}

/* Create a name: what kind is decided by mode (or target for a symlink, src for a link).
 * On success with out != NULL, *out is the new dentry (referenced). */
static int create_name(int dirfd, const char *path, uint32_t mode, uint64_t rdev,
		       const char *target, struct dentry *src, struct path *out)
{
	struct parent_lookup pl;
	struct dentry *d;
	int r = lookup_for_change(dirfd, path, &pl, &d);
	if (r)
		return r;
	struct inode *dir = pl.parent.dentry->inode;
	const struct inode_ops *iops = dir->iops;
	if (!d)
		r = -EEXIST; /* "/", "." or ".." */
	else if (d->inode)
		r = -EEXIST;
	else if (pl.trailing_slash && !S_ISDIR(mode))
		r = -ENOENT;
	else
		r = may_create(&pl.parent);
	if (!r && src && src->sb != pl.parent.dentry->sb)
		r = -EXDEV;
	if (!r) {
		mutex_lock(&dir->lock);
		if (target)
			r = iops && iops->symlink ? iops->symlink(dir, d, target) : -EPERM;
		else if (src)
			r = iops && iops->link ? iops->link(src, dir, d) : -EPERM;
		else
			r = iops && iops->create ? iops->create(dir, d, mode, rdev) : -EPERM;
		mutex_unlock(&dir->lock);
	}
	if (!r) {
		if (src)
			fsnotify_inode(src->inode, IN_ATTRIB); /* its link count */
		fsnotify_name(dir, d->name, d->name_len, IN_CREATE, 0, S_ISDIR(d->inode->mode));
	}
	if (!r && out) {
		out->mnt = pl.parent.mnt;
		out->dentry = dentry_get(d);
		mount_get(out->mnt);
	}
	change_done(&pl, d);
	return r;
}

int vfs_tmpfile(const struct path *dir, uint32_t mode, bool linkable, struct path *out)
{
	struct inode *di = dir->dentry->inode;
	if (!di->iops || !di->iops->tmpfile)
		return -EOPNOTSUPP;
	struct inode *inode = NULL;
	mutex_lock(&namespace_mutex);
	int r = may_create(dir);
	if (!r) {
		mutex_lock(&di->lock);
		r = di->iops->tmpfile(di, S_IFREG | (mode & S_IALLUGO), &inode);
		mutex_unlock(&di->lock);
	}
	struct dentry *d = NULL;
	if (!r) {
		char name[24]; /* as Linux names it in /proc/<pid>/fd: "#<inode number>" */
		int len = ksnprintf(name, sizeof(name), "#%lu", inode->ino);
		inode->linkable = linkable;
		d = dentry_alloc_unnamed(dir->dentry, name, (size_t)len, inode);
		r = d ? 0 : -ENOMEM;
	}
	mutex_unlock(&namespace_mutex);
	if (r)
		return r;
	*out = (struct path){ .mnt = dir->mnt, .dentry = d };
	mount_get(out->mnt);
	return 0;
}

int vfs_mknodat(int dirfd, const char *path, uint32_t mode, uint64_t rdev)
{
	switch (mode & S_IFMT) {
	case S_IFCHR:
	case S_IFBLK: {
		if (!capable(CAP_MKNOD))
			return -EPERM;
		break;
	}
	case S_IFREG:
	case S_IFDIR:
	case S_IFIFO:
	case S_IFSOCK: break;
	default: return -EINVAL;
	}
	return create_name(dirfd, path, mode, rdev, NULL, NULL, NULL);
}

int vfs_symlinkat(const char *target, int dirfd, const char *path)
{
	if (!target[0])
		return -ENOENT;
	return create_name(dirfd, path, S_IFLNK | 0777, 0, target, NULL, NULL);
}

int vfs_linkat(int olddirfd, const char *oldpath, int newdirfd, const char *newpath, int flags)
{
	if (flags & ~(AT_SYMLINK_FOLLOW | AT_EMPTY_PATH))
		return -EINVAL;
	struct path old;
	unsigned lf = (flags & AT_SYMLINK_FOLLOW ? LOOKUP_FOLLOW : 0) |
		      (flags & AT_EMPTY_PATH ? LOOKUP_EMPTY : 0);
	int r = path_lookup_at(olddirfd, oldpath, lf, &old);
	if (r)
		return r;
	if (S_ISDIR(old.dentry->inode->mode))
		r = -EPERM;
	else if (old.dentry->inode->nlink == 0 && !READ_ONCE(old.dentry->inode->linkable))
		r = -ENOENT; /* unlinked, or an O_TMPFILE file made with O_EXCL */
	if (!r) {
		struct parent_lookup pl;
		r = path_parent_at(newdirfd, newpath, &pl);
		if (!r) {
			if (pl.parent.mnt != old.mnt)
				r = -EXDEV;
			path_put(&pl.parent);
		}
	}
	if (!r)
		r = create_name(newdirfd, newpath, old.dentry->inode->mode, 0, NULL, old.dentry,
				NULL);
	if (!r) { /* named now: once unlinked again, it stays so (as Linux's I_LINKABLE) */
		mutex_lock(&namespace_mutex);
		old.dentry->inode->linkable = false;
		mutex_unlock(&namespace_mutex);
	}
	path_put(&old);
	return r;
}

/* A name went: the dentry stops being found; the events in Linux's order (the file's link
 * count, its deletion, then the directory's entry). */
static void unlink_done(struct inode *dir, struct dentry *d, bool rmdir)
{
	dentry_unhash(d);
	if (!rmdir)
		fsnotify_inode(d->inode, IN_ATTRIB);
	fsnotify_unlinked(d->inode);
	fsnotify_name(dir, d->name, d->name_len, IN_DELETE, 0, rmdir);
}

int vfs_unlinkat(int dirfd, const char *path, bool rmdir)
{
	struct parent_lookup pl;
	struct dentry *d;
	int r = lookup_for_change(dirfd, path, &pl, &d);
	if (r)
		return r;
	struct inode *dir = pl.parent.dentry->inode;
	if (!d)
		r = !rmdir ? -EISDIR : pl.type == LAST_DOT ? -EINVAL
				     : pl.type == LAST_DOTDOT ? -ENOTEMPTY : -EBUSY;
	else if (!d->inode)
		r = -ENOENT;
	else if (rmdir && !S_ISDIR(d->inode->mode))
		r = -ENOTDIR;
	else if (!rmdir && S_ISDIR(d->inode->mode))
		r = -EISDIR;
	else if (!rmdir && pl.trailing_slash)
		r = -ENOTDIR;
	else
		r = may_delete(&pl.parent, d);
	if (!r && rmdir && dentry_has_children(d))
		r = -ENOTEMPTY;
	if (!r) {
		const struct inode_ops *iops = dir->iops;
		int (*op)(struct inode *, struct dentry *) = iops ? (rmdir ? iops->rmdir
									  : iops->unlink)
								  : NULL;
		mutex_lock(&dir->lock);
		r = op ? op(dir, d) : -EPERM;
		mutex_unlock(&dir->lock);
		if (!r)
			unlink_done(dir, d, rmdir);
	}
	change_done(&pl, d);
	return r;
}

/* Is d the directory anc or inside it? (A directory may not move into itself.) */
static bool is_within(const struct dentry *d, const struct dentry *anc)
{
	for (;;) {
		if (d == anc)
			return true;
		if (d->parent == d)
			return false;
		d = d->parent;
	}
}

/* The checks of rename once both names are looked up under namespace_mutex. */
static int rename_check(struct parent_lookup *op, struct dentry *od, struct parent_lookup *np,
			struct dentry *nd, unsigned flags)
{
	if (!od->inode || (!nd->inode && (flags & RENAME_EXCHANGE)))
		return -ENOENT;
	bool is_dir = S_ISDIR(od->inode->mode);
	if (!is_dir && (op->trailing_slash || np->trailing_slash))
		return -ENOTDIR;
	if (nd->inode && (flags & RENAME_NOREPLACE))
		return -EEXIST;
	if (is_within(np->parent.dentry, od))
		return -EINVAL;
	if (nd->inode && is_within(op->parent.dentry, nd))
		return (flags & RENAME_EXCHANGE) ? -EINVAL : -ENOTEMPTY;
	int r = may_delete(&op->parent, od);
	if (r)
		return r;
	if (flags & RENAME_EXCHANGE) {
		r = may_delete(&np->parent, nd);
		if (!r && S_ISDIR(nd->inode->mode) && op->parent.dentry != np->parent.dentry)
			r = inode_permission(nd->inode, MAY_WRITE);
	} else if (nd->inode) {
		if (is_dir && !S_ISDIR(nd->inode->mode))
			return -ENOTDIR;
		if (!is_dir && S_ISDIR(nd->inode->mode))
			return -EISDIR;
		if (is_dir && dentry_has_children(nd))
			return -ENOTEMPTY;
		r = may_delete(&np->parent, nd);
	} else {
		r = may_create(&np->parent);
	}
	/* Moving a directory elsewhere rewrites its "..": write permission on it. */
	if (!r && is_dir && op->parent.dentry != np->parent.dentry)
		r = inode_permission(od->inode, MAY_WRITE);
	return r;
}

int vfs_renameat2(int olddirfd, const char *oldpath, int newdirfd, const char *newpath,
		  unsigned flags)
{
	if (flags & ~(unsigned)(RENAME_NOREPLACE | RENAME_EXCHANGE))
		return -EINVAL; /* RENAME_WHITEOUT (overlay file systems) is not supported */
	if ((flags & RENAME_NOREPLACE) && (flags & RENAME_EXCHANGE))
		return -EINVAL;
	struct parent_lookup op, np;
	int r = path_parent_at(olddirfd, oldpath, &op);
	if (r)
		return r;
	r = path_parent_at(newdirfd, newpath, &np);
	if (r) {
		path_put(&op.parent);
		return r;
	}
	struct dentry *od = NULL, *nd = NULL;
	if (op.parent.mnt != np.parent.mnt)
		r = -EXDEV;
	else if (op.type != LAST_NORM || np.type != LAST_NORM)
		r = -EBUSY;
	mutex_lock(&namespace_mutex);
	if (!r)
		r = lookup_one(op.parent.dentry, op.last, op.last_len, true, &od);
	if (!r)
		r = lookup_one(np.parent.dentry, np.last, np.last_len, true, &nd);
	/* Two names of the same file (or one name twice): nothing to do, as Linux. */
	bool same = !r && od->inode && od->inode == nd->inode;
	if (!r && !same)
		r = rename_check(&op, od, &np, nd, flags);
	if (!r && !same) {
		struct inode *odir = op.parent.dentry->inode, *ndir = np.parent.dentry->inode;
		const struct inode_ops *iops = odir->iops;
		struct fsnotify_move m = { .old_dir = odir, .new_dir = ndir, .old_name = op.last,
					   .old_len = (uint32_t)op.last_len, .new_name = np.last,
					   .new_len = (uint32_t)np.last_len, .moved = od->inode,
					   .replaced = nd->inode, .exchange = flags & RENAME_EXCHANGE };
		if (m.replaced)
			inode_get(m.replaced); /* for its events after the move */
		r = iops && iops->rename ? iops->rename(odir, od, ndir, nd, flags) : -EPERM;
		if (!r && (flags & RENAME_EXCHANGE))
			dentry_exchange(od, nd);
		else if (!r)
			dentry_move(od, nd);
		if (!r)
			fsnotify_rename(&m);
		if (m.replaced)
			inode_put(m.replaced);
	}
	mutex_unlock(&namespace_mutex);
	dentry_put(od);
	dentry_put(nd);
	path_put(&op.parent);
	path_put(&np.parent);
	return r;
}
