/* The line discipline (Linux's n_tty) as pure logic: input processing (ICRNL/INLCR/IGNCR,
 * ISTRIP, IXON flow control, ISIG signal characters, canonical line editing with VERASE, VKILL,
 * VWERASE, VLNEXT, VREPRINT, VEOF, VEOL/VEOL2), echo (ECHO, ECHOE, ECHOK, ECHOKE, ECHONL,
 * ECHOCTL), output post-processing (OPOST: ONLCR, OCRNL, ONOCR, ONLRET, OLCUC, XTABS) with
 * column tracking, and taking input out (one line at a time in canonical mode).
 *
 * No locks, no hardware: the tty core (tty.c) owns one struct n_tty per terminal, calls these
 * with its lock held, drains the echo bytes to the device and does the sleeping, signalling and
 * user copies. Host-tested by tests/host/test_n_tty.c. */
#ifndef DRIVERS_N_TTY_H
#define DRIVERS_N_TTY_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <uapi/termios.h>

#define N_TTY_BUF_SIZE 4096 /* input buffer; a power of two */
#define N_TTY_ECHO_SIZE 512 /* echo bytes produced by one receive call at most */
#define N_TTY_OUT_CHAR_MAX 8 /* output bytes one input byte can become (a tab as spaces) */

struct n_tty {
	struct k_termios termios;
	/* Free-running indices into buf: [tail, canon_head) holds complete lines (canonical
	 * mode), [canon_head, head) the line being edited; in raw mode all of [tail, head) is
	 * readable. */
	uint32_t head, canon_head, tail;
	uint32_t column; /* output column, for tab expansion and erasing tabs */
	uint32_t canon_column; /* column where the line being edited started */
	bool lnext; /* VLNEXT seen: the next byte is taken literally */
	bool flow_stopped; /* output stopped by VSTOP (IXON) */
	bool tco_stopped; /* output stopped by TCXONC TCOOFF (only TCOON restarts it) */
	uint32_t echo_len;
	uint8_t buf[N_TTY_BUF_SIZE];
	uint64_t delim[N_TTY_BUF_SIZE / 64]; /* slot ends a line (canonical mode) */
	uint64_t eof[N_TTY_BUF_SIZE / 64]; /* slot is a VEOF marker, not data */
	uint8_t echo[N_TTY_ECHO_SIZE]; /* echo output waiting for n_tty_take_echo */
};

/* Linux's defaults for a new terminal (tty_std_termios). */
void n_tty_default_termios(struct k_termios *t);
/* A fresh line discipline with termios t, empty buffers, column 0. */
void n_tty_init(struct n_tty *ld, const struct k_termios *t);
/* New settings (TCSETS*): switching ICANON on turns pending input into a line, as Linux. */
void n_tty_set_termios(struct n_tty *ld, const struct k_termios *t);

/* One received byte. Returns the signal it raises for the foreground process group (SIGINT,
 * SIGQUIT, SIGTSTP) or 0. Echo goes to the echo buffer. */
int n_tty_receive(struct n_tty *ld, uint8_t c);
/* Move up to n pending echo bytes to dst; returns the count. */
size_t n_tty_take_echo(struct n_tty *ld, uint8_t *dst, size_t n);

/* Is there input a read would take? Canonical: a complete line (or VEOF). Raw: at least amt
 * bytes. */
bool n_tty_readable(const struct n_tty *ld, uint32_t amt);
/* Take input: raw mode up to n bytes; canonical mode up to n bytes of the first line, the line
 * end included; a VEOF marker is consumed but not returned (at a line start the read gives 0).
 * Returns the bytes stored in dst. */
size_t n_tty_read(struct n_tty *ld, uint8_t *dst, size_t n);
/* Bytes a read could return now (FIONREAD): complete lines in canonical mode, without VEOF
 * markers; everything in raw mode. */
uint32_t n_tty_inq(const struct n_tty *ld);
/* Bytes the input can take before a writer feeding it with flow control (a pty master)
 * should wait; never 0 while a canonical line is unfinished (the excess is dropped). */
uint32_t n_tty_room(const struct n_tty *ld);
/* Drop all input (TCIFLUSH, ISIG without NOFLSH). */
void n_tty_flush_input(struct n_tty *ld);

/* Output post-processing: consume bytes of in (n of them) while the results fit in out (outsz
 * >= N_TTY_OUT_CHAR_MAX); returns the bytes produced, *used the bytes consumed. */
size_t n_tty_output(struct n_tty *ld, const uint8_t *in, size_t n, uint8_t *out, size_t outsz,
		    size_t *used);
/* Output is stopped (VSTOP or TCOOFF): writers wait. */
bool n_tty_output_stopped(const struct n_tty *ld);

#endif
