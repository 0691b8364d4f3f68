/* procfs's super block and root directory: the fixed system files (proc_sys.c), the "self"
 * link, and one directory per process (proc_pid.c), all answered from tables and the live
 * process table rather than cached (see proc_internal.h). */
#include <fs/procfs/procfs.h>
#include <fs/procfs/proc_internal.h>
#include <mm/kmalloc.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define PROC_NAME_LEN 255
#define PID_TEXT_MAX 12
#define ROOT_PID_BATCH 64
/* Root directory positions: 0 and 1 the dots, 2.. the fixed entries, then one per pid. */
#define ROOT_POS_PID_BASE 0x10000

static uint8_t mode_dtype(uint32_t mode)
{
	return (uint8_t)((mode & S_IFMT) >> 12); /* DT_* are the S_IFMT bits shifted down */
}

static void proc_evict(struct inode *inode)
{
	kfree(inode->priv);
	inode->priv = NULL;
}

static int proc_statfs(struct super_block *sb, struct linux_statfs *st)
{
	(void)sb;
	*st = (struct linux_statfs){ .f_type = PROC_SUPER_MAGIC, .f_bsize = 4096,
				     .f_namelen = PROC_NAME_LEN, .f_frsize = 4096 };
	return 0;
}

/* The last mount went: nothing is cached, so only the root is left to drop. */
static void proc_kill(struct super_block *sb)
{
	dentry_put(sb->root);
	kfree(sb);
}

static const struct super_ops proc_super_ops = {
	.evict = proc_evict,
	.statfs = proc_statfs,
	.kill = proc_kill,
};

struct inode *proc_inode_new(struct super_block *sb, const struct proc_entry *ent, int pid,
			     int fd, uint64_t ino, uint32_t uid, uint32_t gid)
{
	struct proc_inode *pi = kmalloc(sizeof(*pi));
	if (!pi)
		return NULL;
	struct inode *inode = inode_alloc(sb, ent->mode);
	if (!inode) {
		kfree(pi);
		return NULL;
	}
	*pi = (struct proc_inode){ .ent = ent, .pid = pid, .fd = fd };
	inode->priv = pi;
	inode->ino = ino;
	inode->uid = uid;
	inode->gid = gid;
	inode->nlink = S_ISDIR(ent->mode) ? 2 : 1;
	if (S_ISREG(ent->mode)) {
		inode->iops = &proc_file_iops;
		inode->fops = ent->fops ? ent->fops : &proc_file_ops;
	} else {
		inode->iops = ent->iops;
		inode->fops = ent->fops;
	}
	return inode;
}

const struct proc_entry *proc_entry_find(const struct proc_entry *tab, size_t n, const char *name,
					 size_t len)
{
	for (size_t i = 0; i < n; i++)
		if (strlen(tab[i].name) == len && !memcmp(tab[i].name, name, len))
			return &tab[i];
	return NULL;
}

bool proc_emit_table(struct dir_context *ctx, uint64_t self_ino, uint64_t parent_ino,
		     const struct proc_entry *tab, size_t n,
		     uint64_t (*ino_of)(const struct dir_context *ctx, size_t i, void *arg),
		     void *arg)
{
	if (ctx->pos == 0) {
		if (!ctx->emit(ctx, ".", 1, self_ino, DT_DIR, 1))
			return false;
		ctx->pos = 1;
	}
	if (ctx->pos == 1) {
		if (!ctx->emit(ctx, "..", 2, parent_ino, DT_DIR, 2))
			return false;
		ctx->pos = 2;
	}
	for (size_t i = (size_t)ctx->pos - 2; i < n; i++) {
		const struct proc_entry *e = &tab[i];
		if (!ctx->emit(ctx, e->name, strlen(e->name), ino_of(ctx, i, arg),
			       mode_dtype(e->mode), (int64_t)i + 3))
			return false;
		ctx->pos = (int64_t)i + 3;
	}
	return true;
}

int proc_parse_number(const char *s, size_t len, int max)
{
	if (len == 0 || len > 10 || (s[0] == '0' && len > 1))
		return -1;
	int64_t v = 0;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	return v <= max ? (int)v : -1;
}

static int proc_root_lookup(struct inode *dir, struct dentry *d)
{
	struct inode *inode;
	const struct proc_entry *e = proc_entry_find(proc_root_entries, proc_root_nentries, d->name,
						     d->name_len);
	if (e) {
		uint64_t ino = 2 + (uint64_t)(e - proc_root_entries);
		inode = proc_inode_new(dir->sb, e, 0, -1, ino, 0, 0);
	} else {
		int pid = proc_parse_number(d->name, d->name_len, PID_MAX - 1);
		if (pid <= 0)
			return 0;
		int r = proc_pid_dir_inode(dir->sb, pid, &inode);
		if (r == -ENOENT)
			return 0; /* no such process: the name stays negative */
		if (r)
			return r;
	}
	if (!inode)
		return -ENOMEM;
	d_instantiate(d, inode);
	return 0;
}

static uint64_t root_ino_of(const struct dir_context *ctx, size_t i, void *arg)
{
	(void)ctx;
	(void)arg;
	return 2 + i;
}

/* Up to max pids (live or zombie) from `from` upwards, in order. */
static int collect_pids(int from, int *pids, int max)
{
	int n = 0;
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	for (int i = from > 0 ? from : 1; i < PID_MAX && n < max; i++) {
		struct process *p = process_by_pid_locked(i);
		if (p && p->pid == i)
			pids[n++] = i;
	}
	spin_unlock_irqrestore(&process_tree_lock, f);
	return n;
}

static int proc_root_iterate(struct file *f, struct dir_context *ctx)
{
	(void)f;
	if (ctx->pos < ROOT_POS_PID_BASE) {
		if (!proc_emit_table(ctx, PROC_ROOT_INO, PROC_ROOT_INO, proc_root_entries,
				     proc_root_nentries, root_ino_of, NULL))
			return 0;
		ctx->pos = ROOT_POS_PID_BASE;
	}
	int pids[ROOT_PID_BATCH];
	for (;;) {
		int n = collect_pids((int)(ctx->pos - ROOT_POS_PID_BASE), pids, ROOT_PID_BATCH);
		if (n == 0)
			return 0;
		for (int i = 0; i < n; i++) {
			char name[PID_TEXT_MAX];
			int len = ksnprintf(name, sizeof(name), "%d", pids[i]);
			int64_t next = ROOT_POS_PID_BASE + (int64_t)pids[i] + 1;
			uint64_t ino = proc_ino_pid(pids[i], 0);
			if (!ctx->emit(ctx, name, (size_t)len, ino, DT_DIR, next))
				return 0;
			ctx->pos = next;
		}
	}
}

static const struct inode_ops proc_root_iops = {
	.lookup = proc_root_lookup,
};

static const struct file_ops proc_root_fops = {
	.iterate = proc_root_iterate,
};

static const struct proc_entry proc_root_entry = {
	.name = "/",
	.mode = S_IFDIR | 0555,
	.iops = &proc_root_iops,
	.fops = &proc_root_fops,
};

/* /proc/self: an ordinary symlink whose text is the caller's pid. */
static long proc_self_readlink(struct dentry *d, char *buf, size_t size)
{
	(void)d;
	struct process *p = process_current();
	if (!p)
		return -ENOENT;
	char text[PID_TEXT_MAX];
	size_t len = (size_t)ksnprintf(text, sizeof(text), "%d", p->pid);
	if (len > size)
		len = size;
	memcpy(buf, text, len);
	return (long)len;
}

const struct inode_ops proc_self_iops = {
	.readlink = proc_self_readlink,
};

static struct fs_type proc_fs_type;

static int proc_mount(const char *source, unsigned long flags, const char *data,
		      struct super_block **out)
{
	(void)source;
	(void)flags;
	(void)data;
	struct super_block *sb = sb_alloc(&proc_fs_type, &proc_super_ops, 0, PROC_SUPER_MAGIC);
	if (!sb)
		return -ENOMEM;
	struct inode *root = proc_inode_new(sb, &proc_root_entry, 0, -1, PROC_ROOT_INO, 0, 0);
	int err = sb_attach_root(sb, root);
	if (!err)
		*out = sb;
	return err;
}

static struct fs_type proc_fs_type = {
	.name = "proc",
	.nodev = true,
	.mount = proc_mount,
};

void procfs_register(void)
{
	fs_type_register(&proc_fs_type);
}
