/* rawtel's printf subset (user/util/fmt.c, fmt_fp.c) against the C
 * library's snprintf, which prints the exact value rounded half to even as
 * fmt_double must: every conversion, flag, width and length rawtel uses,
 * edge values, and 50,000 random doubles of every magnitude through %f and %g
 * at the precisions rawtel prints with. Also fmt_check's subset, stream
 * output and truncation; fmt_ntop's texts, and fmt_pton against the C
 * library's inet_pton on edge texts and 200,000 random ones. */
#include <float.h>
#include <limits.h>
#include <math.h>
#include <stdint.h>
#include <arpa/inet.h>
#include <sys/socket.h>

#include "rawtel/fmt.h"
#include "t.h"

/* the same text and the same return value as the C library's */
#define SAME(...)                                                          \
	do {                                                               \
		char a_[512], b_[512];                                     \
		int na_ = fmt_snprintf(a_, sizeof(a_), __VA_ARGS__);       \
		int nb_ = snprintf(b_, sizeof(b_), __VA_ARGS__);           \
		if (na_ != nb_ || strcmp(a_, b_))                          \
			T_FAILF("%s: \"%s\" (%d), libc \"%s\" (%d)", #__VA_ARGS__, a_, na_, b_, nb_); \
	} while (0)

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void test_integers(void)
{
	static const long long v[] = { 0, 1, -1, 9, 10, 99, 255, 256, 4095, 65535, 1000000007,
		INT_MAX, INT_MIN, LLONG_MAX, LLONG_MIN, -42, 123456789012345LL };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++) {
		SAME("%d|%u|%x", (int)v[i], (unsigned)v[i], (unsigned)v[i]);
		SAME("%ld|%lu|%lx", (long)v[i], (unsigned long)v[i], (unsigned long)v[i]);
		SAME("%lld|%llu|%llx", v[i], (unsigned long long)v[i], (unsigned long long)v[i]);
		SAME("%zu|%zx", (size_t)v[i], (size_t)v[i]);
		SAME("[%5d][%-5d][%05d][%02d][%-6u][%09u][%04x]", (int)v[i], (int)v[i], (int)v[i],
		     (int)v[i], (unsigned)v[i], (unsigned)v[i], (unsigned)v[i]);
		SAME("[%016llx][%0*llx][%-*llx][%*llu][%9llu][%03lld][%03ld][%09lld]",
		     (unsigned long long)v[i], 12, (unsigned long long)v[i], 20,
		     (unsigned long long)v[i], -7, (unsigned long long)v[i],
		     (unsigned long long)v[i], v[i], (long)v[i], v[i]);
	}
	SAME("%llu", ULLONG_MAX);
	SAME("%+d %+d %+d %03o %o %lo", 5, -5, 0, 0644u, 0u, 01777ul);
	SAME("%x", UINT_MAX);
}

static void test_strings(void)
{
	SAME("%s|%-8s|%8s|%.2s|%.*s|%-*s|%*s|", "abc", "abc", "abc", "abc", 2, "abcdef", 6, "x", 4, "");
	SAME("%.256s %.63s %.15s", "short", "a longer string past its precision...........................................................", "0123456789abcdefghij");
	SAME("%-40s|%c%c|%%|100%%", "", 'a', '\t');
	SAME("no conversion at all");
	SAME("%s", "");
	SAME("%.*s", 0, "abc");
	SAME("%.*s", -1, "abc");
}

static void fp_both(double d)
{
	for (int p = 0; p <= 17; p++) {
		SAME("%.*f", p, d);
		SAME("%.*g", p, d);
	}
	SAME("%f %g %11.3f %12.3f %-9.1f %09.2f", d, d, d, d, d, d);
}

static void test_fp_edges(void)
{
	static const double v[] = { 0.0, -0.0, 0.5, 1.5, 2.5, -2.5, 0.125, 0.375, 1e-5, 9.9999e-5,
		1e-4, 0.00012345, 123456, 1234567, 1e15, 1e16, 1e17, 1e21, 1e22, 1e23, 9.5, 99.5,
		999999.5, 0.1, 0.2, 0.3, 1.0 / 3, 2.0 / 3, 0.30000000000000004, DBL_MAX, -DBL_MAX,
		DBL_MIN, DBL_TRUE_MIN, DBL_EPSILON, 4.9406564584124654e-324, 1.7976931348623157e308,
		2.2250738585072009e-308, 1.5e300, -1e-300, 0.0005, 0.0015, 0.0025, 12.3455, 1e6 - 0.0005,
		INFINITY, -INFINITY };

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		fp_both(v[i]);
	SAME("%f|%g|%5.1f|%-6g|%.3f", (double)NAN, (double)NAN, (double)INFINITY, -(double)INFINITY,
	     -(double)NAN);
}

/* Random bit patterns (every exponent), and the kinds of numbers rawtel
 * prints: durations in ns / 1e3, 1e6 or 1e9, byte counts / 1024. */
static void test_fp_random(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;

	for (int i = 0; i < 50000 && !t_case_failed; i++) {
		uint64_t b = rnd(&s);
		double d, n = (double)(rnd(&s) >> (rnd(&s) % 64));
		int p = (int)(rnd(&s) % 18);

		memcpy(&d, &b, sizeof(d));
		if (d != d)
			continue;
		SAME("%.*g|%.*g|%.*g|%.3f", 15, d, 16, d, 17, d, d);
		SAME("%.3f|%.3f|%.3f|%.1f|%.2f", n / 1e3, n / 1e6, n / 1e9, n / 1024, n / 1e6);
		SAME("%.*g|%.6g|%g", p, n / 1e7, n * 1e-300, n / 3);
	}
}

static void test_check(void)
{
	static const char *const ok[] = { "%s %d %u %x %c %%", "%-4s %-12s %11.3f %.*g",
		"%0*llx %-*llx %*llu %zu %zx %lu %ld %lx", "%09lld %.256s", "no conversion", "%.40f",
		"%+d %03o" };
	static const char *const bad[] = { "%e", "%p", "%i", "%X", "%hd", "%zd", "%5.3d",
		"%+u", "%+f", "% d", "%#x", "%ls", "%n", "%a", "%.41f", "%5%", "%", "x%" };

	for (size_t i = 0; i < sizeof(ok) / sizeof(ok[0]); i++)
		if (fmt_check(ok[i]))
			T_FAILF("refused: %s", ok[i]);
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (fmt_check(bad[i]) != -EINVAL)
			T_FAILF("accepted: %s", bad[i]);
}

/* Truncation as snprintf's; a stream gets long texts whole. */
static void test_truncate_stream(void)
{
	char b[8], big[3000], *mem = NULL;
	size_t memn = 0;
	FILE *f;

	memset(b, 'x', sizeof(b));
	T_EQ_INT(fmt_snprintf(b, 4, "%s-%d", "abc", 12345), 9);
	T_EQ_STR(b, "abc");
	T_EQ_INT(b[4], 'x');
	T_EQ_INT(fmt_snprintf(NULL, 0, "%d", 123), 3);
	T_EQ_INT(fmt_snprintf(b, 1, "abc"), 3);
	T_EQ_INT(b[0], 0);
	memset(big, 'q', sizeof(big) - 1);
	big[sizeof(big) - 1] = 0;
	f = open_memstream(&mem, &memn);
	T_ASSERT(f);
	T_EQ_INT(fmt_fprintf(f, "<%s|%-300d|%.3f>", big, 7, 1.0005), 1 + 2999 + 1 + 300 + 7);
	fclose(f);
	T_EQ_INT(memn, 3308);
	T_CHECK(mem && mem[0] == '<' && mem[3000] == '|' && !strcmp(mem + 3301, "|1.000>"));
	free(mem);
}

static void test_ntop(void)
{
	static const struct { uint8_t a[16]; const char *text; } v[] = {
		{ { 0 }, "::" },
		{ { [15] = 1 }, "::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, [15] = 1 }, "2001:db8::1" },
		{ { 0x20, 0x01, 0x0d, 0xb8, 0, 1, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1 }, "2001:db8:1:0:1::1" },
		{ { 0x20, 0x01, 0, 0, 0x12, 0x34, 0, 0, 0, 0, 0xab, 0xcd, 0, 0, 0, 1 }, "2001:0:1234::abcd:0:1" },
		{ { 0xfe, 0x80, [8] = 0x12, 0x34, 0x56, 0x78, 0x9a, 0xbc, 0xde, 0xf0 }, "fe80::1234:5678:9abc:def0" },
		/* musl's rule: a middle run of two beats a leading run of two */
		{ { 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 1, 0, 1, 0, 1 }, "0:0:1::1:1:1" },
		{ { 0, 1, 0, 0, 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6 }, "1:0:1:2:3:4:5:6" },
		{ { 0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 0, 0, 0 }, "1:2:3:4:5:6::" },
		{ { [10] = 0xff, 0xff, 10, 0, 0, 1 }, "::ffff:10.0.0.1" },
	};
	char buf[64];

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		T_EQ_STR(fmt_ntop(AF_INET6, v[i].a, buf, sizeof(buf)), v[i].text);
	T_EQ_STR(fmt_ntop(AF_INET, (const uint8_t[4]){ 192, 168, 0, 255 }, buf, sizeof(buf)),
		 "192.168.0.255");
	T_CHECK(!fmt_ntop(AF_INET, (const uint8_t[4]){ 192, 168, 0, 255 }, buf, 13));
	T_CHECK(!fmt_ntop(12345, v[0].a, buf, sizeof(buf)));
}

/* fmt_pton accepts what inet_pton accepts, with the same address */
static void pton_same(int family, const char *s)
{
	uint8_t a[16], b[16];
	int ra, rb;

	memset(a, 0xa5, sizeof(a));
	memset(b, 0xa5, sizeof(b));
	ra = fmt_pton(family, s, a);
	rb = inet_pton(family, s, b);
	if ((ra == 0) != (rb == 1) || memcmp(a, b, sizeof(a)) || (ra && ra != -EINVAL))
		T_FAILF("fmt_pton(%d, \"%s\") = %d, inet_pton %d", family, s, ra, rb);
}

static void test_pton(void)
{
	static const char *const edge[] = {
		"", ".", ":", "::", ":::", "::1", "1::", ":1::", "1:", "1::2::3", "0.0.0.0",
		"255.255.255.255", "256.1.1.1", "1.2.3", "1.2.3.4.", "1.2.3.4.5", "01.2.3.4",
		"0.00.1.2", "1..2.3", " 1.2.3.4", "1.2.3.4 ", "1.2.3.04", "2001:db8::1",
		"2001:DB8:0:0:0:0:0:1", "1:2:3:4:5:6:7:8", "1:2:3:4:5:6:7:8:9", "1:2:3:4:5:6:7::",
		"::2:3:4:5:6:7:8", "1:2:3:4::5:6:7:8", "1:2:3:4:5:6:7:8::", "::ffff:10.0.0.1",
		"::10.0.0.1", "1:2:3:4:5:6:1.2.3.4", "1:2:3:4:5:6:7:1.2.3.4", "1:2:3:4:5::1.2.3.4",
		"::1.2.3", "::1.2.3.4:1", "12345::", "01234::", "0000::", "fe80::1%eth0",
		"::1234.1.1.1", "::g", "1.2.3.4::", "[::1]", "1.2.3.256", "999.1.1.1",
	};
	static const char hex[] = "0123456789abcdefABCDEFg";
	uint64_t seed = 0x9e3779b97f4a7c15u;
	char s[160];

	for (size_t i = 0; i < sizeof(edge) / sizeof(edge[0]); i++) {
		pton_same(AF_INET, edge[i]);
		pton_same(AF_INET6, edge[i]);
	}
	/* texts of hex groups, decimals, ':', "::" and '.', mostly near-valid */
	for (int i = 0; i < 200000; i++) {
		size_t n = 0, k = 1 + rnd(&seed) % 12;

		while (k--) {
			uint64_t r = rnd(&seed);

			if (r % 8 < 3)
				for (size_t d = 1 + r / 8 % 5; d--; r /= 23)
					s[n++] = hex[r / 64 % 23 % (r % 8 ? 16 : 23)];
			else if (r % 8 < 5)
				n += (size_t)snprintf(s + n, 8, "%u", (unsigned)(r / 8 % 300));
			else
				s[n++] = r % 8 == 7 ? '.' : ':';
		}
		s[n] = 0;
		pton_same(i & 1 ? AF_INET6 : AF_INET, s);
	}
	T_EQ_INT(fmt_pton(12345, "1.2.3.4", s), -EAFNOSUPPORT);
}

int main(void)
{
	T_RUN(test_integers);
	T_RUN(test_strings);
	T_RUN(test_fp_edges);
	T_RUN(test_fp_random);
	T_RUN(test_check);
	T_RUN(test_truncate_stream);
	T_RUN(test_ntop);
	T_RUN(test_pton);
	return t_done();
}
