/* File system types, super blocks and the mount tree: which file system sits on which
 * directory, references that keep a mount busy, and turning a (mount, dentry) pair back into
 * a path string (getcwd, /proc), and read-only remounts with the write counts they check. */
#include <fs/vfs.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>
#include <uapi/mount.h>
#include <fs/vfs_ops.h>

/* The flags a remount sets on the mount itself (Linux's MNT_* ones). */
#define MOUNT_PER_MOUNT_FLAGS (MS_RDONLY | MS_NOSUID | MS_NODEV | MS_NOEXEC | MS_NOATIME | \
			       MS_NODIRATIME | MS_RELATIME)

/* mount_lock (spinlock, IRQs off) guards the mount list, every mount's refcount and writers,
 * the remount changes of mount and super block flags (read lock-free), and dentry->mounted.
 * fs_types is written only at boot. */
struct spinlock mount_lock = SPINLOCK_INIT("mount");
static struct list_node mounts = LIST_HEAD_INIT(mounts);
static struct list_node fs_types = LIST_HEAD_INIT(fs_types);
static int next_mount_id = 21; /* atomic; Linux's first ids are in the low twenties too */
static uint32_t next_anon_dev = 1; /* atomic; minor numbers of major 0, as Linux's anon devs */

void fs_type_register(struct fs_type *t)
{
	list_add_tail(&fs_types, &t->node);
}

const struct fs_type *fs_type_find(const char *name)
{
	struct list_node *pos;
	list_for_each(pos, &fs_types) {
		const struct fs_type *t = list_entry(pos, struct fs_type, node);
		if (strcmp(t->name, name) == 0)
			return t;
	}
	return NULL;
}

void fs_type_for_each(bool (*fn)(const struct fs_type *t, void *ctx), void *ctx)
{
	struct list_node *pos;
	list_for_each(pos, &fs_types) {
		if (!fn(list_entry(pos, struct fs_type, node), ctx))
			return;
	}
}

struct super_block *sb_alloc(const struct fs_type *type, const struct super_ops *ops,
			     uint32_t flags, uint32_t magic)
{
	struct super_block *sb = kmalloc(sizeof(*sb));
	if (!sb)
		return NULL;
	sb->type = type;
	sb->ops = ops;
	sb->flags = flags;
	sb->magic = magic;
	sb->dev = MKDEV(0, __atomic_fetch_add(&next_anon_dev, 1, __ATOMIC_RELAXED));
	return sb;
}

int sb_attach_root(struct super_block *sb, struct inode *root)
{
	sb->root = root ? dentry_alloc_root(sb, root) : NULL;
	if (sb->root)
		return 0;
	if (root)
		inode_put(root);
	kfree(sb);
	return -ENOMEM;
}

void mount_get(struct mount *m)
{
	uint64_t f = spin_lock_irqsave(&mount_lock);
	m->refcount++;
	spin_unlock_irqrestore(&mount_lock, f);
}

/* Drop a reference; a detached mount with none left is freed with its file system. */
static void mount_unref(struct mount *m)
{
	uint64_t f = spin_lock_irqsave(&mount_lock);
	ASSERT(m->refcount > 0);
	bool last = --m->refcount == 0;
	spin_unlock_irqrestore(&mount_lock, f);
	if (!last)
		return;
	struct super_block *sb = m->sb;
	dentry_put(m->root);
	dentry_put(m->mountpoint);
	if (m->parent != m)
		mount_unref(m->parent);
	kfree(m);
	if (sb->ops && sb->ops->kill)
		sb->ops->kill(sb);
}

void path_get(const struct path *p)
{
	dentry_get(p->dentry);
	if (p->mnt)
		mount_get(p->mnt);
}

void path_put(const struct path *p)
{
	dentry_put(p->dentry);
	if (p->mnt)
		mount_unref(p->mnt);
}

struct mount *mount_lookup(struct mount *mnt, struct dentry *d)
{
	struct mount *found = NULL;
	uint64_t f = spin_lock_irqsave(&mount_lock);
	if (d->mounted) {
		struct list_node *pos;
		/* The most recent mount on a directory hides the older ones (Linux stacks). */
		list_for_each(pos, &mounts) {
			struct mount *m = list_entry(pos, struct mount, node);
			if (m->parent == mnt && m->mountpoint == d && m != mnt)
				found = m;
		}
		if (found)
			found->refcount++;
	}
	spin_unlock_irqrestore(&mount_lock, f);
	return found;
}

int mount_attach(struct super_block *sb, const struct path *target, const char *source,
		 unsigned long flags, struct mount **out)
{
	struct mount *m = kmalloc(sizeof(*m));
	if (!m)
		return -ENOMEM;
	m->sb = sb;
	m->root = dentry_get(sb->root);
	m->flags = flags;
	m->refcount = 1; /* being attached */
	m->writers = 0;
	m->id = __atomic_fetch_add(&next_mount_id, 1, __ATOMIC_RELAXED);
	strlcpy(m->source, source ? source : "none", sizeof(m->source));
	if (!target) { /* the root of the name space */
		m->parent = m;
		m->mountpoint = dentry_get(sb->root);
	} else {
		if (!S_ISDIR(target->dentry->inode->mode)) {
			kfree(m);
			return -ENOTDIR;
		}
		m->parent = target->mnt;
		m->mountpoint = dentry_get(target->dentry);
		mount_get(target->mnt);
	}
	uint64_t f = spin_lock_irqsave(&mount_lock);
	if (target)
		target->dentry->mounted++;
	list_add_tail(&mounts, &m->node);
	spin_unlock_irqrestore(&mount_lock, f);
	if (out)
		*out = m;
	return 0;
}

int mount_detach(struct mount *m, bool lazy)
{
	uint64_t f = spin_lock_irqsave(&mount_lock);
	if (m->parent == m) {
		spin_unlock_irqrestore(&mount_lock, f);
		return -EBUSY; /* the root stays */
	}
	/* Busy: anything beyond the attachment and the caller's own lookup reference. */
	if (!lazy && m->refcount > 2) {
		spin_unlock_irqrestore(&mount_lock, f);
		return -EBUSY;
	}
	list_remove(&m->node);
	m->mountpoint->mounted--;
	spin_unlock_irqrestore(&mount_lock, f);
	mount_unref(m); /* the attachment's reference */
	return 0;
}

void mount_for_each(bool (*fn)(struct mount *m, void *ctx), void *ctx)
{
	uint64_t f = spin_lock_irqsave(&mount_lock);
	struct list_node *pos;
	list_for_each(pos, &mounts) {
		if (!fn(list_entry(pos, struct mount, node), ctx))
			break;
	}
	spin_unlock_irqrestore(&mount_lock, f);
}

/* From the root of a mount (*mnt, *d) to the directory it is mounted on; false at the root of
 * the name space (or of an internal mount), which has none. A mount's parent, mountpoint and
 * root never change while it is referenced, so this needs no lock. */
static bool cross_mount_up(struct mount **mnt, struct dentry **d)
{
	if ((*mnt)->parent == *mnt)
		return false;
	*d = (*mnt)->mountpoint;
	*mnt = (*mnt)->parent;
	return true;
}

/* Prepend "/name" to the string being built backwards from end; false when it does not fit. */
static bool prepend(char *buf, size_t *at, const char *name, size_t len)
{
	if (*at < len + 1)
		return false;
	*at -= len;
	memcpy(buf + *at, name, len);
	buf[--*at] = '/';
	return true;
}

long path_to_string(const struct path *p, const struct path *root, char *buf, size_t size)
{
	static const char deleted[] = " (deleted)";
	if (size < 2)
		return -ENAMETOOLONG;
	size_t at = size - 1;
	buf[at] = 0;
	bool ok = true;
	uint64_t g = spin_lock_irqsave(&dcache_lock); /* dcache_lock > mount_lock (vfs.h) */
	uint64_t f = spin_lock_irqsave(&mount_lock);
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	bool gone = !d->hashed && d->parent != d;
	while (ok && mnt && !path_equal(&(struct path){ mnt, d }, root)) {
		if (d == mnt->root || d->parent == d) {
			if (!cross_mount_up(&mnt, &d))
				break; /* outside the caller's root: stop at the global root */
			continue;
		}
		ok = prepend(buf, &at, d->name, d->name_len);
		d = d->parent;
	}
	spin_unlock_irqrestore(&mount_lock, f);
	spin_unlock_irqrestore(&dcache_lock, g);
	if (!ok)
		return -ENAMETOOLONG;
	if (at == size - 1) { /* the root itself */
		buf[0] = '/';
		buf[1] = 0;
		at = 0;
	} else {
		memmove(buf, buf + at, size - at);
	}
	size_t len = strlen(buf);
	if (gone) {
		if (len + sizeof(deleted) > size)
			return -ENAMETOOLONG;
		memcpy(buf + len, deleted, sizeof(deleted));
		len += sizeof(deleted) - 1;
	}
	return (long)len;
}

bool path_is_beneath(const struct path *p, const struct path *anc)
{
	struct mount *mnt = p->mnt;
	struct dentry *d = p->dentry;
	bool beneath = false;
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	for (;;) {
		if (path_equal(&(struct path){ mnt, d }, anc)) {
			beneath = true;
			break;
		}
		if (d == mnt->root || d->parent == d) {
			if (!cross_mount_up(&mnt, &d))
				break;
		} else {
			d = d->parent;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, f);
	return beneath;
}

/* ---- write access and read-only remounts --------------------------------------------------- */

int mnt_get_write(struct mount *mnt)
{
	uint64_t f = spin_lock_irqsave(&mount_lock);
	int r = mnt_is_readonly(mnt) ? -EROFS : 0;
	if (!r)
		mnt->writers++;
	spin_unlock_irqrestore(&mount_lock, f);
	return r;
}

void mnt_put_write(struct mount *mnt)
{
	uint64_t f = spin_lock_irqsave(&mount_lock);
	ASSERT(mnt->writers > 0);
	mnt->writers--;
	spin_unlock_irqrestore(&mount_lock, f);
}

/* Files open for writing through any mount of sb (mount_lock held). */
static bool sb_has_writers_locked(const struct super_block *sb)
{
	spin_assert_held(&mount_lock);
	struct list_node *pos;
	list_for_each(pos, &mounts) {
		const struct mount *m = list_entry(pos, struct mount, node);
		if (m->sb == sb && m->writers)
			return true;
	}
	return false;
}

/* As Linux: a remount replaces the mount's per-mount flags with the new ones; without MS_BIND
 * it also makes the super block (every mount of it) read-only or writable. Going read-only
 * fails with EBUSY while anything is open for writing; the check and the change happen under
 * mount_lock, which mnt_get_write takes too, so no open slips in between. */
int mount_remount(const struct path *target, unsigned long flags)
{
	struct mount *m = target->mnt;
	if (target->dentry != m->root)
		return -EINVAL;
	bool ro = flags & MS_RDONLY, bind = flags & MS_BIND;
	int r = 0;
	uint64_t f = spin_lock_irqsave(&mount_lock);
	if (ro && (bind ? m->writers > 0 : sb_has_writers_locked(m->sb)))
		r = -EBUSY;
	if (!r && !bind)
		WRITE_ONCE(m->sb->flags, ro ? m->sb->flags | SB_RDONLY : m->sb->flags & ~SB_RDONLY);
	if (!r)
		WRITE_ONCE(m->flags, (m->flags & ~MOUNT_PER_MOUNT_FLAGS) |
				     (flags & MOUNT_PER_MOUNT_FLAGS));
	spin_unlock_irqrestore(&mount_lock, f);
	return r;
}
