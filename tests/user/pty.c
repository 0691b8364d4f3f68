/* Pseudo-terminals as Linux has them (pty(7), ptmx(4), pts(4)): posix_openpt, grantpt,
 * unlockpt, ptsname and the slave lock; data both ways through the slave's line discipline
 * (canonical mode, echo, ONLCR, VEOF, raw mode, FIONREAD, TCFLSH); window size; packet mode;
 * poll and O_NONBLOCK; TIOCGPTPEER, TIOCEXCL, TIOCSTI; many pairs; the /dev/pts listing;
 * openpty and forkpty. Signals and hang-ups are in pty_hangup.c. */
#include "pty_test.h"
#include <sys/epoll.h>

static void test_open(void)
{
	char name[64];
	int m = posix_openpt(O_RDWR | O_NOCTTY);
	if (!CHECK("posix_openpt", m >= 0))
		return;
	int n = -1, lock = -1;
	CHECK("ptsname_r", ptsname_r(m, name, sizeof(name)) == 0 && !strncmp(name, "/dev/pts/", 9));
	CHECK("tiocgptn", ioctl(m, TIOCGPTN, &n) == 0 && n == atoi(name + 9));
	CHECK("new_slave_locked", ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 1);
	EXPECT("open_locked_slave_eio", sys_res(open(name, O_RDWR | O_NOCTTY)), -EIO);
	CHECK("grantpt_unlockpt", grantpt(m) == 0 && unlockpt(m) == 0);
	CHECK("unlocked", ioctl(m, TIOCGPTLCK, &lock) == 0 && lock == 0);
	int s = open(name, O_RDWR | O_NOCTTY);
	CHECK("open_slave", s >= 0);
	struct stat st;
	bool ok = stat(name, &st) == 0 && S_ISCHR(st.st_mode) && major(st.st_rdev) >= 136 &&
		  minor(st.st_rdev) == (unsigned)n % 256 && st.st_uid == geteuid() &&
		  ((st.st_mode & 07777) == 0620 || (st.st_mode & 07777) == 0600);
	test_result("slave_node", ok, "mode %o rdev %u:%u uid %u", st.st_mode,
		    major(st.st_rdev), minor(st.st_rdev), st.st_uid);
	EXPECT("slave_tiocgptn_enotty", sys_res(ioctl(s, TIOCGPTN, &n)), -ENOTTY);
	close(s);
	close(m);
}

static void test_data(void)
{
	char name[64], buf[64];
	int s, m = new_pair(0, &s, 0, name, sizeof(name));
	if (!CHECK("pair", m >= 0))
		return;
	put(m, "hello\n");
	CHECK("master_to_slave_line", read_is(s, "hello\n"));
	CHECK("echo_to_master", read_is(m, "hello\r\n"));
	put(s, "a\nb");
	CHECK("slave_output_onlcr", read_is(m, "a\r\nb"));
	put(m, "abc\x7f" "d\n");
	CHECK("canonical_erase", read_is(s, "abd\n"));
	drained(m);
	put(m, "12\n");
	int n = -1;
	CHECK("slave_fionread", readable(s) && ioctl(s, FIONREAD, &n) == 0 && n == 3);
	CHECK("master_fionread", readable(m) && ioctl(m, FIONREAD, &n) == 0 && n == 4);
	CHECK("tcflush_slave_input", tcflush(s, TCIFLUSH) == 0 && ioctl(s, FIONREAD, &n) == 0 &&
					     n == 0);
	drained(m);
	put(m, "\x04");
	CHECK("veof_reads_zero", readable(s) && read(s, buf, sizeof(buf)) == 0);
	struct termios t;
	tcgetattr(s, &t);
	cfmakeraw(&t);
	tcsetattr(s, TCSANOW, &t);
	struct { unsigned short iflag, oflag, cflag, lflag; unsigned char line, cc[8]; } old;
	CHECK("tcgeta", ioctl(s, TCGETA, &old) == 0 && old.lflag == (unsigned short)t.c_lflag &&
				old.cc[VINTR] == t.c_cc[VINTR]);
	struct termios mt;
	CHECK("master_termios_is_slave", tcgetattr(m, &mt) == 0 && mt.c_lflag == t.c_lflag);
	put(m, "x\ry");
	CHECK("raw_mode", read_is(s, "x\ry"));
	fcntl(s, F_SETFL, O_NONBLOCK);
	EXPECT("slave_nonblock_eagain", sys_res(read(s, buf, 1)), -EAGAIN);
	fcntl(m, F_SETFL, O_NONBLOCK);
	EXPECT("master_nonblock_eagain", sys_res(read(m, buf, 1)), -EAGAIN);
	struct pollfd p[2] = { { .fd = m, .events = POLLIN | POLLOUT },
			       { .fd = s, .events = POLLIN | POLLOUT } };
	CHECK("poll_idle", poll(p, 2, 0) == 2 && p[0].revents == POLLOUT && p[1].revents == POLLOUT);
	put(s, "z");
	p[0].events = POLLIN;
	CHECK("poll_master_in", poll(p, 1, WAIT_MS) == 1 && (p[0].revents & POLLIN));
	drained(m);
	int ep = epoll_create1(0);
	struct epoll_event ev = { .events = EPOLLIN, .data.fd = m }, out;
	epoll_ctl(ep, EPOLL_CTL_ADD, m, &ev);
	put(s, "e");
	CHECK("epoll_master_in", epoll_wait(ep, &out, 1, WAIT_MS) == 1 && out.data.fd == m);
	close(ep);
	drained(m);
	char big[1024];
	memset(big, 'b', sizeof(big));
	long total = 0, r;
	while ((r = write(m, big, sizeof(big))) > 0 && total < (1 << 20))
		total += r;
	CHECK("master_write_full_eagain", r < 0 && errno == EAGAIN && total > 0);
	while (read(s, big, sizeof(big)) > 0)
		;
	p[0].events = POLLOUT;
	CHECK("master_pollout_after_drain", poll(p, 1, WAIT_MS) == 1 && (p[0].revents & POLLOUT));
	close(s);
	close(m);
}

/* Data written to the master before the slave opens waits for it; a fresh master has
 * nothing to read and no hang-up yet. */
static void test_before_open(void)
{
	char name[64], buf[8];
	int m = new_pair(O_NONBLOCK, NULL, 0, name, sizeof(name));
	if (!CHECK("pair_unopened", m >= 0))
		return;
	EXPECT("fresh_master_eagain", sys_res(read(m, buf, 1)), -EAGAIN);
	put(m, "pre\n");
	int s = open(name, O_RDWR | O_NOCTTY);
	CHECK("buffered_for_slave", s >= 0 && read_is(s, "pre\n"));
	close(s);
	close(m);
}

static void test_winsize(void)
{
	char name[64];
	int s, m = new_pair(0, &s, 0, name, sizeof(name));
	if (!CHECK("pair_ws", m >= 0))
		return;
	struct winsize w = { .ws_row = 33, .ws_col = 101 }, g = { 0 };
	CHECK("winsize_master_to_slave", ioctl(m, TIOCSWINSZ, &w) == 0 &&
						 ioctl(s, TIOCGWINSZ, &g) == 0 && g.ws_row == 33 &&
						 g.ws_col == 101);
	w.ws_row = 44;
	CHECK("winsize_slave_to_master", ioctl(s, TIOCSWINSZ, &w) == 0 &&
						 ioctl(m, TIOCGWINSZ, &g) == 0 && g.ws_row == 44);
	close(s);
	close(m);
}

static void test_packet(void)
{
	char name[64], buf[16];
	int s, m = new_pair(O_NONBLOCK, &s, 0, name, sizeof(name));
	if (!CHECK("pair_pkt", m >= 0))
		return;
	int on = 1, got = 0;
	CHECK("tiocpkt", ioctl(m, TIOCPKT, &on) == 0 && ioctl(m, TIOCGPKT, &got) == 0 && got == 1);
	put(s, "hi");
	CHECK("pkt_data", readable(m) && read(m, buf, sizeof(buf)) == 3 && buf[0] == TIOCPKT_DATA &&
				  buf[1] == 'h');
	tcflush(s, TCIFLUSH);
	CHECK("pkt_flushread", readable(m) && read(m, buf, sizeof(buf)) == 1 &&
				       buf[0] == TIOCPKT_FLUSHREAD);
	tcflush(s, TCOFLUSH);
	CHECK("pkt_flushwrite", readable(m) && read(m, buf, sizeof(buf)) == 1 &&
					buf[0] == TIOCPKT_FLUSHWRITE);
	tcflow(s, TCOOFF);
	CHECK("pkt_stop", readable(m) && read(m, buf, sizeof(buf)) == 1 && buf[0] == TIOCPKT_STOP);
	tcflow(s, TCOON);
	CHECK("pkt_start", readable(m) && read(m, buf, sizeof(buf)) == 1 && buf[0] == TIOCPKT_START);
	struct termios t;
	tcgetattr(s, &t);
	t.c_iflag &= ~(tcflag_t)IXON;
	tcsetattr(s, TCSANOW, &t);
	CHECK("pkt_nostop", readable(m) && read(m, buf, sizeof(buf)) == 1 &&
				    buf[0] == TIOCPKT_NOSTOP);
	EXPECT("slave_tiocpkt_enotty", sys_res(ioctl(s, TIOCPKT, &on)), -ENOTTY);
	close(s);
	close(m);
}

static void test_ioctls(void)
{
	char name[64];
	int s, m = new_pair(0, &s, 0, name, sizeof(name));
	if (!CHECK("pair_ioctl", m >= 0))
		return;
	int peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	CHECK("tiocgptpeer", peer >= 0);
	put(peer, "peer");
	CHECK("peer_is_slave", read_is(m, "peer"));
	int x = -1;
	CHECK("tiocexcl", ioctl(s, TIOCEXCL) == 0 && ioctl(s, TIOCGEXCL, &x) == 0 && x == 1);
	int again = open(name, O_RDWR | O_NOCTTY); /* root may open an exclusive tty */
	CHECK("excl_root_opens", again >= 0 || geteuid() != 0);
	close(again);
	CHECK("tiocnxcl", ioctl(s, TIOCNXCL) == 0 && ioctl(s, TIOCGEXCL, &x) == 0 && x == 0);
	if (geteuid() == 0) {
		char c = 'q';
		ioctl(s, TIOCSTI, &c);
		c = '\n';
		ioctl(s, TIOCSTI, &c);
		CHECK("tiocsti", read_is(s, "q\n"));
	}
	close(peer);
	close(s);
	close(m);
	if (geteuid() != 0) /* /dev/pts/ptmx is mode 0000 */
		return;
	m = open("/dev/pts/ptmx", O_RDWR | O_NOCTTY);
	int n = -1, unlock = 0;
	CHECK("pts_ptmx_makes_pair", m >= 0 && ioctl(m, TIOCGPTN, &n) == 0 && n >= 0 &&
					     ioctl(m, TIOCSPTLCK, &unlock) == 0);
	peer = ioctl(m, TIOCGPTPEER, O_RDWR | O_NOCTTY);
	put(peer, "p2");
	CHECK("pts_ptmx_peer", peer >= 0 && read_is(m, "p2"));
	close(peer);
	close(m);
}

static bool listed(const char *entry)
{
	DIR *d = opendir("/dev/pts");
	bool found = false;
	struct dirent *e;
	while (d && (e = readdir(d)))
		found |= !strcmp(e->d_name, entry);
	if (d)
		closedir(d);
	return found;
}

static void test_many(void)
{
	int ms[MANY], ss[MANY], idx[MANY];
	char name[64];
	bool ok = true;
	int n = 0;
	for (; n < MANY; n++) {
		ms[n] = new_pair(0, &ss[n], 0, name, sizeof(name));
		if (ms[n] < 0)
			break;
		idx[n] = atoi(name + 9);
		for (int j = 0; j < n; j++)
			ok &= idx[j] != idx[n];
	}
	CHECK("many_pairs", n == MANY && ok);
	for (int i = 0; i < n; i++) {
		char line[16];
		snprintf(line, sizeof(line), "%d\n", i);
		put(ms[i], line);
	}
	for (int i = 0; i < n; i++) {
		char line[16];
		snprintf(line, sizeof(line), "%d\n", i);
		ok &= read_is(ss[i], line);
	}
	CHECK("many_pairs_data", n == MANY && ok);
	char last[16];
	snprintf(last, sizeof(last), "%d", n ? idx[n - 1] : -1);
	CHECK("dev_pts_lists", listed("ptmx") && n && listed(last));
	for (int i = 0; i < n; i++) {
		close(ms[i]);
		close(ss[i]);
	}
	CHECK("dev_pts_unlisted", !listed(last));
}

static void test_openpty(void)
{
	int m, s;
	char name[64];
	struct winsize w = { .ws_row = 7, .ws_col = 9 }, g;
	CHECK("openpty", openpty(&m, &s, name, NULL, &w) == 0 && ioctl(m, TIOCGWINSZ, &g) == 0 &&
				 g.ws_row == 7);
	close(s);
	close(m);
	pid_t pid = forkpty(&m, name, NULL, NULL);
	if (pid == 0) {
		printf("child %d\n", isatty(0) && getsid(0) == getpid());
		_exit(0);
	}
	CHECK("forkpty", pid > 0 && read_is(m, "child 1\r\n") && exits_zero(pid));
	close(m);
}

int main(void)
{
	test_begin("pty");
	test_open();
	test_data();
	test_before_open();
	test_winsize();
	test_packet();
	test_ioctls();
	test_many();
	test_openpty();
	test_end();
}
