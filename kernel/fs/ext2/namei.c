/* ext2 directory changes: create (files, directories, devices, FIFOs, sockets), symlink (fast
 * in i_block, slow in a block), link, unlink, rmdir and rename with ".." and link counts kept
 * right. Records are added into free space of an existing block (splitting a record's slack)
 * or a new block, and removed by merging into the previous record, as Linux's ext2 does. The
 * VFS holds namespace_mutex; each operation takes the file system lock. */
#include <fs/ext2/ext2.h>
#include <lib/string.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>

#define EXT2_LINK_MAX 32000

/* Where a record lies: logical block, offset, and the previous record's offset in that block
 * (NO_PREV for the first). */
#define NO_PREV UINT32_MAX
struct dir_slot {
	uint64_t lblk;
	uint32_t off, prev, ino;
};

static uint8_t *block_buf(struct inode *dir)
{
	return kmalloc(EXT2_SB(dir->sb)->g.block_size);
}

/* Write the changed directory block buf back, and the directory's times and flags. */
static int put_dir_block(struct inode *dir, uint64_t lblk, const uint8_t *buf)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct ext2_inode_mem *m = dir->priv;
	uint32_t pblk;
	int r = ext2_bmap_inode(dir, lblk, &pblk);
	if (!r)
		r = ext2_write_block_part(es, pblk, 0, buf, es->g.block_size);
	m->info.flags &= ~(uint32_t)EXT2_INDEX_FL; /* a changed directory has no valid hash index */
	inode_touch(dir, ATTR_MTIME | ATTR_CTIME);
	return r;
}

static int find_slot(struct inode *dir, const char *name, uint32_t len, struct dir_slot *out,
		     uint8_t *buf)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	uint32_t bs = es->g.block_size;
	for (uint64_t lblk = 0; lblk * bs < (uint64_t)dir->size; lblk++) {
		struct ext2_dir_rec rec;
		const char *why;
		uint32_t off = 0, prev = NO_PREV;
		int r = ext2_read_dir_block(dir, lblk, buf);
		if (r)
			return r;
		while (ext2_dir_next(&es->g, buf, &off, &rec, &why) == 1) {
			if (rec.ino && rec.name_len == len && !memcmp(rec.name, name, len)) {
				*out = (struct dir_slot){ lblk, rec.off, prev, rec.ino };
				return 0;
			}
			prev = rec.off;
		}
	}
	return -ENOENT;
}

/* Room for a record of need bytes in this block: its offset (after splitting a record), or
 * -ENOSPC. */
static int64_t room_in_block(const struct ext2_geom *g, uint8_t *buf, uint32_t need)
{
	struct ext2_dir_rec rec;
	const char *why;
	uint32_t off = 0;
	while (ext2_dir_next(g, buf, &off, &rec, &why) == 1) {
		uint32_t used = rec.ino ? ext2_dir_rec_size(rec.name_len) : 0;
		if (rec.rec_len - used < need)
			continue;
		if (used) {
			struct ext2_dirent *de = (struct ext2_dirent *)(buf + rec.off);
			de->rec_len = (uint16_t)used;
			ext2_dir_put(g, buf, rec.off + used, 0, rec.rec_len - used, "", 0, 0);
		}
		return rec.off + used;
	}
	return -ENOSPC;
}

static int add_entry(struct inode *dir, const char *name, uint32_t len, struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	uint32_t bs = es->g.block_size, need = ext2_dir_rec_size(len), pblk;
	uint8_t ft = ext2_ftype_from_mode(inode->mode), *buf = block_buf(dir);
	uint64_t lblk = 0;
	int r = buf ? 0 : -ENOMEM;
	for (; !r && lblk * bs < (uint64_t)dir->size; lblk++) {
		r = ext2_read_dir_block(dir, lblk, buf);
		int64_t off = r ? -1 : room_in_block(&es->g, buf, need);
		if (off >= 0) {
			struct ext2_dirent *de = (struct ext2_dirent *)(buf + off);
			ext2_dir_put(&es->g, buf, (uint32_t)off, (uint32_t)inode->ino, de->rec_len,
				     name, len, ft);
			r = put_dir_block(dir, lblk, buf);
			kfree(buf);
			return r;
		}
	}
	bool fresh;
	if (!r)
		r = ext2_bmap_alloc(dir, lblk, &pblk, &fresh);
	if (!r) {
		memset(buf, 0, bs);
		ext2_dir_put(&es->g, buf, 0, (uint32_t)inode->ino, bs, name, len, ft);
		dir->size += bs;
		r = put_dir_block(dir, lblk, buf);
	}
	kfree(buf);
	return r;
}

/* Remove the record at s: merged into the previous one, or (first in its block) unused. */
static int remove_entry(struct inode *dir, const struct dir_slot *s, uint8_t *buf)
{
	struct ext2_dirent *de = (struct ext2_dirent *)(buf + s->off);
	if (s->prev == NO_PREV)
		de->inode = 0;
	else
		((struct ext2_dirent *)(buf + s->prev))->rec_len += de->rec_len;
	return put_dir_block(dir, s->lblk, buf);
}

/* Point the record at s to inode (rename over an existing name, "..": its type too). */
static int retarget_entry(struct inode *dir, const struct dir_slot *s, uint8_t *buf,
			  struct inode *inode)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct ext2_dirent *de = (struct ext2_dirent *)(buf + s->off);
	de->inode = (uint32_t)inode->ino;
	if (es->g.filetype)
		de->file_type = ext2_ftype_from_mode(inode->mode);
	return put_dir_block(dir, s->lblk, buf);
}

/* A new directory's first block: "." and "..". */
static int init_dir(struct inode *inode, struct inode *parent)
{
	struct ext2_sb *es = EXT2_SB(inode->sb);
	uint32_t bs = es->g.block_size, pblk;
	bool fresh;
	uint8_t *buf = block_buf(inode);
	int r = buf ? ext2_bmap_alloc(inode, 0, &pblk, &fresh) : -ENOMEM;
	if (!r) {
		ext2_dir_put(&es->g, buf, 0, (uint32_t)inode->ino, 12, ".", 1, EXT2_FT_DIR);
		ext2_dir_put(&es->g, buf, 12, (uint32_t)parent->ino, bs - 12, "..", 2, EXT2_FT_DIR);
		r = ext2_write_block_part(es, pblk, 0, buf, bs);
		inode->size = bs;
		inode->nlink = 2;
	}
	kfree(buf);
	return r;
}

static int check_name(struct inode *dir, struct dentry *d)
{
	if (!READ_ONCE(EXT2_SB(dir->sb)->rw))
		return -EROFS;
	return d->name_len > EXT2_NAME_LEN ? -ENAMETOOLONG : 0;
}

/* The end of a create-like operation: the new inode named by d, or freed (nlink 0) on error.
 * Called with the lock held; drops it. */
static int finish_new(struct inode *dir, struct dentry *d, struct inode *inode, int r)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	if (!r)
		r = ext2_write_inode(inode);
	if (!r)
		r = add_entry(dir, d->name, d->name_len, inode);
	if (r && inode && S_ISDIR(inode->mode) && inode->nlink)
		dir->nlink--;
	if (r && inode)
		inode->nlink = 0;
	int w = ext2_write_inode(dir);
	mutex_unlock(&es->lock);
	if (r) {
		inode_put(inode); /* freed at eviction */
		return r;
	}
	d_instantiate(d, inode);
	return w;
}

int ext2_create(struct inode *dir, struct dentry *d, uint32_t mode, uint64_t rdev)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct inode *inode = NULL;
	int r = check_name(dir, d);
	if (r)
		return r;
	if (S_ISDIR(mode) && dir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	mutex_lock(&es->lock);
	r = ext2_new_inode(dir, mode, &inode);
	if (!r && S_ISDIR(mode)) {
		r = init_dir(inode, dir);
		if (!r)
			dir->nlink++;
	}
	if (!r && (S_ISCHR(mode) || S_ISBLK(mode)))
		inode->rdev = rdev;
	return finish_new(dir, d, inode, r);
}

/* O_TMPFILE: a regular file without a name (nlink 0: freed at the last close unless linkat
 * names it, which ext2_link does). */
int ext2_tmpfile(struct inode *dir, uint32_t mode, struct inode **out)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct inode *inode = NULL;
	if (!READ_ONCE(es->rw))
		return -EROFS;
	mutex_lock(&es->lock);
	int r = ext2_new_inode(dir, mode, &inode);
	if (inode)
		inode->nlink = 0;
	if (!r)
		r = ext2_write_inode(inode);
	mutex_unlock(&es->lock);
	if (r) {
		inode_put(inode);
		return r;
	}
	*out = inode;
	return 0;
}

int ext2_symlink(struct inode *dir, struct dentry *d, const char *target)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	size_t len = strlen(target);
	struct inode *inode = NULL;
	int r = check_name(dir, d);
	if (r)
		return r;
	if (len + 1 > es->g.block_size)
		return -ENAMETOOLONG;
	mutex_lock(&es->lock);
	r = ext2_new_inode(dir, S_IFLNK | 0777, &inode);
	if (!r) {
		struct ext2_inode_mem *m = inode->priv;
		uint32_t pblk;
		bool fresh;
		m->info.fast_symlink = len < EXT2_FAST_SYMLINK_MAX;
		if (m->info.fast_symlink)
			memcpy(m->info.block, target, len);
		else
			r = ext2_bmap_alloc(inode, 0, &pblk, &fresh);
		if (!r && !m->info.fast_symlink)
			r = ext2_write_block_part(es, pblk, 0, target, len);
		inode->size = (int64_t)len;
	}
	return finish_new(dir, d, inode, r);
}

int ext2_link(struct dentry *old, struct inode *dir, struct dentry *d)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct inode *inode = old->inode;
	int r = check_name(dir, d);
	if (r)
		return r;
	if (inode->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	mutex_lock(&es->lock);
	r = add_entry(dir, d->name, d->name_len, inode);
	if (!r) {
		inode->nlink++;
		inode_touch(inode, ATTR_CTIME);
		r = ext2_write_inode(inode);
	}
	int w = ext2_write_inode(dir);
	mutex_unlock(&es->lock);
	if (r || w)
		return r ? r : w;
	inode_get(inode);
	d_instantiate(d, inode);
	return 0;
}

/* Remove the name d from dir (its record must name d's inode). lock held. */
static int drop_name(struct inode *dir, struct dentry *d)
{
	struct dir_slot s;
	uint8_t *buf = block_buf(dir);
	int r = buf ? find_slot(dir, d->name, d->name_len, &s, buf) : -ENOMEM;
	if (!r && s.ino != d->inode->ino)
		r = ext2_corrupt(EXT2_SB(dir->sb), (uint32_t)dir->ino, "entry changed under us");
	if (!r)
		r = remove_entry(dir, &s, buf);
	kfree(buf);
	return r;
}

int ext2_unlink(struct inode *dir, struct dentry *d)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct inode *inode = d->inode;
	if (!READ_ONCE(es->rw))
		return -EROFS;
	mutex_lock(&es->lock);
	int r = drop_name(dir, d);
	if (!r) {
		inode->nlink--;
		inode_touch(inode, ATTR_CTIME);
		r = ext2_write_inode(inode); /* at nlink 0 freed when the last user lets go */
	}
	int w = ext2_write_inode(dir);
	mutex_unlock(&es->lock);
	return r ? r : w;
}

int ext2_rmdir(struct inode *dir, struct dentry *d)
{
	struct ext2_sb *es = EXT2_SB(dir->sb);
	struct inode *inode = d->inode;
	bool empty;
	if (!READ_ONCE(es->rw))
		return -EROFS;
	mutex_lock(&es->lock);
	int r = ext2_dir_is_empty_locked(inode, &empty);
	if (!r && !empty)
		r = -ENOTEMPTY;
	if (!r)
		r = drop_name(dir, d);
	if (!r) {
		inode->nlink = 0;
		dir->nlink--;
		inode_touch(inode, ATTR_CTIME);
		r = ext2_write_inode(inode);
	}
	int w = ext2_write_inode(dir);
	mutex_unlock(&es->lock);
	return r ? r : w;
}

/* A directory moved to a new parent: its ".." names the new one. */
static int set_dotdot(struct inode *inode, struct inode *parent)
{
	struct dir_slot s;
	uint8_t *buf = block_buf(inode);
	int r = buf ? find_slot(inode, "..", 2, &s, buf) : -ENOMEM;
	if (!r)
		r = retarget_entry(inode, &s, buf, parent);
	kfree(buf);
	return r;
}

/* The name nd (in ndir) now means inode: the record retargeted if it existed, else added. The
 * replaced inode loses the link. */
static int take_name(struct inode *ndir, struct dentry *nd, struct inode *inode)
{
	struct inode *old = nd->inode;
	if (!old)
		return add_entry(ndir, nd->name, nd->name_len, inode);
	bool empty = true;
	struct dir_slot s;
	uint8_t *buf = block_buf(ndir);
	int r = buf ? 0 : -ENOMEM;
	if (!r && S_ISDIR(old->mode))
		r = ext2_dir_is_empty_locked(old, &empty);
	if (!r && !empty)
		r = -ENOTEMPTY;
	if (!r)
		r = find_slot(ndir, nd->name, nd->name_len, &s, buf);
	if (!r)
		r = retarget_entry(ndir, &s, buf, inode);
	kfree(buf);
	if (r)
		return r;
	if (S_ISDIR(old->mode)) {
		old->nlink = 0;
		ndir->nlink--;
	} else {
		old->nlink--;
	}
	inode_touch(old, ATTR_CTIME);
	return ext2_write_inode(old);
}

/* The record of name d in dir now names inode. */
static int point_name(struct inode *dir, struct dentry *d, struct inode *inode)
{
	struct dir_slot s;
	uint8_t *buf = block_buf(dir);
	int r = buf ? find_slot(dir, d->name, d->name_len, &s, buf) : -ENOMEM;
	if (!r)
		r = retarget_entry(dir, &s, buf, inode);
	kfree(buf);
	return r;
}

/* A directory that moves from one parent to another: its "..", and the parents' link counts. */
static int move_dir(struct inode *inode, struct inode *from, struct inode *to)
{
	if (!S_ISDIR(inode->mode) || from == to)
		return 0;
	from->nlink--;
	to->nlink++;
	return set_dotdot(inode, to);
}

/* RENAME_EXCHANGE: the two names trade their inodes. lock held. */
static int exchange(struct inode *odir, struct dentry *od, struct inode *ndir, struct dentry *nd)
{
	struct inode *a = od->inode, *b = nd->inode;
	int r = point_name(odir, od, b);
	if (!r)
		r = point_name(ndir, nd, a);
	if (!r)
		r = move_dir(a, odir, ndir);
	if (!r)
		r = move_dir(b, ndir, odir);
	inode_touch(b, ATTR_CTIME);
	int w = ext2_write_inode(b);
	return r ? r : w;
}

int ext2_rename(struct inode *odir, struct dentry *od, struct inode *ndir, struct dentry *nd,
		unsigned flags)
{
	struct ext2_sb *es = EXT2_SB(odir->sb);
	struct inode *inode = od->inode;
	int r = check_name(ndir, nd);
	if (r)
		return r;
	bool moves = S_ISDIR(inode->mode) && odir != ndir;
	if (moves && !nd->inode && ndir->nlink >= EXT2_LINK_MAX)
		return -EMLINK;
	mutex_lock(&es->lock);
	if (flags & RENAME_EXCHANGE) {
		r = exchange(odir, od, ndir, nd);
	} else {
		r = take_name(ndir, nd, inode);
		if (!r)
			r = drop_name(odir, od);
		if (!r)
			r = move_dir(inode, odir, ndir);
	}
	if (!r) {
		inode_touch(inode, ATTR_CTIME);
		r = ext2_write_inode(inode);
	}
	int w = ext2_write_inode(odir);
	if (ndir != odir && !w)
		w = ext2_write_inode(ndir);
	mutex_unlock(&es->lock);
	return r ? r : w;
}
