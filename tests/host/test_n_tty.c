/* Host tests for kernel/drivers/n_tty.c: canonical editing and its echo (erase, kill, word
 * erase, tabs, ECHOCTL), VEOF, line-at-a-time reads, raw mode, ISIG characters and flushing,
 * CR/NL input mapping, output post-processing, IXON flow control, switching ICANON with input
 * pending, the room a flow-controlled writer has, and a randomized check that the buffer never
 * overflows or loses its indices. */
#include "test.h"
#include <drivers/n_tty.h>
#include <signal.h> /* the host's numbers are Linux's */
#include <string.h>

static struct n_tty ld;

static void setup(void)
{
	struct k_termios t;
	n_tty_default_termios(&t);
	n_tty_init(&ld, &t);
}

/* Feed a string; returns the last signal raised (0 if none). */
static int feed(const char *s)
{
	int sig = 0;
	for (; *s; s++) {
		int r = n_tty_receive(&ld, (uint8_t)*s);
		if (r)
			sig = r;
	}
	return sig;
}

static char echo_text[N_TTY_ECHO_SIZE * 4 + 1];

static const char *echo(void)
{
	size_t n = 0, k;
	while ((k = n_tty_take_echo(&ld, (uint8_t *)echo_text + n, 64)) > 0)
		n += k;
	echo_text[n] = 0;
	return echo_text;
}

static char read_text[N_TTY_BUF_SIZE + 1];

static const char *rd(size_t n)
{
	size_t k = n_tty_read(&ld, (uint8_t *)read_text, n);
	read_text[k] = 0;
	return read_text;
}

static void set_lflag(uint32_t on, uint32_t off)
{
	struct k_termios t = ld.termios;
	t.c_lflag = (t.c_lflag | on) & ~off;
	n_tty_set_termios(&ld, &t);
}

static void defaults(void)
{
	setup();
	CHECK_EQ(ld.termios.c_iflag, ICRNL | IXON);
	CHECK_EQ(ld.termios.c_oflag, OPOST | ONLCR);
	CHECK_EQ(ld.termios.c_lflag,
		 ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL | ECHOKE | IEXTEN);
	CHECK_EQ(ld.termios.c_cc[VINTR], 3);
	CHECK_EQ(ld.termios.c_cc[VERASE], 0177);
	CHECK_EQ(ld.termios.c_cc[VMIN], 1);
}

static void canon_line(void)
{
	setup();
	feed("ab");
	CHECK(!n_tty_readable(&ld, 1));
	CHECK_EQ(n_tty_inq(&ld), 0);
	feed("c\r"); /* ICRNL */
	CHECK(n_tty_readable(&ld, 1));
	CHECK_EQ(n_tty_inq(&ld), 4);
	CHECK_STREQ(echo(), "abc\r\n");
	CHECK_STREQ(rd(100), "abc\n");
	CHECK(!n_tty_readable(&ld, 1));
}

static void canon_one_line_per_read(void)
{
	setup();
	feed("one\ntwo\n");
	CHECK_STREQ(rd(100), "one\n");
	CHECK_STREQ(rd(2), "tw");
	CHECK_STREQ(rd(100), "o\n");
	CHECK(!n_tty_readable(&ld, 1));
}

static void erase_kill(void)
{
	setup();
	feed("xy\177"); /* erase y */
	CHECK_STREQ(echo(), "xy\b \b");
	feed("\025"); /* kill the line: ECHOKE erases it visually */
	CHECK_STREQ(echo(), "\b \b");
	feed("abc\n");
	CHECK_STREQ(rd(100), "abc\n");
	/* Erasing at the line start does nothing. */
	feed("\177\177z\n");
	CHECK_STREQ(rd(100), "z\n");
}

static void kill_without_echoke(void)
{
	setup();
	set_lflag(0, ECHOKE);
	echo();
	feed("abc\025");
	CHECK_STREQ(echo(), "abc^U\r\n"); /* the kill character, then ECHOK's newline */
	feed("d\n");
	CHECK_STREQ(rd(100), "d\n");
}

static void erase_without_echoe(void)
{
	setup();
	set_lflag(0, ECHOE);
	feed("ab\177");
	CHECK_STREQ(echo(), "ab^?");
	feed("\n");
	CHECK_STREQ(rd(100), "a\n");
}

static void werase(void)
{
	setup();
	feed("foo bar_1  \027"); /* ^W: the blanks and the word before them */
	echo();
	feed("\n");
	CHECK_STREQ(rd(100), "foo \n");
}

static void echoctl_and_erase(void)
{
	setup();
	feed("a\001"); /* ^A echoes as two columns; erasing it takes two */
	CHECK_STREQ(echo(), "a^A");
	feed("\177");
	CHECK_STREQ(echo(), "\b \b\b \b");
	CHECK_EQ(ld.column, 1);
}

static void erase_tab(void)
{
	setup();
	feed("ab\t");
	CHECK_EQ(ld.column, 8);
	echo();
	feed("\177");
	CHECK_STREQ(echo(), "\b\b\b\b\b\b"); /* back to column 2 */
	CHECK_EQ(ld.column, 2);
}

static void lnext(void)
{
	setup();
	feed("\026\177\n"); /* ^V DEL: a literal DEL */
	CHECK_STREQ(rd(100), "\177\n");
	feed("\026\003\n"); /* ^V ^C: no signal */
	CHECK_STREQ(rd(100), "\003\n");
}

static void eof(void)
{
	setup();
	feed("\004");
	CHECK(n_tty_readable(&ld, 1));
	CHECK_EQ(n_tty_inq(&ld), 0);
	CHECK_STREQ(rd(100), ""); /* end of file */
	CHECK(!n_tty_readable(&ld, 1));
	feed("ab\004");
	CHECK_STREQ(echo(), "ab"); /* VEOF is not echoed */
	CHECK_EQ(n_tty_inq(&ld), 2);
	CHECK_STREQ(rd(100), "ab"); /* the marker is consumed, not returned */
	CHECK(!n_tty_readable(&ld, 1));
	feed("xyz\004");
	CHECK_STREQ(rd(2), "xy");
	CHECK_STREQ(rd(2), "z");
	CHECK(!n_tty_readable(&ld, 1));
}

static void eol(void)
{
	setup();
	ld.termios.c_cc[VEOL] = ';';
	feed("a;b");
	CHECK_STREQ(rd(100), "a;");
	CHECK(!n_tty_readable(&ld, 1));
}

static void raw(void)
{
	setup();
	set_lflag(0, ICANON | ECHO);
	feed("ab\177\004");
	CHECK_STREQ(echo(), "");
	CHECK(n_tty_readable(&ld, 4));
	CHECK(!n_tty_readable(&ld, 5));
	CHECK_EQ(n_tty_inq(&ld), 4);
	CHECK_STREQ(rd(1), "a");
	CHECK_STREQ(rd(100), "b\177\004");
}

static void raw_echo(void)
{
	setup();
	set_lflag(0, ICANON);
	feed("a\033\r");
	CHECK_STREQ(echo(), "a^[\r\n");
	CHECK_STREQ(rd(100), "a\033\n");
}

static void isig(void)
{
	setup();
	feed("abc");
	echo();
	CHECK_EQ(feed("\003"), SIGINT);
	CHECK_STREQ(echo(), "^C");
	CHECK_EQ(n_tty_inq(&ld), 0);
	feed("\n");
	CHECK_STREQ(rd(100), "\n"); /* "abc" was flushed */
	CHECK_EQ(feed("\034"), SIGQUIT);
	CHECK_EQ(feed("\032"), SIGTSTP);
	set_lflag(NOFLSH, 0);
	feed("x");
	CHECK_EQ(feed("\003"), SIGINT);
	feed("\n");
	CHECK_STREQ(rd(100), "x\n"); /* NOFLSH kept it */
	set_lflag(0, ISIG);
	CHECK_EQ(feed("\003\n"), 0);
	CHECK_STREQ(rd(100), "\003\n");
}

static void crnl_mapping(void)
{
	setup();
	struct k_termios t = ld.termios;
	t.c_iflag = IGNCR;
	n_tty_set_termios(&ld, &t);
	feed("a\rb\n");
	CHECK_STREQ(rd(100), "ab\n");
	t.c_iflag = INLCR;
	t.c_lflag &= ~ICANON;
	n_tty_set_termios(&ld, &t);
	feed("\n");
	CHECK_STREQ(rd(100), "\r");
}

static void output(void)
{
	setup();
	uint8_t out[64];
	size_t used;
	const char *in = "a\nb\tc";
	size_t n = n_tty_output(&ld, (const uint8_t *)in, strlen(in), out, sizeof(out), &used);
	CHECK_EQ(used, strlen(in));
	CHECK_EQ(n, 6);
	CHECK_MEMEQ(out, "a\r\nb\tc", 6);
	CHECK_EQ(ld.column, 9);
	ld.termios.c_oflag |= XTABS;
	ld.column = 0;
	n = n_tty_output(&ld, (const uint8_t *)"x\t", 2, out, sizeof(out), &used);
	CHECK_EQ(n, 8);
	CHECK_MEMEQ(out, "x       ", 8);
	ld.termios.c_oflag = 0; /* no OPOST: bytes pass unchanged */
	n = n_tty_output(&ld, (const uint8_t *)"\n", 1, out, sizeof(out), &used);
	CHECK_EQ(n, 1);
	CHECK_EQ(out[0], '\n');
	/* A small output buffer: stops before overflowing. */
	ld.termios.c_oflag = OPOST | ONLCR;
	n = n_tty_output(&ld, (const uint8_t *)"\n\n\n", 3, out, N_TTY_OUT_CHAR_MAX + 1, &used);
	CHECK_EQ(used, 1);
	CHECK_EQ(n, 2);
}

static void flow_control(void)
{
	setup();
	feed("\023");
	CHECK(n_tty_output_stopped(&ld));
	feed("a");
	CHECK(n_tty_output_stopped(&ld)); /* no IXANY */
	feed("\021");
	CHECK(!n_tty_output_stopped(&ld));
	ld.termios.c_iflag |= IXANY;
	feed("\023b");
	CHECK(!n_tty_output_stopped(&ld));
	feed("\n");
	CHECK_STREQ(rd(100), "ab\n"); /* START/STOP are not input */
}

static void switch_to_canon(void)
{
	setup();
	set_lflag(0, ICANON);
	feed("abc");
	set_lflag(ICANON, 0);
	CHECK(n_tty_readable(&ld, 1)); /* what was typed is pushed as a line */
	CHECK_STREQ(rd(100), "abc");
	CHECK(!n_tty_readable(&ld, 1));
	set_lflag(0, ICANON);
	set_lflag(ICANON, 0);
	CHECK(!n_tty_readable(&ld, 1));
}

static void full_buffer(void)
{
	setup();
	set_lflag(0, ECHO);
	for (int i = 0; i < N_TTY_BUF_SIZE + 10; i++)
		n_tty_receive(&ld, 'x');
	CHECK_EQ(ld.head - ld.tail, N_TTY_BUF_SIZE - 1);
	feed("\n"); /* the last slot is kept for the line end */
	CHECK_EQ(n_tty_inq(&ld), N_TTY_BUF_SIZE);
	size_t k = n_tty_read(&ld, (uint8_t *)read_text, N_TTY_BUF_SIZE);
	CHECK_EQ(k, N_TTY_BUF_SIZE);
	CHECK_EQ(read_text[k - 1], '\n');
}

/* Random bytes and mode switches: the indices stay ordered and within the buffer, reads return
 * no more than asked, and the echo never overflows. */
static void random_bytes(void)
{
	setup();
	test_srand(42);
	for (int i = 0; i < 200000; i++) {
		uint64_t r = test_rand();
		if (r % 1000 == 0) {
			struct k_termios t = ld.termios;
			t.c_lflag ^= (uint32_t)(test_rand() & (ICANON | ECHO | ECHOE | ECHOCTL | ISIG));
			t.c_iflag ^= (uint32_t)(test_rand() & (IUTF8 | IXON | ICRNL));
			n_tty_set_termios(&ld, &t);
		} else if (r % 7 == 0) {
			size_t want = test_rand() % 300;
			size_t k = n_tty_read(&ld, (uint8_t *)read_text, want);
			CHECK(k <= want);
		} else {
			n_tty_receive(&ld, (uint8_t)(test_rand() >> 8));
		}
		CHECK(ld.head - ld.tail <= N_TTY_BUF_SIZE);
		CHECK(ld.echo_len <= N_TTY_ECHO_SIZE);
		if (ld.termios.c_lflag & ICANON) {
			CHECK(ld.canon_head - ld.tail <= ld.head - ld.tail);
		}
		if (r % 3 == 0)
			echo();
	}
}

/* n_tty_room: what a flow-controlled writer (a pty master) may still send. */
static void room(void)
{
	setup();
	CHECK_EQ(n_tty_room(&ld), N_TTY_BUF_SIZE);
	for (int i = 0; i < N_TTY_BUF_SIZE + 10; i++)
		n_tty_receive(&ld, 'a');
	CHECK_EQ(n_tty_room(&ld), N_TTY_BUF_SIZE); /* an unfinished line never stops its writer */
	setup();
	feed("line\n");
	CHECK_EQ(n_tty_room(&ld), N_TTY_BUF_SIZE - 1 - 5); /* the last slot kept for a line end */
	setup();
	set_lflag(0, ICANON | ECHO);
	feed("raw");
	CHECK_EQ(n_tty_room(&ld), N_TTY_BUF_SIZE - 3);
	for (int i = 0; i < N_TTY_BUF_SIZE; i++)
		n_tty_receive(&ld, 'b');
	CHECK_EQ(n_tty_room(&ld), 0);
	rd(10);
	CHECK_EQ(n_tty_room(&ld), 10);
}

TEST_MAIN(TEST(defaults), TEST(canon_line), TEST(canon_one_line_per_read), TEST(erase_kill),
	  TEST(kill_without_echoke), TEST(erase_without_echoe), TEST(werase), TEST(echoctl_and_erase),
	  TEST(erase_tab), TEST(lnext), TEST(eof), TEST(eol), TEST(raw), TEST(raw_echo), TEST(isig),
	  TEST(crnl_mapping), TEST(output), TEST(flow_control), TEST(switch_to_canon),
	  TEST(full_buffer), TEST(random_bytes), TEST(room))
