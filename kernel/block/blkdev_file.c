/* Open block-device nodes (/dev/vda): read and write at any offset and length through a bounce
 * buffer (partial sectors are read, patched and written back under the device's rmw_lock),
 * lseek against the device size, fsync as a cache flush, and the BLK* ioctls, as Linux's
 * block/fops.c and block/ioctl.c answer them. */
#include <block/blkdev.h>
#include <fs/vfs.h>
#include <mm/kmalloc.h>
#include <mm/layout.h>
#include <proc/process.h>
#include <proc/signal.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/capability.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/fs.h>

#define BOUNCE_SIZE (256u * 1024u) /* a multiple of both sector sizes; 2 requests in flight */

static uint64_t round_down(uint64_t x, uint32_t a)
{
	return x - x % a;
}

/* The bytes of a len-byte transfer at pos (inside the device) that fit before its end. */
static size_t clamp_to_end(size_t len, uint64_t size, int64_t pos)
{
	uint64_t left = size - (uint64_t)pos;
	return len < left ? len : (size_t)left;
}

static int bdev_open(struct inode *inode, struct file *f)
{
	struct block_device *bd = blkdev_get(inode->rdev);
	if (!bd)
		return -ENXIO;
	f->priv = bd;
	return 0;
}

static void bdev_release(struct file *f)
{
	blkdev_put(f->priv);
}

/* A call's bounce buffer: as large as the sectors the call touches, at most BOUNCE_SIZE. */
struct bounce {
	char *buf;
	size_t size;
};

/* The chunk of a transfer at pos (left bytes to go) that fits the bounce buffer: its byte
 * count, with *first the sector-aligned offset the buffer starts at. */
static size_t chunk_span(const struct block_device *bd, const struct bounce *bb, uint64_t pos,
			 size_t left, uint64_t *first)
{
	uint64_t a = round_down(pos, bd->sector_size);
	*first = a;
	return left < a + bb->size - pos ? left : (size_t)(a + bb->size - pos);
}

/* One chunk of a read: the sectors covering [pos, pos + n) into the bounce buffer, then out. */
static long read_chunk(struct block_device *bd, const struct bounce *bb, struct uio *u,
		       uint64_t pos, size_t left)
{
	uint32_t ss = bd->sector_size;
	uint64_t a;
	size_t n = chunk_span(bd, bb, pos, left, &a);
	char *bounce = bb->buf;
	uint64_t b = round_down(pos + n + ss - 1, ss);
	int r = blkdev_read(bd, a, bounce, (size_t)(b - a));
	if (!r)
		r = uio_copy_out(u, bounce + (pos - a), n);
	return r ? r : (long)n;
}

/* One chunk of a write: a partial first or last sector is read first, so that the bytes
 * around the caller's stay as they were. The whole disk's rmw_lock serializes this for the
 * disk and all its partitions, which share the sectors. */
static long write_chunk(struct block_device *bd, const struct bounce *bb, struct uio *u,
			uint64_t pos, size_t left)
{
	uint32_t ss = bd->sector_size;
	uint64_t a;
	size_t n = chunk_span(bd, bb, pos, left, &a);
	char *bounce = bb->buf;
	uint64_t end = pos + n, last = round_down(end, ss);
	uint64_t b = round_down(end + ss - 1, ss);
	struct mutex *rmw = &(bd->parent ? bd->parent : bd)->rmw_lock;
	mutex_lock(rmw);
	int r = 0;
	if (pos != a)
		r = blkdev_read(bd, a, bounce, ss);
	if (!r && end != last && !(last == a && pos != a))
		r = blkdev_read(bd, last, bounce + (last - a), ss);
	if (!r)
		r = uio_copy_in(u, bounce + (pos - a), n);
	if (!r)
		r = blkdev_write(bd, a, bounce, (size_t)(b - a));
	mutex_unlock(rmw);
	return r ? r : (long)n;
}

typedef long (*chunk_fn)(struct block_device *bd, const struct bounce *bb, struct uio *u,
			 uint64_t pos, size_t left);

/* Move `total` bytes a chunk at a time; a signal ends a long transfer between chunks with what
 * is done, an error with what is done or the error. */
static long bdev_rw(struct file *f, struct uio *u, int64_t *pos, size_t total, chunk_fn fn)
{
	struct block_device *bd = f->priv;
	uint32_t ss = bd->sector_size;
	uint64_t span = round_down((uint64_t)*pos % ss + total + ss - 1, ss);
	struct bounce bb = { .size = span < BOUNCE_SIZE ? (size_t)span : BOUNCE_SIZE };
	if (!(bb.buf = kmalloc(bb.size)))
		return -ENOMEM;
	size_t done = 0;
	long r = 0;
	while (done < total && !(done && signal_copy_should_stop(done))) {
		r = fn(bd, &bb, u, (uint64_t)*pos, total - done);
		if (r <= 0)
			break;
		done += (size_t)r;
		*pos += r;
	}
	kfree(bb.buf);
	return done ? (long)done : r;
}

/* O_DIRECT as Linux's blkdev_dio_unaligned: the position and length in whole logical blocks,
 * the user buffer at the queue's DMA alignment (512 bytes). The data still goes through the
 * bounce buffer (there is no page cache to bypass), but the contract is Linux's. */
#define DIO_MEM_ALIGN 512

static bool dio_unaligned(const struct file *f, const struct uio *u, int64_t pos, size_t len)
{
	uint32_t ss = ((const struct block_device *)f->priv)->sector_size;
	if (!(f->flags & O_DIRECT))
		return false;
	return (uint64_t)pos % ss || len % ss || (!u->kernel && (uint64_t)u->ubuf % DIO_MEM_ALIGN);
}

static long bdev_read(struct file *f, struct uio *u, int64_t *pos)
{
	uint64_t size = blkdev_size_bytes(f->priv);
	if (*pos < 0)
		return -EINVAL;
	if ((uint64_t)*pos >= size)
		return 0;
	size_t total = clamp_to_end(u->resid, size, *pos);
	if (dio_unaligned(f, u, *pos, total))
		return -EINVAL;
	return bdev_rw(f, u, pos, total, read_chunk);
}

/* As Linux's blkdev_write_iter: EPERM on a read-only device, ENOSPC at or past the end, a
 * short write at the end. */
static long bdev_write(struct file *f, struct uio *u, int64_t *pos)
{
	struct block_device *bd = f->priv;
	uint64_t size = blkdev_size_bytes(bd);
	if (bd->read_only)
		return -EPERM;
	if (!u->resid)
		return 0;
	if (*pos < 0)
		return -EINVAL;
	if ((uint64_t)*pos >= size)
		return -ENOSPC;
	size_t total = clamp_to_end(u->resid, size, *pos);
	if (dio_unaligned(f, u, *pos, total))
		return -EINVAL;
	return bdev_rw(f, u, pos, total, write_chunk);
}

/* Linux's fixed_size_llseek: positions from 0 to the size; SEEK_DATA/SEEK_HOLE see no holes. */
static int64_t bdev_llseek(struct file *f, int64_t off, int whence)
{
	int64_t size = (int64_t)blkdev_size_bytes(f->priv);
	int64_t base;
	switch (whence) {
	case SEEK_SET: base = 0; break;
	case SEEK_CUR: base = f->pos; break;
	case SEEK_END: base = size; break;
	case SEEK_DATA:
	case SEEK_HOLE:
		if (off < 0 || off >= size)
			return -ENXIO;
		base = 0;
		if (whence == SEEK_HOLE)
			off = size;
		break;
	default: return -EINVAL;
	}
	if ((off > 0 && base > INT64_MAX - off) || base + off < 0 || base + off > size)
		return -EINVAL;
	f->pos = base + off;
	return f->pos;
}

static int bdev_fsync(struct file *f)
{
	return blkdev_flush(f->priv);
}

/* Linux's block_size of a device: the largest power of two up to a page that divides the size,
 * no smaller than the logical sector. */
static int soft_block_size(const struct block_device *bd)
{
	uint64_t size = blkdev_size_bytes(bd);
	uint32_t bs = 4096;
	while (bs > bd->sector_size && size % bs)
		bs /= 2;
	return (int)bs;
}

static long put_value(uint64_t arg, const void *v, size_t len)
{
	return copy_to_user((void __user *)arg, v, len) ? -EFAULT : 0;
}

static long set_read_only(struct block_device *bd, uint64_t arg)
{
	int ro;
	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	if (copy_from_user(&ro, (const int __user *)arg, sizeof(ro)))
		return -EFAULT;
	if (!ro && bd->parent && bd->parent->read_only)
		return 0; /* as Linux: a partition of a read-only disk stays read-only */
	WRITE_ONCE(bd->read_only, ro != 0);
	return 0;
}

/* The read-ahead setting, in 512-byte sectors as Linux's BLKRAGET/BLKRASET speak it (kept in
 * pages, so a value is rounded down to a page, as on Linux). */
static long read_ahead(struct block_device *bd, unsigned int cmd, uint64_t arg)
{
	uint64_t per_page = PAGE_SIZE / 512;
	if (cmd == BLKRAGET || cmd == BLKFRAGET) {
		uint64_t sectors = READ_ONCE(bd->ra_pages) * per_page;
		return put_value(arg, &sectors, sizeof(sectors));
	}
	if (!capable(CAP_SYS_ADMIN))
		return -EACCES;
	if (arg / per_page > UINT32_MAX)
		return -EINVAL;
	WRITE_ONCE(bd->ra_pages, (uint32_t)(arg / per_page));
	return 0;
}

static long bdev_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct block_device *bd = f->priv;
	uint64_t size = blkdev_size_bytes(bd), sectors = size / 512;
	int i;
	unsigned int u;
	switch (cmd) {
	case BLKGETSIZE64: return put_value(arg, &size, sizeof(size));
	case BLKGETSIZE: return put_value(arg, &sectors, sizeof(sectors));
	case BLKSSZGET: i = (int)bd->sector_size; return put_value(arg, &i, sizeof(i));
	case BLKPBSZGET:
	case BLKIOMIN: u = bd->sector_size; return put_value(arg, &u, sizeof(u));
	case BLKIOOPT: u = 0; return put_value(arg, &u, sizeof(u));
	case BLKALIGNOFF: i = 0; return put_value(arg, &i, sizeof(i));
	case BLKSECTGET: return put_value(arg, &(uint16_t){ BLKDEV_MAX_TRANSFER / 512 }, 2);
	case BLKBSZGET: i = soft_block_size(bd); return put_value(arg, &i, sizeof(i));
	case BLKROGET: i = READ_ONCE(bd->read_only); return put_value(arg, &i, sizeof(i));
	case BLKROSET: return set_read_only(bd, arg);
	case BLKFLSBUF: return capable(CAP_SYS_ADMIN) ? blkdev_flush(bd) : -EACCES;
	case BLKRRPART: return capable(CAP_SYS_ADMIN) ? blkdev_rescan(bd) : -EACCES;
	case BLKRAGET:
	case BLKFRAGET:
	case BLKRASET:
	case BLKFRASET: return read_ahead(bd, cmd, arg);
	case BLKDISCARD:
	case BLKSECDISCARD:
	case BLKZEROOUT: return -EOPNOTSUPP;
	default: return -ENOTTY;
	}
}

const struct file_ops blkdev_file_ops = {
	.open = bdev_open,
	.read = bdev_read,
	.write = bdev_write,
	.llseek = bdev_llseek,
	.ioctl = bdev_ioctl,
	.fsync = bdev_fsync,
	.release = bdev_release,
};
