/* user/util/strto.c against the C library's strtol family: value, end
 * and errno for every base on prefixes, signs, blanks, limits and
 * overflow, and for random texts; user/util/strfind.c against strstr. */
#include <errno.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "t.h"

long util_strtol(const char *, char **, int);
unsigned long util_strtoul(const char *, char **, int);
long long util_strtoll(const char *, char **, int);
unsigned long long util_strtoull(const char *, char **, int);
int util_atoi(const char *);
char *util_strstr(const char *, const char *);

/* Each of the four on s in base, against libc's; 1 when all agree. */
static int agree(const char *s, int base)
{
	char *e1 = NULL, *e2 = NULL;
	int r1, r2;
	/* for a bad base glibc leaves *end as it was: unspecified */
	int valid = base == 0 || (base >= 2 && base <= 36);

#define SAME(ours, libc, fmt)                                                           \
	do {                                                                        \
		errno = 0;                                                          \
		__typeof__(libc(s, &e1, base)) a = ours(s, &e1, base);              \
		r1 = errno, errno = 0;                                              \
		__typeof__(a) b = libc(s, &e2, base);                               \
		r2 = errno;                                                         \
		if (a != b || (e1 != e2 && valid) || r1 != r2) {                               \
			T_FAILF(#libc "(\"%s\", %d): ours " fmt " end %td errno %d, libc " fmt \
				" end %td errno %d", s, base, a, e1 - s, r1, b, e2 - s, r2); \
			return 0;                                                   \
		}                                                                   \
	} while (0)
	SAME(util_strtol, strtol, "%ld");
	SAME(util_strtoul, strtoul, "%lu");
	SAME(util_strtoll, strtoll, "%lld");
	SAME(util_strtoull, strtoull, "%llu");
#undef SAME
	return 1;
}

static void test_cases(void)
{
	static const char *texts[] = {
		"", "0", "1", "-1", "+1", " \t\n\v\f\r42x", "- 5", "+-5", "0x", "0X1f", "0xg", "-0x10",
		"077", "089", "0b1", "z", "Zz", "123abc", "9223372036854775807", "9223372036854775808",
		"-9223372036854775808", "-9223372036854775809", "18446744073709551615",
		"18446744073709551616", "-18446744073709551615", "-18446744073709551616",
		"99999999999999999999999999", "-99999999999999999999999999", "4294967295",
		"4294967296", "-4294967295", "2147483647", "2147483648", "-2147483648", "-2147483649",
		"0xffffffffffffffff", "0x10000000000000000", "-0x8000000000000000", "  +0x7fffffff",
		"1e5", "12 34",
	};
	static const int bases[] = { 0, 2, 8, 10, 16, 36, 1, 37, -1 };

	for (size_t i = 0; i < sizeof(texts) / sizeof(texts[0]); i++)
		for (size_t b = 0; b < sizeof(bases) / sizeof(bases[0]); b++)
			if (!agree(texts[i], bases[b]))
				return;
	T_EQ_INT(util_atoi(" -123x"), atoi(" -123x"));
	T_EQ_INT(util_atoi("2147483647"), 2147483647);
}

static void test_random(void)
{
	static const char alphabet[] = "0123456789abcdefxXzZ+- \t";
	uint32_t seed = 7;
	char s[32];

	for (int i = 0; i < 200000; i++) {
		int len = (int)(seed % 28);
		for (int k = 0; k < len; k++) {
			seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
			s[k] = alphabet[seed % (sizeof(alphabet) - 1)];
		}
		s[len] = 0;
		seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
		if (!agree(s, (int)(seed % 4) == 0 ? 0 : (int)(seed % 4) == 1 ? 10 : (int)(seed % 4) == 2 ? 16 : (int)(seed % 37)))
			return;
	}
}

/* Random texts over a 3-letter alphabet, so needles are often found. */
static void test_strstr(void)
{
	uint32_t seed = 11;
	char hay[40], needle[6];

	T_ASSERT(util_strstr("abc", "") == strstr("abc", ""));
	T_ASSERT(util_strstr("", "a") == NULL);
	for (int i = 0; i < 300000; i++) {
		seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
		int hn = (int)(seed % 40), nn = (int)(seed >> 8) % 6;
		for (int k = 0; k < hn; k++)
			hay[k] = (char)('a' + (seed >> (k % 29)) % 3);
		hay[hn] = 0;
		seed ^= seed << 13, seed ^= seed >> 17, seed ^= seed << 5;
		for (int k = 0; k < nn; k++)
			needle[k] = (char)('a' + (seed >> (k * 3)) % 3);
		needle[nn] = 0;
		if (util_strstr(hay, needle) != strstr(hay, needle)) {
			T_FAILF("strstr(\"%s\", \"%s\") differs", hay, needle);
			return;
		}
	}
}

int main(void)
{
	T_RUN(test_strstr);
	T_RUN(test_cases);
	T_RUN(test_random);
	return t_done();
}
