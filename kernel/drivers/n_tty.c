/* The line discipline's pure logic, following Linux's n_tty: what each received byte does to
 * the input buffer and the echo, how input is taken out, and output post-processing. See
 * n_tty.h; the tty core (tty.c) holds the lock and talks to devices and processes. */
#include <drivers/n_tty.h>
#include <lib/string.h>
#include <uapi/signal.h>

#define BUF_MASK (N_TTY_BUF_SIZE - 1)
#define DEL 0x7f
#define CTRL_TO_CARET 0100 /* ^C is 0x03 ^ 0100 = 'C'; DEL shows as ^? */
#define TAB_WIDTH 8

_Static_assert((N_TTY_BUF_SIZE & BUF_MASK) == 0, "input buffer size is a power of two");

void n_tty_default_termios(struct k_termios *t)
{
	static const uint8_t cc[K_NCCS] = {
		[VINTR] = 003, [VQUIT] = 034, [VERASE] = 0177, [VKILL] = 025, [VEOF] = 004,
		[VTIME] = 0, [VMIN] = 1, [VSWTC] = 0, [VSTART] = 021, [VSTOP] = 023,
		[VSUSP] = 032, [VEOL] = 0, [VREPRINT] = 022, [VDISCARD] = 017, [VWERASE] = 027,
		[VLNEXT] = 026, [VEOL2] = 0,
	};
	memset(t, 0, sizeof(*t));
	t->c_iflag = ICRNL | IXON;
	t->c_oflag = OPOST | ONLCR;
	t->c_cflag = B38400 | CS8 | CREAD | HUPCL;
	t->c_lflag = ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN;
	memcpy(t->c_cc, cc, sizeof(cc));
}

void n_tty_init(struct n_tty *ld, const struct k_termios *t)
{
	memset(ld, 0, sizeof(*ld));
	ld->termios = *t;
}

static bool iflag(const struct n_tty *ld, uint32_t f)
{
	return (ld->termios.c_iflag & f) != 0;
}

static bool oflag(const struct n_tty *ld, uint32_t f)
{
	return (ld->termios.c_oflag & f) != 0;
}

static bool lflag(const struct n_tty *ld, uint32_t f)
{
	return (ld->termios.c_lflag & f) != 0;
}

/* c is the character in slot idx of c_cc (a slot holding _POSIX_VDISABLE matches nothing). */
static bool is_cc(const struct n_tty *ld, int idx, uint8_t c)
{
	return c != _POSIX_VDISABLE && ld->termios.c_cc[idx] == c;
}

static bool is_cntrl(uint8_t c)
{
	return c < 0x20 || c == DEL;
}

/* A UTF-8 continuation byte that takes no column (IUTF8). */
static bool is_continuation(const struct n_tty *ld, uint8_t c)
{
	return iflag(ld, IUTF8) && (c & 0xc0) == 0x80;
}

static bool bit_test(const uint64_t *map, uint32_t idx)
{
	idx &= BUF_MASK;
	return (map[idx / 64] >> (idx % 64)) & 1;
}

static void bit_assign(uint64_t *map, uint32_t idx, bool v)
{
	idx &= BUF_MASK;
	if (v)
		map[idx / 64] |= 1ULL << (idx % 64);
	else
		map[idx / 64] &= ~(1ULL << (idx % 64));
}

static uint8_t slot(const struct n_tty *ld, uint32_t idx)
{
	return ld->buf[idx & BUF_MASK];
}

/* ---- output post-processing ----------------------------------------------------------------- */

/* What byte c becomes on the way out (0 to N_TTY_OUT_CHAR_MAX bytes in out), updating the
 * column as Linux's do_output_char does. */
static size_t out_char(struct n_tty *ld, uint8_t c, uint8_t *out)
{
	if (!oflag(ld, OPOST)) {
		out[0] = c;
		return 1;
	}
	switch (c) {
	case '\n':
		if (oflag(ld, ONLRET))
			ld->column = 0;
		if (oflag(ld, ONLCR)) {
			ld->canon_column = ld->column = 0;
			out[0] = '\r';
			out[1] = '\n';
			return 2;
		}
		ld->canon_column = ld->column;
		break;
	case '\r':
		if (oflag(ld, ONOCR) && ld->column == 0)
			return 0;
		if (oflag(ld, OCRNL)) {
			c = '\n';
			if (oflag(ld, ONLRET))
				ld->canon_column = ld->column = 0;
			break;
		}
		ld->canon_column = ld->column = 0;
		break;
	case '\t': {
		uint32_t spaces = TAB_WIDTH - (ld->column & (TAB_WIDTH - 1));
		ld->column += spaces;
		if ((ld->termios.c_oflag & TABDLY) == XTABS) {
			memset(out, ' ', spaces);
			return spaces;
		}
		break;
	}
	case '\b':
		if (ld->column > 0)
			ld->column--;
		break;
	default:
		if (!is_cntrl(c)) {
			if (oflag(ld, OLCUC) && c >= 'a' && c <= 'z')
				c = (uint8_t)(c - 'a' + 'A');
			if (!is_continuation(ld, c))
				ld->column++;
		}
		break;
	}
	out[0] = c;
	return 1;
}

size_t n_tty_output(struct n_tty *ld, const uint8_t *in, size_t n, uint8_t *out, size_t outsz,
		    size_t *used)
{
	size_t produced = 0, i = 0;
	while (i < n && outsz - produced >= N_TTY_OUT_CHAR_MAX)
		produced += out_char(ld, in[i++], out + produced);
	*used = i;
	return produced;
}

bool n_tty_output_stopped(const struct n_tty *ld)
{
	return ld->flow_stopped || ld->tco_stopped;
}

/* ---- echo ----------------------------------------------------------------------------------- */

/* Echo c as it is (through output processing). Echo beyond the buffer is dropped. */
static void echo_raw(struct n_tty *ld, uint8_t c)
{
	uint8_t tmp[N_TTY_OUT_CHAR_MAX];
	size_t k = out_char(ld, c, tmp);
	if (ld->echo_len + k > N_TTY_ECHO_SIZE)
		return;
	memcpy(ld->echo + ld->echo_len, tmp, k);
	ld->echo_len += (uint32_t)k;
}

/* Echo c, control characters as ^X under ECHOCTL (tabs excepted). */
static void echo_char(struct n_tty *ld, uint8_t c)
{
	if (lflag(ld, ECHOCTL) && is_cntrl(c) && c != '\t') {
		echo_raw(ld, '^');
		echo_raw(ld, c ^ CTRL_TO_CARET);
	} else {
		echo_raw(ld, c);
	}
}

static void echo_erase(struct n_tty *ld)
{
	echo_raw(ld, '\b');
	echo_raw(ld, ' ');
	echo_raw(ld, '\b');
}

size_t n_tty_take_echo(struct n_tty *ld, uint8_t *dst, size_t n)
{
	size_t k = n < ld->echo_len ? n : ld->echo_len;
	memcpy(dst, ld->echo, k);
	memmove(ld->echo, ld->echo + k, ld->echo_len - k);
	ld->echo_len -= (uint32_t)k;
	return k;
}

/* ---- the input buffer ----------------------------------------------------------------------- */

static uint32_t count(const struct n_tty *ld)
{
	return ld->head - ld->tail;
}

/* Store c (a line end when delim, a VEOF marker when eof). The caller checked for room. */
static void put(struct n_tty *ld, uint8_t c, bool delim, bool eof)
{
	bit_assign(ld->delim, ld->head, delim);
	bit_assign(ld->eof, ld->head, eof);
	ld->buf[ld->head & BUF_MASK] = c;
	ld->head++;
}

void n_tty_flush_input(struct n_tty *ld)
{
	ld->head = ld->canon_head = ld->tail;
	ld->lnext = false;
}

/* Room for a byte: in canonical mode the last slot is kept for a line end, so that a full line
 * can always be finished. */
static bool room_for(const struct n_tty *ld, bool line_end)
{
	uint32_t limit = lflag(ld, ICANON) && !line_end ? N_TTY_BUF_SIZE - 1 : N_TTY_BUF_SIZE;
	return count(ld) < limit;
}

/* ---- erasing (canonical mode) --------------------------------------------------------------- */

static bool is_word_char(uint8_t c)
{
	return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	       c == '_';
}

/* Backspaces that take the cursor back over a tab just erased at head: the column where the tab
 * started, from the characters since the line start or the previous tab. */
static void erase_tab(struct n_tty *ld)
{
	uint32_t cols = 0, idx = ld->head;
	bool after_tab = false;
	while (idx != ld->canon_head) {
		uint8_t c = slot(ld, --idx);
		if (c == '\t') {
			after_tab = true;
			break;
		}
		if (is_cntrl(c))
			cols += lflag(ld, ECHOCTL) ? 2 : 0;
		else if (!is_continuation(ld, c))
			cols++;
	}
	if (!after_tab)
		cols += ld->canon_column;
	uint32_t nbs = TAB_WIDTH - (cols & (TAB_WIDTH - 1));
	if (nbs > ld->column)
		nbs = ld->column;
	while (nbs--)
		echo_raw(ld, '\b');
}

/* Remove the last character (and its UTF-8 continuation bytes) of the line being edited, with
 * its visual erase. Returns that character. */
static uint8_t erase_one(struct n_tty *ld, bool visual)
{
	uint8_t c;
	do {
		c = slot(ld, --ld->head);
	} while (is_continuation(ld, c) && ld->head != ld->canon_head);
	if (!visual)
		return c;
	if (c == '\t') {
		erase_tab(ld);
	} else {
		if (is_cntrl(c) && lflag(ld, ECHOCTL))
			echo_erase(ld); /* the '^' */
		if (!is_cntrl(c) || lflag(ld, ECHOCTL))
			echo_erase(ld);
	}
	return c;
}

/* VERASE, VWERASE or VKILL (Linux's eraser). */
static void eraser(struct n_tty *ld, uint8_t c)
{
	enum { ERASE, WERASE, KILL } kind;
	if (ld->head == ld->canon_head)
		return;
	if (is_cc(ld, VERASE, c))
		kind = ERASE;
	else if (is_cc(ld, VWERASE, c))
		kind = WERASE;
	else
		kind = KILL;
	bool echo = lflag(ld, ECHO);
	if (kind == KILL && (!echo || !lflag(ld, ECHOK) || !lflag(ld, ECHOKE) || !lflag(ld, ECHOE))) {
		ld->head = ld->canon_head;
		if (echo) {
			echo_char(ld, c);
			if (lflag(ld, ECHOK))
				echo_raw(ld, '\n');
		}
		return;
	}
	if (kind == ERASE && echo && !lflag(ld, ECHOE)) {
		erase_one(ld, false);
		echo_char(ld, c);
		return;
	}
	bool seen_word = false;
	while (ld->head != ld->canon_head) {
		if (kind == WERASE) {
			uint8_t prev = slot(ld, ld->head - 1);
			if (is_word_char(prev))
				seen_word = true;
			else if (seen_word)
				break;
		}
		erase_one(ld, echo);
		if (kind == ERASE)
			break;
	}
}

/* ---- receiving ------------------------------------------------------------------------------ */

/* An ordinary character: echoed and stored. */
static void receive_plain(struct n_tty *ld, uint8_t c)
{
	if (!room_for(ld, false))
		return;
	if (lflag(ld, ECHO)) {
		if (c == '\n') {
			echo_raw(ld, '\n');
		} else {
			if (ld->canon_head == ld->head)
				ld->canon_column = ld->column;
			echo_char(ld, c);
		}
	}
	put(ld, c, false, false);
}

/* A line end in canonical mode: stored with its delimiter mark; VEOF as a marker. */
static void receive_line_end(struct n_tty *ld, uint8_t c, bool eof)
{
	if (!room_for(ld, true))
		return;
	put(ld, eof ? 0 : c, true, eof);
	ld->canon_head = ld->head;
}

static int receive_signal_char(struct n_tty *ld, uint8_t c, int sig)
{
	if (!lflag(ld, NOFLSH)) {
		n_tty_flush_input(ld);
		ld->echo_len = 0;
	}
	if (iflag(ld, IXON))
		ld->flow_stopped = false;
	if (lflag(ld, ECHO))
		echo_char(ld, c);
	return sig;
}

/* VREPRINT: the character, a new line, and the line so far. */
static void reprint(struct n_tty *ld, uint8_t c)
{
	echo_char(ld, c);
	echo_raw(ld, '\n');
	for (uint32_t i = ld->canon_head; i != ld->head; i++)
		echo_char(ld, slot(ld, i));
}

/* Canonical-mode editing characters; true when c was one of them (and is handled). */
static bool receive_canon_special(struct n_tty *ld, uint8_t c)
{
	bool iexten = lflag(ld, IEXTEN);
	if (is_cc(ld, VERASE, c) || is_cc(ld, VKILL, c) || (iexten && is_cc(ld, VWERASE, c))) {
		eraser(ld, c);
		return true;
	}
	if (iexten && is_cc(ld, VLNEXT, c)) {
		ld->lnext = true;
		if (lflag(ld, ECHO) && lflag(ld, ECHOCTL)) {
			echo_raw(ld, '^');
			echo_raw(ld, '\b');
		}
		return true;
	}
	if (iexten && lflag(ld, ECHO) && is_cc(ld, VREPRINT, c)) {
		reprint(ld, c);
		return true;
	}
	if (c == '\n') {
		if (lflag(ld, ECHO) || lflag(ld, ECHONL))
			echo_raw(ld, '\n');
		receive_line_end(ld, c, false);
		return true;
	}
	if (is_cc(ld, VEOF, c)) {
		receive_line_end(ld, c, true);
		return true;
	}
	if (is_cc(ld, VEOL, c) || (iexten && is_cc(ld, VEOL2, c))) {
		if (lflag(ld, ECHO)) {
			if (ld->canon_head == ld->head)
				ld->canon_column = ld->column;
			echo_char(ld, c);
		}
		receive_line_end(ld, c, false);
		return true;
	}
	return false;
}

int n_tty_receive(struct n_tty *ld, uint8_t c)
{
	if (iflag(ld, ISTRIP))
		c &= 0x7f;
	if (iflag(ld, IUCLC) && lflag(ld, IEXTEN) && c >= 'A' && c <= 'Z')
		c = (uint8_t)(c - 'A' + 'a');
	if (ld->lnext) {
		ld->lnext = false;
		receive_plain(ld, c);
		return 0;
	}
	if (iflag(ld, IXON) && (is_cc(ld, VSTART, c) || is_cc(ld, VSTOP, c))) {
		ld->flow_stopped = !is_cc(ld, VSTART, c);
		return 0;
	}
	if (lflag(ld, ISIG)) {
		if (is_cc(ld, VINTR, c))
			return receive_signal_char(ld, c, SIGINT);
		if (is_cc(ld, VQUIT, c))
			return receive_signal_char(ld, c, SIGQUIT);
		if (is_cc(ld, VSUSP, c))
			return receive_signal_char(ld, c, SIGTSTP);
	}
	if (ld->flow_stopped && iflag(ld, IXON) && iflag(ld, IXANY))
		ld->flow_stopped = false;
	if (c == '\r') {
		if (iflag(ld, IGNCR))
			return 0;
		if (iflag(ld, ICRNL))
			c = '\n';
	} else if (c == '\n' && iflag(ld, INLCR)) {
		c = '\r';
	}
	if (lflag(ld, ICANON) && receive_canon_special(ld, c))
		return 0;
	receive_plain(ld, c);
	return 0;
}

void n_tty_set_termios(struct n_tty *ld, const struct k_termios *t)
{
	bool was_canon = lflag(ld, ICANON);
	bool had_ixon = iflag(ld, IXON);
	ld->termios = *t;
	if (was_canon != lflag(ld, ICANON)) {
		memset(ld->delim, 0, sizeof(ld->delim));
		memset(ld->eof, 0, sizeof(ld->eof));
		if (!lflag(ld, ICANON) || count(ld) == 0) {
			ld->canon_head = ld->tail;
		} else { /* what was typed in raw mode becomes a line of its own */
			bit_assign(ld->delim, ld->head - 1, true);
			ld->canon_head = ld->head;
		}
		ld->lnext = false;
	}
	if (had_ixon && !iflag(ld, IXON))
		ld->flow_stopped = false;
}

uint32_t n_tty_room(const struct n_tty *ld)
{
	/* A partial line that fills the buffer must not stop its writer for ever: what does not
	 * fit is dropped instead (receive_plain), as Linux's n_tty does. */
	uint32_t used = count(ld);
	if (!lflag(ld, ICANON))
		return N_TTY_BUF_SIZE - used;
	if (ld->canon_head == ld->tail)
		return N_TTY_BUF_SIZE;
	/* The last slot is for a line end (room_for): a writer waits for the reader instead. */
	return used < N_TTY_BUF_SIZE - 1 ? N_TTY_BUF_SIZE - 1 - used : 0;
}

/* ---- taking input out ----------------------------------------------------------------------- */

bool n_tty_readable(const struct n_tty *ld, uint32_t amt)
{
	if (lflag(ld, ICANON))
		return ld->canon_head != ld->tail;
	return count(ld) >= amt;
}

size_t n_tty_read(struct n_tty *ld, uint8_t *dst, size_t n)
{
	size_t got = 0;
	if (!lflag(ld, ICANON)) {
		while (got < n && ld->tail != ld->head)
			dst[got++] = slot(ld, ld->tail++);
		return got;
	}
	while (ld->tail != ld->canon_head) {
		uint32_t idx = ld->tail;
		if (bit_test(ld->eof, idx)) {
			ld->tail++;
			break;
		}
		if (got == n)
			break;
		dst[got++] = slot(ld, idx);
		ld->tail++;
		if (bit_test(ld->delim, idx))
			break;
	}
	return got;
}

uint32_t n_tty_inq(const struct n_tty *ld)
{
	if (!lflag(ld, ICANON))
		return count(ld);
	uint32_t n = 0;
	for (uint32_t i = ld->tail; i != ld->canon_head; i++)
		if (!bit_test(ld->eof, i))
			n++;
	return n;
}
