/* The framebuffer console's pure part: a grid of character cells, a parser for the control
 * characters and ANSI escape sequences a terminal must understand, and glyph rendering into a
 * pixel buffer passed in as a parameter. No kernel globals: the host tests render into memory.
 *
 * Rendering is lazy and incremental: fbcon_term_write() changes the cell grid, then draws only
 * the cells whose content differs from what the surface already shows (`shown`). Scrolling
 * rotates a ring of cell rows and moves no pixels, so a scroll costs the glyphs that actually
 * changed, and a burst of lines in one write (the boot log replay) is drawn once. Under
 * emulation that matters: moving megabytes of framebuffer per line makes naive consoles slow. */
#ifndef DRIVERS_FBCON_RENDER_H
#define DRIVERS_FBCON_RENDER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define FBCON_TAB_WIDTH 8
#define FBCON_MAX_PARAMS 16 /* CSI parameters kept; further ones are ignored */
#define FBCON_PARAM_MAX 9999 /* a larger numeric parameter is clamped to this */
#define FBCON_OSC_MAX 512 /* an unterminated OSC string is abandoned after this many bytes */
#define FBCON_COLOURS 16
#define FBCON_DEFAULT_FG 7
#define FBCON_DEFAULT_BG 0

/* Byte order of one 32-bit pixel in memory. */
enum fbcon_pixel_order {
	FBCON_RGBX, /* byte 0 red, 1 green, 2 blue */
	FBCON_BGRX, /* byte 0 blue, 1 green, 2 red */
};

struct fbcon_surface {
	uint32_t *pixels; /* top-left pixel */
	uint32_t width, height; /* pixels */
	uint32_t pitch; /* pixels per scan line (>= width) */
	enum fbcon_pixel_order order;
};

#define FBCON_CELL_CURSOR 0x01 /* flags: the cursor is drawn on this cell */

/* One character cell: what it shows, in which colours (palette indices). */
struct fbcon_cell {
	uint8_t ch;
	uint8_t fg, bg;
	uint8_t flags;
};

enum fbcon_parse_state {
	FBCON_GROUND, /* printing */
	FBCON_ESCAPE, /* after ESC */
	FBCON_ESCAPE_SKIP, /* after ESC ( and the like: one more byte belongs to the sequence */
	FBCON_CSI, /* after ESC [ : parameters, then a final byte */
	FBCON_OSC, /* after ESC ] : a string ended by BEL or ESC \ */
	FBCON_OSC_ESCAPE, /* ESC inside an OSC string */
};

struct fbcon_term {
	struct fbcon_surface surf;
	uint32_t cols, rows;
	struct fbcon_cell *cells; /* rows * cols, a ring: screen row r is ring row top + r */
	struct fbcon_cell *shown; /* rows * cols, in screen order: what the surface shows now */
	uint32_t top; /* ring row holding screen row 0; scrolling advances it */
	uint32_t palette[FBCON_COLOURS]; /* pixel values in the surface's byte order */

	uint32_t x, y; /* cursor cell */
	bool wrap_pending; /* a character went into the last column; the next one wraps first */
	bool cursor_visible;
	uint8_t fg, bg; /* current colours (palette indices) */
	bool bold, reverse;

	enum fbcon_parse_state state;
	uint32_t params[FBCON_MAX_PARAMS];
	uint32_t nparams; /* parameters seen so far (the one being typed counts) */
	bool private_csi; /* CSI ? ... (DEC private modes) */
	uint32_t osc_len;
	uint32_t utf8_skip; /* continuation bytes still to swallow */

	/* Rows that may differ from `shown`; none when first > last. */
	uint32_t dirty_first, dirty_last;
	uint32_t drawn_y; /* the row the cursor was last drawn on */
	bool cursor_drawn;
};

/* Cells needed for a surface of this size (0 when smaller than one glyph). */
size_t fbcon_grid_cells(uint32_t width, uint32_t height);

/* Set up `t` on surface `s` with caller-provided cell arrays of `ncells` entries each
 * (at least fbcon_grid_cells()), and clear the whole surface. Returns 0 or -EINVAL. */
int fbcon_term_init(struct fbcon_term *t, const struct fbcon_surface *s, struct fbcon_cell *cells,
		    struct fbcon_cell *shown, size_t ncells);

/* Interpret `n` bytes (text, control characters, escape sequences, UTF-8) and bring the surface
 * up to date. '\n' starts a new line (carriage return included: the kernel log relies on it). */
void fbcon_term_write(struct fbcon_term *t, const char *s, size_t n);

/* Draw one glyph at cell (col, row) in the given pixel values; `underline` draws the cursor. */
void fbcon_render_glyph(const struct fbcon_surface *s, uint32_t col, uint32_t row,
			unsigned char ch, uint32_t fg, uint32_t bg, bool underline);

/* The pixel value for colour 0xRRGGBB in byte order `order`. */
uint32_t fbcon_pixel(enum fbcon_pixel_order order, uint32_t rgb);

#endif
