/* /proc/<pid>/pagemap (proc(5)): a binary file of one 64-bit entry per virtual page of the
 * process, at offset (address / page size) * 8, formatted by mm (vm_pagemap). Opening it needs
 * the ptrace-like access of the other private files; the frame numbers are shown only to a
 * reader that was root when it opened the file (Linux: CAP_SYS_ADMIN), others read them as 0. */
#include <fs/procfs/proc_internal.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <mm/vm.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

#define PM_ENTRY_BYTES 8
#define PM_BATCH 64 /* entries formatted per mm->lock hold */

/* f->priv: what the file was opened for, and whether its opener may see frame numbers. */
struct pagemap_file {
	struct proc_file_ctx ctx;
	bool pfn;
};

static int pagemap_open(struct inode *inode, struct file *f)
{
	const struct proc_inode *pi = proc_i(inode);
	struct pagemap_file *pf = kmalloc(sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->ctx = (struct proc_file_ctx){ .ent = pi->ent, .pid = pi->pid, .tid = pi->tid };
	pf->pfn = capable(CAP_SYS_ADMIN); /* frame numbers only for the privileged opener */
	int r = proc_ctx_pin(&pf->ctx);
	if (r) {
		kfree(pf);
		return r;
	}
	f->priv = pf;
	return 0;
}

/* The address space of the process c names (referenced), NULL when it is gone or a zombie. */
static struct mm *pagemap_mm(const struct proc_file_ctx *c)
{
	struct thread *t;
	struct mm *mm = NULL;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_ctx_find_locked(c, &t);
	if (p) {
		uint64_t g = spin_lock_irqsave(&p->lock);
		mm = p->mm;
		if (mm)
			mm_get(mm);
		spin_unlock_irqrestore(&p->lock, g);
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return mm;
}

/* As Linux: offset and count in whole entries (EINVAL), nothing past the user address space,
 * 0 bytes for a process without one. */
static long pagemap_read(struct file *f, struct uio *u, int64_t *pos)
{
	struct pagemap_file *pf = f->priv;
	int64_t at = pos ? *pos : 0;
	if (at < 0 || at % PM_ENTRY_BYTES || u->resid % PM_ENTRY_BYTES)
		return -EINVAL;
	struct mm *mm = pagemap_mm(&pf->ctx);
	if (!mm)
		return 0;
	uint64_t entries[PM_BATCH], page = (uint64_t)at / PM_ENTRY_BYTES;
	uint64_t last = USER_SPACE_END / PAGE_SIZE;
	long done = 0, err = 0;
	while (u->resid && page < last) {
		size_t n = u->resid / PM_ENTRY_BYTES;
		n = n < PM_BATCH ? n : PM_BATCH;
		n = n < last - page ? n : last - page;
		vm_pagemap(mm, page * PAGE_SIZE, entries, n, pf->pfn);
		err = uio_copy_out(u, entries, n * PM_ENTRY_BYTES);
		if (err)
			break;
		done += (long)(n * PM_ENTRY_BYTES);
		page += n;
	}
	mm_put(mm);
	if (pos)
		*pos += done;
	return done ? done : err;
}

static void pagemap_release(struct file *f)
{
	kfree(f->priv);
}

const struct file_ops proc_pagemap_fops = {
	.open = pagemap_open,
	.read = pagemap_read,
	.llseek = proc_file_llseek,
	.release = pagemap_release,
};
