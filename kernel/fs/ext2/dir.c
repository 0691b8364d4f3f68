/* ext2 directories: lookup of a name and getdents over the records of the directory's blocks,
 * each block checked whole (ext2_dir_check_block) before any record of it is used. The file
 * position of an open directory is the byte offset of the next record, as in Linux's ext2. */
#include <fs/ext2/ext2.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

/* Called for each in-use record; a nonzero result stops the walk and is returned. */
typedef int (*dir_rec_fn)(const struct ext2_dir_rec *rec, uint64_t pos, void *arg);

/* Read directory block lblk of dir into buf and check its records. */
int ext2_read_dir_block(struct inode *dir, uint64_t lblk, uint8_t *buf)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	uint32_t pblk;
	const char *why;
	int r = ext2_bmap_inode(dir, lblk, &pblk);
	if (r)
		return r;
	if (!pblk)
		return ext2_corrupt(es, (uint32_t)dir->ino, "hole in a directory");
	r = ext2_read_block(es, pblk, buf);
	if (!r && ext2_dir_check_block(&es->g, buf, &why))
		r = ext2_corrupt(es, (uint32_t)dir->ino, why);
	return r;
}

/* Walk the records at or after byte offset start (the file system lock held). */
static int dir_walk_locked(struct inode *dir, uint64_t start, dir_rec_fn fn, void *arg)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	uint32_t bs = es->g.block_size;
	uint8_t *buf = kmalloc(bs);
	mutex_assert_held(&es->lock);
	if (!buf)
		return -ENOMEM;
	int r = 0;
	for (uint64_t lblk = start / bs; !r && lblk * bs < (uint64_t)dir->size; lblk++) {
		struct ext2_dir_rec rec;
		const char *why;
		uint32_t off = 0;
		r = ext2_read_dir_block(dir, lblk, buf);
		while (!r && ext2_dir_next(&es->g, buf, &off, &rec, &why) == 1) {
			uint64_t pos = lblk * bs + rec.off;
			if (rec.ino && pos >= start)
				r = fn(&rec, pos, arg);
		}
	}
	kfree(buf);
	return r;
}

static int dir_walk(struct inode *dir, uint64_t start, dir_rec_fn fn, void *arg)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	mutex_lock(&es->lock);
	int r = dir_walk_locked(dir, start, fn, arg);
	mutex_unlock(&es->lock);
	return r;
}

struct find_arg {
	const char *name;
	uint32_t len;
	uint32_t ino;
};

static int find_fn(const struct ext2_dir_rec *rec, uint64_t pos, void *arg)
{
	(void)pos;
	struct find_arg *f = arg;
	if (rec->name_len != f->len || memcmp(rec->name, f->name, f->len))
		return 0;
	f->ino = rec->ino;
	return 1;
}

static int ext2_lookup(struct inode *dir, struct dentry *d)
{
	struct find_arg f = { d->name, d->name_len, 0 };
	if (d->name_len > EXT2_NAME_LEN)
		return -ENAMETOOLONG;
	int r = dir_walk(dir, 0, find_fn, &f);
	if (r < 0)
		return r;
	if (!f.ino)
		return 0; /* stays negative */
	struct inode *inode;
	r = ext2_iget(dir->sb, f.ino, &inode);
	if (r)
		return r;
	d_instantiate(d, inode);
	return 0;
}

struct emit_arg {
	struct dir_context *ctx;
	bool filetype;
};

static int emit_fn(const struct ext2_dir_rec *rec, uint64_t pos, void *arg)
{
	struct emit_arg *e = arg;
	uint8_t dtype = e->filetype ? (uint8_t)(ext2_mode_from_ftype(rec->file_type) >> 12) : 0;
	int64_t next = (int64_t)(pos + rec->rec_len);
	if (!e->ctx->emit(e->ctx, rec->name, rec->name_len, rec->ino, dtype, next))
		return 1; /* the buffer is full: resume at this record */
	e->ctx->pos = next;
	return 0;
}

static int ext2_dir_fsync(struct file *f)
{
	return ext2_sync(EXT2_SB(f->inode->sb));
}

static int ext2_iterate(struct file *f, struct dir_context *ctx)
{
	struct inode *dir = f->inode;
	struct emit_arg e = { ctx, EXT2_SB(dir->sb)->g.filetype };
	if (ctx->pos < 0)
		return -EINVAL;
	if (ctx->pos >= dir->size)
		return 0;
	int r = dir_walk(dir, (uint64_t)ctx->pos, emit_fn, &e);
	if (r == 0)
		ctx->pos = dir->size;
	return r < 0 ? r : 0;
}

struct empty_arg {
	bool empty;
};

static int empty_fn(const struct ext2_dir_rec *rec, uint64_t pos, void *arg)
{
	(void)pos;
	bool dot = rec->name_len == 1 && rec->name[0] == '.';
	bool dotdot = rec->name_len == 2 && rec->name[0] == '.' && rec->name[1] == '.';
	if (dot || dotdot)
		return 0;
	((struct empty_arg *)arg)->empty = false;
	return 1;
}

int ext2_dir_is_empty_locked(struct inode *dir, bool *empty)
{
	struct empty_arg e = { true };
	int r = dir_walk_locked(dir, 0, empty_fn, &e);
	*empty = e.empty;
	return r < 0 ? r : 0;
}

const struct inode_ops ext2_dir_iops = {
	.lookup = ext2_lookup,
	.create = ext2_create,
	.symlink = ext2_symlink,
	.tmpfile = ext2_tmpfile,
	.link = ext2_link,
	.unlink = ext2_unlink,
	.rmdir = ext2_rmdir,
	.rename = ext2_rename,
	.setattr = ext2_setattr,
};

const struct file_ops ext2_dir_fops = {
	.iterate = ext2_iterate,
	.fsync = ext2_dir_fsync,
};
