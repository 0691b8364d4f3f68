/* /proc/<pid>/task: one directory per live thread of the process, named by its tid and listed
 * in tid order; each is a per-process directory in the thread's view (proc_pid.c's
 * proc_tid_dir_entry). The list is read from p->threads under process_tree_lock. */
#include <fs/procfs/proc_internal.h>
#include <lib/printf.h>
#include <uapi/errno.h>

#define TID_TEXT_MAX 12
#define TID_BATCH 64
/* Positions: 0 and 1 the dots; then tid T is at T + 2 (the next entry starts at T + 3). */
#define TASK_POS_TID_BASE 2

static int task_dir_lookup(struct inode *dir, struct dentry *d)
{
	const struct proc_inode *pi = proc_i(dir);
	int tid = proc_parse_number(d->name, d->name_len, PID_MAX - 1);
	if (tid <= 0)
		return 0;
	struct inode *inode;
	int r = proc_pid_inode(dir->sb, &proc_tid_dir_entry, pi->pid, tid,
			       proc_ino_pid(tid, PROC_INO_TASK_FLAG), &inode);
	if (r)
		return r == -ENOENT ? 0 : r; /* no such thread here: the name stays negative */
	d_instantiate(d, inode);
	return 0;
}

/* Keep tid in tids[0..*n), sorted, the max smallest: one insertion step. */
static void tids_insert(int *tids, int *n, int max, int tid)
{
	if (*n == max && tid > tids[max - 1])
		return;
	int i = *n < max ? (*n)++ : max - 1;
	for (; i > 0 && tids[i - 1] > tid; i--)
		tids[i] = tids[i - 1];
	tids[i] = tid;
}

/* Up to max tids of process pid's threads from `from` upwards, in order: the count, or -ENOENT
 * when the process is gone. */
static int collect_tids(int pid, int from, int *tids, int max)
{
	int n = 0;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pid, 0);
	if (!p) {
		spin_unlock_irqrestore(&process_tree_lock, f);
		return -ENOENT;
	}
	struct list_node *pos;
	list_for_each(pos, &p->threads) {
		int tid = list_entry(pos, struct thread, proc_node)->tid;
		if (tid >= from)
			tids_insert(tids, &n, max, tid);
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return n;
}

static int task_dir_iterate(struct file *f, struct dir_context *ctx)
{
	const struct proc_inode *pi = proc_i(f->inode);
	int tids[TID_BATCH];
	int n = collect_tids(pi->pid, 0, tids, 1); /* is it still there? */
	if (n < 0)
		return n;
	if (!proc_emit_table(ctx, f->inode->ino, proc_ino_pid(pi->tid ? pi->tid : pi->pid, 0),
			     NULL, 0, NULL, NULL)) /* no table: no ino_of to call */
		return 0;
	while ((n = collect_tids(pi->pid, (int)(ctx->pos - TASK_POS_TID_BASE), tids,
				 TID_BATCH)) > 0) {
		for (int i = 0; i < n; i++) {
			char name[TID_TEXT_MAX];
			int len = ksnprintf(name, sizeof(name), "%d", tids[i]);
			int64_t next = TASK_POS_TID_BASE + (int64_t)tids[i] + 1;
			uint64_t ino = proc_ino_pid(tids[i], PROC_INO_TASK_FLAG);
			if (!ctx->emit(ctx, name, (size_t)len, ino, DT_DIR, next))
				return 0;
			ctx->pos = next;
		}
	}
	return 0;
}

const struct inode_ops proc_task_dir_iops = {
	.lookup = task_dir_lookup,
};

const struct file_ops proc_task_dir_fops = {
	.iterate = task_dir_iterate,
};
