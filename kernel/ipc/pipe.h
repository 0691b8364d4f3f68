/* Pipes and FIFOs: a byte ring (64 KiB unless F_SETPIPE_SZ changes it) shared by the read
 * and write ends, with Linux's semantics (blocking and O_NONBLOCK, writes of up to PIPE_BUF
 * bytes never interleaved, EOF when every writer closed, EPIPE and SIGPIPE when every reader
 * closed, poll readiness, packet mode for pipe2(O_DIRECT)).
 * pipe/pipe2 make anonymous ones; a FIFO inode (mknod S_IFIFO on tmpfs) is opened through
 * fifo_file_ops, which finds or creates the pipe attached to the inode.
 *
 * Lock order: fifo_lock (pipe.c: guards the list of pipes attached to FIFO inodes) before a
 * pipe's own lock; both are spinlocks and leaves with respect to the VFS locks. */
#ifndef IPC_PIPE_H
#define IPC_PIPE_H

#include <fs/vfs.h>

#define PIPE_DEF_SIZE 65536 /* bytes a new pipe holds (F_GETPIPE_SZ) */
#define PIPE_MAX_SIZE_DEF 1048576 /* fs.pipe-max-size's default, as Linux */
#define PIPE_MIN_SIZE 8192 /* a new pipe of a user over the soft limit (Linux: 2 pages) */
#define PIPE_USER_PAGES_SOFT_DEF 16384 /* fs.pipe-user-pages-soft's default, as Linux */
#define PIPE_BUF 4096 /* writes up to this size are atomic */

/* fs.pipe-max-size (/proc/sys): the largest F_SETPIPE_SZ without root; a size
 * pipe_round_size left unchanged. Atomic. */
extern int sysctl_pipe_max_size;
/* Linux's rounding of a pipe size: up to a power-of-two number of pages (at least one); 0 when
 * size is above 2^31. */
unsigned pipe_round_size(uint64_t size);
/* fs.pipe-user-pages-soft and -hard (/proc/sys): the ring pages a non-root user's pipes may
 * hold (0: no limit). Over the soft limit new pipes get PIPE_MIN_SIZE and cannot grow; over the
 * hard one pipe() fails with ENFILE. Atomic. */
extern int sysctl_pipe_user_pages_soft;
extern int sysctl_pipe_user_pages_hard;
/* fcntl's F_GETPIPE_SZ and F_SETPIPE_SZ on f: the pipe's size, or -EBADF (not a pipe),
 * -EINVAL (too big), -EPERM (above pipe-max-size without root), -EBUSY (shrinking below the
 * bytes held), -ENOMEM, -ERESTARTSYS. */
long pipe_fcntl(struct file *f, unsigned cmd, uint64_t arg);

/* The operations of every pipe file: the VFS's open uses them for S_IFIFO inodes (the open op
 * finds or makes the inode's pipe), pipe2 for the ends of anonymous pipes. */
extern const struct file_ops fifo_file_ops;

/* splice, tee (fs/splice.c): is f an end of a pipe or FIFO (with its pipe)? */
bool file_is_pipe(const struct file *f);
/* Do two pipe ends belong to the same pipe? */
bool pipe_same(const struct file *a, const struct file *b);
/* Hand up to len bytes at the head of f's pipe to sink, a piece at a time as they lie in the
 * ring (the pipe's reader for the while), waiting interruptibly for data unless nonblock, and
 * consume what sink took unless peek (tee). The bytes sink took (0 at end of file), or -EAGAIN,
 * -ERESTARTSYS, -EINVAL (a pipe holding O_DIRECT packets), or sink's error when it took
 * nothing. sink returns the bytes it took (fewer: stop) or -errno. */
long pipe_splice_out(struct file *f, size_t len, bool nonblock, bool peek,
		     long (*sink)(void *ctx, const void *buf, size_t n), void *ctx);
/* Wait interruptibly until f's pipe has room for a write of len bytes (all of it up to
 * PIPE_BUF, else one byte) or no reader: 0 or -ERESTARTSYS. splice and vmsplice into a pipe
 * wait so and then write what fits without waiting again, as Linux's return once the pipe is
 * full. */
int pipe_wait_room(struct file *f, size_t len);

#endif
