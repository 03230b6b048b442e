/* fmt_strtod (user/util/fmt_strtod.c) against the C library's strtod,
 * which rounds correctly: the same double (bit for bit) and the same end
 * for the texts rawtel reads (config values, durations, ratios, JSON
 * numbers, its own %.15g-%.17g output), random digit strings of every
 * length and exponent, and the exact halfway points between neighbouring
 * doubles (ties go to even), a digit below and above them. */
#include <float.h>
#include <stdint.h>

#include "rawtel/fmt.h"
#include "t.h"

static uint64_t rnd(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

/* Compare one text; records the first difference. */
static void same(const char *text)
{
	char *ea, *eb;
	double a = fmt_strtod(text, &ea), b = strtod(text, &eb);

	if (memcmp(&a, &b, sizeof(a)) && !(a != a && b != b))
		T_FAILF("\"%.80s\": %.17g, libc %.17g", text, a, b);
	else if (ea != eb)
		T_FAILF("\"%.80s\": end at %td, libc %td", text, ea - text, eb - text);
}

static void test_texts(void)
{
	static const char *const v[] = { "0", "-0", "+0.0", "1", "1.5", "0.25", "2.5e-3", "10",
		"1e7", "10000000", "0.1", "0.3", "1.0", "0.5", "3.14159", "007", "  42", "\t-7.5",
		".5", "5.", ".", "", "-", "+", "e5", "1e", "1e+", "1e-", "1E5", "1e+05", "1e-05",
		"1.7976931348623157e308", "1.7976931348623158e308", "1.7976931348623159e308",
		"1e309", "-1e400", "2.2250738585072014e-308", "2.2250738585072011e-308",
		"4.9406564584124654e-324", "2.4703282292062328e-324", "2.4703282292062327e-324",
		"1e-324", "1e-400", "0.000000000000000000000000000001", "123456789012345678901234567890",
		"9007199254740993", "9007199254740992.5", "9007199254740993.0000000000000000001",
		"inf", "-Infinity", "INF", "infinit", "nan", "-NaN", "nano", "1.5x", "1e99999999",
		"1e-99999999", "0e999999", "1..5", "1.2.3", "30s", "0.30000000000000004",
		"8.988465674311579e307", "2.225073858507201e-308", "6.9294956446009195e15",
		"179769313486231580793728971405303415079934132710037826936173778980444968292764750946649017977587207096330286416692887910946555547851940402630657488671505820681908902000708383676273854845817711531764475730270069855571366959622842914819860834936475292719074168444365510704342711559699508093042880177904174497791",
		"1797693134862315807937289714053034150799341327100378269361737789804449682927647509466490179775872070963302864166928879109465555478519404026306574886715058206819089020007083836762738548458177115317644757302700698555713669596228429148198608349364752927190741684443655107043427115596995080930428801779041744977915e-1" };

	char *end;

	for (size_t i = 0; i < sizeof(v) / sizeof(v[0]); i++)
		same(v[i]);
	/* no hexadecimal: the 0 before the x, as a config value "0x10" is refused */
	T_CHECK(fmt_strtod("0x10", &end) == 0 && *end == 'x');
}

/* Every double printed the ways rawtel prints (and reads back) numbers. */
static void test_roundtrip(void)
{
	uint64_t s = 0x2545f4914f6cdd1dULL;
	char t[64];

	for (int i = 0; i < 30000 && !t_case_failed; i++) {
		uint64_t b = rnd(&s);
		double d;

		memcpy(&d, &b, sizeof(d));
		for (int p = 15; p <= 17; p++) {
			snprintf(t, sizeof(t), "%.*g", p, d);
			same(t);
		}
		snprintf(t, sizeof(t), "%.3f", (double)(b >> (b % 64)) / 1e6);
		same(t);
	}
}

/* Random digit strings: up to 900 digits (past the 800 kept), a point
 * anywhere, exponents that reach both ends of the range. */
static void test_random_digits(void)
{
	uint64_t s = 0x9e3779b97f4a7c15ULL;
	char t[1000];

	for (int i = 0; i < 10000 && !t_case_failed; i++) {
		int n = 1 + (int)(rnd(&s) % (i % 10 ? 25 : 900)), k = 0, point = (int)(rnd(&s) % (n + 1));
		int zeros = rnd(&s) % 4 ? 0 : (int)(rnd(&s) % 40);

		for (int j = 0; j < n; j++) {
			if (j == point)
				t[k++] = '.';
			t[k++] = j < zeros ? '0' : (char)('0' + rnd(&s) % 10);
		}
		snprintf(t + k, sizeof(t) - (size_t)k, "e%d", (int)(rnd(&s) % 700) - 350);
		same(t);
	}
}

/* The exact midpoint between d and the next double up, as a long double
 * (which holds it exactly on x86_64: 64-bit mantissa) printed in full:
 * a tie, which rounds to the even neighbour. */
static void test_halfway(void)
{
	uint64_t s = 0x853c49e6748fea9bULL;
	char t[1200];

	if (LDBL_MANT_DIG < 64)
		T_SKIP("long double cannot hold a midpoint here");
	for (int i = 0; i < 1000 && !t_case_failed; i++) {
		uint64_t b = rnd(&s) & 0x7fefffffffffffffULL;
		double d, up;
		int n;

		memcpy(&d, &b, sizeof(d));
		b++;	/* the next double up */
		memcpy(&up, &b, sizeof(up));
		n = snprintf(t, sizeof(t) - 4, "%.1100Le", ((long double)d + up) / 2);
		same(t);
		/* the same digits cut short (below the tie) and with a digit more (above) */
		char *e = strchr(t, 'e');
		memmove(e + 1, e, (size_t)(t + n - e) + 1);
		e[0] = '1';
		same(t);
		memmove(e - 900, e + 1, strlen(e + 1) + 1);
		same(t);
	}
}

int main(void)
{
	T_RUN(test_texts);
	T_RUN(test_roundtrip);
	T_RUN(test_random_digits);
	T_RUN(test_halfway);
	return t_done();
}
