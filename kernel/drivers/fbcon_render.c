/* The framebuffer console's pure part: cell grid, control characters, ANSI escape sequences
 * (a practical subset of ECMA-48/xterm: cursor motion, erase, SGR colours; everything else is
 * parsed and swallowed) and incremental glyph rendering. See fbcon_render.h. */
#include <drivers/fbcon_render.h>
#include <drivers/font.h>
#include <lib/string.h>
#include <uapi/errno.h>

#define BEL 0x07
#define CAN 0x18
#define SUB 0x1a
#define ESC 0x1b
#define REPLACEMENT_CH 0x7f /* stored in a cell for what the font cannot show: DEL has no glyph */
#define CURSOR_FIRST_LINE 14 /* the cursor underlines glyph lines 14 and 15 */
#define BRIGHT 8 /* palette offset of the bright colours */
#define NO_ROW UINT32_MAX

#define SGR_RESET 0
#define SGR_BOLD 1
#define SGR_REVERSE 7
#define SGR_NORMAL_INTENSITY 22
#define SGR_NO_REVERSE 27
#define SGR_FG_FIRST 30
#define SGR_FG_EXTENDED 38
#define SGR_FG_DEFAULT 39
#define SGR_BG_FIRST 40
#define SGR_BG_EXTENDED 48
#define SGR_BG_DEFAULT 49
#define SGR_FG_BRIGHT_FIRST 90
#define SGR_BG_BRIGHT_FIRST 100
#define SGR_EXT_INDEXED 5 /* 38;5;n */
#define SGR_EXT_RGB 2 /* 38;2;r;g;b */
#define DECTCEM 25 /* CSI ?25h / ?25l: show / hide the cursor */

_Static_assert(FONT_WIDTH == 8, "fbcon_render_glyph writes a glyph row as 4 pixel pairs");

/* The VGA text-mode colours, with a brighter default foreground for readability. */
static const uint32_t palette_rgb[FBCON_COLOURS] = {
	0x000000, 0xaa0000, 0x00aa00, 0xaa5500, 0x0000aa, 0xaa00aa, 0x00aaaa, 0xc0c0c0,
	0x555555, 0xff5555, 0x55ff55, 0xffff55, 0x5555ff, 0xff55ff, 0x55ffff, 0xffffff,
};

static inline uint32_t min_u32(uint32_t a, uint32_t b)
{
	return a < b ? a : b;
}

static inline uint32_t max_u32(uint32_t a, uint32_t b)
{
	return a > b ? a : b;
}

/* Two adjacent pixels, stored at once; a scan line may start on any 4-byte boundary. */
typedef uint64_t __attribute__((aligned(4), may_alias)) pixel_pair_t;

uint32_t fbcon_pixel(enum fbcon_pixel_order order, uint32_t rgb)
{
	if (order == FBCON_BGRX) /* little-endian 0x00RRGGBB is bytes B, G, R already */
		return rgb & 0xffffff;
	return ((rgb >> 16) & 0xff) | (rgb & 0xff00) | ((rgb & 0xff) << 16);
}

size_t fbcon_grid_cells(uint32_t width, uint32_t height)
{
	return (size_t)(width / FONT_WIDTH) * (height / FONT_HEIGHT);
}

void fbcon_render_glyph(const struct fbcon_surface *s, uint32_t col, uint32_t row,
			unsigned char ch, uint32_t fg, uint32_t bg, bool underline)
{
	const uint8_t *glyph = font_glyph(ch);
	/* Indexed by two glyph bits, left pixel in the high bit; the left pixel is the low half. */
	const uint64_t pairs[4] = {
		bg | (uint64_t)bg << 32,
		bg | (uint64_t)fg << 32,
		fg | (uint64_t)bg << 32,
		fg | (uint64_t)fg << 32,
	};
	size_t first_pixel = (size_t)row * FONT_HEIGHT * s->pitch + (size_t)col * FONT_WIDTH;
	uint32_t *line = s->pixels + first_pixel;

	for (uint32_t y = 0; y < FONT_HEIGHT; y++, line += s->pitch) {
		uint8_t bits = underline && y >= CURSOR_FIRST_LINE ? 0xff : glyph[y];
		pixel_pair_t *p = (pixel_pair_t *)line;
		p[0] = pairs[bits >> 6];
		p[1] = pairs[(bits >> 4) & 3];
		p[2] = pairs[(bits >> 2) & 3];
		p[3] = pairs[bits & 3];
	}
}

static void clear_surface(const struct fbcon_surface *s, uint32_t px)
{
	for (uint32_t y = 0; y < s->height; y++) {
		uint32_t *line = s->pixels + (size_t)y * s->pitch;
		for (uint32_t x = 0; x < s->width; x++)
			line[x] = px;
	}
}

/* ---- the cell grid ------------------------------------------------------------------------ */

static struct fbcon_cell *row_cells(const struct fbcon_term *t, uint32_t row)
{
	uint32_t ring = t->top + row;
	if (ring >= t->rows)
		ring -= t->rows;
	return t->cells + (size_t)ring * t->cols;
}

static void mark_dirty(struct fbcon_term *t, uint32_t first, uint32_t last)
{
	t->dirty_first = min_u32(t->dirty_first, first);
	t->dirty_last = max_u32(t->dirty_last, last);
}

/* Colours a character written now gets: bold brightens, reverse swaps. */
static struct fbcon_cell styled_cell(const struct fbcon_term *t, unsigned char ch)
{
	uint8_t fg = t->fg, bg = t->bg;
	if (t->bold && fg < BRIGHT)
		fg += BRIGHT;
	if (t->reverse)
		return (struct fbcon_cell){ .ch = ch, .fg = bg, .bg = fg };
	return (struct fbcon_cell){ .ch = ch, .fg = fg, .bg = bg };
}

/* Erased cells take the current background (as xterm does), not the reverse-video one. */
static void erase_cells(struct fbcon_term *t, uint32_t row, uint32_t from, uint32_t to)
{
	struct fbcon_cell blank = { .ch = ' ', .fg = t->fg, .bg = t->bg };
	struct fbcon_cell *cells = row_cells(t, row);
	for (uint32_t c = from; c < to; c++)
		cells[c] = blank;
	mark_dirty(t, row, row);
}

static void erase_rows(struct fbcon_term *t, uint32_t first, uint32_t end)
{
	for (uint32_t r = first; r < end; r++)
		erase_cells(t, r, 0, t->cols);
}

static void scroll_up(struct fbcon_term *t)
{
	t->top = t->top + 1 == t->rows ? 0 : t->top + 1;
	erase_cells(t, t->rows - 1, 0, t->cols);
	mark_dirty(t, 0, t->rows - 1);
}

static void line_feed(struct fbcon_term *t)
{
	if (t->y + 1 < t->rows)
		t->y++;
	else
		scroll_up(t);
}

static void set_cursor(struct fbcon_term *t, uint32_t x, uint32_t y)
{
	t->x = min_u32(x, t->cols - 1);
	t->y = min_u32(y, t->rows - 1);
	t->wrap_pending = false;
}

/* Deferred wrap, as VT100s do: filling the last column does not move to the next line until
 * another character arrives, so a full-width line followed by '\n' leaves no blank line. */
static void put_char(struct fbcon_term *t, unsigned char ch)
{
	if (t->wrap_pending) {
		t->x = 0;
		t->wrap_pending = false;
		line_feed(t);
	}
	row_cells(t, t->y)[t->x] = styled_cell(t, ch);
	mark_dirty(t, t->y, t->y);
	if (t->x + 1 < t->cols)
		t->x++;
	else
		t->wrap_pending = true;
}

static void reset_attributes(struct fbcon_term *t)
{
	t->fg = FBCON_DEFAULT_FG;
	t->bg = FBCON_DEFAULT_BG;
	t->bold = false;
	t->reverse = false;
}

static void full_reset(struct fbcon_term *t)
{
	reset_attributes(t);
	erase_rows(t, 0, t->rows);
	set_cursor(t, 0, 0);
	t->cursor_visible = true;
}

/* ---- bringing the surface up to date ------------------------------------------------------ */

static bool same_look(struct fbcon_cell a, struct fbcon_cell b)
{
	if (a.ch != b.ch || a.bg != b.bg || a.flags != b.flags)
		return false;
	/* A blank cell shows no foreground, unless the cursor underlines it. */
	return a.fg == b.fg || (a.ch == ' ' && !(a.flags & FBCON_CELL_CURSOR));
}

static void flush_row(struct fbcon_term *t, uint32_t row)
{
	const struct fbcon_cell *want = row_cells(t, row);
	struct fbcon_cell *have = t->shown + (size_t)row * t->cols;

	for (uint32_t c = 0; c < t->cols; c++) {
		struct fbcon_cell w = want[c];
		if (t->cursor_visible && row == t->y && c == t->x)
			w.flags |= FBCON_CELL_CURSOR;
		if (same_look(w, have[c]))
			continue;
		fbcon_render_glyph(&t->surf, c, row, w.ch, t->palette[w.fg], t->palette[w.bg],
				   w.flags & FBCON_CELL_CURSOR);
		have[c] = w;
	}
}

static void flush(struct fbcon_term *t)
{
	if (t->cursor_drawn)
		mark_dirty(t, t->drawn_y, t->drawn_y);
	if (t->cursor_visible)
		mark_dirty(t, t->y, t->y);
	for (uint32_t r = t->dirty_first; r <= t->dirty_last && r < t->rows; r++)
		flush_row(t, r);
	t->dirty_first = NO_ROW;
	t->dirty_last = 0;
	t->cursor_drawn = t->cursor_visible;
	t->drawn_y = t->y;
}

/* ---- control characters and UTF-8 --------------------------------------------------------- */

static void tab(struct fbcon_term *t)
{
	if (t->wrap_pending)
		return; /* already at the right margin */
	t->x = min_u32((t->x / FBCON_TAB_WIDTH + 1) * FBCON_TAB_WIDTH, t->cols - 1);
}

static void backspace(struct fbcon_term *t)
{
	if (t->x > 0)
		t->x--;
	t->wrap_pending = false;
}

static void control(struct fbcon_term *t, unsigned char c)
{
	switch (c) {
	case '\n':
		t->x = 0;
		t->wrap_pending = false;
		line_feed(t);
		break;
	case '\v':
	case '\f':
		line_feed(t);
		break;
	case '\r':
		t->x = 0;
		t->wrap_pending = false;
		break;
	case '\t':
		tab(t);
		break;
	case '\b':
		backspace(t);
		break;
	case ESC:
		t->state = FBCON_ESCAPE;
		break;
	default: /* BEL, DEL and the other controls show nothing */
		break;
	}
}

/* One replacement glyph per UTF-8 sequence (not per byte): the font has no glyphs beyond ASCII. */
static void utf8_byte(struct fbcon_term *t, unsigned char c)
{
	if (c < 0xc0) { /* continuation byte */
		if (t->utf8_skip) {
			t->utf8_skip--;
			return;
		}
	} else {
		t->utf8_skip = c >= 0xf8 ? 0 : c >= 0xf0 ? 3 : c >= 0xe0 ? 2 : 1;
	}
	put_char(t, REPLACEMENT_CH);
}

static void ground(struct fbcon_term *t, unsigned char c)
{
	if (c >= 0x80) {
		utf8_byte(t, c);
		return;
	}
	t->utf8_skip = 0;
	if (c >= FONT_FIRST && c <= FONT_LAST)
		put_char(t, c);
	else
		control(t, c);
}

/* ---- escape sequences --------------------------------------------------------------------- */

static uint32_t param_count(const struct fbcon_term *t)
{
	return min_u32(t->nparams, FBCON_MAX_PARAMS);
}

/* Parameter i, with 0 or absent meaning `def` (the ECMA-48 convention for counts). */
static uint32_t param_or(const struct fbcon_term *t, uint32_t i, uint32_t def)
{
	uint32_t v = i < param_count(t) ? t->params[i] : 0;
	return v ? v : def;
}

static uint32_t param_raw(const struct fbcon_term *t, uint32_t i)
{
	return i < param_count(t) ? t->params[i] : 0;
}

static void erase_display(struct fbcon_term *t, uint32_t mode)
{
	if (mode == 0) {
		erase_cells(t, t->y, t->x, t->cols);
		erase_rows(t, t->y + 1, t->rows);
	} else if (mode == 1) {
		erase_rows(t, 0, t->y);
		erase_cells(t, t->y, 0, t->x + 1);
	} else {
		erase_rows(t, 0, t->rows);
	}
}

static void erase_line(struct fbcon_term *t, uint32_t mode)
{
	if (mode == 0)
		erase_cells(t, t->y, t->x, t->cols);
	else if (mode == 1)
		erase_cells(t, t->y, 0, t->x + 1);
	else
		erase_cells(t, t->y, 0, t->cols);
}

static void sgr_one(struct fbcon_term *t, uint32_t p)
{
	if (p == SGR_RESET)
		reset_attributes(t);
	else if (p == SGR_BOLD)
		t->bold = true;
	else if (p == SGR_NORMAL_INTENSITY)
		t->bold = false;
	else if (p == SGR_REVERSE)
		t->reverse = true;
	else if (p == SGR_NO_REVERSE)
		t->reverse = false;
	else if (p >= SGR_FG_FIRST && p < SGR_FG_FIRST + BRIGHT)
		t->fg = (uint8_t)(p - SGR_FG_FIRST);
	else if (p == SGR_FG_DEFAULT)
		t->fg = FBCON_DEFAULT_FG;
	else if (p >= SGR_BG_FIRST && p < SGR_BG_FIRST + BRIGHT)
		t->bg = (uint8_t)(p - SGR_BG_FIRST);
	else if (p == SGR_BG_DEFAULT)
		t->bg = FBCON_DEFAULT_BG;
	else if (p >= SGR_FG_BRIGHT_FIRST && p < SGR_FG_BRIGHT_FIRST + BRIGHT)
		t->fg = (uint8_t)(p - SGR_FG_BRIGHT_FIRST + BRIGHT);
	else if (p >= SGR_BG_BRIGHT_FIRST && p < SGR_BG_BRIGHT_FIRST + BRIGHT)
		t->bg = (uint8_t)(p - SGR_BG_BRIGHT_FIRST + BRIGHT);
	/* dim, italic, underline, blink, ...: not shown */
}

/* 38;5;n / 38;2;r;g;b (and 48): use n when it is one of our 16 colours, and in every case
 * consume the sub-parameters so that they are not read as attributes. Returns how many. */
static uint32_t sgr_extended(struct fbcon_term *t, uint32_t i, bool fg)
{
	if (i + 1 >= param_count(t))
		return 0;
	uint32_t mode = param_raw(t, i + 1);
	if (mode == SGR_EXT_RGB)
		return 4;
	if (mode != SGR_EXT_INDEXED)
		return 1;
	uint32_t n = param_raw(t, i + 2);
	if (i + 2 < param_count(t) && n < FBCON_COLOURS) {
		if (fg)
			t->fg = (uint8_t)n;
		else
			t->bg = (uint8_t)n;
	}
	return 2;
}

static void sgr(struct fbcon_term *t)
{
	uint32_t n = param_count(t);
	if (n == 0)
		reset_attributes(t);
	for (uint32_t i = 0; i < n; i++) {
		uint32_t p = t->params[i];
		if (p == SGR_FG_EXTENDED || p == SGR_BG_EXTENDED)
			i += sgr_extended(t, i, p == SGR_FG_EXTENDED);
		else
			sgr_one(t, p);
	}
}

static void private_mode(struct fbcon_term *t, bool set)
{
	for (uint32_t i = 0; i < param_count(t); i++)
		if (t->params[i] == DECTCEM)
			t->cursor_visible = set;
}

/* Cursor motion clamps at the edges; counts of 0 mean 1. */
static void csi_cursor(struct fbcon_term *t, unsigned char final)
{
	uint32_t n = param_or(t, 0, 1);
	uint32_t up = t->y > n ? t->y - n : 0, left = t->x > n ? t->x - n : 0;

	switch (final) {
	case 'A': set_cursor(t, t->x, up); break;
	case 'B': set_cursor(t, t->x, t->y + n); break;
	case 'C': set_cursor(t, t->x + n, t->y); break;
	case 'D': set_cursor(t, left, t->y); break;
	case 'E': set_cursor(t, 0, t->y + n); break;
	case 'F': set_cursor(t, 0, up); break;
	case 'G': case '`': set_cursor(t, n - 1, t->y); break;
	case 'd': set_cursor(t, t->x, n - 1); break;
	case 'H': case 'f': set_cursor(t, param_or(t, 1, 1) - 1, n - 1); break;
	}
}

static void csi_dispatch(struct fbcon_term *t, unsigned char final)
{
	if (t->private_csi) {
		if (final == 'h' || final == 'l')
			private_mode(t, final == 'h');
		return;
	}
	switch (final) {
	case 'J': erase_display(t, param_raw(t, 0)); break;
	case 'K': erase_line(t, param_raw(t, 0)); break;
	case 'm': sgr(t); break;
	default: csi_cursor(t, final); break; /* ignores finals it does not know */
	}
}

static void csi_byte(struct fbcon_term *t, unsigned char c)
{
	if (c >= '0' && c <= '9') {
		if (t->nparams == 0)
			t->nparams = 1;
		if (t->nparams <= FBCON_MAX_PARAMS) { /* digits of dropped parameters are ignored */
			uint32_t *p = &t->params[t->nparams - 1];
			*p = min_u32(*p * 10 + (uint32_t)(c - '0'), FBCON_PARAM_MAX);
		}
	} else if (c == ';' || c == ':') {
		t->nparams = min_u32(t->nparams == 0 ? 2 : t->nparams + 1, FBCON_MAX_PARAMS + 1);
	} else if (c >= '<' && c <= '?') {
		t->private_csi = true;
	} else if (c >= 0x40 && c <= 0x7e) {
		t->state = FBCON_GROUND;
		csi_dispatch(t, c);
	} else if (c == CAN || c == SUB || c >= 0x80) {
		t->state = FBCON_GROUND; /* sequence cancelled */
	} else if (c < 0x20) {
		control(t, c); /* controls act even inside a sequence; ESC starts a new one */
	}
	/* intermediate bytes 0x20-0x2f: no sequence we act on uses them */
}

static void start_csi(struct fbcon_term *t)
{
	t->state = FBCON_CSI;
	t->nparams = 0;
	t->private_csi = false;
	memset(t->params, 0, sizeof(t->params));
}

static void escape_byte(struct fbcon_term *t, unsigned char c)
{
	t->state = FBCON_GROUND;
	switch (c) {
	case '[': start_csi(t); break;
	case ']': t->state = FBCON_OSC; t->osc_len = 0; break;
	case '(': case ')': case '*': case '+': case '#': case '%': /* charset, DECALN, ... */
		t->state = FBCON_ESCAPE_SKIP;
		break;
	case 'c': full_reset(t); break;
	case ESC: t->state = FBCON_ESCAPE; break;
	default: break; /* ESC 7, ESC M, ...: swallowed */
	}
}

/* Operating system commands (window titles and the like): ignored up to BEL or ESC \. */
static void osc_byte(struct fbcon_term *t, unsigned char c)
{
	if (c == BEL || c == CAN || c == SUB || ++t->osc_len > FBCON_OSC_MAX) {
		t->state = FBCON_GROUND;
	} else if (t->state == FBCON_OSC_ESCAPE) {
		t->state = FBCON_GROUND;
		if (c != '\\')
			escape_byte(t, c);
	} else if (c == ESC) {
		t->state = FBCON_OSC_ESCAPE;
	}
}

static void feed_byte(struct fbcon_term *t, unsigned char c)
{
	switch (t->state) {
	case FBCON_GROUND: ground(t, c); break;
	case FBCON_ESCAPE: escape_byte(t, c); break;
	case FBCON_ESCAPE_SKIP: t->state = FBCON_GROUND; break;
	case FBCON_CSI: csi_byte(t, c); break;
	case FBCON_OSC:
	case FBCON_OSC_ESCAPE: osc_byte(t, c); break;
	}
}

void fbcon_term_write(struct fbcon_term *t, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		feed_byte(t, (unsigned char)s[i]);
	flush(t);
}

/* ---- set-up ------------------------------------------------------------------------------- */

static void fill_cells(struct fbcon_cell *cells, size_t n, struct fbcon_cell v)
{
	for (size_t i = 0; i < n; i++)
		cells[i] = v;
}

int fbcon_term_init(struct fbcon_term *t, const struct fbcon_surface *s, struct fbcon_cell *cells,
		    struct fbcon_cell *shown, size_t ncells)
{
	size_t need = fbcon_grid_cells(s->width, s->height);
	if (!s->pixels || !cells || !shown || need == 0 || ncells < need || s->pitch < s->width)
		return -EINVAL;

	memset(t, 0, sizeof(*t));
	t->surf = *s;
	t->cols = s->width / FONT_WIDTH;
	t->rows = s->height / FONT_HEIGHT;
	t->cells = cells;
	t->shown = shown;
	for (int i = 0; i < FBCON_COLOURS; i++)
		t->palette[i] = fbcon_pixel(s->order, palette_rgb[i]);
	reset_attributes(t);
	t->cursor_visible = true;
	t->state = FBCON_GROUND;

	/* The surface is cleared to the background, so `shown` starts as all blank cells. */
	struct fbcon_cell blank = { .ch = ' ', .fg = t->fg, .bg = t->bg };
	clear_surface(s, t->palette[t->bg]);
	fill_cells(cells, need, blank);
	fill_cells(shown, need, blank);
	t->dirty_first = NO_ROW;
	flush(t); /* draws the cursor */
	return 0;
}
