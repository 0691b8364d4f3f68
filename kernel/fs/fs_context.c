/* Per-process root, working directory and umask (fs_context.h). */
#include <fs/fs_context.h>
#include <mm/kmalloc.h>
#include <proc/process.h>

struct fs_context *fs_context_alloc_init(void)
{
	struct fs_context *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	c->lock = (struct spinlock)SPINLOCK_INIT("fs_context");
	c->refcount = 1;
	vfs_root(&c->root);
	vfs_root(&c->cwd);
	c->umask = 022;
	return c;
}

struct fs_context *fs_context_copy(struct fs_context *src)
{
	struct fs_context *c = kmalloc(sizeof(*c));
	if (!c)
		return NULL;
	c->lock = (struct spinlock)SPINLOCK_INIT("fs_context");
	c->refcount = 1;
	uint64_t f = spin_lock_irqsave(&src->lock);
	c->root = src->root;
	c->cwd = src->cwd;
	c->umask = src->umask;
	path_get(&c->root);
	path_get(&c->cwd);
	spin_unlock_irqrestore(&src->lock, f);
	return c;
}

void fs_context_get(struct fs_context *c)
{
	__atomic_fetch_add(&c->refcount, 1, __ATOMIC_RELAXED);
}

void fs_context_put(struct fs_context *c)
{
	if (!c || __atomic_sub_fetch(&c->refcount, 1, __ATOMIC_ACQ_REL))
		return;
	path_put(&c->root);
	path_put(&c->cwd);
	kfree(c);
}

static struct fs_context *current_ctx(void)
{
	struct process *p = process_current();
	return p ? p->fs : NULL;
}

/* A referenced copy of one of the context's paths (the global root for kernel threads). */
static void ctx_path(bool cwd, struct path *out)
{
	struct fs_context *c = current_ctx();
	if (!c) {
		vfs_root(out);
		return;
	}
	uint64_t f = spin_lock_irqsave(&c->lock);
	*out = cwd ? c->cwd : c->root;
	path_get(out);
	spin_unlock_irqrestore(&c->lock, f);
}

void current_root(struct path *out)
{
	ctx_path(false, out);
}

void current_cwd(struct path *out)
{
	ctx_path(true, out);
}

uint32_t current_umask(void)
{
	struct fs_context *c = current_ctx();
	return c ? __atomic_load_n(&c->umask, __ATOMIC_RELAXED) : 022;
}

void current_set_cwd(const struct path *p)
{
	struct fs_context *c = current_ctx();
	uint64_t f = spin_lock_irqsave(&c->lock);
	struct path old = c->cwd;
	c->cwd = *p;
	spin_unlock_irqrestore(&c->lock, f);
	path_put(&old);
}
