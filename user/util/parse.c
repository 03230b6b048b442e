/* Small parsing helpers (see include/rawtel/util.h). */
#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <unistd.h>

#include "rawtel/util.h"

int util_fields(char *line, char **f, int max)
{
	int n = 0;
	char *p = line;

	while (*p && n < max) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			*p++ = 0;
		if (!*p)
			break;
		f[n++] = p;
		while (*p && *p != ' ' && *p != '\t' && *p != '\n')
			p++;
		if (*p)		/* end this field, even the last one taken */
			*p++ = 0;
	}
	return n;
}

int util_ulong(const char *s, int base, char stop, unsigned long *out, const char **rest)
{
	char *end;

	if (*s < '0' || (*s > '9' && base != 16) || !*s)
		return -EINVAL;
	errno = 0;
	*out = strtoul(s, &end, base);
	if (end == s || errno || *end != stop)
		return -EINVAL;
	if (rest)
		*rest = *end ? end + 1 : end;
	return 0;
}

int util_hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

int util_pct_decode(const char *s, const char *e, char *out, size_t cap, const char **bad)
{
	size_t n = 0;

	while (s < e && (*s == ' ' || *s == '\t'))
		s++;
	while (e > s && (e[-1] == ' ' || e[-1] == '\t'))
		e--;
	for (; s < e; s++) {
		char c = *s;

		if (c == '%') {
			int hi = e - s >= 3 ? util_hexval(s[1]) : -1;
			int lo = e - s >= 3 ? util_hexval(s[2]) : -1;

			/* %00 would end the string early: refused, not cut */
			if (hi < 0 || lo < 0 || !(hi | lo)) {
				if (bad)
					*bad = s;
				return -EINVAL;
			}
			c = (char)(hi << 4 | lo);
			s += 2;
		}
		if (n + 1 >= cap)
			return -E2BIG;
		out[n++] = c;
	}
	if (cap)
		out[n] = 0;
	return (int)n;
}

unsigned long long util_parse_size(const char *s)
{
	char *end;
	unsigned long long v;

	if (*s < '0' || *s > '9')
		return 0;
	errno = 0;
	v = strtoull(s, &end, 10);
	if (errno)
		return 0;
	unsigned shift = 0;

	if (*end == 'K' || *end == 'k')
		shift = 10, end++;
	else if (*end == 'M' || *end == 'm')
		shift = 20, end++;
	else if (*end == 'G' || *end == 'g')
		shift = 30, end++;
	/* 0 (invalid) rather than a wrapped value: 20000000000G is no size */
	if (*end || v > (ULLONG_MAX >> shift))
		return 0;
	return v << shift;
}

int util_write_all(int fd, const void *buf, size_t n)
{
	const char *p = buf;

	while (n) {
		ssize_t w = write(fd, p, n);

		if (w < 0 && errno == EINTR)
			continue;
		if (w <= 0)
			return -(w < 0 ? errno : EIO);
		p += w;
		n -= (size_t)w;
	}
	return 0;
}
