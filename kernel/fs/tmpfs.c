/* tmpfs's name space and super block: creating, linking, removing and renaming names (the
 * directory is the dentry cache: each name pins its dentry), symlinks, attributes, mount
 * options (size=, nr_inodes=, mode=, uid=, gid=), statfs, and tearing a tree down at umount. */
#include <fs/memfd.h>
#include <uapi/memfd.h>
#include <fs/tmpfs.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/phys.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

static const struct inode_ops tmpfs_iops;
static const struct super_ops tmpfs_sops;
static const struct file_ops tmpfs_dir_ops = { .iterate = dcache_readdir, .fsync = noop_fsync };

static struct inode *tmpfs_new_inode(struct super_block *sb, uint32_t mode, uint64_t rdev)
{
	struct tmpfs_sb *ts = sb->priv;
	if (__atomic_add_fetch(&ts->inodes, 1, __ATOMIC_RELAXED) > ts->max_inodes)
		goto out_full;
	struct inode *inode = inode_alloc(sb, mode);
	if (!inode)
		goto out_full;
	inode->priv = kmalloc(sizeof(struct tmpfs_inode));
	if (!inode->priv) {
		inode->sb = NULL; /* no evict for an inode that never was */
		inode_put(inode);
		goto out_full;
	}
	current_fsids(&inode->uid, &inode->gid);
	((struct tmpfs_inode *)inode->priv)->seals = F_SEAL_SEAL; /* shmem's: only memfds seal */
	inode->iops = &tmpfs_iops;
	inode->rdev = rdev;
	if (S_ISREG(mode))
		inode->fops = &tmpfs_file_ops;
	else if (S_ISDIR(mode))
		inode->fops = &tmpfs_dir_ops;
	return inode;
out_full:
	__atomic_sub_fetch(&ts->inodes, 1, __ATOMIC_RELAXED);
	return NULL;
}

static void dir_changed(struct inode *dir)
{
	inode_touch(dir, ATTR_MTIME | ATTR_CTIME);
}

/* Give the negative dentry d its new inode and pin it: the name now exists. */
static void name_add(struct inode *dir, struct dentry *d, struct inode *inode)
{
	d_instantiate(d, inode);
	dentry_pin(d);
	dir_changed(dir);
}

static int tmpfs_create(struct inode *dir, struct dentry *d, uint32_t mode, uint64_t rdev)
{
	struct inode *inode = tmpfs_new_inode(dir->sb, mode, rdev);
	if (!inode)
		return -ENOSPC;
	if (S_ISDIR(mode)) {
		inode->nlink = 2;
		dir->nlink++;
	}
	name_add(dir, d, inode);
	return 0;
}

static int tmpfs_tmpfile(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct inode *inode = tmpfs_new_inode(dir->sb, mode, 0);
	if (!inode)
		return -ENOSPC;
	inode->nlink = 0; /* no name: gone at the last close, unless linkat names it */
	*out = inode;
	return 0;
}

static int tmpfs_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	size_t len = strlen(target);
	struct inode *inode = tmpfs_new_inode(dir->sb, S_IFLNK | 0777, 0);
	if (!inode)
		return -ENOSPC;
	struct tmpfs_inode *ti = inode->priv;
	ti->link = kmalloc(len + 1);
	if (!ti->link) {
		inode_put(inode);
		return -ENOSPC;
	}
	memcpy(ti->link, target, len + 1);
	inode->size = (int64_t)len;
	name_add(dir, d, inode);
	return 0;
}

static int tmpfs_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct inode *inode = old->inode;
	inode_get(inode);
	inode->nlink++;
	inode_touch(inode, ATTR_CTIME);
	name_add(dir, d, inode);
	return 0;
}

/* The name d goes away: its inode loses a link (a directory all of them). */
static void name_drop(struct inode *dir, struct dentry *d)
{
	struct inode *inode = d->inode;
	if (S_ISDIR(inode->mode)) {
		inode->nlink = 0;
		dir->nlink--;
	} else {
		inode->nlink--;
	}
	inode_touch(inode, ATTR_CTIME);
	dir_changed(dir);
	dentry_unpin(d);
}

static int tmpfs_unlink(struct inode *dir, struct dentry *d)
{
	name_drop(dir, d);
	return 0;
}

/* A directory changing parents moves one link (its "..") from odir to ndir. */
static void move_dotdot(struct inode *child, struct inode *from, struct inode *to)
{
	if (S_ISDIR(child->mode) && from != to) {
		from->nlink--;
		to->nlink++;
	}
}

static int tmpfs_rename(struct inode *odir, struct dentry *od, struct inode *ndir,
			struct dentry *nd, unsigned flags)
{
	if (flags & RENAME_EXCHANGE) {
		move_dotdot(od->inode, odir, ndir);
		move_dotdot(nd->inode, ndir, odir);
		inode_touch(nd->inode, ATTR_CTIME);
	} else if (nd->inode) {
		name_drop(ndir, nd);
	}
	if (!(flags & RENAME_EXCHANGE))
		move_dotdot(od->inode, odir, ndir);
	inode_touch(od->inode, ATTR_CTIME);
	dir_changed(odir);
	dir_changed(ndir);
	return 0;
}

static long tmpfs_readlink(struct dentry *d, char *buf, size_t size)
{
	const struct tmpfs_inode *ti = d->inode->priv;
	size_t len = strlen(ti->link);
	if (len > size)
		len = size;
	memcpy(buf, ti->link, len);
	return (long)len;
}

static int tmpfs_setattr(struct dentry *d, const struct iattr *a)
{
	struct inode *inode = d->inode;
	int r = S_ISREG(inode->mode) ? seals_check_setattr_locked(inode, a) : 0;
	if (r)
		return r;
	if ((a->valid & ATTR_SIZE) && a->size != inode->size) {
		tmpfs_truncate_pages(inode, a->size);
		inode_touch(inode, ATTR_MTIME | ATTR_CTIME);
	}
	setattr_copy(inode, a);
	return 0;
}

static const struct inode_ops tmpfs_iops = {
	.create = tmpfs_create,
	.tmpfile = tmpfs_tmpfile,
	.symlink = tmpfs_symlink,
	.link = tmpfs_link,
	.unlink = tmpfs_unlink,
	.rmdir = tmpfs_unlink,
	.rename = tmpfs_rename,
	.readlink = tmpfs_readlink,
	.setattr = tmpfs_setattr,
};

static void tmpfs_evict(struct inode *inode)
{
	struct tmpfs_inode *ti = inode->priv;
	if (S_ISREG(inode->mode))
		tmpfs_truncate_pages(inode, 0);
	kfree(ti->link);
	kfree(ti);
	struct tmpfs_sb *ts = inode->sb->priv;
	__atomic_sub_fetch(&ts->inodes, 1, __ATOMIC_RELAXED);
}

static int tmpfs_statfs(struct super_block *sb, struct linux_statfs *st)
{
	struct tmpfs_sb *ts = sb->priv;
	/* Contents only, as Linux reports; the limit also holds the few tree-node pages. */
	uint64_t used = __atomic_load_n(&ts->data_pages, __ATOMIC_RELAXED);
	uint64_t inodes = __atomic_load_n(&ts->inodes, __ATOMIC_RELAXED);
	st->f_type = TMPFS_MAGIC;
	st->f_bsize = PAGE_SIZE;
	st->f_frsize = PAGE_SIZE;
	st->f_blocks = ts->max_pages;
	st->f_bfree = st->f_bavail = used < ts->max_pages ? ts->max_pages - used : 0;
	st->f_files = ts->max_inodes;
	st->f_ffree = inodes < ts->max_inodes ? ts->max_inodes - inodes : 0;
	st->f_namelen = NAME_MAX;
	return 0;
}

/* The first pinned child of d (referenced), or NULL. */
static struct dentry *first_pinned_child(struct dentry *d)
{
	struct dentry *found = NULL;
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	struct list_node *pos;
	list_for_each(pos, &d->children) {
		struct dentry *c = list_entry(pos, struct dentry, sibling);
		if (c->pinned) {
			found = c;
			c->refcount++;
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, f);
	return found;
}

/* umount: unpin every name, deepest first, without recursion (trees can be deep). Nothing
 * else uses the file system any more. */
static void tmpfs_kill(struct super_block *sb)
{
	struct dentry *root = sb->root;
	struct dentry *d = dentry_get(root);
	for (;;) {
		struct dentry *c = first_pinned_child(d);
		if (c) {
			dentry_put(d); /* d stays alive: it is pinned (or the root) */
			d = c;
			continue;
		}
		if (d == root)
			break;
		struct dentry *parent = dentry_get(d->parent);
		dentry_unhash(d);
		dentry_unpin(d);
		dentry_put(d);
		d = parent;
	}
	dentry_put(d);
	dentry_put(root); /* the super block's reference: frees the root inode */
	kfree(sb->priv);
	kfree(sb);
}

static const struct super_ops tmpfs_sops = {
	.evict = tmpfs_evict,
	.statfs = tmpfs_statfs,
	.kill = tmpfs_kill,
};

/* A decimal number with an optional k/m/g suffix (or % of memory when pct is set). */
static int parse_number(const char *s, size_t len, bool allow_suffix, uint64_t *out)
{
	uint64_t v = 0;
	size_t i = 0;
	for (; i < len && s[i] >= '0' && s[i] <= '9'; i++) {
		if (v > (UINT64_MAX - 9) / 10)
			return -EINVAL;
		v = v * 10 + (uint64_t)(s[i] - '0');
	}
	if (i == 0)
		return -EINVAL;
	if (i < len && allow_suffix && i + 1 == len) {
		int shift = 0;
		switch (s[i] | 0x20) {
		case 'k': shift = 10; break;
		case 'm': shift = 20; break;
		case 'g': shift = 30; break;
		default: break;
		}
		if (s[i] == '%') {
			*out = phys_total_count() * PAGE_SIZE / 100 * (v > 100 ? 100 : v);
			return 0;
		}
		if (!shift || v > (UINT64_MAX >> shift))
			return -EINVAL;
		v <<= shift;
		i++;
	}
	if (i != len)
		return -EINVAL;
	*out = v;
	return 0;
}

static int parse_octal(const char *s, size_t len, uint32_t *out)
{
	uint32_t v = 0;
	if (len == 0 || len > 5)
		return -EINVAL;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '7')
			return -EINVAL;
		v = v * 8 + (uint32_t)(s[i] - '0');
	}
	*out = v & 07777;
	return 0;
}

struct tmpfs_options {
	uint64_t max_pages, max_inodes;
	uint32_t mode, uid, gid;
};

/* Mount options "a=b,c=d": size, nr_inodes, mode (octal), uid, gid. Unknown: -EINVAL. */
static int parse_options(const char *data, struct tmpfs_options *o)
{
	while (data && *data) {
		const char *end = strchr(data, ',');
		size_t len = end ? (size_t)(end - data) : strlen(data);
		const char *eq = memchr(data, '=', len);
		if (!eq)
			return -EINVAL;
		size_t klen = (size_t)(eq - data), vlen = len - klen - 1;
		const char *v = eq + 1;
		uint64_t n;
		int r;
		if (klen == 4 && !memcmp(data, "size", 4)) {
			r = parse_number(v, vlen, true, &n);
			o->max_pages = (n + PAGE_SIZE - 1) / PAGE_SIZE;
		} else if (klen == 9 && !memcmp(data, "nr_inodes", 9)) {
			r = parse_number(v, vlen, true, &o->max_inodes);
		} else if (klen == 4 && !memcmp(data, "mode", 4)) {
			r = parse_octal(v, vlen, &o->mode);
		} else if (klen == 3 && (!memcmp(data, "uid", 3) || !memcmp(data, "gid", 3))) {
			r = parse_number(v, vlen, false, &n);
			if (!r && n > UINT32_MAX)
				r = -EINVAL;
			*(data[0] == 'u' ? &o->uid : &o->gid) = (uint32_t)n;
		} else {
			r = -EINVAL;
		}
		if (r)
			return r;
		data = end ? end + 1 : data + len;
	}
	return 0;
}

static int tmpfs_mount_type(const struct fs_type *type, const char *data,
			    struct super_block **out)
{
	/* Linux's defaults: half of memory, and as many inodes as half of memory has pages. */
	uint64_t half = phys_total_count() / 2;
	struct tmpfs_options o = { .max_pages = half, .max_inodes = half, .mode = 01777 };
	int r = parse_options(data, &o);
	if (r)
		return r;
	if (o.max_pages == 0)
		o.max_pages = UINT64_MAX; /* size=0: unlimited, as Linux (memory still bounds it) */
	struct tmpfs_sb *ts = kmalloc(sizeof(*ts));
	struct super_block *sb = ts ? sb_alloc(type, &tmpfs_sops, SB_DCACHE_IS_DIRECTORY | SB_XATTR,
					     TMPFS_MAGIC) : NULL;
	if (!sb) {
		kfree(ts);
		return -ENOMEM;
	}
	ts->max_pages = o.max_pages;
	ts->max_inodes = o.max_inodes;
	sb->priv = ts;
	struct inode *root = tmpfs_new_inode(sb, S_IFDIR | o.mode, 0);
	sb->root = root ? dentry_alloc_root(sb, root) : NULL;
	if (!sb->root) {
		inode_put(root);
		kfree(ts);
		kfree(sb);
		return -ENOMEM;
	}
	root->nlink = 2;
	root->uid = o.uid;
	root->gid = o.gid;
	*out = sb;
	return 0;
}

static struct fs_type tmpfs_type, devtmpfs_type;

static int tmpfs_mount(const char *source, unsigned long flags, const char *data,
		       struct super_block **out)
{
	(void)source;
	(void)flags;
	return tmpfs_mount_type(&tmpfs_type, data, out);
}

static int devtmpfs_mount(const char *source, unsigned long flags, const char *data,
			  struct super_block **out)
{
	(void)source;
	(void)flags;
	return tmpfs_mount_type(&devtmpfs_type, data, out);
}

static struct fs_type tmpfs_type = { .name = "tmpfs", .nodev = true, .mount = tmpfs_mount };
static struct fs_type devtmpfs_type = { .name = "devtmpfs", .nodev = true,
					.mount = devtmpfs_mount };

void tmpfs_register(void)
{
	fs_type_register(&tmpfs_type);
	fs_type_register(&devtmpfs_type);
}
