/* Scancode set 1 to console bytes (see ps2kbd.h): the US layout, Shift and Caps Lock, Ctrl
 * making control characters, Alt prefixing ESC (as Linux's console does for Meta), Enter as CR
 * and Backspace as DEL, cursor and editing keys as the VT sequences of Linux's console. */
#include <drivers/ps2kbd.h>
#include <lib/string.h>

#define SC_EXTENDED 0xe0
#define SC_RELEASE 0x80
#define SC_LCTRL 0x1d
#define SC_LSHIFT 0x2a
#define SC_RSHIFT 0x36
#define SC_ALT 0x38
#define SC_CAPS 0x3a
#define ESC "\033"
#define DEL 0x7f
#define CTRL_MASK 0x1f

/* Unshifted and shifted characters of scancodes 0x00-0x58 (0: no character). */
static const char plain[] = {
	[0x01] = 033, '1', '2', '3', '4', '5', '6', '7', '8', '9', '0', '-', '=', DEL, '\t',
	'q', 'w', 'e', 'r', 't', 'y', 'u', 'i', 'o', 'p', '[', ']', '\r', 0,
	'a', 's', 'd', 'f', 'g', 'h', 'j', 'k', 'l', ';', '\'', '`', 0, '\\',
	'z', 'x', 'c', 'v', 'b', 'n', 'm', ',', '.', '/', 0, '*', 0, ' ',
	[0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};
static const char shifted[] = {
	[0x01] = 033, '!', '@', '#', '$', '%', '^', '&', '*', '(', ')', '_', '+', DEL, '\t',
	'Q', 'W', 'E', 'R', 'T', 'Y', 'U', 'I', 'O', 'P', '{', '}', '\r', 0,
	'A', 'S', 'D', 'F', 'G', 'H', 'J', 'K', 'L', ':', '"', '~', 0, '|',
	'Z', 'X', 'C', 'V', 'B', 'N', 'M', '<', '>', '?', 0, '*', 0, ' ',
	[0x47] = '7', '8', '9', '-', '4', '5', '6', '+', '1', '2', '3', '0', '.',
};
_Static_assert(sizeof(plain) == sizeof(shifted), "keymaps cover the same scancodes");

/* Keys behind the 0xE0 prefix that send a sequence. */
static const struct {
	uint8_t code;
	const char *seq;
} extended_keys[] = {
	{ 0x48, ESC "[A" }, { 0x50, ESC "[B" }, { 0x4d, ESC "[C" }, { 0x4b, ESC "[D" },
	{ 0x47, ESC "[1~" }, { 0x52, ESC "[2~" }, { 0x53, ESC "[3~" }, { 0x4f, ESC "[4~" },
	{ 0x49, ESC "[5~" }, { 0x51, ESC "[6~" }, { 0x1c, "\r" }, { 0x35, "/" },
};

static bool is_letter(char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* Ctrl+key: letters and @[\]^_ become C0 controls, '?' DEL, space and '2' NUL (as xterm). */
static char control_of(char c)
{
	if (c == '?')
		return DEL;
	if (c == ' ' || c == '2')
		return 0;
	if (c == '6')
		return 0x1e;
	if (c == '-')
		return 0x1f;
	if (is_letter(c) || (c >= '@' && c <= '_'))
		return (char)(c & CTRL_MASK);
	return c;
}

/* Modifier keys: update the state; true when code was one. The extended "fake shifts" that
 * keyboards wrap around Print Screen and the like are swallowed. */
static bool modifier(struct ps2kbd_state *s, uint8_t key, bool release, bool ext)
{
	switch (key) {
	case SC_LSHIFT:
	case SC_RSHIFT:
		if (!ext)
			*(key == SC_LSHIFT ? &s->lshift : &s->rshift) = !release;
		return true;
	case SC_LCTRL:
		if (ext)
			s->rctrl = !release;
		else
			s->lctrl = !release;
		return true;
	case SC_ALT:
		s->alt = !release;
		return true;
	case SC_CAPS:
		if (!release)
			s->caps = !s->caps;
		return true;
	}
	return false;
}

static size_t emit(const struct ps2kbd_state *s, const char *seq, size_t len, char *out)
{
	size_t n = 0;
	if (s->alt)
		out[n++] = '\033';
	memcpy(out + n, seq, len);
	return n + len;
}

size_t ps2kbd_decode(struct ps2kbd_state *s, uint8_t code, char out[PS2KBD_SEQ_MAX])
{
	if (code == SC_EXTENDED) {
		s->extended = true;
		return 0;
	}
	bool ext = s->extended, release = code & SC_RELEASE;
	uint8_t key = code & ~SC_RELEASE;
	s->extended = false;
	if (modifier(s, key, release, ext) || release)
		return 0;
	if (ext) {
		for (size_t i = 0; i < sizeof(extended_keys) / sizeof(extended_keys[0]); i++)
			if (extended_keys[i].code == key)
				return emit(s, extended_keys[i].seq, strlen(extended_keys[i].seq), out);
		return 0;
	}
	if (key >= sizeof(plain) || !plain[key])
		return 0;
	bool shift = s->lshift || s->rshift;
	if (s->caps && is_letter(plain[key]))
		shift = !shift;
	char c = shift ? shifted[key] : plain[key];
	if (s->lctrl || s->rctrl)
		c = control_of(c);
	return emit(s, &c, 1, out);
}
