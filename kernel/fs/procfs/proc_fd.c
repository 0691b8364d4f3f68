/* procfs's magic links and descriptor directory: /proc/<pid>/exe, cwd and fd/<n> resolve to
 * the file or directory itself (get_link) rather than to a parsed path, and read as its path
 * (or "pipe:[ino]" for files that have none, as Linux); fd/ lists the open descriptors. Only
 * the owner or root may follow, read or list them (proc_may_access); a pipe's link leads to the
 * pipe (file_anon_path), so that opening it makes a new end. A descriptor whose rights
 * were reduced (zero_cap_limit) cannot be followed: opening the file again by this name would
 * give a descriptor with all of them. */
#include <fs/procfs/proc_internal.h>
#include <fs/fdtable.h>
#include <fs/fs_context.h>
#include <mm/kmalloc.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <uapi/errno.h>
#include <uapi/zero/cap.h>

#define FD_TEXT_MAX 12
#define FD_MAX_PARSE 0x7fffffff

void proc_refs_locked(struct process *p, struct fd_table **files, struct fs_context **fs,
		      struct file **exe)
{
	spin_assert_held(&process_tree_lock);
	uint64_t f = spin_lock_irqsave(&p->lock);
	if (files && (*files = p->files))
		fdtable_get(*files);
	if (fs && (*fs = p->fs))
		fs_context_get(*fs);
	if (exe && (*exe = p->exe_file))
		file_get(*exe);
	spin_unlock_irqrestore(&p->lock, f);
}

/* The fd table of a process (referenced), or NULL when it is gone or exiting. */
static struct fd_table *proc_files(int pid)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pid, 0);
	struct fd_table *t = NULL;
	if (p)
		proc_refs_locked(p, &t, NULL, NULL);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return t;
}

static struct file *proc_fd_file(int pid, int fd, uint64_t *rights)
{
	struct fd_table *t = proc_files(pid);
	if (!t)
		return NULL;
	struct file *file = fdtable_file(t, fd, rights);
	fdtable_put(t);
	return file;
}

static struct file *proc_exe_file(int pid, uint64_t start_ns)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pid, start_ns);
	struct file *e = NULL;
	if (p)
		proc_refs_locked(p, NULL, NULL, &e);
	spin_unlock_irqrestore(&process_tree_lock, f);
	return e;
}

int proc_exe_path(int pid, uint64_t start_ns, struct path *out)
{
	struct file *e = proc_exe_file(pid, start_ns);
	if (!e)
		return -ENOENT;
	int r = -ENOENT;
	if (e->path.mnt) {
		*out = e->path;
		path_get(out);
		r = 0;
	}
	file_put(e);
	return r;
}

static int proc_cwd_path(int pid, struct path *out)
{
	uint64_t f = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_find_locked(pid, 0);
	struct fs_context *c = NULL;
	if (p)
		proc_refs_locked(p, NULL, &c, NULL);
	spin_unlock_irqrestore(&process_tree_lock, f);
	if (!c)
		return -ENOENT;
	f = spin_lock_irqsave(&c->lock);
	*out = c->cwd;
	path_get(out);
	spin_unlock_irqrestore(&c->lock, f);
	fs_context_put(c);
	return 0;
}

/* ---- the links ----------------------------------------------------------------------------- */

/* What link d names: a path (cwd, or a file's), or a file without one (*file set, path NULL).
 * *rights: the descriptor's rights for fd links, all of them otherwise. */
static int link_resolve(struct dentry *d, struct path *path, struct file **file,
			uint64_t *rights)
{
	const struct proc_inode *pi = proc_i(d->inode);
	*file = NULL;
	*rights = ZERO_CAP_ALL;
	int r = proc_check_access(pi->pid, 0);
	if (r)
		return r == -ESRCH ? -ENOENT : r;
	if (pi->ent->link == PROC_LINK_CWD)
		return proc_cwd_path(pi->pid, path);
	struct file *f = pi->ent->link == PROC_LINK_FD ? proc_fd_file(pi->pid, pi->fd, rights)
						       : proc_exe_file(pi->pid, 0);
	if (!f)
		return -ENOENT;
	if (f->path.mnt) {
		*path = f->path;
		path_get(path);
		file_put(f);
	} else {
		*file = f;
	}
	return 0;
}

static int link_get(struct dentry *d, struct mount **mnt, struct dentry **target)
{
	struct path p;
	struct file *anon;
	uint64_t rights;
	int r = link_resolve(d, &p, &anon, &rights);
	if (r)
		return r;
	if (anon) { /* a pipe can be opened again (a new end), as on Linux; nothing else */
		r = S_ISFIFO(anon->inode->mode) ? file_anon_path(anon, &p) : -ENXIO;
		file_put(anon);
		if (r)
			return r;
	}
	if (rights != ZERO_CAP_ALL) {
		path_put(&p);
		return -ENOTCAPABLE;
	}
	*mnt = p.mnt;
	*target = p.dentry;
	return 0;
}

/* Linux's names for files without a path. */
static long anon_name(const struct inode *inode, char *buf, size_t size)
{
	const char *kind = S_ISFIFO(inode->mode) ? "pipe" : S_ISSOCK(inode->mode) ? "socket"
										    : "anon_inode";
	return ksnprintf(buf, size, "%s:[%lu]", kind, inode->ino);
}

static long link_readlink(struct dentry *d, char *buf, size_t size)
{
	struct path p;
	struct file *anon;
	uint64_t rights;
	int r = link_resolve(d, &p, &anon, &rights);
	if (r)
		return r;
	char *text = kmalloc(PATH_MAX);
	long len = -ENOMEM;
	if (text && anon) {
		len = anon_name(anon->inode, text, PATH_MAX);
	} else if (text) {
		struct path root;
		current_root(&root);
		len = path_to_string(&p, &root, text, PATH_MAX);
		path_put(&root);
	}
	if (len >= 0) {
		if ((size_t)len > size)
			len = (long)size;
		memcpy(buf, text, (size_t)len);
	}
	kfree(text);
	if (anon)
		file_put(anon);
	else
		path_put(&p);
	return len;
}

const struct inode_ops proc_link_iops = {
	.readlink = link_readlink,
	.get_link = link_get,
};

/* ---- fd/ ----------------------------------------------------------------------------------- */

static const struct proc_entry fd_link_entry = {
	.name = "<fd>",
	.mode = S_IFLNK | 0700,
	.iops = &proc_link_iops,
	.link = PROC_LINK_FD,
};

/* The open file that name d in a fd/ or fdinfo/ directory of process pid names (referenced),
 * *fd its number: NULL with 0 (no such descriptor: a negative dentry) or an error. */
static struct file *dir_entry_file(struct inode *dir, struct dentry *d, int *fd, int *err)
{
	int pid = proc_i(dir)->pid;
	*fd = proc_parse_number(d->name, d->name_len, FD_MAX_PARSE);
	*err = proc_check_access(pid, 0);
	if (*err == -ESRCH || *fd < 0)
		*err = 0;
	if (*err || *fd < 0)
		return NULL;
	uint64_t rights;
	return proc_fd_file(pid, *fd, &rights);
}

/* A name in fd/ (a link: its permission bits follow the open mode, r-x for reading, -w- for
 * writing, for the owner only, as Linux's) or fdinfo/ (a text file). */
static int fd_entry_lookup(struct inode *dir, struct dentry *d, const struct proc_entry *ent,
			   uint64_t ino_flag)
{
	int pid = proc_i(dir)->pid, fd, r;
	struct file *f = dir_entry_file(dir, d, &fd, &r);
	if (!f)
		return r;
	uint32_t mode = ent->link ? S_IFLNK | (f->mode & FMODE_READ ? 0500 : 0) |
					    (f->mode & FMODE_WRITE ? 0200 : 0)
				  : ent->mode;
	file_put(f);
	struct inode *inode = proc_inode_new(dir->sb, ent, pid, fd,
					     proc_ino_pid(pid, ino_flag | (uint64_t)fd), dir->uid,
					     dir->gid);
	if (!inode)
		return -ENOMEM;
	inode->mode = mode;
	d_instantiate(d, inode);
	return 0;
}

static int fd_dir_lookup(struct inode *dir, struct dentry *d)
{
	return fd_entry_lookup(dir, d, &fd_link_entry, PROC_INO_FD_FLAG);
}

struct fd_emit {
	struct dir_context *ctx;
	int pid;
	uint64_t ino_flag; /* PROC_INO_FD_FLAG or PROC_INO_FDINFO_FLAG */
	unsigned type; /* DT_LNK or DT_REG */
};

static bool fd_emit_one(int fd, struct file *f, void *arg)
{
	(void)f;
	struct fd_emit *e = arg;
	if (fd < e->ctx->pos - 2)
		return true;
	char name[FD_TEXT_MAX];
	int len = ksnprintf(name, sizeof(name), "%d", fd);
	int64_t next = (int64_t)fd + 3;
	if (!e->ctx->emit(e->ctx, name, (size_t)len,
			  proc_ino_pid(e->pid, e->ino_flag | (uint64_t)fd), e->type, next))
		return false;
	e->ctx->pos = next;
	return true;
}

static uint64_t no_entries_ino(const struct dir_context *ctx, size_t i, void *arg)
{
	(void)ctx;
	(void)i;
	(void)arg;
	return 0;
}

/* fd/ and fdinfo/: ".", ".." and a name per open descriptor. */
static int fds_iterate(struct file *f, struct dir_context *ctx, uint64_t ino_flag, unsigned type)
{
	int pid = proc_i(f->inode)->pid;
	int r = proc_check_access(pid, 0);
	if (r)
		return r == -ESRCH ? -ENOENT : r;
	if (!proc_emit_table(ctx, f->inode->ino, proc_ino_pid(pid, 0), NULL, 0, no_entries_ino,
			     NULL))
		return 0;
	struct fd_table *t = proc_files(pid);
	if (!t)
		return 0;
	struct fd_emit e = { .ctx = ctx, .pid = pid, .ino_flag = ino_flag, .type = type };
	fdtable_for_each(t, fd_emit_one, &e);
	fdtable_put(t);
	return 0;
}

static int fd_dir_iterate(struct file *f, struct dir_context *ctx)
{
	return fds_iterate(f, ctx, PROC_INO_FD_FLAG, DT_LNK);
}

const struct inode_ops proc_fd_dir_iops = {
	.lookup = fd_dir_lookup,
};

const struct file_ops proc_fd_dir_fops = {
	.iterate = fd_dir_iterate,
};

/* ---- fdinfo/ ------------------------------------------------------------------------------- */

#define FDINFO_OWN_MAX 2048 /* the file type's own lines (an inotify watch takes ~80 bytes) */

/* Linux's common lines (position, flags with O_CLOEXEC for a close-on-exec slot, mount id,
 * inode number), then the file's own (an inotify instance's watches, a pidfd's Pid...). */
static int show_fdinfo(struct proc_text *t, const struct proc_file_ctx *c)
{
	struct fd_table *tab = proc_files(c->pid);
	if (!tab)
		return -ENOENT;
	uint64_t rights;
	struct file *f = fdtable_file(tab, c->fd, &rights);
	bool cloexec = f && fdtable_cloexec(tab, c->fd);
	fdtable_put(tab);
	if (!f)
		return -ENOENT;
	uint32_t flags = READ_ONCE(f->flags) | (cloexec ? O_CLOEXEC : 0);
	proc_printf(t, "pos:\t%ld\nflags:\t0%o\nmnt_id:\t%d\nino:\t%lu\n", (long)f->pos, flags,
		    f->path.mnt ? f->path.mnt->id : 0, f->inode->ino);
	char *own = f->ops && f->ops->fdinfo ? kmalloc(FDINFO_OWN_MAX) : NULL;
	if (own) {
		long n = f->ops->fdinfo(f, own, FDINFO_OWN_MAX);
		if (n > 0)
			proc_write(t, own, (size_t)MIN(n, FDINFO_OWN_MAX - 1));
		kfree(own);
	}
	file_put(f);
	return 0;
}

static const struct proc_entry fdinfo_entry = {
	.name = "<fdinfo>",
	.mode = S_IFREG | 0400,
	.show = show_fdinfo,
	.live = true,
};

static int fdinfo_dir_lookup(struct inode *dir, struct dentry *d)
{
	return fd_entry_lookup(dir, d, &fdinfo_entry, PROC_INO_FDINFO_FLAG);
}

static int fdinfo_dir_iterate(struct file *f, struct dir_context *ctx)
{
	return fds_iterate(f, ctx, PROC_INO_FDINFO_FLAG, DT_REG);
}

const struct inode_ops proc_fdinfo_dir_iops = {
	.lookup = fdinfo_dir_lookup,
};

const struct file_ops proc_fdinfo_dir_fops = {
	.iterate = fdinfo_dir_iterate,
};
