/* Host tests for kernel/drivers/ps2kbd_keymap.c: letters with Shift and Caps Lock, Ctrl making
 * control characters, Alt as an ESC prefix, Enter/Backspace as CR/DEL, the extended cursor
 * keys as VT sequences, and releases, modifiers and unknown codes producing nothing. */
#include "test.h"
#include <drivers/ps2kbd.h>
#include <string.h>

#define RELEASE 0x80
#define SC_A 0x1e
#define SC_1 0x02
#define SC_2 0x03
#define SC_C 0x2e
#define SC_ENTER 0x1c
#define SC_BACKSPACE 0x0e
#define SC_LSHIFT 0x2a
#define SC_LCTRL 0x1d
#define SC_ALT 0x38
#define SC_CAPS 0x3a
#define SC_SPACE 0x39
#define SC_UP 0x48
#define SC_LEFT 0x4b
#define SC_DELETE 0x53

static struct ps2kbd_state st;
static char text[256];

/* Feed scancodes (ending at 0); returns everything produced. */
static const char *keys(const uint8_t *codes)
{
	size_t n = 0;
	char out[PS2KBD_SEQ_MAX];
	for (; *codes; codes++) {
		size_t k = ps2kbd_decode(&st, *codes, out);
		memcpy(text + n, out, k);
		n += k;
	}
	text[n] = 0;
	return text;
}

#define KEYS(...) keys((const uint8_t[]){ __VA_ARGS__, 0 })

static void letters_and_digits(void)
{
	memset(&st, 0, sizeof(st));
	CHECK_STREQ(KEYS(SC_A, SC_A | RELEASE, SC_1, SC_1 | RELEASE, SC_SPACE), "a1 ");
	CHECK_STREQ(KEYS(SC_LSHIFT, SC_A, SC_1, SC_LSHIFT | RELEASE, SC_A), "A!a");
}

static void caps_lock(void)
{
	memset(&st, 0, sizeof(st));
	CHECK_STREQ(KEYS(SC_CAPS, SC_CAPS | RELEASE, SC_A, SC_1), "A1"); /* letters only */
	CHECK_STREQ(KEYS(SC_LSHIFT, SC_A, SC_LSHIFT | RELEASE), "a"); /* Shift undoes it */
	CHECK_STREQ(KEYS(SC_CAPS, SC_A), "a");
}

static void control_keys(void)
{
	memset(&st, 0, sizeof(st));
	CHECK_STREQ(KEYS(SC_LCTRL, SC_C, SC_LCTRL | RELEASE), "\003");
	CHECK_STREQ(KEYS(SC_ENTER, SC_BACKSPACE), "\r\177");
	char out[PS2KBD_SEQ_MAX];
	ps2kbd_decode(&st, SC_LCTRL, out);
	CHECK_EQ(ps2kbd_decode(&st, SC_2, out), 1); /* Ctrl+2: NUL */
	CHECK_EQ(out[0], 0);
	/* Right Ctrl (E0 1D) works too, and its release ends it. */
	memset(&st, 0, sizeof(st));
	CHECK_STREQ(KEYS(0xe0, SC_LCTRL, SC_C, 0xe0, SC_LCTRL | RELEASE, SC_C), "\003c");
}

static void alt_prefix(void)
{
	memset(&st, 0, sizeof(st));
	CHECK_STREQ(KEYS(SC_ALT, SC_A, SC_ALT | RELEASE, SC_A), "\033aa");
}

static void extended_keys(void)
{
	memset(&st, 0, sizeof(st));
	CHECK_STREQ(KEYS(0xe0, SC_UP, 0xe0, SC_UP | RELEASE, 0xe0, SC_LEFT), "\033[A\033[D");
	CHECK_STREQ(KEYS(0xe0, SC_DELETE), "\033[3~");
	CHECK_STREQ(KEYS(0x3b, 0x7f, 0xe0, 0x5b), ""); /* F1, unknown, the Windows key */
	CHECK_STREQ(KEYS(0xe0, SC_LSHIFT, 0xe0, 0x37, SC_A), "a"); /* a fake shift: no Shift */
}

TEST_MAIN(TEST(letters_and_digits), TEST(caps_lock), TEST(control_keys), TEST(alt_prefix),
	  TEST(extended_keys))
