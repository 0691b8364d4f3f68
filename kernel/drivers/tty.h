/* Terminals: a struct tty joins a device's output, the line discipline (n_tty.h) and the job
 * control state (the session it controls, its foreground process group). One tty exists, the
 * console: input from the serial line and the PS/2 keyboard, output to the serial line and the
 * framebuffer console. It is reached through /dev/console (5,1), /dev/ttyS0 (4,64) and /dev/tty
 * (5,0, the caller's controlling terminal). tty.c has the file operations, tty_ioctl.c the
 * ioctls, proc/session.c sessions, process groups and the controlling-terminal rules.
 *
 * Locking (order: process_tree_lock > tty->lock):
 *  - process_tree_lock guards session and pgrp here and every process's ctty.
 *  - tty->lock (spinlock, IRQs off) guards everything else. One reader at a time owns the
 *    input side (reading; it alone uses rbuf) and one writer the output side (writing, so
 *    that one write's bytes are not interleaved with another's); the others wait,
 *    interruptibly. */
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
struct process;

struct tty {
	const char *name;
	uint64_t dev; /* the device number (MKDEV) that /proc/<pid>/stat names as tty_nr */
	/* The device's output: called with tty->lock held, so it must not sleep. */
	void (*device_write)(const char *buf, size_t n);

	struct spinlock lock;
	struct n_tty ld;
	struct k_winsize winsize;
	struct wait_queue read_wait; /* readers and pollers: input arrived, or a reader left */
	struct wait_queue write_wait; /* writers and pollers: output restarted, or a writer left */
	bool reading, writing; /* a reader / a writer is at work */
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

/* Wake readers, writers and pollers after a change of the input or of the flow state.
 * tty->lock held. */
void tty_wake_locked(struct tty *tty);

/* The terminal's ioctls (tty_ioctl.c): file_ops.ioctl of every tty device. */
long tty_ioctl(struct file *f, unsigned int cmd, uint64_t arg);

#endif
