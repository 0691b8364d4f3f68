/* Host tests for kernel/drivers/fbcon_render.c and the font: glyph pixels in both byte orders,
 * the cursor, wrapping at the last column, scrolling, control characters, escape sequences
 * (acted on or swallowed, never printed), UTF-8, and a randomized check that incremental
 * rendering always leaves the same pixels as drawing every cell from scratch. */
#include "test.h"
#include <drivers/fbcon_render.h>
#include <drivers/font.h>
#include <uapi/errno.h>
#include <string.h>

#define COLS 10
#define ROWS 3
#define WIDTH (COLS * FONT_WIDTH + 3) /* a partial cell column at the right edge */
#define HEIGHT (ROWS * FONT_HEIGHT + 5) /* and a partial row at the bottom */
#define PITCH (WIDTH + 7) /* odd: scan lines start on 4-byte, not 8-byte, boundaries */
#define GUARD_PIXEL 0x5a5a5a5au
#define FUZZ_ROUNDS 300
#define FUZZ_BYTES 400

#define RGB_RED 0xaa0000
#define RGB_LIGHT_GREY 0xc0c0c0
#define RGB_BRIGHT_GREEN 0x55ff55

struct screen {
	struct fbcon_term term;
	uint32_t *pixels; /* PITCH * HEIGHT, padding filled with GUARD_PIXEL */
	struct fbcon_cell cells[COLS * ROWS], shown[COLS * ROWS];
};

static struct screen *screen_new(enum fbcon_pixel_order order)
{
	struct screen *s = calloc(1, sizeof(*s));
	s->pixels = malloc(sizeof(uint32_t) * PITCH * HEIGHT);
	for (size_t i = 0; i < (size_t)PITCH * HEIGHT; i++)
		s->pixels[i] = GUARD_PIXEL;
	struct fbcon_surface surf = { s->pixels, WIDTH, HEIGHT, PITCH, order };
	if (fbcon_term_init(&s->term, &surf, s->cells, s->shown, COLS * ROWS) != 0) {
		free(s->pixels);
		free(s);
		return NULL;
	}
	return s;
}

static void screen_free(struct screen *s)
{
	free(s->pixels);
	free(s);
}

static void put(struct screen *s, const char *text)
{
	fbcon_term_write(&s->term, text, strlen(text));
}

static uint32_t colour(const struct screen *s, int index)
{
	return s->term.palette[index];
}

static uint32_t pixel(const struct screen *s, uint32_t x, uint32_t y)
{
	return s->pixels[(size_t)y * PITCH + x];
}

/* Does cell (col, row) show glyph `ch` in these pixel values, scan line by scan line? */
static bool cell_shows(const struct screen *s, uint32_t col, uint32_t row, unsigned char ch,
		       uint32_t fg, uint32_t bg)
{
	const uint8_t *glyph = font_glyph(ch);
	for (uint32_t y = 0; y < FONT_HEIGHT; y++)
		for (uint32_t x = 0; x < FONT_WIDTH; x++) {
			bool ink = glyph[y] & (0x80 >> x);
			uint32_t want = ink ? fg : bg;
			if (pixel(s, col * FONT_WIDTH + x, row * FONT_HEIGHT + y) != want)
				return false;
		}
	return true;
}

static bool cell_is(const struct screen *s, uint32_t col, uint32_t row, unsigned char ch)
{
	uint32_t fg = colour(s, FBCON_DEFAULT_FG), bg = colour(s, FBCON_DEFAULT_BG);
	return cell_shows(s, col, row, ch, fg, bg);
}

/* Row `row` shows `text` followed by blanks. */
static bool row_is(const struct screen *s, uint32_t row, const char *text)
{
	size_t n = strlen(text);
	for (uint32_t c = 0; c < COLS; c++)
		if (!cell_is(s, c, row, c < n ? (unsigned char)text[c] : ' '))
			return false;
	return true;
}

static const char *hide_cursor = "\x1b[?25l";

static void pixel_values(void)
{
	CHECK_EQ(fbcon_pixel(FBCON_RGBX, 0x112233), 0x332211); /* bytes R, G, B in memory */
	CHECK_EQ(fbcon_pixel(FBCON_BGRX, 0x112233), 0x112233); /* bytes B, G, R */
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	CHECK_EQ(colour(s, FBCON_DEFAULT_FG), fbcon_pixel(FBCON_RGBX, RGB_LIGHT_GREY));
	CHECK_EQ(colour(s, 1), fbcon_pixel(FBCON_RGBX, RGB_RED));
	screen_free(s);
}

static void font_has_every_glyph(void)
{
	/* Every printable character has ink, except the space; the replacement glyph covers the
	 * rest of the bytes; column 7 is blank so characters never touch (but '_' joins). */
	for (int c = 0; c < 256; c++) {
		const uint8_t *g = font_glyph((unsigned char)c);
		int ink = 0, col7 = 0;
		for (int y = 0; y < FONT_HEIGHT; y++) {
			ink += __builtin_popcount(g[y]);
			col7 += g[y] & 1;
		}
		if (c < FONT_FIRST || c > FONT_LAST)
			CHECK(g == font_replacement);
		else
			CHECK_EQ(ink == 0, c == ' ');
		if (c != '_')
			CHECK_EQ(col7, 0);
	}
}

static void glyph_pixels(void)
{
	struct screen *s = screen_new(FBCON_BGRX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "A!");
	CHECK(cell_is(s, 0, 0, 'A'));
	CHECK(cell_is(s, 1, 0, '!'));
	CHECK(cell_is(s, 2, 0, ' '));
	/* 'A' has its apex at scan line 2, column 3: one ink pixel in default foreground. */
	CHECK_EQ(pixel(s, 3, 2), fbcon_pixel(FBCON_BGRX, RGB_LIGHT_GREY));
	CHECK_EQ(pixel(s, 2, 2), 0);
	screen_free(s);
}

static void surface_edges(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, "0123456789abcdefghijklmnopqrstu\n");
	/* The partial column and row beyond the grid are cleared, the pitch padding untouched. */
	for (uint32_t y = 0; y < HEIGHT; y++) {
		for (uint32_t x = COLS * FONT_WIDTH; x < WIDTH; x++)
			CHECK_EQ(pixel(s, x, y), colour(s, FBCON_DEFAULT_BG));
		for (uint32_t x = WIDTH; x < PITCH; x++)
			CHECK_EQ(pixel(s, x, y), GUARD_PIXEL);
	}
	for (uint32_t y = ROWS * FONT_HEIGHT; y < HEIGHT; y++)
		for (uint32_t x = 0; x < WIDTH; x++)
			CHECK_EQ(pixel(s, x, y), colour(s, FBCON_DEFAULT_BG));
	screen_free(s);
}

static void cursor_underline(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	uint32_t fg = colour(s, FBCON_DEFAULT_FG), bg = colour(s, FBCON_DEFAULT_BG);
	put(s, "ab");
	CHECK(cell_is(s, 0, 0, 'a'));
	/* The cursor, on cell 2, is its last two scan lines in the foreground colour. */
	CHECK_EQ(pixel(s, 2 * FONT_WIDTH, 13), bg);
	CHECK_EQ(pixel(s, 2 * FONT_WIDTH, 14), fg);
	CHECK_EQ(pixel(s, 2 * FONT_WIDTH + 7, 15), fg);
	put(s, "c"); /* it moves on, and the cell it left is redrawn plainly */
	CHECK(cell_is(s, 2, 0, 'c'));
	CHECK_EQ(pixel(s, 3 * FONT_WIDTH, 14), fg);
	put(s, hide_cursor);
	CHECK(cell_is(s, 3, 0, ' '));
	put(s, "\x1b[?25h");
	CHECK_EQ(pixel(s, 3 * FONT_WIDTH, 15), fg);
	screen_free(s);
}

static void wrap_at_last_column(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "0123456789"); /* exactly one line: no wrap yet */
	CHECK(row_is(s, 0, "0123456789"));
	CHECK(row_is(s, 1, ""));
	put(s, "\n"); /* ends that line without leaving an empty one */
	put(s, "abcdefghijKL");
	CHECK(row_is(s, 1, "abcdefghij"));
	CHECK(row_is(s, 2, "KL"));
	CHECK_EQ(s->term.x, 2);
	CHECK_EQ(s->term.y, 2);
	screen_free(s);
}

static void scrolling(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "one\ntwo\nthree\n");
	CHECK(row_is(s, 0, "two"));
	CHECK(row_is(s, 1, "three"));
	CHECK(row_is(s, 2, ""));
	put(s, "four\nfive\nsix"); /* several scrolls in one write */
	CHECK(row_is(s, 0, "four"));
	CHECK(row_is(s, 1, "five"));
	CHECK(row_is(s, 2, "six"));
	for (int i = 0; i < 50; i++) /* the row ring goes round many times */
		put(s, "\nx");
	CHECK(row_is(s, 0, "x"));
	CHECK(row_is(s, 2, "x"));
	put(s, "0123456789abc"); /* wrapping at the bottom scrolls too */
	CHECK(row_is(s, 0, "x"));
	CHECK(row_is(s, 1, "x012345678"));
	CHECK(row_is(s, 2, "9abc"));
	screen_free(s);
}

static void control_characters(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "ab\bc\n");
	CHECK(row_is(s, 0, "ac"));
	put(s, "a\tb\t\tc\n"); /* tab stops every 8 columns; the last one is the right margin */
	CHECK(cell_is(s, 0, 1, 'a'));
	CHECK(cell_is(s, 8, 1, 'b'));
	CHECK(cell_is(s, 9, 1, 'c'));
	put(s, "xyz\rQ\x07\x01\x7f");
	CHECK(row_is(s, 2, "Qyz"));
	put(s, "\x1b[H\x1b[2C\v!"); /* vertical tab: down a line, same column */
	CHECK(cell_is(s, 2, 1, '!'));
	screen_free(s);
}

static void escapes_swallowed(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "\x1b]0;a window title\x07" "a" "\x1b]2;another\x1b\\" "b" "\x1b(B" "c"
	       "\x1b[5n" "\x1b[>1;2c" "\x1b[?1049h" "d" "\x1b" "7" "e"
	       "\x1b[0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;0;31m" /* a 17th parameter is dropped */
	       "\x1b[99999999999999999999m" "f"); /* a huge one is clamped, not wrapped */
	CHECK(row_is(s, 0, "abcdef"));
	/* A sequence split across writes is still swallowed. */
	put(s, "\x1b");
	put(s, "[3");
	put(s, "1mg\x1b[0m");
	CHECK(cell_shows(s, 6, 0, 'g', colour(s, 1), colour(s, FBCON_DEFAULT_BG)));
	/* An OSC string that never ends is abandoned, so output does not vanish for good. */
	put(s, "\x1b]0;");
	for (int i = 0; i < FBCON_OSC_MAX + 20; i++)
		put(s, "z");
	put(s, "\nok");
	CHECK(row_is(s, 2, "ok"));
	screen_free(s);
}

/* Redrawing a cell whose character stays but whose colour changes. */
static void recolour_same_character(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "x");
	CHECK(cell_is(s, 0, 0, 'x'));
	put(s, "\r\x1b[31mx");
	CHECK(cell_shows(s, 0, 0, 'x', colour(s, 1), colour(s, 0)));
	put(s, "\r\x1b[41mx");
	CHECK(cell_shows(s, 0, 0, 'x', colour(s, 1), colour(s, 1)));
	screen_free(s);
}

static void sgr_colours(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	uint32_t black = colour(s, 0), grey = colour(s, FBCON_DEFAULT_FG);
	put(s, hide_cursor);
	put(s, "\x1b[31mr\x1b[92mg\x1b[1;34mb\x1b[0;7mv\x1b[m" "n\x1b[38;5;3;44my\x1b[39;49m"
	       "\x1b[38;2;1;2;3mt\x1b[0m");
	CHECK(cell_shows(s, 0, 0, 'r', colour(s, 1), black));
	CHECK_EQ(colour(s, 10), fbcon_pixel(FBCON_RGBX, RGB_BRIGHT_GREEN));
	CHECK(cell_shows(s, 1, 0, 'g', colour(s, 10), black));
	CHECK(cell_shows(s, 2, 0, 'b', colour(s, 12), black)); /* bold brightens */
	CHECK(cell_shows(s, 3, 0, 'v', black, grey)); /* reverse */
	CHECK(cell_shows(s, 4, 0, 'n', grey, black));
	CHECK(cell_shows(s, 5, 0, 'y', colour(s, 3), colour(s, 4)));
	/* 38;2;r;g;b: the colour is beyond our palette, but its numbers are not attributes. */
	CHECK(cell_shows(s, 6, 0, 't', grey, black));
	screen_free(s);
}

static void erase_and_move(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "0123456789abcdefghijABCDEFGHIJ");
	put(s, "\x1b[2;4H\x1b[K"); /* row 2, column 4 (1-based): erase to end of line */
	CHECK(row_is(s, 0, "0123456789"));
	CHECK(row_is(s, 1, "abc"));
	CHECK(row_is(s, 2, "ABCDEFGHIJ"));
	put(s, "\x1b[1K"); /* start of line through the cursor */
	CHECK(row_is(s, 1, ""));
	put(s, "\x1b[H\x1b[2CX\x1b[99;99HZ\x1b[3;1H\x1b[2AY"); /* moves clamp at the edges */
	CHECK(row_is(s, 0, "Y1X3456789"));
	CHECK(cell_is(s, 9, 2, 'Z'));
	CHECK(cell_is(s, 0, 0, 'Y'));
	put(s, "\x1b[2;2H\x1b[1J"); /* start of screen through the cursor */
	CHECK(row_is(s, 0, ""));
	CHECK(row_is(s, 1, ""));
	CHECK(row_is(s, 2, "ABCDEFGHIZ"));
	put(s, "\x1b[3;5H\x1b[J"); /* cursor to end of screen */
	CHECK(row_is(s, 2, "ABCD"));
	put(s, "\x1b[2J\x1b[H*");
	CHECK(row_is(s, 0, "*"));
	CHECK(row_is(s, 1, ""));
	CHECK(row_is(s, 2, ""));
	put(s, "\x1b[44m\x1b[2K"); /* erase takes the current background */
	CHECK(cell_shows(s, 5, 0, ' ', colour(s, 7), colour(s, 4)));
	screen_free(s);
}

static void utf8_replacement(void)
{
	struct screen *s = screen_new(FBCON_RGBX);
	CHECK(s);
	put(s, hide_cursor);
	put(s, "a\xc3\xa9" "b\xe2\x82\xac" "c\xf0\x9f\x98\x80" "d\x80" "e");
	CHECK(cell_is(s, 0, 0, 'a'));
	CHECK(cell_shows(s, 1, 0, 0x7f, colour(s, 7), colour(s, 0))); /* one glyph per character */
	CHECK(cell_is(s, 2, 0, 'b'));
	CHECK(cell_is(s, 4, 0, 'c'));
	CHECK(cell_is(s, 6, 0, 'd'));
	CHECK(cell_shows(s, 7, 0, 0x7f, colour(s, 7), colour(s, 0))); /* a stray continuation */
	CHECK(cell_is(s, 8, 0, 'e'));
	/* An extra continuation byte, and a sequence cut short by ASCII, show up too. */
	put(s, "\r\xc3\xa9\xa9" "f\xe2" "g\x80" "h");
	CHECK(cell_shows(s, 1, 0, 0x7f, colour(s, 7), colour(s, 0)));
	CHECK(cell_is(s, 2, 0, 'f'));
	CHECK(cell_shows(s, 3, 0, 0x7f, colour(s, 7), colour(s, 0)));
	CHECK(cell_is(s, 4, 0, 'g'));
	CHECK(cell_shows(s, 5, 0, 0x7f, colour(s, 7), colour(s, 0)));
	CHECK(cell_is(s, 6, 0, 'h'));
	screen_free(s);
}

static void init_rejects_bad_surfaces(void)
{
	struct fbcon_term t;
	struct fbcon_cell cells[4], shown[4];
	uint32_t px[FONT_WIDTH * FONT_HEIGHT * 4];
	struct fbcon_surface tiny = { px, FONT_WIDTH - 1, FONT_HEIGHT, FONT_WIDTH, FBCON_RGBX };
	struct fbcon_surface two = { px, 2 * FONT_WIDTH, 2 * FONT_HEIGHT, 2 * FONT_WIDTH,
				     FBCON_RGBX };
	struct fbcon_surface bad_pitch = two;
	bad_pitch.pitch = FONT_WIDTH;
	CHECK_EQ(fbcon_grid_cells(2 * FONT_WIDTH + 1, 2 * FONT_HEIGHT - 1), 2);
	CHECK_EQ(fbcon_term_init(&t, &tiny, cells, shown, 4), -EINVAL);
	CHECK_EQ(fbcon_term_init(&t, &two, cells, shown, 3), -EINVAL);
	CHECK_EQ(fbcon_term_init(&t, &bad_pitch, cells, shown, 4), -EINVAL);
	CHECK_EQ(fbcon_term_init(&t, &two, cells, shown, 4), 0);
	CHECK_EQ(t.cols, 2);
	CHECK_EQ(t.rows, 2);
}

/* Draws every cell of `t` from scratch onto `pixels`: what incremental rendering must match. */
static void render_reference(const struct fbcon_term *t, uint32_t *pixels)
{
	struct fbcon_surface surf = t->surf;
	surf.pixels = pixels;
	for (uint32_t r = 0; r < t->rows; r++)
		for (uint32_t c = 0; c < t->cols; c++) {
			struct fbcon_cell cell = t->cells[((t->top + r) % t->rows) * t->cols + c];
			bool cursor = t->cursor_visible && r == t->y && c == t->x;
			fbcon_render_glyph(&surf, c, r, cell.ch, t->palette[cell.fg],
					   t->palette[cell.bg], cursor);
		}
}

/* Bytes biased towards what terminals see: text, newlines, escapes and their parameters. */
static char random_byte(void)
{
	static const char alphabet[] = "ab \n\r\t\b\x1b[;0123479mHJKABCDG?hl]\x07\\\xc3\xa9\x80";
	if (test_rand_below(4) == 0)
		return (char)test_rand_below(256);
	return alphabet[test_rand_below(sizeof(alphabet) - 1)];
}

static void incremental_matches_full_redraw(void)
{
	uint32_t *reference = malloc(sizeof(uint32_t) * PITCH * HEIGHT);
	char buf[FUZZ_BYTES];
	test_srand(42);
	for (int round = 0; round < FUZZ_ROUNDS; round++) {
		struct screen *s = screen_new(round & 1 ? FBCON_BGRX : FBCON_RGBX);
		CHECK(s);
		size_t n = test_rand_below(FUZZ_BYTES);
		for (size_t i = 0; i < n; i++)
			buf[i] = random_byte();
		for (size_t done = 0; done < n;) { /* in random pieces */
			size_t piece = 1 + test_rand_below(n - done < 16 ? n - done : 16);
			fbcon_term_write(&s->term, buf + done, piece);
			done += piece;
			CHECK(s->term.x < COLS && s->term.y < ROWS);
		}
		memcpy(reference, s->pixels, sizeof(uint32_t) * PITCH * HEIGHT);
		render_reference(&s->term, reference);
		CHECK_MEMEQ(reference, s->pixels, sizeof(uint32_t) * PITCH * HEIGHT);
		screen_free(s);
	}
	free(reference);
}

TEST_MAIN(TEST(pixel_values), TEST(font_has_every_glyph), TEST(glyph_pixels),
	  TEST(surface_edges), TEST(cursor_underline), TEST(wrap_at_last_column), TEST(scrolling),
	  TEST(control_characters), TEST(escapes_swallowed), TEST(recolour_same_character),
	  TEST(sgr_colours), TEST(erase_and_move), TEST(utf8_replacement),
	  TEST(init_rejects_bad_surfaces), TEST(incremental_matches_full_redraw))
