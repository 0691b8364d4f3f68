/* PS/2 keyboard on the i8042 controller (ports 0x60/0x64, ISA IRQ 1): scancode set 1 (the
 * controller translates the keyboard's set 2) turned into the bytes a Linux console sends:
 * ASCII with Shift, Ctrl, Caps Lock, Alt as an ESC prefix, and VT escape sequences for the
 * cursor and editing keys. The decoding is pure (ps2kbd_keymap.c, host-tested). */
#ifndef DRIVERS_PS2KBD_H
#define DRIVERS_PS2KBD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define PS2KBD_SEQ_MAX 8 /* bytes one key press can produce */

struct ps2kbd_state {
	bool extended; /* the previous byte was the 0xE0 prefix */
	bool lshift, rshift, lctrl, rctrl, alt, caps;
};

/* Find the controller, enable its first port with translation and interrupts, and route
 * IRQ 1 so that key presses reach the console's input. Silent when there is no controller. */
void ps2kbd_init(void);

/* Decode one scancode byte (set 1) into out; returns the number of bytes (0 for releases,
 * modifiers and prefixes). */
size_t ps2kbd_decode(struct ps2kbd_state *s, uint8_t code, char out[PS2KBD_SEQ_MAX]);

#endif
