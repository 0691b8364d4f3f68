/* The console's built-in 8x16 bitmap font: printable ASCII plus one replacement glyph for every
 * other byte. One byte per scan line, most significant bit = leftmost pixel. Pure data, so the
 * host tests use it too. */
#ifndef DRIVERS_FONT_H
#define DRIVERS_FONT_H

#include <stdint.h>

#define FONT_WIDTH 8 /* pixels per glyph row; one byte */
#define FONT_HEIGHT 16 /* scan lines per glyph */
#define FONT_FIRST 0x20 /* ' ' */
#define FONT_LAST 0x7e /* '~' */
#define FONT_GLYPHS (FONT_LAST - FONT_FIRST + 1)

extern const uint8_t font_glyphs[FONT_GLYPHS][FONT_HEIGHT];
/* Shown for control characters, DEL, bytes above 0x7e and undecodable UTF-8. */
extern const uint8_t font_replacement[FONT_HEIGHT];

static inline const uint8_t *font_glyph(unsigned char c)
{
	if (c < FONT_FIRST || c > FONT_LAST)
		return font_replacement;
	return font_glyphs[c - FONT_FIRST];
}

#endif
