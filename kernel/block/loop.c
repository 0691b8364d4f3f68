/* Loop devices: /dev/loopN block devices whose sectors are bytes of a backing file (read and
 * written with kernel_read/kernel_write), bound and configured with Linux's LOOP_* ioctls, and
 * /dev/loop-control, which adds, removes and finds free ones (LOOP_CTL_*). losetup, mount -o
 * loop and LTP's tst_device use exactly these.
 *
 * Locks: loop_ctl_mutex guards loops[] and every device's binding (backing file set or
 * cleared, so that a LOOP_SET_FD can follow a chain of loop devices for cycles); it is taken
 * before a device's lock. A device's lock guards its fields below and is held across each
 * transfer, so that the backing file cannot go while I/O uses it. The block layer reads
 * bd.nr_sectors, sector_size and read_only without a lock: they are written with WRITE_ONCE. */
#include <block/blkdev.h>
#include <block/loop.h>
#include <fs/vfs.h>
#include <fs/fdtable.h>
#include <core/compiler.h>
#include <core/printk.h>
#include <mm/kmalloc.h>
#include <lib/printf.h>
#include <lib/string.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/errno.h>
#include <uapi/fcntl.h>
#include <uapi/loop.h>
#include <uapi/stat.h>

#define LOOP_MAX 256 /* device numbers 0..255: minors of major 7 */
#define LOOP_BOOT_DEVICES 8 /* loop0..7 exist from boot, as Linux's max_loop default */
#define LOOP_DEFAULT_BLOCK 512

struct loop_dev {
	struct block_device bd; /* number, size and flags the block layer sees */
	int number;
	struct mutex lock;
	struct file *backing; /* lock (changes also under loop_ctl_mutex); NULL: unbound */
	uint64_t offset, sizelimit; /* lock: the window of the backing file */
	uint32_t flags; /* lock: LO_FLAGS_* */
	char file_name[LO_NAME_SIZE]; /* lock: as LOOP_SET_STATUS* gave it */
	char crypt_name[LO_NAME_SIZE]; /* lock */
	int openers; /* lock: open files of /dev/loopN and mounts on it (the last: autoclear) */
};

static struct mutex loop_ctl_mutex = MUTEX_INIT(loop_ctl_mutex, "loop_ctl");
static struct loop_dev *loops[LOOP_MAX]; /* loop_ctl_mutex */
/* /dev/loopN's file operations: the block layer's, with LOOP_* ioctls and open counting. Set
 * up once at boot (loop_init), read-only afterwards. */
static struct file_ops loop_file_ops;

static struct loop_dev *loop_of(struct file *f)
{
	struct block_device *bd = f->priv;
	return bd->driver_data;
}

/* ---- I/O ------------------------------------------------------------------------------------- */

static int loop_transfer(struct block_device *bd, uint64_t sector, void *buf, uint32_t count,
			 bool write)
{
	struct loop_dev *lo = bd->driver_data;
	size_t len = (size_t)count * bd->sector_size;
	long n = -ENXIO;
	mutex_lock(&lo->lock);
	if (lo->backing) {
		int64_t pos = (int64_t)(lo->offset + sector * bd->sector_size);
		n = write ? kernel_write(lo->backing, buf, len, pos)
			  : kernel_read(lo->backing, buf, len, pos);
		if (!write && n >= 0 && (size_t)n < len) /* the file ended: zeros, as Linux */
			memset((char *)buf + n, 0, len - (size_t)n);
		else if (write && n >= 0 && (size_t)n < len)
			n = -EIO;
	}
	mutex_unlock(&lo->lock);
	return n < 0 ? (int)n : 0;
}

static int loop_flush(struct block_device *bd)
{
	struct loop_dev *lo = bd->driver_data;
	int r = 0;
	mutex_lock(&lo->lock);
	if (lo->backing && lo->backing->ops->fsync)
		r = lo->backing->ops->fsync(lo->backing);
	mutex_unlock(&lo->lock);
	return r;
}

static const struct block_device_ops loop_ops = {
	.transfer = loop_transfer,
	.flush = loop_flush,
};

/* ---- binding --------------------------------------------------------------------------------- */

static uint64_t backing_size(const struct file *f)
{
	if (S_ISBLK(f->inode->mode)) {
		struct block_device *bd = f->priv;
		return blkdev_size_bytes(bd);
	}
	int64_t size = READ_ONCE(f->inode->size);
	return size > 0 ? (uint64_t)size : 0;
}

/* Linux's get_size: the file past the offset, cut to sizelimit, in whole blocks. */
static void update_size_locked(struct loop_dev *lo)
{
	mutex_assert_held(&lo->lock);
	uint64_t size = 0, fsize = lo->backing ? backing_size(lo->backing) : 0;
	if (fsize > lo->offset)
		size = fsize - lo->offset;
	if (lo->sizelimit && lo->sizelimit < size)
		size = lo->sizelimit;
	WRITE_ONCE(lo->bd.nr_sectors, size / lo->bd.sector_size);
}

/* As Linux's loop_validate_file: a chain of loop devices under f must end in a file, not in lo
 * (-EBADF: a cycle) nor in an unbound loop device (-EINVAL). */
static int check_chain(struct loop_dev *lo, struct file *f)
{
	mutex_assert_held(&loop_ctl_mutex);
	for (int depth = 0; depth < LOOP_MAX; depth++) {
		if (!S_ISBLK(f->inode->mode) || MAJOR(f->inode->rdev) != LOOP_MAJOR)
			return 0;
		uint32_t n = MINOR(f->inode->rdev);
		if (n >= LOOP_MAX || !loops[n])
			return -EINVAL;
		if (loops[n] == lo)
			return -EBADF;
		if (!(f = loops[n]->backing))
			return -EINVAL;
	}
	return -EBADF;
}

static int check_backing(struct loop_dev *lo, struct file *f)
{
	uint32_t type = f->inode->mode & S_IFMT;
	if (type != S_IFREG && type != S_IFBLK)
		return -EINVAL;
	if (!f->ops || !f->ops->read)
		return -EINVAL;
	return check_chain(lo, f);
}

/* Bind lo to the file behind fd (LOOP_SET_FD, LOOP_CONFIGURE): the status fields come from
 * info (NULL: all zero) and the block size from block_size (0: 512). */
static int loop_bind(struct loop_dev *lo, struct file *dev_file, int fd,
		     const struct loop_info64 *info, uint32_t block_size)
{
	struct file *f = fd_get(fd);
	if (!f)
		return -EBADF;
	mutex_lock(&loop_ctl_mutex);
	mutex_lock(&lo->lock);
	int r = lo->backing ? -EBUSY : check_backing(lo, f);
	if (!r) {
		bool ro = !(f->mode & FMODE_WRITE) || !(dev_file->mode & FMODE_WRITE) ||
			  !f->ops->write || (info && (info->lo_flags & LO_FLAGS_READ_ONLY));
		lo->backing = f;
		lo->flags = (info ? info->lo_flags & LOOP_CONFIGURE_SETTABLE_FLAGS : 0) |
			    (ro ? LO_FLAGS_READ_ONLY : 0);
		lo->offset = info ? info->lo_offset : 0;
		lo->sizelimit = info ? info->lo_sizelimit : 0;
		memset(lo->file_name, 0, sizeof(lo->file_name));
		memset(lo->crypt_name, 0, sizeof(lo->crypt_name));
		if (info) {
			memcpy(lo->file_name, info->lo_file_name, LO_NAME_SIZE - 1);
			memcpy(lo->crypt_name, info->lo_crypt_name, LO_NAME_SIZE - 1);
		}
		WRITE_ONCE(lo->bd.sector_size, block_size ? block_size : LOOP_DEFAULT_BLOCK);
		WRITE_ONCE(lo->bd.read_only, ro);
		update_size_locked(lo);
		f = NULL; /* the device keeps the reference */
	}
	mutex_unlock(&lo->lock);
	mutex_unlock(&loop_ctl_mutex);
	if (f)
		file_put(f);
	return r;
}

/* Drop the backing file (LOOP_CLR_FD, or autoclear at the last close). */
static void loop_unbind_locked(struct loop_dev *lo)
{
	mutex_assert_held(&loop_ctl_mutex);
	mutex_assert_held(&lo->lock);
	struct file *f = lo->backing;
	lo->backing = NULL;
	lo->flags = 0;
	lo->offset = lo->sizelimit = 0;
	memset(lo->file_name, 0, sizeof(lo->file_name));
	WRITE_ONCE(lo->bd.nr_sectors, 0);
	WRITE_ONCE(lo->bd.read_only, false);
	if (f) {
		mutex_unlock(&lo->lock); /* file_put may sleep in the file's release */
		file_put(f);
		mutex_lock(&lo->lock);
	}
}

/* As Linux: with other openers the device is only marked to clear at the last close. */
static int loop_clr_fd(struct loop_dev *lo)
{
	int r = 0;
	mutex_lock(&loop_ctl_mutex);
	mutex_lock(&lo->lock);
	if (!lo->backing)
		r = -ENXIO;
	else if (lo->openers > 1)
		lo->flags |= LO_FLAGS_AUTOCLEAR;
	else
		loop_unbind_locked(lo);
	mutex_unlock(&lo->lock);
	mutex_unlock(&loop_ctl_mutex);
	return r;
}

static int loop_change_fd(struct loop_dev *lo, int fd)
{
	struct file *f = fd_get(fd), *old = NULL;
	if (!f)
		return -EBADF;
	mutex_lock(&loop_ctl_mutex);
	mutex_lock(&lo->lock);
	int r = !lo->backing ? -ENXIO : check_backing(lo, f);
	if (!r && (!(lo->flags & LO_FLAGS_READ_ONLY) ||
		   backing_size(f) != backing_size(lo->backing)))
		r = -EINVAL; /* only a read-only device, for a file of the same size */
	if (!r) {
		old = lo->backing;
		lo->backing = f;
		f = NULL;
	}
	mutex_unlock(&lo->lock);
	mutex_unlock(&loop_ctl_mutex);
	if (f)
		file_put(f);
	if (old)
		file_put(old);
	return r;
}

/* ---- status ---------------------------------------------------------------------------------- */

static int loop_get_status(struct loop_dev *lo, struct loop_info64 *info)
{
	memset(info, 0, sizeof(*info));
	mutex_lock(&lo->lock);
	int r = lo->backing ? 0 : -ENXIO;
	if (!r) {
		struct inode *ino = lo->backing->inode;
		info->lo_number = (uint32_t)lo->number;
		info->lo_device = ino->sb ? ino->sb->dev : 0;
		info->lo_inode = ino->ino;
		info->lo_rdevice = ino->rdev;
		info->lo_offset = lo->offset;
		info->lo_sizelimit = lo->sizelimit;
		info->lo_flags = lo->flags;
		memcpy(info->lo_file_name, lo->file_name, LO_NAME_SIZE);
		memcpy(info->lo_crypt_name, lo->crypt_name, LO_NAME_SIZE);
	}
	mutex_unlock(&lo->lock);
	return r;
}

static int loop_set_status(struct loop_dev *lo, const struct loop_info64 *info)
{
	if (info->lo_offset > INT64_MAX || info->lo_sizelimit > INT64_MAX)
		return -EOVERFLOW;
	if (info->lo_encrypt_key_size > LO_KEY_SIZE || info->lo_encrypt_type)
		return -EINVAL; /* no encryption (Linux removed its transfer functions) */
	mutex_lock(&lo->lock);
	int r = lo->backing ? 0 : -ENXIO;
	if (!r) {
		lo->offset = info->lo_offset;
		lo->sizelimit = info->lo_sizelimit;
		lo->flags &= ~(uint32_t)LOOP_SET_STATUS_CLEARABLE_FLAGS;
		lo->flags |= info->lo_flags & LOOP_SET_STATUS_SETTABLE_FLAGS;
		memcpy(lo->file_name, info->lo_file_name, LO_NAME_SIZE - 1);
		lo->file_name[LO_NAME_SIZE - 1] = 0;
		memcpy(lo->crypt_name, info->lo_crypt_name, LO_NAME_SIZE - 1);
		lo->crypt_name[LO_NAME_SIZE - 1] = 0;
		update_size_locked(lo);
	}
	mutex_unlock(&lo->lock);
	return r;
}

/* The old structure: offsets and numbers that do not fit are EOVERFLOW, as Linux. */
static int info_to_old(const struct loop_info64 *in, struct loop_info *out)
{
	memset(out, 0, sizeof(*out));
	out->lo_number = (int32_t)in->lo_number;
	out->lo_device = in->lo_device;
	out->lo_inode = in->lo_inode;
	out->lo_rdevice = in->lo_rdevice;
	out->lo_offset = (int32_t)in->lo_offset;
	out->lo_flags = (int32_t)in->lo_flags;
	memcpy(out->lo_name, in->lo_file_name, LO_NAME_SIZE);
	if ((uint64_t)out->lo_offset != in->lo_offset || out->lo_device != in->lo_device ||
	    out->lo_rdevice != in->lo_rdevice)
		return -EOVERFLOW;
	return 0;
}

static void info_from_old(const struct loop_info *in, struct loop_info64 *out)
{
	memset(out, 0, sizeof(*out));
	out->lo_offset = (uint64_t)(int64_t)in->lo_offset;
	out->lo_encrypt_type = (uint32_t)in->lo_encrypt_type;
	out->lo_encrypt_key_size = (uint32_t)in->lo_encrypt_key_size;
	out->lo_flags = (uint32_t)in->lo_flags;
	memcpy(out->lo_file_name, in->lo_name, LO_NAME_SIZE);
}

static long status_ioctl(struct loop_dev *lo, unsigned int cmd, uint64_t arg)
{
	void __user *uarg = (void __user *)arg;
	struct loop_info64 info;
	struct loop_info old;
	int r;
	switch (cmd) {
	case LOOP_GET_STATUS64:
		r = loop_get_status(lo, &info);
		return r ? r : copy_to_user(uarg, &info, sizeof(info)) ? -EFAULT : 0;
	case LOOP_GET_STATUS:
		r = loop_get_status(lo, &info);
		if (!r)
			r = info_to_old(&info, &old);
		return r ? r : copy_to_user(uarg, &old, sizeof(old)) ? -EFAULT : 0;
	case LOOP_SET_STATUS64:
		if (copy_from_user(&info, uarg, sizeof(info)))
			return -EFAULT;
		return loop_set_status(lo, &info);
	case LOOP_SET_STATUS:
		if (copy_from_user(&old, uarg, sizeof(old)))
			return -EFAULT;
		info_from_old(&old, &info);
		return loop_set_status(lo, &info);
	}
	return -ENOTTY;
}

static bool valid_block_size(uint64_t bs)
{
	return bs >= 512 && bs <= 4096 && !(bs & (bs - 1));
}

static long loop_configure(struct loop_dev *lo, struct file *f, uint64_t arg)
{
	struct loop_config c;
	if (copy_from_user(&c, (const void __user *)arg, sizeof(c)))
		return -EFAULT;
	for (size_t i = 0; i < sizeof(c.reserved) / sizeof(c.reserved[0]); i++)
		if (c.reserved[i])
			return -EINVAL;
	if (c.block_size && !valid_block_size(c.block_size))
		return -EINVAL;
	if (c.info.lo_flags & ~(uint32_t)LOOP_CONFIGURE_SETTABLE_FLAGS)
		return -EINVAL;
	if (c.info.lo_offset > INT64_MAX || c.info.lo_sizelimit > INT64_MAX)
		return -EOVERFLOW;
	if (c.info.lo_flags & LO_FLAGS_DIRECT_IO)
		return -EINVAL; /* no O_DIRECT on the backing files here */
	return loop_bind(lo, f, (int)c.fd, &c.info, c.block_size);
}

/* LOOP_SET_CAPACITY, LOOP_SET_BLOCK_SIZE, LOOP_SET_DIRECT_IO on a bound device. */
static long geometry_ioctl(struct loop_dev *lo, unsigned int cmd, uint64_t arg)
{
	mutex_lock(&lo->lock);
	long r = lo->backing ? 0 : -ENXIO;
	if (!r && cmd == LOOP_SET_BLOCK_SIZE) {
		if (valid_block_size(arg))
			WRITE_ONCE(lo->bd.sector_size, (uint32_t)arg);
		else
			r = -EINVAL;
	} else if (!r && cmd == LOOP_SET_DIRECT_IO && arg) {
		r = -EINVAL; /* the backing files here take no O_DIRECT */
	}
	if (!r)
		update_size_locked(lo);
	mutex_unlock(&lo->lock);
	return r;
}

static long loop_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	struct loop_dev *lo = loop_of(f);
	switch (cmd) {
	case LOOP_SET_FD: return loop_bind(lo, f, (int)arg, NULL, 0);
	case LOOP_CONFIGURE: return loop_configure(lo, f, arg);
	case LOOP_CHANGE_FD: return loop_change_fd(lo, (int)arg);
	case LOOP_CLR_FD: return loop_clr_fd(lo);
	case LOOP_GET_STATUS:
	case LOOP_GET_STATUS64:
	case LOOP_SET_STATUS:
	case LOOP_SET_STATUS64: return status_ioctl(lo, cmd, arg);
	case LOOP_SET_CAPACITY:
	case LOOP_SET_BLOCK_SIZE:
	case LOOP_SET_DIRECT_IO: return geometry_ioctl(lo, cmd, arg);
	default: return blkdev_file_ops.ioctl(f, cmd, arg);
	}
}

static int loop_open(struct inode *inode, struct file *f)
{
	int r = blkdev_file_ops.open(inode, f);
	if (r)
		return r;
	struct loop_dev *lo = loop_of(f);
	mutex_lock(&lo->lock);
	lo->openers++;
	mutex_unlock(&lo->lock);
	return 0;
}

/* One opener less: the last one detaches an autoclear device, as Linux's lo_release. */
static void loop_put_opener(struct loop_dev *lo)
{
	mutex_lock(&loop_ctl_mutex);
	mutex_lock(&lo->lock);
	if (--lo->openers == 0 && lo->backing && (lo->flags & LO_FLAGS_AUTOCLEAR))
		loop_unbind_locked(lo);
	mutex_unlock(&lo->lock);
	mutex_unlock(&loop_ctl_mutex);
}

static void loop_release(struct file *f)
{
	loop_put_opener(loop_of(f));
	blkdev_file_ops.release(f);
}

void loop_holder(struct block_device *bd, bool hold)
{
	if (MAJOR(bd->rdev) != LOOP_MAJOR || bd->ops != &loop_ops)
		return;
	struct loop_dev *lo = bd->driver_data;
	if (!hold) {
		loop_put_opener(lo);
		return;
	}
	mutex_lock(&lo->lock);
	lo->openers++;
	mutex_unlock(&lo->lock);
}

/* ---- devices and /dev/loop-control ----------------------------------------------------------- */

static void loop_free(struct block_device *bd)
{
	kfree(bd->driver_data);
}

static int loop_add_locked(int n)
{
	mutex_assert_held(&loop_ctl_mutex);
	if (n == -ENOSPC)
		return n;
	if (n < 0 || n >= LOOP_MAX)
		return -EINVAL;
	if (loops[n])
		return -EEXIST;
	struct loop_dev *lo = kmalloc(sizeof(*lo)) /* zeroed */;
	if (!lo)
		return -ENOMEM;
	lo->number = n;
	mutex_init(&lo->lock, "loop");
	ksnprintf(lo->bd.name, sizeof(lo->bd.name), "loop%d", n);
	lo->bd.rdev = MKDEV(LOOP_MAJOR, n);
	lo->bd.sector_size = LOOP_DEFAULT_BLOCK;
	lo->bd.ops = &loop_ops;
	lo->bd.driver_data = lo;
	lo->bd.no_partscan = true;
	int r = blkdev_register(&lo->bd);
	if (r) {
		kfree(lo);
		return r;
	}
	lo->bd.release = loop_free; /* from now on the registry's last reference frees it */
	loops[n] = lo;
	return n;
}

static int loop_remove_locked(int n)
{
	mutex_assert_held(&loop_ctl_mutex);
	if (n < 0 || n >= LOOP_MAX || !loops[n])
		return -ENODEV;
	struct loop_dev *lo = loops[n];
	mutex_lock(&lo->lock);
	bool busy = lo->backing || lo->openers;
	mutex_unlock(&lo->lock);
	if (busy)
		return -EBUSY;
	int r = blkdev_unregister(&lo->bd);
	if (!r)
		loops[n] = NULL;
	return r;
}

/* The lowest number no device has (LOOP_CTL_ADD of a negative number), or -ENOSPC. */
static int unused_number_locked(void)
{
	mutex_assert_held(&loop_ctl_mutex);
	for (int n = 0; n < LOOP_MAX; n++)
		if (!loops[n])
			return n;
	return -ENOSPC;
}

/* An existing unbound device, else a new one: its number. */
static int loop_get_free_locked(void)
{
	mutex_assert_held(&loop_ctl_mutex);
	for (int n = 0; n < LOOP_MAX; n++) {
		if (!loops[n])
			continue;
		mutex_lock(&loops[n]->lock);
		bool free = !loops[n]->backing;
		mutex_unlock(&loops[n]->lock);
		if (free)
			return n;
	}
	int n = unused_number_locked();
	return n < 0 ? n : loop_add_locked(n);
}

static long loop_ctl_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	(void)f;
	long r;
	int n = (int)arg; /* Linux takes the argument as an int */
	mutex_lock(&loop_ctl_mutex);
	switch (cmd) {
	case LOOP_CTL_ADD: r = loop_add_locked(n < 0 ? unused_number_locked() : n); break;
	case LOOP_CTL_REMOVE: r = loop_remove_locked(n); break;
	case LOOP_CTL_GET_FREE: r = loop_get_free_locked(); break;
	default: r = -ENOSYS; break; /* as Linux's loop_control_ioctl */
	}
	mutex_unlock(&loop_ctl_mutex);
	return r;
}

static int loop_ctl_open(struct inode *inode, struct file *f)
{
	(void)inode;
	(void)f;
	return 0;
}

static const struct file_ops loop_ctl_ops = {
	.open = loop_ctl_open,
	.ioctl = loop_ctl_ioctl,
	.llseek = noop_llseek,
};

const struct file_ops *loop_file_ops_for(uint64_t rdev)
{
	return MAJOR(rdev) == LOOP_MAJOR ? &loop_file_ops : NULL;
}

void loop_init(void)
{
	loop_file_ops = blkdev_file_ops;
	loop_file_ops.open = loop_open;
	loop_file_ops.release = loop_release;
	loop_file_ops.ioctl = loop_ioctl;
	int r = chrdev_register(MKDEV(LOOP_CTRL_MAJOR, LOOP_CTRL_MINOR), &loop_ctl_ops);
	mutex_lock(&loop_ctl_mutex);
	for (int n = 0; !r && n < LOOP_BOOT_DEVICES; n++)
		r = loop_add_locked(n) < 0;
	mutex_unlock(&loop_ctl_mutex);
	if (r)
		pr_err("loop: set-up failed\n");
}
