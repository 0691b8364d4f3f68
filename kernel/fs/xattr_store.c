/* The in-memory extended attributes of an inode: a singly linked list of (name, value) pairs
 * in creation order (listxattr's order), with the inode's running totals of name and value
 * bytes so that one file cannot grow without bound. See fs/xattr_store.h. */
#include <fs/xattr_store.h>
#include <mm/kmalloc.h>
#include <lib/string.h>
#include <uapi/errno.h>

struct xattr_entry {
	struct xattr_entry *next;
	size_t name_len; /* without the NUL */
	size_t size; /* of value */
	char *value; /* kmalloc'ed, NULL when size is 0 */
	char name[]; /* NUL-terminated */
};

/* Hung off inode->xattrs on the first attribute; every field guarded by inode->lock. */
struct xattr_set {
	struct xattr_entry *head;
	size_t name_bytes; /* sum of name_len + 1 */
	size_t value_bytes; /* sum of size */
};

static struct xattr_entry **find_locked(struct inode *inode, const char *name)
{
	mutex_assert_held(&inode->lock);
	struct xattr_set *set = inode->xattrs;
	if (!set)
		return NULL;
	for (struct xattr_entry **e = &set->head; *e; e = &(*e)->next)
		if (!strcmp((*e)->name, name))
			return e;
	return NULL;
}

long xattr_store_get_locked(struct inode *inode, const char *name, void *buf, size_t size)
{
	struct xattr_entry **e = find_locked(inode, name);
	if (!e)
		return -ENODATA;
	if (size) {
		if ((*e)->size > size)
			return -ERANGE;
		memcpy(buf, (*e)->value, (*e)->size);
	}
	return (long)(*e)->size;
}

/* A copy of value (NULL for an empty one) in *out: 0 or -ENOMEM. */
static int value_dup(const void *value, size_t size, char **out)
{
	*out = NULL;
	if (!size)
		return 0;
	*out = kmalloc(size);
	if (!*out)
		return -ENOMEM;
	memcpy(*out, value, size);
	return 0;
}

/* Replace the value of an existing entry, within the inode's budget. */
static int replace_locked(struct xattr_set *set, struct xattr_entry *e, const void *value,
			  size_t size)
{
	if (set->value_bytes - e->size + size > XATTR_STORE_VALUES_MAX)
		return -ENOSPC;
	char *copy;
	int r = value_dup(value, size, &copy);
	if (r)
		return r;
	kfree(e->value);
	set->value_bytes = set->value_bytes - e->size + size;
	e->value = copy;
	e->size = size;
	return 0;
}

/* Append a new entry, within the inode's budget; the set exists. */
static int append_locked(struct xattr_set *set, const char *name, const void *value,
			 size_t size)
{
	size_t len = strlen(name);
	if (set->name_bytes + len + 1 > XATTR_STORE_NAMES_MAX ||
	    set->value_bytes + size > XATTR_STORE_VALUES_MAX)
		return -ENOSPC;
	struct xattr_entry *e = kmalloc(sizeof(*e) + len + 1);
	if (!e)
		return -ENOMEM;
	int r = value_dup(value, size, &e->value);
	if (r) {
		kfree(e);
		return r;
	}
	memcpy(e->name, name, len + 1);
	e->name_len = len;
	e->size = size;
	struct xattr_entry **tail = &set->head;
	while (*tail)
		tail = &(*tail)->next;
	*tail = e;
	set->name_bytes += len + 1;
	set->value_bytes += size;
	return 0;
}

int xattr_store_set_locked(struct inode *inode, const char *name, const void *value,
			   size_t size, int flags)
{
	struct xattr_entry **e = find_locked(inode, name);
	if (e) {
		if (flags & XATTR_CREATE)
			return -EEXIST;
		return replace_locked(inode->xattrs, *e, value, size);
	}
	if (flags & XATTR_REPLACE)
		return -ENODATA;
	if (!inode->xattrs) {
		inode->xattrs = kmalloc(sizeof(struct xattr_set));
		if (!inode->xattrs)
			return -ENOMEM;
	}
	return append_locked(inode->xattrs, name, value, size);
}

static void entry_free(struct xattr_entry *e)
{
	kfree(e->value);
	kfree(e);
}

int xattr_store_remove_locked(struct inode *inode, const char *name)
{
	struct xattr_entry **link = find_locked(inode, name);
	if (!link)
		return -ENODATA;
	struct xattr_entry *e = *link;
	struct xattr_set *set = inode->xattrs;
	*link = e->next;
	set->name_bytes -= e->name_len + 1;
	set->value_bytes -= e->size;
	entry_free(e);
	return 0;
}

long xattr_store_list_locked(struct inode *inode, bool (*visible)(const char *name), char *buf,
			     size_t size)
{
	mutex_assert_held(&inode->lock);
	struct xattr_set *set = inode->xattrs;
	size_t need = 0;
	for (struct xattr_entry *e = set ? set->head : NULL; e; e = e->next) {
		if (!visible(e->name))
			continue;
		if (size) {
			if (need + e->name_len + 1 > size)
				return -ERANGE;
			memcpy(buf + need, e->name, e->name_len + 1);
		}
		need += e->name_len + 1;
	}
	return (long)need;
}

void xattr_store_free(struct inode *inode)
{
	struct xattr_set *set = inode->xattrs;
	if (!set)
		return;
	while (set->head) {
		struct xattr_entry *e = set->head;
		set->head = e->next;
		entry_free(e);
	}
	kfree(set);
	inode->xattrs = NULL;
}
