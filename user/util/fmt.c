/* The printf family for rawtel's format subset (include/rawtel/fmt.h):
 * parsing a conversion, integers, strings and padding, into a buffer or a
 * stream. Floating point is fmt_fp.c's. */
#include <errno.h>
#include <stdint.h>
#include <string.h>

#include "rawtel/fmt.h"

#define STAR (-2)	/* width or precision taken from the arguments */

struct spec {
	int left, zero, plus;	/* flags '-', '0' and '+' */
	int width;	/* -1 none, STAR, or the number */
	int prec;	/* -1 none, STAR, or the number */
	char len;	/* 0, 'l', 'q' (ll) or 'z' */
	char conv;
};

/* Where the text goes: a caller's buffer (f NULL), or a stream through
 * a local buffer, flushed when full and at the end. */
struct out {
	char *buf;
	size_t cap;	/* buffer: its size; stream: sizeof tmp */
	size_t len;	/* bytes produced so far (may pass cap for a buffer) */
	size_t pos;	/* stream: bytes waiting in tmp */
	FILE *f;
	int err;
	char tmp[256];
};

static void flush(struct out *o)
{
	if (o->pos && fwrite(o->tmp, 1, o->pos, o->f) != o->pos)
		o->err = 1;
	o->pos = 0;
}

static void put(struct out *o, const char *s, size_t n)
{
	if (!o->f) {
		if (o->len + 1 < o->cap) {
			size_t k = o->cap - 1 - o->len;
			memcpy(o->buf + o->len, s, n < k ? n : k);
		}
		o->len += n;
		return;
	}
	while (n) {
		size_t k = sizeof(o->tmp) - o->pos;
		if (k > n)
			k = n;
		memcpy(o->tmp + o->pos, s, k);
		o->pos += k, o->len += k, s += k, n -= k;
		if (o->pos == sizeof(o->tmp))
			flush(o);
	}
}

static void fill(struct out *o, char c, size_t n)
{
	char run[16];

	memset(run, c, sizeof(run));
	for (; n > sizeof(run); n -= sizeof(run))
		put(o, run, sizeof(run));
	put(o, run, n);
}

/* A decimal width or precision at *p, moving *p past it. */
static int number(const char **p)
{
	int v = 0;

	while (**p >= '0' && **p <= '9' && v < 100000)
		v = v * 10 + *(*p)++ - '0';
	return v;
}

/* The conversion after a '%'; returns the text after it, or NULL when it
 * is outside the subset. */
static const char *parse(const char *p, struct spec *s)
{
	memset(s, 0, sizeof(*s));
	s->width = s->prec = -1;
	for (;; p++) {
		if (*p == '-')
			s->left = 1;
		else if (*p == '0')
			s->zero = 1;
		else if (*p == '+')
			s->plus = 1;
		else
			break;
	}
	if (*p == '*')
		s->width = STAR, p++;
	else if (*p >= '1' && *p <= '9')
		s->width = number(&p);
	if (*p == '.') {
		p++;
		if (*p == '*')
			s->prec = STAR, p++;
		else
			s->prec = number(&p);
	}
	if (*p == 'l')
		s->len = p[1] == 'l' ? (p += 2, 'q') : (p++, 'l');
	else if (*p == 'z')
		s->len = 'z', p++;
	s->conv = *p;
	if (!*p || !strchr("duoxcsfg%", *p) || (s->len && !strchr("duox", *p)) ||
	    (s->len == 'z' && *p == 'd') || (s->prec != -1 && !strchr("sfg", *p)) ||
	    (s->plus && *p != 'd') ||
	    (s->prec > FMT_PREC_MAX && *p != 's') || (*p == '%' && p[-1] != '%'))
		return NULL;
	return p + 1;
}

int fmt_check(const char *fmt)
{
	struct spec s;

	while ((fmt = strchr(fmt, '%')))
		if (!(fmt = parse(fmt + 1, &s)))
			return -EINVAL;
	return 0;
}

static size_t utoa(char *out, unsigned long long v, unsigned base)
{
	char t[24];
	size_t n = 0;

	do {
		t[n++] = "0123456789abcdef"[v % base];
		v /= base;
	} while (v);
	for (size_t i = 0; i < n; i++)
		out[i] = t[n - 1 - i];
	return n;
}

static unsigned long long uarg(const struct spec *s, va_list *ap)
{
	if (s->len == 'q')
		return va_arg(*ap, unsigned long long);
	if (s->len == 'l')
		return va_arg(*ap, unsigned long);
	if (s->len == 'z')
		return va_arg(*ap, size_t);
	return va_arg(*ap, unsigned);
}

static long long sarg(const struct spec *s, va_list *ap)
{
	if (s->len == 'q')
		return va_arg(*ap, long long);
	if (s->len == 'l')
		return va_arg(*ap, long);
	return va_arg(*ap, int);
}

/* One conversion: its text, then padded to the width. */
static void convert(struct out *o, struct spec *s, va_list *ap)
{
	char t[FMT_FP_MAX];
	const char *str = t;
	size_t n = 0, w;
	int zero = s->zero && !s->left;
	char sign = 0;

	if (s->width == STAR && (s->width = va_arg(*ap, int)) < 0)
		s->left = 1, zero = 0, s->width = -s->width;
	if (s->prec == STAR && (s->prec = va_arg(*ap, int)) > FMT_PREC_MAX && s->conv != 's')
		s->prec = FMT_PREC_MAX;
	switch (s->conv) {
	case '%': t[n++] = '%'; break;
	case 'c': t[n++] = (char)va_arg(*ap, int); break;
	case 's':
		if (!(str = va_arg(*ap, const char *)))
			str = "(null)";
		n = s->prec >= 0 ? strnlen(str, (size_t)s->prec) : strlen(str);
		break;
	case 'd': {
		long long v = sarg(s, ap);
		sign = v < 0 ? '-' : s->plus ? '+' : 0;
		n = utoa(t, v < 0 ? 0 - (unsigned long long)v : (unsigned long long)v, 10);
		break;
	}
	case 'u': n = utoa(t, uarg(s, ap), 10); break;
	case 'o': n = utoa(t, uarg(s, ap), 8); break;
	case 'x': n = utoa(t, uarg(s, ap), 16); break;
	default:
		n = fmt_double(t, va_arg(*ap, double), s->prec < 0 ? 6 : s->prec, s->conv);
		if (t[0] == '-')
			sign = '-', str++, n--;
		if (str[0] == 'i' || str[0] == 'n')
			zero = 0;	/* inf and nan are padded with blanks */
	}
	w = n + (sign != 0);
	w = s->width > (int)w ? (size_t)s->width - w : 0;
	if (!s->left && !zero)
		fill(o, ' ', w);
	if (sign)
		put(o, &sign, 1);
	if (zero)
		fill(o, '0', w);
	put(o, str, n);
	if (s->left)
		fill(o, ' ', w);
}

static void run(struct out *o, const char *fmt, va_list ap)
{
	va_list aq;
	struct spec s;

	va_copy(aq, ap);
	for (const char *p; (p = strchr(fmt, '%')); ) {
		put(o, fmt, (size_t)(p - fmt));
		if (!(fmt = parse(p + 1, &s))) {
			fmt = p;
			break;
		}
		convert(o, &s, &aq);
	}
	put(o, fmt, strlen(fmt));
	va_end(aq);
}

int fmt_vsnprintf(char *restrict buf, size_t size, const char *restrict fmt, va_list ap)
{
	struct out o = { .buf = buf, .cap = size };

	run(&o, fmt, ap);
	if (size)
		buf[o.len < size ? o.len : size - 1] = 0;
	return o.len > INT32_MAX ? -1 : (int)o.len;
}

int fmt_snprintf(char *restrict buf, size_t size, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vsnprintf(buf, size, fmt, ap);
	va_end(ap);
	return n;
}

int fmt_vfprintf(FILE *restrict f, const char *restrict fmt, va_list ap)
{
	struct out o = { .f = f };

	run(&o, fmt, ap);
	flush(&o);
	return o.err || o.len > INT32_MAX ? -1 : (int)o.len;
}

int fmt_fprintf(FILE *restrict f, const char *restrict fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = fmt_vfprintf(f, fmt, ap);
	va_end(ap);
	return n;
}
