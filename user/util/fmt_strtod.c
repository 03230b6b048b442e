/* strtod for decimal text (include/rawtel/fmt.h). Up to 15 digits with a
 * power of ten up to 22 are exact doubles, so one multiplication or
 * division rounds correctly (most config values and JSON numbers). Any
 * other input is done exactly with big integers: the value is
 * num / den = D * 10^E, and the 54-56 bit quotient of num * 2^s / den plus
 * whether a remainder is left is all the rounding needs. Digits past the
 * first 800 only matter as "something nonzero follows", kept as one more
 * digit 1 (a double's exact decimal value has at most 767 digits). */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <strings.h>

#include "rawtel/fmt.h"

#define MAX_DIGITS 800
#define BIG_W 128	/* 4096 bits: 10^1150 shifted by 56 fits */

struct big {
	uint32_t w[BIG_W];
	int n;
};

struct num {
	char d[MAX_DIGITS + 1];	/* significant digits, no leading zeros */
	int nd;
	long e;			/* the value is d * 10^e */
};

static void big_mul_add(struct big *b, uint32_t mul, uint32_t add)
{
	uint64_t c = add;

	for (int i = 0; i < b->n; i++) {
		c += (uint64_t)b->w[i] * mul;
		b->w[i] = (uint32_t)c;
		c >>= 32;
	}
	if (c)
		b->w[b->n++] = (uint32_t)c;
}

static int big_bits(const struct big *b)
{
	int n = b->n, bits = 0;

	while (n && !b->w[n - 1])
		n--;
	if (!n)
		return 0;
	for (uint32_t t = b->w[n - 1]; t; t >>= 1)
		bits++;
	return (n - 1) * 32 + bits;
}

static void big_shl(struct big *b, int k)
{
	int q = k / 32, r = k % 32, n = b->n + q + 1;

	/* from the top down: word i reads words i - q and i - q - 1 only */
	for (int i = n - 1; i >= 0; i--) {
		int j = i - q;
		uint32_t hi = j >= 0 && j < b->n ? b->w[j] : 0;
		uint32_t lo = j >= 1 && j - 1 < b->n ? b->w[j - 1] : 0;
		b->w[i] = r ? hi << r | lo >> (32 - r) : hi;
	}
	b->n = n;
}

static void big_shr1(struct big *b)
{
	for (int i = 0; i < b->n; i++)
		b->w[i] = b->w[i] >> 1 | (i + 1 < b->n ? b->w[i + 1] << 31 : 0);
}

static int big_cmp(const struct big *a, const struct big *b)
{
	for (int i = (a->n > b->n ? a->n : b->n) - 1; i >= 0; i--) {
		uint32_t x = i < a->n ? a->w[i] : 0, y = i < b->n ? b->w[i] : 0;
		if (x != y)
			return x < y ? -1 : 1;
	}
	return 0;
}

static void big_sub(struct big *a, const struct big *b)
{
	int64_t c = 0;

	for (int i = 0; i < a->n; i++) {
		c += (int64_t)a->w[i] - (i < b->n ? b->w[i] : 0);
		a->w[i] = (uint32_t)c;
		c >>= 32;
	}
}

static void big_pow10(struct big *b, long k)
{
	for (; k >= 9; k -= 9)
		big_mul_add(b, 1000000000, 0);
	while (k-- > 0)
		big_mul_add(b, 10, 0);
}

/* The double for q * 2^-s (q < 2^57) with a nonzero remainder below q's
 * last bit when sticky: round to 53 bits, or fewer for a subnormal. */
static double make_double(uint64_t q, long s, int sticky)
{
	int len = 0;
	long t, drop;
	uint64_t m, rem, half, bits;
	double d;

	for (uint64_t v = q; v; v >>= 1)
		len++;
	t = len - 1 - s - 52;	/* the exponent of the result's last bit */
	if (t < -1074)
		t = -1074;
	drop = t + s;
	if (drop > 60)
		return errno = ERANGE, 0.0;
	m = q >> drop;
	rem = q & ((1ULL << drop) - 1);
	half = 1ULL << (drop - 1);
	if (rem > half || (rem == half && (sticky || (m & 1))))
		m++;
	if (m == 1ULL << 53)
		m >>= 1, t++;
	if (!m)
		return errno = ERANGE, 0.0;
	if (m >= 1ULL << 52 && t + 1075 >= 2047)
		return errno = ERANGE, __builtin_inf();
	bits = (m >= 1ULL << 52 ? (uint64_t)(t + 1075) << 52 : 0) | (m & ((1ULL << 52) - 1));
	memcpy(&d, &bits, sizeof(d));
	return d;
}

static double exact(const struct num *x)
{
	struct big num, den;
	long s;
	uint64_t q = 0;

	memset(&num, 0, sizeof(num));
	memset(&den, 0, sizeof(den));
	num.n = den.n = 1;
	den.w[0] = 1;
	for (int i = 0; i < x->nd; i++)
		big_mul_add(&num, 10, (uint32_t)(x->d[i] - '0'));
	big_pow10(x->e > 0 ? &num : &den, x->e > 0 ? x->e : -x->e);
	s = 55 - (big_bits(&num) - big_bits(&den));
	big_shl(s > 0 ? &num : &den, (int)(s > 0 ? s : -s));
	big_shl(&den, 56);
	for (int i = 56; i >= 0; i--) {
		if (big_cmp(&num, &den) >= 0) {
			big_sub(&num, &den);
			q |= 1ULL << i;
		}
		big_shr1(&den);
	}
	return make_double(q, s, big_bits(&num) != 0);
}

static double convert(const struct num *x)
{
	if (!x->nd)
		return 0.0;
	if (x->nd + x->e > 310)
		return errno = ERANGE, __builtin_inf();
	if (x->nd + x->e < -330)
		return errno = ERANGE, 0.0;
	if (x->nd <= 15 && x->e >= -22 && x->e <= 22) {
		double v = 0, p = 1;
		for (int i = 0; i < x->nd; i++)
			v = v * 10 + (x->d[i] - '0');
		for (long i = x->e < 0 ? -x->e : x->e; i > 0; i--)
			p *= 10;
		return x->e < 0 ? v / p : v * p;
	}
	return exact(x);
}

/* Digits with an optional point into x; returns the text after them, or
 * NULL when there is no digit. */
static const char *digits(const char *p, struct num *x)
{
	int any = 0, point = 0, more = 0;

	for (;; p++) {
		if (*p == '.' && !point) {
			point = 1;
			continue;
		}
		if (*p < '0' || *p > '9')
			break;
		any = 1;
		if (!x->nd && *p == '0')
			x->e -= point;
		else if (x->nd < MAX_DIGITS)
			x->d[x->nd++] = *p, x->e -= point;
		else
			more |= *p != '0', x->e += !point;
	}
	if (more)
		x->d[x->nd++] = '1', x->e--;
	return any ? p : NULL;
}

/* An exponent after the digits, if there is a well-formed one. */
static const char *exponent(const char *p, struct num *x)
{
	const char *q = p + 1;
	long v = 0;
	int neg = 0;

	if (*p != 'e' && *p != 'E')
		return p;
	if (*q == '+' || *q == '-')
		neg = *q++ == '-';
	if (*q < '0' || *q > '9')
		return p;
	for (; *q >= '0' && *q <= '9'; q++)
		if (v < 100000)
			v = v * 10 + *q - '0';
	x->e += neg ? -v : v;
	return q;
}

/* inf, infinity or nan, in any case: the length matched, else 0. */
static size_t special(const char *p, double *v)
{
	static const char *const words[] = { "infinity", "inf", "nan" };

	for (int i = 0; i < 3; i++) {
		size_t n = strlen(words[i]);
		if (!strncasecmp(p, words[i], n)) {
			*v = i < 2 ? __builtin_inf() : __builtin_nan("");
			return n;
		}
	}
	return 0;
}

double fmt_strtod(const char *s, char **end)
{
	struct num x;
	const char *p = s, *q;
	int neg = 0;
	double v;
	size_t n;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	memset(&x, 0, sizeof(x));
	if ((n = special(p, &v))) {
		q = p + n;
	} else if ((q = digits(p, &x))) {
		q = exponent(q, &x);
		v = convert(&x);
	} else {
		q = s, v = 0, neg = 0;	/* no number */
	}
	if (end)
		*end = (char *)q;
	return neg ? -v : v;
}
