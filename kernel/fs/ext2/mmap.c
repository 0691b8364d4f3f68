/* Pages of ext2 files mapped shared (MAP_SHARED): a page frame per mapped page, kept with the
 * inode (the start of issue 15's page cache). Every mapping of the page maps this frame; read
 * and write use it while it exists, so they and the mappings agree; its contents go to the
 * blocks at every sync (fsync, syncfs, sync, unmount) and when the inode leaves memory.
 * Everything here runs with the file system lock held, except map_page, which takes it. */
#include <fs/ext2/ext2.h>
#include <core/printk.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <uapi/errno.h>

struct ext2_page {
	uint64_t index;
	uint64_t pa; /* one page_ref reference is the inode's */
	struct list_node link; /* in ext2_inode_mem.pages */
};

static struct ext2_page *find(struct ext2_inode_mem *m, uint64_t index)
{
	struct list_node *n;
	list_for_each(n, &m->pages) {
		struct ext2_page *p = list_entry(n, struct ext2_page, link);
		if (p->index == index)
			return p;
	}
	return NULL;
}

uint8_t *ext2_page_find(struct inode *inode, uint64_t index)
{
	struct ext2_inode_mem *m = inode->priv;
	mutex_assert_held(&EXT2_SB(inode->sb)->lock);
	struct ext2_page *p = list_empty(&m->pages) ? NULL : find(m, index);
	return p ? phys_to_virt(p->pa) : NULL;
}

static struct ext2_page *page_new(struct inode *inode, uint64_t index, int *err)
{
	struct ext2_page *p = kmalloc(sizeof(*p));
	uint64_t pa = p ? phys_alloc_page_unzeroed() : 0;
	*err = pa ? ext2_fill_page_locked(inode, index, phys_to_virt(pa)) : -ENOMEM;
	if (*err) {
		if (pa)
			phys_free_pages(pa, 0);
		kfree(p);
		return NULL;
	}
	page_ref_set_one(pa);
	p->index = index;
	p->pa = pa;
	list_add_tail(&((struct ext2_inode_mem *)inode->priv)->pages, &p->link);
	return p;
}

/* As ext2_read_page: a fault under another mutex only tries the lock. */
int ext2_map_page(struct file *f, uint64_t index, uint64_t *pa)
{
	struct inode *inode = f->inode;
	struct ext2_sb *es = EXT2_SB(inode->sb);
	if (!mutex_lock_unnested(&es->lock))
		return -EFAULT;
	int r = 0;
	struct ext2_page *p = find(inode->priv, index);
	if (!p && index * PAGE_SIZE >= (uint64_t)inode->size)
		r = -ENXIO;
	else if (!p)
		p = page_new(inode, index, &r);
	if (p) {
		page_ref_inc(p->pa); /* the mapping's */
		*pa = p->pa;
	}
	mutex_unlock(&es->lock);
	return r;
}

static bool all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return false;
	return true;
}

/* Write the part of page p inside the file to its blocks (zeros over a hole stay a hole). */
static int page_writeback(struct inode *inode, struct ext2_page *p)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t bs = es->g.block_size;
	uint64_t base = p->index * PAGE_SIZE, size = (uint64_t)inode->size;
	const uint8_t *data = phys_to_virt(p->pa);
	int r = 0;
	for (uint32_t off = 0; !r && off < PAGE_SIZE && base + off < size; off += bs) {
		size_t n = size - base - off < bs ? (size_t)(size - base - off) : bs;
		uint32_t pblk;
		bool fresh;
		r = ext2_bmap_inode(inode, (base + off) >> es->g.block_log, &pblk);
		if (r || (!pblk && all_zero(data + off, n)))
			continue;
		r = ext2_bmap_alloc(inode, (base + off) >> es->g.block_log, &pblk, &fresh);
		if (!r)
			r = ext2_write_block_part(es, pblk, 0, data + off, n);
	}
	return r;
}

int ext2_pages_writeback_locked(struct inode *inode)
{
	struct ext2_inode_mem *m = inode->priv;
	struct list_node *n;
	int r = 0;
	mutex_assert_held(&EXT2_SB(inode->sb)->lock);
	if (list_empty(&m->pages))
		return 0;
	list_for_each(n, &m->pages) {
		int e = page_writeback(inode, list_entry(n, struct ext2_page, link));
		r = r ? r : e;
	}
	int w = ext2_write_inode(inode); /* blocks allocated for holes */
	return r ? r : w;
}

static void page_drop(struct ext2_page *p)
{
	list_remove(&p->link);
	if (page_ref_dec(p->pa) == 0) /* else a mapping still has it, and frees it */
		phys_free_pages(p->pa, 0);
	kfree(p);
}

void ext2_pages_truncate_locked(struct inode *inode)
{
	struct ext2_inode_mem *m = inode->priv;
	uint64_t size = (uint64_t)inode->size;
	struct list_node *n, *tmp;
	list_for_each_safe(n, tmp, &m->pages) {
		struct ext2_page *p = list_entry(n, struct ext2_page, link);
		uint64_t base = p->index * PAGE_SIZE;
		if (base >= size)
			page_drop(p);
		else if (size - base < PAGE_SIZE) /* the tail past the end reads as zeros */
			memset((uint8_t *)phys_to_virt(p->pa) + (size - base), 0,
			       PAGE_SIZE - (size_t)(size - base));
	}
}

void ext2_pages_free(struct inode *inode)
{
	struct ext2_inode_mem *m = inode->priv;
	struct list_node *n, *tmp;
	list_for_each_safe(n, tmp, &m->pages)
		page_drop(list_entry(n, struct ext2_page, link));
}
