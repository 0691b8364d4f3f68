/* Terminals: a struct tty joins a driver's output (struct tty_ops), the line discipline
 * (n_tty.h) and the job control state (the session it controls, its foreground process group).
 * Two drivers: the console (tty.c: input from the serial line and the PS/2 keyboard, output to
 * the serial line and the framebuffer console, reached through /dev/console (5,1), /dev/ttyS0
 * (4,64) and /dev/tty (5,0, the caller's controlling terminal)), and the pseudo-terminals
 * (pty.c: a master and a slave tty linked to each other, each one's output the other's input).
 * tty.c has the file operations, tty_ioctl.c the ioctls, proc/session.c sessions, process
 * groups and the controlling-terminal rules.
 *
 * Locking (order: process_tree_lock > pty_lock (pty.c) > tty->lock):
 *  - process_tree_lock guards session and pgrp here and every process's ctty.
 *  - tty->lock (spinlock, IRQs off) guards everything else. One reader at a time owns the
 *    input side (reading; it alone uses rbuf) and one writer the output side (writing, so
 *    that one write's bytes are not interleaved with another's); the others wait,
 *    interruptibly. No tty lock is held while a driver's write runs, so a pty's write may
 *    take its peer's lock: two tty locks are never held together. */
#ifndef DRIVERS_TTY_H
#define DRIVERS_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <core/spinlock.h>
#include <drivers/n_tty.h>
#include <sched/wait.h>
#include <uapi/termios.h>

struct file;
struct file_ops;
struct poll_table;
struct uio;
struct process;
struct tty;

/* What a terminal's driver provides. Only write is required. */
struct tty_ops {
	/* The line discipline's output (post-processed writes, echo): the bytes the device took
	 * (fewer when it is full). No tty lock held; must not sleep. */
	size_t (*write)(struct tty *tty, const uint8_t *buf, size_t n);
	/* About how many bytes write would take now, for writers deciding to wait (tty->lock
	 * held, so it may only peek at other state). NULL: unlimited. */
	size_t (*write_room)(struct tty *tty);
	/* The reader took input or the input was flushed: whoever feeds this tty may go on. No
	 * lock held. */
	void (*unthrottle)(struct tty *tty);
	/* Flush output the device has not passed on yet (TCOFLUSH). No lock held. */
	void (*flush_output)(struct tty *tty);
	/* Packet-mode status (TIOCPKT_*) for whoever reads this tty's output. No lock held. */
	void (*packet_event)(struct tty *tty, uint8_t bits);
	/* A new open file on tty made through /dev/tty (process_tree_lock held): 0, or -errno
	 * when the terminal is going away. NULL: always. */
	int (*get)(struct tty *tty);
};

struct tty {
	const char *name;
	uint64_t dev; /* the device number (MKDEV) that /proc/<pid>/stat names as tty_nr */
	const struct tty_ops *ops; /* immutable */
	const struct file_ops *fops; /* the operations of files on it, for /dev/tty (immutable) */
	struct tty *link; /* a pty's other side; NULL for the console (immutable) */
	bool master; /* a pty master: reads give EIO once empty and the slave is gone */

	struct spinlock lock;
	struct n_tty ld;
	struct k_winsize winsize;
	struct wait_queue read_wait; /* readers and pollers: input arrived, or a reader left */
	struct wait_queue write_wait; /* writers and pollers: output restarted, or a writer left */
	bool reading, writing; /* a reader / a writer is at work */
	bool exclusive; /* TIOCEXCL: only root may open it again */
	bool hungup; /* a pty slave whose master closed: reads 0, writes and ioctls EIO */
	bool link_closed; /* a pty master whose slave had opens and has none now */
	bool pkt; /* a pty master in packet mode (TIOCPKT) */
	uint8_t pkt_status; /* TIOCPKT_* bits waiting for the next read; 0: none */
	uint8_t rbuf[N_TTY_BUF_SIZE]; /* the reader's bytes on their way to the user */

	int session; /* sid of the session this is the controlling terminal of; 0: none */
	int pgrp; /* foreground process group; 0: none */
};

/* Register the console devices and start taking console input. Called once by kernel_main
 * after the VFS is up. */
void tty_init(void);

/* Received bytes (a device's input, or TIOCSTI): through the line discipline, with the echo
 * written out and signal characters signalling the foreground group. Thread context. */
void tty_receive(struct tty *tty, const uint8_t *buf, size_t n);
/* The same with flow control (a pty master's write): stops where the input is full and
 * returns the bytes taken. */
size_t tty_receive_room(struct tty *tty, const uint8_t *buf, size_t n);
/* Make tty a fresh terminal (ops, fops, link, name, dev set by the caller first): locks, wait
 * queues, the line discipline with termios t. */
void tty_setup(struct tty *tty, const struct k_termios *t);
/* Take tty's input out after a flush and let its feeders go on (TCIFLUSH, TCSETSF). */
void tty_flush_input(struct tty *tty);
/* Send packet-mode status bits to whoever reads tty's output (no-op for the console). */
void tty_packet_event(struct tty *tty, uint8_t bits);
/* Opening a file on tty: -EBUSY when it is exclusive (TIOCEXCL) and the caller not root. */
int tty_open_check(struct tty *tty);

/* File operations shared by every terminal's files (f->priv is the struct tty). */
long tty_read(struct file *f, struct uio *u, int64_t *pos);
long tty_write(struct file *f, struct uio *u, int64_t *pos);
uint32_t tty_poll(struct file *f, struct poll_table *pt);

/* Wake readers, writers and pollers after a change of the input or of the flow state.
 * tty->lock held. */
void tty_wake_locked(struct tty *tty);

/* The terminal's ioctls (tty_ioctl.c): file_ops.ioctl of every tty device. */
long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg);
/* The same for tty, reached through file f (a pty master's termios and window size ioctls
 * act on its slave). */
long tty_ioctl_on(struct file *f, struct tty *tty, unsigned int cmd, uint64_t arg);
/* Store one of tty's flags (a field guarded by tty->lock) as an int at user address arg. */
int tty_put_flag(struct tty *tty, const bool *flag, uint64_t arg);
/* Is the calling process root (euid 0)? */
bool tty_caller_is_root(void);

#endif
