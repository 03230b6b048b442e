/* %f and %g for fmt.c: the exact decimal digits of a double, rounded half
 * to even. A double is m * 2^e with m < 2^53; its integer part (at most
 * 1024 bits) is turned into decimal by dividing by 10^9, and the digits of
 * its fraction (at most 1074 bits) come one at a time by multiplying it by
 * 10: the carry out of the top is the next digit. No floating-point
 * arithmetic, so the result is the same on every target. */
#include <stdint.h>
#include <string.h>

#include "rawtel/fmt.h"

struct dec {
	uint32_t f[36];	/* the fraction, scaled to fw * 32 bits, low word first */
	int fw;
	int in, ipos;	/* integer digits in ip, and the next one to hand out */
	char ip[320];
};

/* The low 96 bits of v << r (r < 32) as three words at w. */
static void put_shifted(uint32_t *w, uint64_t v, int r)
{
	w[0] = (uint32_t)(v << r);
	w[1] = (uint32_t)((v << r) >> 32);
	w[2] = r ? (uint32_t)(v >> (64 - r)) : 0;
}

/* The integer part's decimal digits, from n words at w (destroyed). */
static void int_digits(struct dec *s, uint32_t *w, int n)
{
	char *end = s->ip + sizeof(s->ip), *p = end;

	while (n && !w[n - 1])
		n--;
	while (n) {
		uint64_t rem = 0;
		for (int i = n - 1; i >= 0; i--) {
			uint64_t cur = rem << 32 | w[i];
			w[i] = (uint32_t)(cur / 1000000000);
			rem = cur % 1000000000;
		}
		while (n && !w[n - 1])
			n--;
		for (int j = 0; j < 9; j++, rem /= 10)
			*--p = (char)('0' + rem % 10);
	}
	while (p < end && *p == '0')
		p++;
	s->in = (int)(end - p);
	memmove(s->ip, p, (size_t)s->in);
}

/* Split a finite, non-negative d into its integer digits and fraction. */
static void dec_init(struct dec *s, uint64_t bits)
{
	uint64_t m = bits & ((1ULL << 52) - 1);
	int be = (int)(bits >> 52 & 0x7ff), e = be ? be - 1075 : -1074;
	uint32_t w[35] = { 0 };

	if (be)
		m |= 1ULL << 52;
	memset(s, 0, sizeof(*s));
	if (e >= 0) {
		put_shifted(w + e / 32, m, e % 32);
		int_digits(s, w, e / 32 + 3);
		return;
	}
	int k = -e;	/* bits of fraction */
	uint64_t ipart = k < 64 ? m >> k : 0, frac = k < 64 ? m & ((1ULL << k) - 1) : m;

	w[0] = (uint32_t)ipart;
	w[1] = (uint32_t)(ipart >> 32);
	int_digits(s, w, 2);
	s->fw = (k + 31) / 32;
	put_shifted(s->f, frac, s->fw * 32 - k);
}

/* The next fraction digit. */
static int frac_next(struct dec *s)
{
	uint64_t c = 0;

	for (int i = 0; i < s->fw; i++) {
		c += (uint64_t)s->f[i] * 10;
		s->f[i] = (uint32_t)c;
		c >>= 32;
	}
	return (int)c;
}

/* The next digit: the integer part's, then the fraction's. */
static int dec_next(struct dec *s)
{
	return s->ipos < s->in ? s->ip[s->ipos++] - '0' : frac_next(s);
}

/* Whether any digit not handed out yet is nonzero. */
static int dec_rest(const struct dec *s)
{
	for (int i = s->ipos; i < s->in; i++)
		if (s->ip[i] != '0')
			return 1;
	for (int i = 0; i < s->fw; i++)
		if (s->f[i])
			return 1;
	return 0;
}

/* Round the n digits at d by the next digit and what follows, half to
 * even; 1 when it carried out of the first digit (d is then all zeros). */
static int round_up(char *d, int n, int next, int rest)
{
	if (next < 5 || (next == 5 && !rest && (n == 0 || (d[n - 1] - '0') % 2 == 0)))
		return 0;
	for (int i = n - 1; i >= 0; i--) {
		if (d[i] != '9') {
			d[i]++;
			return 0;
		}
		d[i] = '0';
	}
	return 1;
}

static size_t fixed(struct dec *s, int prec, char *o)
{
	int n = 0, ni, next;

	if (!s->in)
		o[n++] = '0';
	while (s->ipos < s->in)
		o[n++] = s->ip[s->ipos++];
	ni = n;
	for (int i = 0; i < prec; i++)
		o[n++] = (char)('0' + frac_next(s));
	next = frac_next(s);
	if (round_up(o, n, next, dec_rest(s))) {
		memmove(o + 1, o, (size_t)n++);
		o[0] = '1', ni++;
	}
	if (prec) {
		memmove(o + ni + 1, o + ni, (size_t)(n - ni));
		o[ni] = '.', n++;
	}
	return (size_t)n;
}

/* The n significant digits at d with decimal exponent x, as %g writes them:
 * plain when -4 <= x < n, else with an exponent; no trailing zeros. */
static size_t general_text(const char *d, int n, int x, char *o)
{
	size_t k = 0;
	int i = 0, sci = x < -4 || x >= n;

	if (!sci && x < 0) {	/* 0.000ddd */
		o[k++] = '0';
		o[k++] = '.';
		for (int z = -1; z > x; z--)
			o[k++] = '0';
	} else {
		do
			o[k++] = d[i++];
		while (!sci && i <= x);
		if (i < n)
			o[k++] = '.';
	}
	while (i < n)
		o[k++] = d[i++];
	while (memchr(o, '.', k) && (o[k - 1] == '0' || o[k - 1] == '.'))
		if (o[--k] == '.')
			break;
	if (sci) {
		int a = x < 0 ? -x : x;
		o[k++] = 'e';
		o[k++] = x < 0 ? '-' : '+';
		if (a >= 100)
			o[k++] = (char)('0' + a / 100);
		o[k++] = (char)('0' + a / 10 % 10);
		o[k++] = (char)('0' + a % 10);
	}
	return k;
}

static size_t general(struct dec *s, int prec, int zero, char *o)
{
	char d[FMT_PREC_MAX + 1];
	int x = 0, i = 0, c;

	if (!prec)
		prec = 1;
	if (zero) {
		memset(d, '0', (size_t)prec);
	} else {
		if (s->in) {
			x = s->in - 1;
		} else {
			for (x = -1; !(c = frac_next(s)); x--)
				;
			d[i++] = (char)('0' + c);
		}
		for (; i < prec; i++)
			d[i] = (char)('0' + dec_next(s));
		c = dec_next(s);	/* before dec_rest looks at what follows it */
		if (round_up(d, prec, c, dec_rest(s)))
			d[0] = '1', x++;
	}
	return general_text(d, prec, x, o);
}

size_t fmt_double(char *out, double d, int prec, char conv)
{
	uint64_t bits;
	struct dec s;
	size_t n = 0;

	memcpy(&bits, &d, sizeof(bits));
	if (bits >> 63)
		out[n++] = '-';
	bits &= ~(1ULL << 63);
	if (prec > FMT_PREC_MAX)
		prec = FMT_PREC_MAX;
	if (bits >= 0x7ffULL << 52) {
		memcpy(out + n, bits > 0x7ffULL << 52 ? "nan" : "inf", 3);
		return n + 3;
	}
	dec_init(&s, bits);
	if (conv == 'f')
		return n + fixed(&s, prec, out + n);
	return n + general(&s, prec, !bits, out + n);
}
