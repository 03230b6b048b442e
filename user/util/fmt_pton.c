/* inet_pton's parse without the C library's (800 bytes in the static
 * binary on aarch64): the same texts accepted, tests/unit/test_fmt.c and
 * tests/fuzz/fuzz_pton.c hold it to glibc's. */
#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/socket.h>

#include "rawtel/fmt.h"

/* A dotted quad that is all of s: four decimals 0-255 without leading
 * zeros (inet_pton's rule: "010" would read as octal elsewhere). */
static int pton4(const char *s, uint8_t *a)
{
	for (int i = 0; i < 4; i++) {
		const char *p = s;
		unsigned v = 0;

		while (*s >= '0' && *s <= '9' && v <= 255)
			v = v * 10 + (unsigned)(*s++ - '0');
		if (s == p || v > 255 || (*p == '0' && s - p > 1) || *s != (i < 3 ? '.' : 0))
			return -EINVAL;
		a[i] = (uint8_t)v;
		s++;
	}
	return 0;
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c |= 0x20;
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* One hex group of 1-4 digits at *s; its value, or -1 */
static long group6(const char **s)
{
	long v = 0;
	int d = 0;

	for (; d < 5 && hexval(**s) >= 0; (*s)++, d++)
		v = v << 4 | hexval(**s);
	return d && d <= 4 ? v : -1;
}

/* Up to eight groups, one "::" for a run of at least one zero group, a
 * dotted quad as the last two groups */
static int pton6(const char *s, uint8_t *a)
{
	uint8_t b[16];
	int n = 0, gap = -1;

	if (*s == ':' && *++s != ':')
		return -EINVAL;
	for (;;) {
		if (*s == ':') {
			if (gap >= 0)
				return -EINVAL;
			gap = n;
			if (!*++s)
				break;
		}
		if (n <= 12 && !pton4(s, b + n)) {
			n += 4;
			break;
		}
		long v = n < 16 ? group6(&s) : -1;

		if (v < 0)
			return -EINVAL;
		b[n++] = (uint8_t)(v >> 8);
		b[n++] = (uint8_t)v;
		if (!*s)
			break;
		if (*s++ != ':' || !*s)
			return -EINVAL;
	}
	if (gap < 0 ? n != 16 : n == 16)
		return -EINVAL;
	if (gap >= 0) {	/* the groups after the gap to the end, zeros between */
		memmove(b + 16 - (n - gap), b + gap, (size_t)(n - gap));
		memset(b + gap, 0, (size_t)(16 - n));
	}
	memcpy(a, b, 16);
	return 0;
}

int fmt_pton(int family, const char *s, void *addr)
{
	uint8_t b[4];

	if (family == AF_INET6)
		return pton6(s, addr);
	if (family != AF_INET)
		return -EAFNOSUPPORT;
	if (pton4(s, b))
		return -EINVAL;
	memcpy(addr, b, 4);
	return 0;
}
