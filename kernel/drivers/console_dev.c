/* A raw console character device (MKDEV(5, 1), /dev/console) over console_io, until the TTY
 * layer (line discipline, termios, job control) replaces it: reads return what the serial
 * line has buffered, writes go to every console. */
#include <drivers/console_dev.h>
#include <drivers/console_io.h>
#include <fs/vfs.h>
#include <core/printk.h>
#include <arch/x86_64/usercopy.h>
#include <uapi/errno.h>

#define BOUNCE_SIZE 256

static long console_read(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	char bounce[BOUNCE_SIZE];
	/* Checked before blocking, so that a bad buffer does not consume input. */
	if (!u->kernel && !user_range_ok((uint64_t)u->ubuf, u->resid))
		return -EFAULT;
	long n = console_io_read(bounce, u->resid < BOUNCE_SIZE ? u->resid : BOUNCE_SIZE);
	if (n <= 0)
		return n == -EINTR ? -ERESTARTSYS : n;
	return uio_copy_out(u, bounce, (size_t)n) ? -EFAULT : n;
}

static long console_write(struct file *f, struct uio *u, int64_t *pos)
{
	(void)f;
	(void)pos;
	char bounce[BOUNCE_SIZE];
	size_t done = 0;
	while (u->resid) {
		size_t n = u->resid < BOUNCE_SIZE ? u->resid : BOUNCE_SIZE;
		if (uio_copy_in(u, bounce, n))
			return done ? (long)done : -EFAULT;
		console_io_write(bounce, n);
		done += n;
	}
	return (long)done;
}

static const struct file_ops console_ops = { .read = console_read, .write = console_write };

void console_dev_init(void)
{
	int r = chrdev_register(MKDEV(5, 1), &console_ops);
	if (r)
		pr_err("console: cannot register /dev/console (%d)\n", r);
}
