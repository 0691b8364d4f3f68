/* Text console on the UEFI GOP framebuffer: shows the kernel log (registered as console "fb0")
 * and, later, the TTY's output. */
#ifndef DRIVERS_FBCON_H
#define DRIVERS_FBCON_H

#include <stddef.h>

/* Take over the framebuffer the loader found (boot_info.fb), replay the log so far on it and
 * register as a console. Does nothing when there is no usable framebuffer. Needs kmalloc. */
void fbcon_init(void);

/* Show `n` bytes: text, control characters, ANSI escape sequences (see fbcon_render.h).
 * A no-op before fbcon_init() or without a framebuffer. Any context. */
void fbcon_write(const char *s, size_t n);

#endif
