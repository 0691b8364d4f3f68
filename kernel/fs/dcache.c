/* The dentry cache: names in directories, hashed by (parent, name), with reference counts. For
 * tmpfs-like file systems it is the directory itself (pinned dentries); see vfs.h for the model
 * and the locking rules. */
#include <fs/vfs.h>
#include <core/panic.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

#define DCACHE_BUCKETS 4096 /* power of two */
#define FIRST_COOKIE 3 /* getdents positions 0..2: start, after ".", after ".." */

struct spinlock dcache_lock = SPINLOCK_INIT("dcache");
static struct list_node buckets[DCACHE_BUCKETS];
static bool buckets_ready;

static uint32_t name_hash(const struct dentry *parent, const char *name, size_t len)
{
	uint32_t h = 2166136261u ^ (uint32_t)((uintptr_t)parent >> 6);
	for (size_t i = 0; i < len; i++)
		h = (h ^ (uint8_t)name[i]) * 16777619u;
	return h;
}

static struct list_node *bucket(uint32_t hash)
{
	if (!buckets_ready) { /* first use is at boot, before any other CPU runs */
		for (size_t i = 0; i < DCACHE_BUCKETS; i++)
			list_init(&buckets[i]);
		buckets_ready = true;
	}
	return &buckets[hash & (DCACHE_BUCKETS - 1)];
}

struct dentry *dentry_get(struct dentry *d)
{
	if (d) {
		uint64_t f = spin_lock_irqsave(&dcache_lock);
		d->refcount++;
		spin_unlock_irqrestore(&dcache_lock, f);
	}
	return d;
}

struct dentry *dentry_get_parent(struct dentry *d)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	struct dentry *parent = d->parent;
	parent->refcount++;
	spin_unlock_irqrestore(&dcache_lock, f);
	return parent;
}

struct dentry *dentry_get_parent_name(struct dentry *d, char *buf, size_t size, uint32_t *len,
				      bool *hashed)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	struct dentry *parent = d->parent;
	parent->refcount++;
	*len = d->name_len < size ? d->name_len : 0;
	memcpy(buf, d->name, *len);
	*hashed = d->hashed;
	spin_unlock_irqrestore(&dcache_lock, f);
	return parent;
}

static void free_name(struct dentry *d)
{
	if (d->name != d->iname)
		kfree(d->name);
}

void dentry_put(struct dentry *d)
{
	while (d) {
		uint64_t f = spin_lock_irqsave(&dcache_lock);
		ASSERT(d->refcount > 0);
		if (--d->refcount > 0) {
			spin_unlock_irqrestore(&dcache_lock, f);
			return;
		}
		ASSERT(list_empty(&d->children));
		if (d->hashed)
			list_remove(&d->hash_node);
		struct dentry *parent = d->parent == d ? NULL : d->parent;
		if (parent)
			list_remove(&d->sibling);
		spin_unlock_irqrestore(&dcache_lock, f);
		inode_put(d->inode);
		free_name(d);
		kfree(d);
		d = parent; /* the reference the child held */
	}
}

static bool name_is(const struct dentry *d, const char *name, size_t len)
{
	return d->name_len == len && memcmp(d->name, name, len) == 0;
}

struct dentry *dcache_lookup(struct dentry *parent, const char *name, size_t len)
{
	uint32_t h = name_hash(parent, name, len);
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	struct list_node *head = bucket(h), *pos;
	struct dentry *found = NULL;
	list_for_each(pos, head) {
		struct dentry *d = list_entry(pos, struct dentry, hash_node);
		if (d->hash == h && d->parent == parent && name_is(d, name, len)) {
			found = d;
			found->refcount++;
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, f);
	return found;
}

/* A dentry with its name set (not linked anywhere). */
static struct dentry *dentry_new(struct super_block *sb, const char *name, size_t len)
{
	struct dentry *d = kmalloc(sizeof(*d));
	if (!d)
		return NULL;
	d->name = len < DENTRY_INLINE_NAME ? d->iname : kmalloc(len + 1);
	if (!d->name) {
		kfree(d);
		return NULL;
	}
	memcpy(d->name, name, len);
	d->name[len] = 0;
	d->name_len = (uint32_t)len;
	d->refcount = 1;
	d->sb = sb;
	d->next_cookie = FIRST_COOKIE;
	list_init(&d->children);
	list_init(&d->sibling);
	list_init(&d->hash_node);
	return d;
}

/* Link d under parent (taking a reference to parent) and hash it. dcache_lock held. */
static void attach_locked(struct dentry *d, struct dentry *parent)
{
	spin_assert_held(&dcache_lock);
	parent->refcount++;
	d->parent = parent;
	d->dir_cookie = parent->next_cookie++;
	list_add_tail(&parent->children, &d->sibling);
	d->hash = name_hash(parent, d->name, d->name_len);
	list_add_tail(bucket(d->hash), &d->hash_node);
	d->hashed = true;
}

struct dentry *dentry_alloc(struct dentry *parent, const char *name, size_t len)
{
	struct dentry *d = dentry_new(parent->sb, name, len);
	if (!d)
		return NULL;
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	attach_locked(d, parent);
	spin_unlock_irqrestore(&dcache_lock, f);
	return d;
}

struct dentry *dentry_alloc_unnamed(struct dentry *parent, const char *name, size_t len,
				    struct inode *inode)
{
	struct dentry *d = dentry_new(parent->sb, name, len);
	if (!d) {
		inode_put(inode);
		return NULL;
	}
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	parent->refcount++;
	d->parent = parent;
	d->inode = inode;
	spin_unlock_irqrestore(&dcache_lock, f);
	return d;
}

struct dentry *dentry_alloc_root(struct super_block *sb, struct inode *inode)
{
	struct dentry *d = dentry_new(sb, "/", 1);
	if (!d)
		return NULL;
	d->parent = d;
	d->inode = inode;
	return d;
}

void d_instantiate(struct dentry *d, struct inode *inode)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	ASSERT(!d->inode);
	d->inode = inode;
	spin_unlock_irqrestore(&dcache_lock, f);
}

void dentry_pin(struct dentry *d)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	ASSERT(!d->pinned);
	d->pinned = true;
	d->refcount++;
	spin_unlock_irqrestore(&dcache_lock, f);
}

void dentry_unpin(struct dentry *d)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	ASSERT(d->pinned);
	d->pinned = false;
	spin_unlock_irqrestore(&dcache_lock, f);
	dentry_put(d);
}

void dentry_unhash(struct dentry *d)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	if (d->hashed) {
		list_remove(&d->hash_node);
		list_init(&d->hash_node);
		d->hashed = false;
	}
	spin_unlock_irqrestore(&dcache_lock, f);
}

bool dentry_has_children(struct dentry *d)
{
	bool any = false;
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	struct list_node *pos;
	list_for_each(pos, &d->children) {
		struct dentry *c = list_entry(pos, struct dentry, sibling);
		if (c->hashed && c->inode) {
			any = true;
			break;
		}
	}
	spin_unlock_irqrestore(&dcache_lock, f);
	return any;
}

void dentry_move(struct dentry *d, struct dentry *nd)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	if (nd->hashed) {
		list_remove(&nd->hash_node);
		list_init(&nd->hash_node);
		nd->hashed = false;
	}
	if (d->hashed)
		list_remove(&d->hash_node);
	list_remove(&d->sibling);
	struct dentry *old_parent = d->parent;
	char *old_heap = d->name != d->iname ? d->name : NULL;
	d->name_len = nd->name_len;
	if (nd->name != nd->iname) {
		/* A long name: take nd's buffer instead of allocating (nothing may fail here);
		 * nd is unhashed and keeps an empty name. */
		d->name = nd->name;
		nd->name = nd->iname;
		nd->iname[0] = 0;
		nd->name_len = 0;
	} else {
		memcpy(d->iname, nd->name, nd->name_len + 1);
		d->name = d->iname;
	}
	attach_locked(d, nd->parent);
	spin_unlock_irqrestore(&dcache_lock, f);
	kfree(old_heap);
	dentry_put(old_parent); /* the reference d held on it */
}

/* Unhash and unlink d from its parent's children. dcache_lock held. */
static void detach_locked(struct dentry *d)
{
	spin_assert_held(&dcache_lock);
	if (d->hashed)
		list_remove(&d->hash_node);
	list_init(&d->hash_node);
	d->hashed = false;
	list_remove(&d->sibling);
}

/* Link d under parent without taking a reference (the caller moved one) and hash it. */
static void reattach_locked(struct dentry *d, struct dentry *parent)
{
	spin_assert_held(&dcache_lock);
	attach_locked(d, parent);
	parent->refcount--;
}

void dentry_exchange(struct dentry *a, struct dentry *b)
{
	uint64_t f = spin_lock_irqsave(&dcache_lock);
	detach_locked(a);
	detach_locked(b);
	struct dentry *pa = a->parent, *pb = b->parent;
	/* Names: heap buffers swap as pointers, inline names by value. */
	char tmp[DENTRY_INLINE_NAME];
	char *na = a->name == a->iname ? NULL : a->name, *nb = b->name == b->iname ? NULL : b->name;
	memcpy(tmp, a->iname, sizeof(tmp));
	memcpy(a->iname, b->iname, sizeof(tmp));
	memcpy(b->iname, tmp, sizeof(tmp));
	a->name = nb ? nb : a->iname;
	b->name = na ? na : b->iname;
	uint32_t len = a->name_len;
	a->name_len = b->name_len;
	b->name_len = len;
	/* Each keeps holding one parent reference: now on the other's parent. */
	reattach_locked(a, pb);
	reattach_locked(b, pa);
	spin_unlock_irqrestore(&dcache_lock, f);
}

/* getdents position p: 0 = start, 1 = after ".", 2 = after "..", else the cookie of the last
 * child returned. Children are visited in creation (cookie) order under dcache_lock; emit
 * only fills a kernel buffer, so holding the lock is fine. */
int dcache_readdir(struct file *f, struct dir_context *ctx)
{
	struct dentry *dir = f->path.dentry;
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, dir->inode->ino, DT_DIR, 1))
			return 0;
		ctx->pos = 1;
	}
	uint64_t fl = spin_lock_irqsave(&dcache_lock);
	/* The parent read under the lock: a rename may move dir and free its old parent. */
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, dir->parent->inode->ino, DT_DIR, 2)) {
			spin_unlock_irqrestore(&dcache_lock, fl);
			return 0;
		}
		ctx->pos = 2;
	}
	struct list_node *pos;
	list_for_each(pos, &dir->children) {
		struct dentry *c = list_entry(pos, struct dentry, sibling);
		if ((int64_t)c->dir_cookie <= ctx->pos || !c->hashed || !c->inode)
			continue;
		if (!ctx->emit(ctx, c->name, c->name_len, c->inode->ino, inode_dtype(c->inode),
			       (int64_t)c->dir_cookie))
			break;
		ctx->pos = (int64_t)c->dir_cookie;
	}
	spin_unlock_irqrestore(&dcache_lock, fl);
	return 0;
}
