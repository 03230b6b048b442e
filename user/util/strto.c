/* strtol, strtoul, strtoll, strtoull and atoi for user/ (redirected here
 * by include/rawtel/fmt_guard.h): musl's are strtol.lo and its general
 * __intscan over a FILE (2.7 KB of the static binary on aarch64); this is
 * the same contract read straight from the string. */
#include <errno.h>
#include <limits.h>

#include "rawtel/fmt_guard.h"

static int digit_of(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if ((c | 0x20) >= 'a' && (c | 0x20) <= 'z')
		return (c | 0x20) - 'a' + 10;
	return 99;
}

/* The number at s in base (0: by its prefix), as the C library reads it:
 * blanks, a sign, digits. Past `lim` (for a negative number of a signed
 * type, lim + 1) it is ERANGE and the limit. The result is the value's
 * bits, which the caller's cast turns into its type. */
static unsigned long long scan(const char *s, char **end, int base, unsigned long long lim,
			       int is_signed)
{
	const char *p = s;
	unsigned long long v = 0;
	int neg = 0, over = 0, any = 0;

	while (*p == ' ' || (*p >= '\t' && *p <= '\r'))
		p++;
	if (*p == '+' || *p == '-')
		neg = *p++ == '-';
	if ((base == 0 || base == 16) && p[0] == '0' && (p[1] | 0x20) == 'x' && digit_of(p[2]) < 16) {
		p += 2;
		base = 16;
	} else if (base == 0) {
		base = *p == '0' ? 8 : 10;
	}
	if (base < 2 || base > 36) {
		errno = EINVAL;
		p = s;
	} else {
		for (; digit_of(*p) < base; p++, any = 1) {
			unsigned d = (unsigned)digit_of(*p);
			if (v > (ULLONG_MAX - d) / (unsigned)base)
				over = 1;
			else
				v = v * (unsigned)base + d;
		}
	}
	if (end)
		*end = (char *)(any ? p : s);
	if (is_signed && neg)
		lim++;
	if (over || v > lim) {
		errno = ERANGE;
		/* an unsigned type's limit is not negated */
		return is_signed && neg ? -lim : lim;
	}
	return neg ? -v : v;
}

long util_strtol(const char *s, char **end, int base)
{
	return (long)scan(s, end, base, LONG_MAX, 1);
}

unsigned long util_strtoul(const char *s, char **end, int base)
{
	return (unsigned long)scan(s, end, base, ULONG_MAX, 0);
}

long long util_strtoll(const char *s, char **end, int base)
{
	return (long long)scan(s, end, base, LLONG_MAX, 1);
}

unsigned long long util_strtoull(const char *s, char **end, int base)
{
	return scan(s, end, base, ULLONG_MAX, 0);
}

int util_atoi(const char *s)
{
	return (int)util_strtol(s, 0, 10);
}
