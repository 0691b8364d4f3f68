/* Transfer buffers (struct uio, vfs.h): one interface for reads and writes whose other end is
 * user memory (system calls) or kernel memory (exec, the initramfs unpacker). */
#include <fs/vfs.h>
#include <arch/x86_64/usercopy.h>
#include <lib/string.h>
#include <uapi/errno.h>

int uio_copy_out(struct uio *u, const void *src, size_t n)
{
	if (u->kernel)
		memcpy(u->kbuf, src, n);
	else if (copy_to_user(u->ubuf, src, n))
		return -EFAULT;
	u->kbuf += n; /* same storage as ubuf */
	u->resid -= n;
	return 0;
}

int uio_copy_in(struct uio *u, void *dst, size_t n)
{
	if (u->kernel)
		memcpy(dst, u->kbuf, n);
	else if (copy_from_user(dst, u->ubuf, n))
		return -EFAULT;
	u->kbuf += n;
	u->resid -= n;
	return 0;
}

int uio_zero(struct uio *u, size_t n)
{
	if (u->kernel)
		memset(u->kbuf, 0, n);
	else if (clear_user(u->ubuf, n))
		return -EFAULT;
	u->kbuf += n;
	u->resid -= n;
	return 0;
}
