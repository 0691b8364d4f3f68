/* procfs text files: a growing buffer that generators print into, and the file operations that
 * generate a file's text at open (and again on a read from offset 0, as Linux regenerates on a
 * re-read from the start) and serve reads at any offset from it, so that a reader going in
 * small chunks sees one consistent text. */
#include <fs/procfs/proc_internal.h>
#include <mm/kmalloc.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <sched/mutex.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

#define PROC_TEXT_MIN 1024
#define PROC_TEXT_MAX (8u << 20) /* a generator that wants more than this is broken */

void proc_text_init(struct proc_text *t)
{
	*t = (struct proc_text){ 0 };
}

void proc_text_free(struct proc_text *t)
{
	kfree(t->buf);
	proc_text_init(t);
}

/* Room for `need` more bytes (plus a NUL for snprintf). */
static bool text_reserve(struct proc_text *t, size_t need)
{
	if (t->err)
		return false;
	if (t->cap - t->len > need)
		return true;
	size_t cap = t->cap ? t->cap : PROC_TEXT_MIN;
	while (cap - t->len <= need && cap <= PROC_TEXT_MAX)
		cap *= 2;
	char *nb = cap <= PROC_TEXT_MAX ? kmalloc(cap) : NULL;
	if (!nb) {
		t->err = -ENOMEM;
		return false;
	}
	if (t->len)
		memcpy(nb, t->buf, t->len);
	kfree(t->buf);
	t->buf = nb;
	t->cap = cap;
	return true;
}

void proc_printf(struct proc_text *t, const char *fmt, ...)
{
	for (;;) {
		if (t->err)
			return;
		va_list ap;
		va_start(ap, fmt);
		int n = kvsnprintf(t->buf ? t->buf + t->len : NULL, t->cap - t->len, fmt, ap);
		va_end(ap);
		if (n < 0) {
			t->err = n;
			return;
		}
		if ((size_t)n < t->cap - t->len) {
			t->len += (size_t)n;
			return;
		}
		text_reserve(t, (size_t)n);
	}
}

void proc_write(struct proc_text *t, const void *s, size_t n)
{
	if (!n || !text_reserve(t, n))
		return;
	memcpy(t->buf + t->len, s, n);
	t->len += n;
}

/* ---- regular files ------------------------------------------------------------------------- */

/* f->priv of an open procfs file. lock guards text and fresh (pread does not take pos_lock). */
struct proc_file {
	struct proc_file_ctx ctx;
	struct mutex lock;
	struct proc_text text;
	bool fresh; /* generated and not read yet: the first read at 0 does not regenerate */
};

static int proc_file_generate(struct proc_file *pf)
{
	struct proc_text t;
	proc_text_init(&t);
	int r = pf->ctx.ent->show(&t, &pf->ctx);
	if (!r)
		r = t.err;
	if (r) {
		proc_text_free(&t);
		return r;
	}
	proc_text_free(&pf->text);
	pf->text = t;
	pf->fresh = true;
	return 0;
}

/* Pin the process (and thread) the name means now in c, and check access against it (not
 * against the inode's owner, which may be an earlier holder of the pid). */
int proc_ctx_pin(struct proc_file_ctx *c)
{
	int r = 0;
	struct thread *t;
	uint64_t fl = spin_lock_irqsave(&process_tree_lock);
	struct process *p = proc_ctx_find_locked(c, &t);
	if (!p) {
		r = -ENOENT;
	} else if (c->ent->owner_only && !proc_may_access_locked(p)) {
		r = -EACCES;
	} else {
		c->start_ns = p->start_ns;
		c->tstart_ns = c->tid ? t->start_ns : 0;
	}
	spin_unlock_irqrestore(&process_tree_lock, fl);
	return r;
}

static int proc_file_open(struct inode *inode, struct file *f)
{
	const struct proc_inode *pi = proc_i(inode);
	/* Linux's sysctl permission: root too gets the owner bits only (a 0444 file is not
	 * writable by anyone); the VFS already checked everyone else. */
	if (pi->ent->no_root_bypass && (f->mode & FMODE_WRITE) && !(pi->ent->mode & 0200))
		return -EACCES;
	struct proc_file *pf = kmalloc(sizeof(*pf));
	if (!pf)
		return -ENOMEM;
	pf->ctx = (struct proc_file_ctx){ .ent = pi->ent, .pid = pi->pid, .tid = pi->tid,
					  .fd = pi->fd };
	mutex_init(&pf->lock, "procfs_file");
	proc_text_init(&pf->text);
	int r = pi->pid ? proc_ctx_pin(&pf->ctx) : 0;
	if (!r)
		r = proc_file_generate(pf);
	pf->fresh = !pi->ent->live;
	if (r) {
		kfree(pf);
		return r;
	}
	f->priv = pf;
	return 0;
}

static long proc_file_read(struct file *f, struct uio *u, int64_t *pos)
{
	struct proc_file *pf = f->priv;
	int64_t at = pos ? *pos : 0;
	long r = 0;
	if (at < 0)
		return -EINVAL;
	mutex_lock(&pf->lock);
	if (at == 0 && !pf->fresh)
		r = proc_file_generate(pf);
	pf->fresh = false;
	if (r || (uint64_t)at >= pf->text.len)
		goto out_unlock;
	size_t n = pf->text.len - (size_t)at;
	if (n > u->resid)
		n = u->resid;
	r = uio_copy_out(u, pf->text.buf + at, n);
	if (!r) {
		r = (long)n;
		if (pos)
			*pos += (int64_t)n;
	}
out_unlock:
	mutex_unlock(&pf->lock);
	return r;
}

/* A writable file's store gets the text written (at most PROC_STORE_MAX bytes are looked at,
 * as Linux's sysctl buffers are bounded; the whole write counts as consumed). The next read
 * from 0 shows the new value. Linux: per-process files without a write method answer EINVAL,
 * system files EIO. */
static long proc_file_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)pos;
	struct proc_file *pf = f->priv;
	if (!pf->ctx.ent->store)
		return pf->ctx.pid ? -EINVAL : -EIO;
	size_t total = u->resid, n = total < PROC_STORE_MAX ? total : PROC_STORE_MAX;
	char *buf = kmalloc(PROC_STORE_MAX);
	if (!buf)
		return -ENOMEM;
	long r = uio_copy_in(u, buf, n);
	if (!r)
		r = pf->ctx.ent->store(&pf->ctx, buf, n);
	kfree(buf);
	if (r)
		return r;
	mutex_lock(&pf->lock);
	pf->fresh = false;
	mutex_unlock(&pf->lock);
	return (long)total;
}

/* As Linux's seq_lseek: absolute and relative positions, no SEEK_END (the size is unknown). */
int64_t proc_file_llseek(struct file *f, int64_t off, int whence)
{
	int64_t to;
	if (whence == SEEK_SET)
		to = off;
	else if (whence == SEEK_CUR && !__builtin_add_overflow(f->pos, off, &to))
		;
	else
		return -EINVAL;
	if (to < 0)
		return -EINVAL;
	f->pos = to;
	return to;
}

static void proc_file_release(struct file *f)
{
	struct proc_file *pf = f->priv;
	if (!pf)
		return;
	proc_text_free(&pf->text);
	kfree(pf);
}

const struct file_ops proc_file_ops = {
	.open = proc_file_open,
	.read = proc_file_read,
	.write = proc_file_write,
	.llseek = proc_file_llseek,
	.release = proc_file_release,
};

/* As Linux's proc_setattr: owner and mode cannot change (EPERM); a size (open's O_TRUNC, as
 * `echo 1 > /proc/sys/...` asks) and times are accepted and change nothing. */
static int proc_file_setattr(struct dentry *d, const struct iattr *a)
{
	(void)d;
	return a->valid & (ATTR_MODE | ATTR_UID | ATTR_GID) ? -EPERM : 0;
}

const struct inode_ops proc_file_iops = {
	.setattr = proc_file_setattr,
};
