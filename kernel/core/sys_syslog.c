/* syslog(2) — the kernel log for dmesg: read all (3), read and clear (4), clear (5), console
 * off/on/level (6, 7, 8), unread and total sizes (9, 10); open/close (0, 1) do nothing. Reading
 * new messages as they come (2) is not implemented (EINVAL). Like Debian's default
 * (kernel.dmesg_restrict = 1), only root may read or change the log. */
#include <core/printk.h>
#include <syscall/syscall.h>
#include <arch/x86_64/usercopy.h>
#include <fs/vfs.h>
#include <mm/kmalloc.h>
#include <uapi/errno.h>

enum {
	SYSLOG_CLOSE, SYSLOG_OPEN, SYSLOG_READ, SYSLOG_READ_ALL, SYSLOG_READ_CLEAR, SYSLOG_CLEAR,
	SYSLOG_CONSOLE_OFF, SYSLOG_CONSOLE_ON, SYSLOG_CONSOLE_LEVEL, SYSLOG_SIZE_UNREAD,
	SYSLOG_SIZE_BUFFER,
};

#define CONSOLE_LEVEL_DEFAULT LOG_INFO /* what CONSOLE_ON restores: the boot default */

static long read_all(char __user *ubuf, int len, bool clear)
{
	if (!ubuf || len < 0)
		return -EINVAL;
	size_t size = (size_t)len < printk_ring_size() ? (size_t)len : printk_ring_size();
	char *buf = kmalloc(size ? size : 1);
	if (!buf)
		return -ENOMEM;
	size_t n = printk_read_ring(buf, size);
	long r = copy_to_user(ubuf, buf, n) ? -EFAULT : (long)n;
	kfree(buf);
	if (r >= 0 && clear)
		printk_clear_ring();
	return r;
}

SYSCALL_DEFINE3(syslog, int, type, char __user *, buf, int, len)
{
	uint32_t uid, gid;
	current_fsids(&uid, &gid);
	if (type != SYSLOG_CLOSE && type != SYSLOG_OPEN && uid != 0)
		return -EPERM;
	switch (type) {
	case SYSLOG_CLOSE:
	case SYSLOG_OPEN: return 0;
	case SYSLOG_READ_ALL: return read_all(buf, len, false);
	case SYSLOG_READ_CLEAR: return read_all(buf, len, true);
	case SYSLOG_CLEAR: printk_clear_ring(); return 0;
	case SYSLOG_CONSOLE_OFF: printk_set_console_level(LOG_EMERG); return 0;
	case SYSLOG_CONSOLE_ON: printk_set_console_level(CONSOLE_LEVEL_DEFAULT); return 0;
	case SYSLOG_CONSOLE_LEVEL:
		if (len < 1 || len > 8)
			return -EINVAL;
		printk_set_console_level(len - 1); /* messages below len are printed */
		return 0;
	case SYSLOG_SIZE_UNREAD: return (long)printk_ring_used();
	case SYSLOG_SIZE_BUFFER: return (long)printk_ring_size();
	default: return -EINVAL; /* SYSLOG_READ (wait for new messages) included */
	}
}
