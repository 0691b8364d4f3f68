/* The memory character devices of major 1: /dev/null (1,3), /dev/zero (1,5), /dev/full (1,7),
 * /dev/random (1,8) and /dev/urandom (1,9) — both random devices read the kernel CSPRNG, which
 * is seeded before user space starts, so neither ever blocks — and random(4)'s ioctls. */
#include <drivers/mem_devices.h>
#include <fs/vfs.h>
#include <security/random.h>
#include <lib/string.h>
#include <core/printk.h>
#include <mm/layout.h>
#include <proc/signal.h>
#include <proc/process.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/random.h>
#include <uapi/capability.h>
#include <uapi/errno.h>

#define RANDOM_CHUNK 256

/* A write that consumes everything (null, zero). */
static long sink_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	size_t n = u->resid;
	u->resid = 0;
	return (long)n;
}

static long null_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	(void)u;
	return 0;
}

/* A page at a time, so that a signal cuts a long read short (signal_copy_should_stop). */
static long zero_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	size_t done = 0;
	while (u->resid && !(done && signal_copy_should_stop(done))) {
		size_t n = u->resid < PAGE_SIZE ? u->resid : PAGE_SIZE;
		if (uio_zero(u, n))
			return done ? (long)done : -EFAULT;
		done += n;
	}
	return (long)done;
}

static long full_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)u;
	(void)pos;
	return -ENOSPC;
}

static long random_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	uint8_t chunk[RANDOM_CHUNK];
	size_t done = 0;
	bool fault = false;
	while (u->resid && !(done && signal_copy_should_stop(done))) {
		size_t n = u->resid < RANDOM_CHUNK ? u->resid : RANDOM_CHUNK;
		get_random_bytes(chunk, n);
		if ((fault = uio_copy_out(u, chunk, n) != 0))
			break;
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));
	return done || !fault ? (long)done : -EFAULT;
}

static long random_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	uint8_t chunk[RANDOM_CHUNK];
	size_t done = 0;
	bool fault = false;
	/* A zero-length write is 0, as on Linux (bug random_write_zero_efault: it was EFAULT). */
	while (u->resid && !(done && signal_copy_should_stop(done))) {
		size_t n = u->resid < RANDOM_CHUNK ? u->resid : RANDOM_CHUNK;
		if ((fault = uio_copy_in(u, chunk, n) != 0))
			break;
		random_mix_bytes(chunk, n);
		done += n;
	}
	memset(chunk, 0, sizeof(chunk));
	return done || !fault ? (long)done : -EFAULT;
}

/* RNDADDENTROPY: buf_size bytes after the header mixed in, a chunk at a time, stopping (with
 * -EINTR, the data so far mixed) when a signal is pending, as Linux's write_pool does. */
static long random_add_entropy(const struct rand_pool_info __user *uinfo)
{
	struct rand_pool_info info;
	if (copy_from_user(&info, uinfo, sizeof(info)))
		return -EFAULT;
	if (info.entropy_count < 0)
		return -EINVAL;
	if (info.buf_size < 0) /* as Linux: a size no user buffer can have */
		return -EFAULT;
	const uint8_t __user *ubuf = (const uint8_t __user *)(uinfo + 1);
	uint8_t chunk[RANDOM_CHUNK];
	long r = 0;
	for (size_t done = 0; done < (size_t)info.buf_size && !r; done += RANDOM_CHUNK) {
		size_t n = MIN((size_t)info.buf_size - done, (size_t)RANDOM_CHUNK);
		if (done && signal_pending())
			r = -EINTR;
		else if (copy_from_user(chunk, ubuf + done, n))
			r = -EFAULT;
		else
			random_mix_bytes(chunk, n);
	}
	memset(chunk, 0, sizeof(chunk));
	return r;
}

/* random(4)'s ioctls. The generator is seeded before any process runs, so the entropy count is
 * always the full pool and crediting more changes nothing, exactly as on Linux since 5.18; the
 * calls that change the pool need CAP_SYS_ADMIN. */
static long random_ioctl(struct file *f, unsigned int cmd, uint64_t arg)
{
	(void)f;
	int count;
	if (cmd == RNDGETENTCNT) {
		count = RANDOM_POOL_BITS;
		return copy_to_user((int __user *)arg, &count, sizeof(count)) ? -EFAULT : 0;
	}
	if (cmd != RNDADDTOENTCNT && cmd != RNDADDENTROPY && cmd != RNDZAPENTCNT &&
	    cmd != RNDCLEARPOOL && cmd != RNDRESEEDCRNG)
		return -EINVAL; /* Linux's answer here, not ENOTTY */
	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	switch (cmd) {
	case RNDADDTOENTCNT:
		if (copy_from_user(&count, (const int __user *)arg, sizeof(count)))
			return -EFAULT;
		return count < 0 ? -EINVAL : 0;
	case RNDADDENTROPY:
		return random_add_entropy((const struct rand_pool_info __user *)arg);
	case RNDRESEEDCRNG:
		random_mix_bytes(NULL, 0); /* a reseed from fresh entropy */
		return 0;
	default: /* RNDZAPENTCNT, RNDCLEARPOOL */
		return 0;
	}
}

/* Every position is as good as any other on these devices: lseek succeeds and reports 0. */
static int64_t mem_llseek(struct file *f, int64_t off, int whence)
{
	(void)off;
	(void)whence;
	f->pos = 0;
	return 0;
}

static const struct file_ops null_ops = { .read = null_read, .write = sink_write,
					  .llseek = mem_llseek };
static const struct file_ops zero_ops = { .read = zero_read, .write = sink_write,
					  .llseek = mem_llseek };
static const struct file_ops full_ops = { .read = zero_read, .write = full_write,
					  .llseek = mem_llseek };
static const struct file_ops random_ops = { .read = random_read, .write = random_write,
					    .llseek = mem_llseek, .ioctl = random_ioctl };

void mem_devices_init(void)
{
	int r = chrdev_register(MKDEV(1, 3), &null_ops);
	if (!r)
		r = chrdev_register(MKDEV(1, 5), &zero_ops);
	if (!r)
		r = chrdev_register(MKDEV(1, 7), &full_ops);
	if (!r)
		r = chrdev_register(MKDEV(1, 8), &random_ops);
	if (!r)
		r = chrdev_register(MKDEV(1, 9), &random_ops);
	if (r)
		pr_err("mem devices: registration failed (%d)\n", r);
}
