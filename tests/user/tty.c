/* The terminal driven through its ioctls: Linux's default termios, canonical input with erase,
 * kill and ^D, one line per read, raw mode with the four VMIN/VTIME cases, FIONREAD, flushing
 * (TCSETSF, TCFLSH), O_NONBLOCK, poll, flow control (TCXONC), the window size and SIGWINCH,
 * /dev/tty, tty_nr in /proc/self/stat, and hostile pointers. Signal characters, job control and sessions are in
 * tty_jobs.c. */
#include "tty_test.h"
#include <poll.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>

static volatile sig_atomic_t winch_count;

static void on_winch(int sig)
{
	(void)sig;
	winch_count++;
}

static char buf[256];

/* read() into buf, NUL-terminated. */
static ssize_t rd(int fd, size_t n)
{
	ssize_t r = read(fd, buf, n);
	buf[r > 0 ? r : 0] = 0;
	return r;
}

static void test_defaults(void)
{
	struct termios t;
	CHECK("defaults/tcgetattr", tcgetattr(tty_fd, &t) == 0);
	CHECK("defaults/iflag", t.c_iflag == (ICRNL | IXON));
	CHECK("defaults/oflag", t.c_oflag == (OPOST | ONLCR));
	CHECK("defaults/lflag", t.c_lflag == (ISIG | ICANON | ECHO | ECHOE | ECHOK | ECHOCTL |
					       ECHOKE | IEXTEN));
	static const unsigned char cc[] = { [VINTR] = 3, [VQUIT] = 034, [VERASE] = 0177,
					    [VKILL] = 025, [VEOF] = 4, [VTIME] = 0, [VMIN] = 1,
					    [VSTART] = 021, [VSTOP] = 023, [VSUSP] = 032,
					    [VEOL] = 0, [VREPRINT] = 022, [VDISCARD] = 017,
					    [VWERASE] = 027, [VLNEXT] = 026, [VEOL2] = 0 };
	CHECK("defaults/cc", memcmp(t.c_cc, cc, sizeof(cc)) == 0);
}

static void test_canonical(void)
{
	CHECK("canon/echo_off", tty_mode(0, ECHO, -1, -1));
	CHECK("canon/erase_kill", TYPE("xy\177\025abc\n") && tty_inq() == 4 && rd(tty_fd, 100) == 4 &&
					  strcmp(buf, "abc\n") == 0);
	TYPE("ab\177c\n");
	CHECK("canon/erase", rd(tty_fd, 100) == 3 && strcmp(buf, "ac\n") == 0);
	TYPE("one\ntwo\n");
	CHECK("canon/line_per_read", rd(tty_fd, 100) == 4 && strcmp(buf, "one\n") == 0 &&
					     rd(tty_fd, 100) == 4 && strcmp(buf, "two\n") == 0);
	TYPE("long\n");
	CHECK("canon/short_buffer", rd(tty_fd, 2) == 2 && strcmp(buf, "lo") == 0 &&
					    rd(tty_fd, 100) == 3 && strcmp(buf, "ng\n") == 0);
	TYPE("\004");
	CHECK("canon/eof_at_line_start", rd(tty_fd, 100) == 0);
	TYPE("ab\004");
	CHECK("canon/eof_after_text", rd(tty_fd, 100) == 2 && strcmp(buf, "ab") == 0);
	TYPE("cr\r");
	CHECK("canon/icrnl", rd(tty_fd, 100) == 3 && strcmp(buf, "cr\n") == 0);
	TYPE("w1 w2\027x\n");
	CHECK("canon/werase", rd(tty_fd, 100) == 5 && strcmp(buf, "w1 x\n") == 0);
	TYPE("\026\003\n"); /* ^V ^C: a literal ^C, no signal */
	CHECK("canon/lnext", rd(tty_fd, 100) == 2 && buf[0] == 3);
}

static void test_nonblock_and_poll(void)
{
	int nb = open("/dev/tty", O_RDWR | O_NONBLOCK);
	CHECK("nonblock/open_dev_tty", nb >= 0);
	TYPE("part");
	errno = 0;
	CHECK("nonblock/partial_line_eagain", tty_inq() == 0 && read(nb, buf, 100) < 0 &&
						      errno == EAGAIN);
	struct pollfd p = { .fd = tty_fd, .events = POLLIN | POLLOUT };
	CHECK("poll/no_line", poll(&p, 1, 0) == 1 && p.revents == POLLOUT);
	TYPE("\n");
	CHECK("poll/line", poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLOUT));
	CHECK("nonblock/line", rd(nb, 100) == 5 && strcmp(buf, "part\n") == 0);
	close(nb);
}

static void test_raw(void)
{
	CHECK("raw/set", tty_mode(0, ICANON, 1, 0));
	TYPE("q");
	CHECK("raw/vmin1_one_byte", rd(tty_fd, 10) == 1 && buf[0] == 'q');
	TYPE("xyz");
	CHECK("raw/fionread", tty_inq() == 3);
	CHECK("raw/vmin1_byte_at_a_time", rd(tty_fd, 2) == 2 && rd(tty_fd, 10) == 1 && buf[0] == 'z');
	TYPE("\r\004\177");
	CHECK("raw/no_editing", rd(tty_fd, 10) == 3 && memcmp(buf, "\n\004\177", 3) == 0);
	int nb = open("/dev/tty", O_RDWR | O_NONBLOCK);
	errno = 0;
	CHECK("raw/nonblock_eagain", read(nb, buf, 10) < 0 && errno == EAGAIN);
	close(nb);

	CHECK("raw/vmin0_vtime0", tty_mode(0, 0, 0, 0) && rd(tty_fd, 10) == 0);
	TYPE("ab");
	CHECK("raw/vmin0_vtime0_data", rd(tty_fd, 10) == 2);
	uint64_t t0 = now_ms();
	CHECK("raw/vmin0_vtime_timeout", tty_mode(0, 0, 0, 2) && rd(tty_fd, 10) == 0 &&
						 now_ms() - t0 >= 100);
	TYPE("c");
	CHECK("raw/vmin0_vtime_data", rd(tty_fd, 10) == 1);
	TYPE("de");
	CHECK("raw/vmin2", tty_mode(0, 0, 2, 0) && rd(tty_fd, 10) == 2);
	TYPE("f");
	t0 = now_ms();
	CHECK("raw/vmin2_vtime_interbyte", tty_mode(0, 0, 2, 1) && rd(tty_fd, 10) == 1 &&
						   now_ms() - t0 >= 50);
	CHECK("raw/restore", tty_mode(ICANON, 0, 1, 0));
}

static void test_flush(void)
{
	struct termios t;
	tcgetattr(tty_fd, &t);
	TYPE("junk\n");
	CHECK("flush/tcsetsf", tcsetattr(tty_fd, TCSAFLUSH, &t) == 0 && tty_inq() == 0);
	TYPE("junk\n");
	CHECK("flush/tcflush", tcflush(tty_fd, TCIFLUSH) == 0 && tty_inq() == 0);
	errno = 0;
	CHECK("flush/bad_queue", ioctl(tty_fd, TCFLSH, 7) < 0 && errno == EINVAL);
	TYPE("kept\n");
	CHECK("flush/tcsetsw_keeps", tcsetattr(tty_fd, TCSADRAIN, &t) == 0 && tty_inq() == 5);
	tcflush(tty_fd, TCIFLUSH);
	CHECK("flush/tcdrain", tcdrain(tty_fd) == 0);
}

/* Our own output goes to this terminal too: output is restarted before the results print. */
static void test_flow(void)
{
	int nb = open("/dev/tty", O_RDWR | O_NONBLOCK);
	bool off = tcflow(tty_fd, TCOOFF) == 0;
	errno = 0;
	bool blocked = write(nb, "x", 1) < 0 && errno == EAGAIN;
	bool on = tcflow(tty_fd, TCOON) == 0;
	CHECK("flow/tcooff_blocks_writes", off && blocked);
	CHECK("flow/tcoon", on && write(nb, "\n", 1) == 1);
	errno = 0;
	CHECK("flow/bad_action", ioctl(tty_fd, TCXONC, 9) < 0 && errno == EINVAL);
	close(nb);
}

static void test_winsize(void)
{
	struct winsize old, w = { .ws_row = 30, .ws_col = 100 }, got;
	signal(SIGWINCH, on_winch);
	CHECK("winsize/get", ioctl(tty_fd, TIOCGWINSZ, &old) == 0);
	winch_count = 0;
	CHECK("winsize/set", ioctl(tty_fd, TIOCSWINSZ, &w) == 0 && ioctl(tty_fd, TIOCGWINSZ, &got) == 0 &&
				     got.ws_row == 30 && got.ws_col == 100);
	CHECK("winsize/sigwinch", winch_count == 1);
	ioctl(tty_fd, TIOCSWINSZ, &w);
	CHECK("winsize/same_no_signal", winch_count == 1);
	ioctl(tty_fd, TIOCSWINSZ, &old);
}

static void test_efault(void)
{
	errno = 0;
	CHECK("efault/tcgets", ioctl(tty_fd, TCGETS, KERNEL_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/tcsets", ioctl(tty_fd, TCSETS, UNMAPPED_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/tiocgwinsz", ioctl(tty_fd, TIOCGWINSZ, KERNEL_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/tiocswinsz", ioctl(tty_fd, TIOCSWINSZ, UNMAPPED_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/fionread", ioctl(tty_fd, FIONREAD, KERNEL_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/tiocgpgrp", ioctl(tty_fd, TIOCGPGRP, UNMAPPED_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/tiocspgrp", ioctl(tty_fd, TIOCSPGRP, KERNEL_PTR) < 0 && errno == EFAULT);
	errno = 0;
	CHECK("efault/tiocsti", ioctl(tty_fd, TIOCSTI, KERNEL_PTR) < 0 && errno == EFAULT);
	TYPE("k\n");
	errno = 0;
	CHECK("efault/read_keeps_input", read(tty_fd, KERNEL_PTR, 10) < 0 && errno == EFAULT &&
						 rd(tty_fd, 10) == 2 && buf[0] == 'k');
	errno = 0;
	CHECK("unknown_ioctl", ioctl(tty_fd, 0x54ff, 0) < 0 && errno == ENOTTY);
}

/* Field 7 of /proc/self/stat names the controlling terminal's device (ps's TTY column); for
 * /dev/console, the terminal behind it (the serial port here). */
static void test_proc_tty_nr(void)
{
	struct stat st, real;
	char text[512];
	int fd = open("/proc/self/stat", O_RDONLY);
	ssize_t n = fd < 0 ? -1 : read(fd, text, sizeof(text) - 1);
	close(fd);
	text[n > 0 ? n : 0] = 0;
	unsigned tty_nr = 0;
	const char *after = strrchr(text, ')');
	bool parsed = after && sscanf(after, ") %*c %*d %*d %*d %u", &tty_nr) == 1;
	fstat(tty_fd, &st);
	dev_t want = st.st_rdev;
	if (want == makedev(5, 1) && stat("/dev/ttyS0", &real) == 0)
		want = real.st_rdev;
	test_result("proc_stat_tty_nr", parsed && tty_nr == want, "tty_nr %u, want %u", tty_nr,
		    (unsigned)want);
}

int main(int argc, char **argv)
{
	tty_test_begin("tty", argc, argv);
	test_defaults();
	test_canonical();
	test_nonblock_and_poll();
	test_raw();
	test_flush();
	test_flow();
	test_winsize();
	test_efault();
	test_proc_tty_nr();
	tty_test_end();
}
