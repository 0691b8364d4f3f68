/* kvsnprintf/ksnprintf: parses each conversion into a struct spec, then emits its text through a
 * bounded output cursor that counts everything but stores only what fits. No dynamic memory, no
 * floating point, no %n. */
#include <lib/printf.h>
#include <uapi/errno.h>
#include <stdbool.h>
#include <stdint.h>

#define INT_MAX_VALUE 0x7fffffff /* INT_MAX without <limits.h> (freestanding-safe everywhere) */
#define PREC_NONE (-1)
/* Enough digits for any uintmax_t in base 8, the longest base we print. */
#define MAX_DIGITS ((sizeof(uintmax_t) * 8 + 2) / 3)

enum spec_flag {
	F_LEFT = 1 << 0, /* '-': pad on the right */
	F_ZERO = 1 << 1, /* '0': pad numbers with zeros */
	F_PLUS = 1 << 2, /* '+': sign on non-negative numbers */
	F_SPACE = 1 << 3, /* ' ': space on non-negative numbers */
	F_ALT = 1 << 4, /* '#': 0x prefix, leading octal 0 */
};

enum length { LEN_NONE, LEN_HH, LEN_H, LEN_L, LEN_LL, LEN_Z, LEN_T, LEN_J };

struct spec {
	unsigned flags;
	int width; /* >= 0 */
	int prec; /* >= 0, or PREC_NONE */
	enum length len;
	char conv;
};

struct out {
	char *buf;
	size_t size; /* capacity including the NUL */
	size_t len; /* bytes the full output has so far (saturating) */
};

static void put(struct out *o, char c)
{
	if (o->size && o->len < o->size - 1) /* the last byte is kept for the NUL */
		o->buf[o->len] = c;
	if (o->len != SIZE_MAX)
		o->len++;
}

/* Stores what fits, then only counts: a huge field width costs no time. */
static void put_repeat(struct out *o, char c, size_t n)
{
	for (; n && o->size && o->len < o->size - 1; n--)
		o->buf[o->len++] = c;
	o->len = n > SIZE_MAX - o->len ? SIZE_MAX : o->len + n;
}

static void put_mem(struct out *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n; i++)
		put(o, s[i]);
}

/* Digits of a width or precision, saturating at INT_MAX instead of overflowing. */
static int parse_uint(const char **p)
{
	int v = 0;

	for (; **p >= '0' && **p <= '9'; (*p)++) {
		int d = **p - '0';
		v = v > (INT_MAX_VALUE - d) / 10 ? INT_MAX_VALUE : v * 10 + d;
	}
	return v;
}

static unsigned parse_flags(const char **p)
{
	unsigned flags = 0;

	for (;; (*p)++) {
		switch (**p) {
		case '-': flags |= F_LEFT; break;
		case '0': flags |= F_ZERO; break;
		case '+': flags |= F_PLUS; break;
		case ' ': flags |= F_SPACE; break;
		case '#': flags |= F_ALT; break;
		default: return flags;
		}
	}
}

/* Width: digits, or '*' taking an int where a negative value means '-' flag plus its magnitude. */
static void parse_width(const char **p, struct spec *sp, va_list *ap)
{
	if (**p != '*') {
		sp->width = parse_uint(p);
		return;
	}
	(*p)++;
	int w = va_arg(*ap, int);
	if (w < 0) {
		sp->flags |= F_LEFT;
		/* -INT_MIN does not fit in an int: negate in unsigned and clamp. */
		unsigned mag = 0u - (unsigned)w;
		w = mag > INT_MAX_VALUE ? INT_MAX_VALUE : (int)mag;
	}
	sp->width = w;
}

/* Precision: '.' then digits (none means 0) or '*' (a negative value means no precision). */
static void parse_prec(const char **p, struct spec *sp, va_list *ap)
{
	sp->prec = PREC_NONE;
	if (**p != '.')
		return;
	(*p)++;
	if (**p != '*') {
		sp->prec = parse_uint(p);
		return;
	}
	(*p)++;
	int prec = va_arg(*ap, int);
	sp->prec = prec < 0 ? PREC_NONE : prec;
}

static enum length parse_length(const char **p)
{
	switch (**p) {
	case 'h':
		(*p)++;
		if (**p != 'h')
			return LEN_H;
		(*p)++;
		return LEN_HH;
	case 'l':
		(*p)++;
		if (**p != 'l')
			return LEN_L;
		(*p)++;
		return LEN_LL;
	case 'z': (*p)++; return LEN_Z;
	case 't': (*p)++; return LEN_T;
	case 'j': (*p)++; return LEN_J;
	default: return LEN_NONE;
	}
}

/* Parses the directive after '%'; *p ends just past the conversion character (or at the NUL). */
static void parse_spec(const char **p, struct spec *sp, va_list *ap)
{
	sp->flags = parse_flags(p);
	parse_width(p, sp, ap);
	parse_prec(p, sp, ap);
	sp->len = parse_length(p);
	sp->conv = **p;
	if (sp->conv)
		(*p)++;
}

/* Arguments narrower than int arrive promoted to int and are converted back, as C specifies.
 * %zd reads ptrdiff_t and %tu reads size_t: the signed/unsigned types of the same width. */
static intmax_t arg_signed(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (signed char)va_arg(*ap, int);
	case LEN_H: return (short)va_arg(*ap, int);
	case LEN_L: return va_arg(*ap, long);
	case LEN_LL: return va_arg(*ap, long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, ptrdiff_t);
	case LEN_J: return va_arg(*ap, intmax_t);
	default: return va_arg(*ap, int);
	}
}

static uintmax_t arg_unsigned(va_list *ap, enum length len)
{
	switch (len) {
	case LEN_HH: return (unsigned char)va_arg(*ap, unsigned);
	case LEN_H: return (unsigned short)va_arg(*ap, unsigned);
	case LEN_L: return va_arg(*ap, unsigned long);
	case LEN_LL: return va_arg(*ap, unsigned long long);
	case LEN_Z:
	case LEN_T: return va_arg(*ap, size_t);
	case LEN_J: return va_arg(*ap, uintmax_t);
	default: return va_arg(*ap, unsigned);
	}
}

/* Writes the digits of v, least significant first; returns how many. */
static size_t to_digits(uintmax_t v, unsigned base, bool upper, char *digits)
{
	const char *set = upper ? "0123456789ABCDEF" : "0123456789abcdef";
	size_t n = 0;

	do {
		digits[n++] = set[v % base];
		v /= base;
	} while (v);
	return n;
}

/* Field layout: [spaces][sign or 0x][zeros][digits][spaces]. sign is 0 for none. */
static void emit_number(struct out *o, const struct spec *sp, uintmax_t mag, char sign,
			unsigned base, bool upper)
{
	char digits[MAX_DIGITS];
	char prefix[2];
	size_t nprefix = 0, ndigits = 0, zeros = 0;

	if (mag != 0 || sp->prec != 0) /* C: precision 0 prints no digits for the value 0 */
		ndigits = to_digits(mag, base, upper, digits);
	if (sign)
		prefix[nprefix++] = sign;
	if ((sp->flags & F_ALT) && base == 16 && mag != 0) {
		prefix[nprefix++] = '0';
		prefix[nprefix++] = upper ? 'X' : 'x';
	}
	if (sp->prec != PREC_NONE && (size_t)sp->prec > ndigits)
		zeros = (size_t)sp->prec - ndigits;
	/* '#' with %o makes the first digit a 0, by raising the precision if need be. */
	if ((sp->flags & F_ALT) && base == 8 && zeros == 0 && (ndigits == 0 || digits[ndigits - 1] != '0'))
		zeros = 1;

	size_t body = nprefix + zeros + ndigits;
	size_t width = (size_t)sp->width;
	/* '0' pads with zeros after the sign, unless '-' or a precision is given. */
	if ((sp->flags & (F_ZERO | F_LEFT)) == F_ZERO && sp->prec == PREC_NONE && width > body) {
		zeros += width - body;
		body = width;
	}
	size_t pad = width > body ? width - body : 0;

	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	put_mem(o, prefix, nprefix);
	put_repeat(o, '0', zeros);
	while (ndigits)
		put(o, digits[--ndigits]);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/* n bytes of s padded to the field width. */
static void emit_padded(struct out *o, const struct spec *sp, const char *s, size_t n)
{
	size_t width = (size_t)sp->width;
	size_t pad = width > n ? width - n : 0;

	if (!(sp->flags & F_LEFT))
		put_repeat(o, ' ', pad);
	put_mem(o, s, n);
	if (sp->flags & F_LEFT)
		put_repeat(o, ' ', pad);
}

/* %s: never reads past the precision, so a precision makes a NUL terminator unnecessary. */
static void emit_string(struct out *o, const struct spec *sp, const char *s)
{
	size_t max = sp->prec == PREC_NONE ? SIZE_MAX : (size_t)sp->prec;
	size_t n = 0;

	if (!s)
		s = "(null)";
	while (n < max && s[n])
		n++;
	emit_padded(o, sp, s, n);
}

static void emit_signed(struct out *o, const struct spec *sp, va_list *ap)
{
	intmax_t v = arg_signed(ap, sp->len);
	/* Magnitude in unsigned arithmetic: -INTMAX_MIN would overflow. */
	uintmax_t mag = v < 0 ? (uintmax_t)0 - (uintmax_t)v : (uintmax_t)v;
	char sign = v < 0 ? '-' : (sp->flags & F_PLUS) ? '+' : (sp->flags & F_SPACE) ? ' ' : 0;

	emit_number(o, sp, mag, sign, 10, false);
}

/* %p as glibc prints it: "(nil)" for NULL, otherwise like %#lx. */
static void emit_pointer(struct out *o, const struct spec *sp, const void *p)
{
	struct spec hex = *sp;

	if (!p) {
		emit_padded(o, sp, "(nil)", 5);
		return;
	}
	hex.flags = (sp->flags & (F_LEFT | F_ZERO)) | F_ALT;
	emit_number(o, &hex, (uintptr_t)p, 0, 16, false);
}

/* Emits one parsed conversion; false if it is unsupported, without reading its argument. */
static bool emit_conversion(struct out *o, const struct spec *sp, va_list *ap)
{
	switch (sp->conv) {
	case 'd':
	case 'i': emit_signed(o, sp, ap); return true;
	case 'u': emit_number(o, sp, arg_unsigned(ap, sp->len), 0, 10, false); return true;
	case 'x': emit_number(o, sp, arg_unsigned(ap, sp->len), 0, 16, false); return true;
	case 'X': emit_number(o, sp, arg_unsigned(ap, sp->len), 0, 16, true); return true;
	case 'o': emit_number(o, sp, arg_unsigned(ap, sp->len), 0, 8, false); return true;
	case '%': put(o, '%'); return true;
	case 'c': {
		if (sp->len != LEN_NONE && sp->len != LEN_L)
			return false;
		/* %lc takes a wint_t (unsigned int); either way only the low byte is printed. */
		char c = (char)(unsigned char)va_arg(*ap, int);
		emit_padded(o, sp, &c, 1);
		return true;
	}
	case 's':
		if (sp->len != LEN_NONE) /* %ls would be a wide string */
			return false;
		emit_string(o, sp, va_arg(*ap, const char *));
		return true;
	case 'p':
		if (sp->len != LEN_NONE)
			return false;
		emit_pointer(o, sp, va_arg(*ap, const void *));
		return true;
	default: return false;
	}
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
	struct out o = { .buf = buf, .size = buf ? size : 0, .len = 0 };
	va_list args;

	/* A copy, so that helpers can take a pointer to it (va_list may be an array type). */
	va_copy(args, ap);
	while (*fmt) {
		if (*fmt != '%') {
			put(&o, *fmt++);
			continue;
		}
		const char *start = fmt++;
		struct spec sp;
		parse_spec(&fmt, &sp, &args);
		if (!emit_conversion(&o, &sp, &args)) {
			for (fmt = start; *fmt; fmt++) /* the rest, verbatim */
				put(&o, *fmt);
			break;
		}
	}
	va_end(args);

	if (o.size)
		o.buf[o.len < o.size ? o.len : o.size - 1] = '\0';
	return o.len > INT_MAX_VALUE ? -EOVERFLOW : (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = kvsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}
