/* A file's owner for signal-driven I/O and leases (struct file_owner in fs/vfs.h): fcntl's
 * F_SETOWN/F_GETOWN, F_SETOWN_EX/F_GETOWN_EX and F_SETSIG/F_GETSIG, sending the owner its
 * signal, and the lists of files that asked for signal-driven I/O (O_ASYNC) on an object.
 * Locking: fown_lock (a spinlock, IRQs off, in fown.c) guards every file's owner and every
 * fasync list. Order: fown_lock before process_tree_lock (sending takes it inside); callers
 * hold no other spinlock (a pipe signals after dropping its lock). */
#ifndef FS_FOWN_H
#define FS_FOWN_H

#include <stdbool.h>
#include <stdint.h>
#include <lib/list.h>

struct file;

/* The files with O_ASYNC on one object (a pipe's readers, its writers). Guarded by fown_lock.
 * A file leaves it at F_SETFL without O_ASYNC and at its release (file_ops.fasync). */
struct fasync_list {
	struct list_node entries; /* struct fasync_entry (fown.c) */
};

static inline void fasync_list_init(struct fasync_list *l)
{
	list_init(&l->entries);
}

/* Put f (reached through descriptor fd) on l, or take it off: 0 or -ENOMEM. */
int fasync_update(struct fasync_list *l, struct file *f, int fd, bool on);
/* Send each file on l's owner its signal for event `code` (POLL_IN, POLL_OUT...). */
void fasync_signal(struct fasync_list *l, int code);

/* fcntl's owner and signal commands on f: the value or 0, or -errno (-EINVAL, -ESRCH,
 * -EFAULT). */
long fcntl_owner(struct file *f, unsigned int cmd, uint64_t arg);

/* Make the calling process (its thread group) f's owner, as F_SETLEASE does. */
void fown_set_self(struct file *f);

/* Send f's owner its signal: SIGIO (si_code SI_KERNEL), or F_SETSIG's signal with si_code
 * `code` (POLL_IN...), si_band the events of the code (as Linux) and si_fd `fd`. Nothing when
 * f has no owner or when the owner's setter may not signal the target (Linux's sigio_perm).
 * Takes fown_lock, then process_tree_lock. */
void fown_send_signal(struct file *f, int fd, int code);

#endif
