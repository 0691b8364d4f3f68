/* A file's owner for signal-driven I/O and leases (struct file_owner in fs/vfs.h): fcntl's
 * F_SETOWN/F_GETOWN, F_SETOWN_EX/F_GETOWN_EX and F_SETSIG/F_GETSIG, and sending the owner its
 * signal. Locking: fown_lock (a leaf spinlock, IRQs off, in fown.c) guards every file's
 * owner; it is never held while taking process_tree_lock, which the sending takes after it. */
#ifndef FS_FOWN_H
#define FS_FOWN_H

#include <stdint.h>

struct file;

/* fcntl's owner and signal commands on f: the value or 0, or -errno (-EINVAL, -ESRCH,
 * -EFAULT). */
long fcntl_owner(struct file *f, unsigned int cmd, uint64_t arg);

/* Make the calling process (its thread group) f's owner, as F_SETLEASE does. */
void fown_set_self(struct file *f);

/* Send f's owner its signal: SIGIO (si_code SI_KERNEL), or F_SETSIG's signal with si_code
 * `code` (POLL_IN...), si_band `band` and si_fd `fd`. Nothing when f has no owner or when the
 * owner's setter may not signal the target (Linux's sigio_perm). Takes process_tree_lock. */
void fown_send_signal(struct file *f, int fd, int code, int64_t band);

#endif
