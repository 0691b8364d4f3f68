/* File mappings: the page a fault needs is got from the file before mm->lock is taken (a file
 * system may sleep): for a private mapping a copy of the file's page in a frame of its own, for
 * a shared one the file's page itself (referenced); the fault then installs it. See struct
 * file_fill in vm_internal.h. */
#include <mm/vm_internal.h>
#include <mm/page_ref.h>
#include <mm/phys.h>
#include <mm/layout.h>
#include <fs/vfs.h>
#include <uapi/errno.h>

void vm_file_fill_prepare(struct mm *mm, uint64_t page, struct file_fill *fill)
{
	*fill = (struct file_fill){ 0 };
	uint64_t f = spin_lock_irqsave(&mm->lock);
	struct vma *v = vma_find_locked(mm, page);
	if (v && v->start <= page && v->file) {
		pte_t *e = pt_entry(mm->pml4_pa, page, PT_LEVEL_PT, false);
		if (!e || !pte_has_frame(*e)) {
			fill->file = v->file;
			fill->index = v->pgoff + (page - v->start) / PAGE_SIZE;
			fill->shared = v->flags & VM_SHARED;
			file_get(fill->file);
		}
	}
	spin_unlock_irqrestore(&mm->lock, f);
	if (!fill->file)
		return;
	if (fill->shared) {
		fill->err = fill->file->ops->map_page(fill->file, fill->index, &fill->pa);
		if (fill->err)
			fill->pa = 0;
		return;
	}
	fill->pa = phys_alloc_page_unzeroed(); /* read_page writes all of it */
	if (!fill->pa) {
		fill->err = -ENOMEM;
		return;
	}
	page_ref_set_one(fill->pa);
	fill->err = fill->file->ops->read_page(fill->file, fill->index, phys_to_virt(fill->pa));
}

void vm_file_fill_finish(struct file_fill *fill)
{
	if (fill->pa && page_ref_dec(fill->pa) == 0)
		phys_free_pages(fill->pa, 0);
	if (fill->file)
		file_put(fill->file);
	*fill = (struct file_fill){ 0 };
}
