/* Pipes and FIFOs: a 64 KiB byte ring shared by the read and write ends, with Linux's
 * semantics (blocking and O_NONBLOCK, writes of up to PIPE_BUF bytes never interleaved, EOF
 * when every writer closed, EPIPE and SIGPIPE when every reader closed, poll readiness).
 * pipe/pipe2 make anonymous ones; a FIFO inode (mknod S_IFIFO on tmpfs) is opened through
 * fifo_file_ops, which finds or creates the pipe attached to the inode.
 *
 * Lock order: fifo_lock (pipe.c: guards the list of pipes attached to FIFO inodes) before a
 * pipe's own lock; both are spinlocks and leaves with respect to the VFS locks. */
#ifndef IPC_PIPE_H
#define IPC_PIPE_H

#include <fs/vfs.h>

#define PIPE_CAPACITY 65536 /* bytes a pipe holds (F_GETPIPE_SZ) */
#define PIPE_BUF 4096 /* writes up to this size are atomic */

/* The operations of every pipe file: the VFS's open uses them for S_IFIFO inodes (the open op
 * finds or makes the inode's pipe), pipe2 for the ends of anonymous pipes. */
extern const struct file_ops fifo_file_ops;

#endif
