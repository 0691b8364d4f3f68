/* /proc/sysvipc: the System V IPC objects of each kind (shm, sem, msg) in Linux's format, as
 * ipcs(1) reads them; the text comes from ipc/ (shm_proc_show and the others). */
#include <fs/procfs/proc_internal.h>
#include <core/compiler.h>
#include <ipc/ipc.h>
#include <uapi/errno.h>

#define SYSVIPC_INO_BASE 0x3000 /* entry i's inode is this + i */

static void emit_line(void *ctx, const char *line)
{
	proc_printf(ctx, "%s", line);
}

static int show_shm(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	shm_proc_show(emit_line, t);
	return 0;
}

static int show_sem(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	sem_proc_show(emit_line, t);
	return 0;
}

static int show_msg(struct proc_text *t, const struct proc_file_ctx *c)
{
	(void)c;
	msg_proc_show(emit_line, t);
	return 0;
}

static const struct proc_entry sysvipc_entries[] = {
	{ .name = "msg", .mode = S_IFREG | 0444, .show = show_msg },
	{ .name = "sem", .mode = S_IFREG | 0444, .show = show_sem },
	{ .name = "shm", .mode = S_IFREG | 0444, .show = show_shm },
};

static int sysvipc_lookup(struct inode *dir, struct dentry *d)
{
	const struct proc_entry *e = proc_entry_find(sysvipc_entries, ARRAY_SIZE(sysvipc_entries),
						     d->name, d->name_len);
	if (!e)
		return 0;
	uint64_t ino = SYSVIPC_INO_BASE + (uint64_t)(e - sysvipc_entries);
	struct inode *inode = proc_inode_new(dir->sb, e, 0, -1, ino, 0, 0);
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

static uint64_t sysvipc_ino_of(const struct dir_context *ctx, size_t i, void *arg)
{
	(void)ctx;
	(void)arg;
	return SYSVIPC_INO_BASE + i;
}

static int sysvipc_iterate(struct file *f, struct dir_context *ctx)
{
	proc_emit_table(ctx, f->inode->ino, PROC_ROOT_INO, sysvipc_entries,
			ARRAY_SIZE(sysvipc_entries), sysvipc_ino_of, NULL);
	return 0;
}

const struct inode_ops proc_sysvipc_iops = {
	.lookup = sysvipc_lookup,
};

const struct file_ops proc_sysvipc_fops = {
	.iterate = sysvipc_iterate,
};
