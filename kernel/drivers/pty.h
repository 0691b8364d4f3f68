/* Pseudo-terminals (Linux's Unix 98 ptys): each open of /dev/ptmx (5,2) makes a pair, a master
 * (the file ptmx returns) and a slave /dev/pts/N (majors 136.., minor N), two struct ttys
 * linked so that each one's output is the other's input. devpts (fs/devpts.c) shows the live
 * slaves; this interface gives it their attributes.
 *
 * Locking: pty_lock (spinlock, IRQs off; order process_tree_lock > pty_lock > tty->lock)
 * guards the table of pairs and each pair's open counts, lock state and node attributes. */
#ifndef DRIVERS_PTY_H
#define DRIVERS_PTY_H

#include <stdbool.h>
#include <stdint.h>

#define PTY_MAX 1024 /* pairs at once (Linux's default kernel.pty.max is 4096) */
#define PTS_MAJOR 136 /* majors 136..139 for slaves 0..1023 */

/* A live slave's node: owner, group and permission bits. */
struct pty_node {
	uint32_t mode, uid, gid;
};

/* Slave index's node, if its pair exists and its master is open: 0, or -ENOENT. */
int pty_node(int index, struct pty_node *out);
/* The first live slave with an index >= from: its index (with *out), or -1. */
int pty_next(int from, struct pty_node *out);
/* chmod/chown of /dev/pts/N: 0, or -ENOENT when the pair went. */
int pty_set_node(int index, const struct pty_node *n);
/* The device number of slave index. */
uint64_t pty_slave_rdev(int index);

/* Register /dev/ptmx and the slave devices (at boot, before devpts is mounted). */
void pty_init(void);

#endif
