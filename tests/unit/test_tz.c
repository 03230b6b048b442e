/* user/util/tz.c and tz_file.c against glibc's localtime_r and gmtime_r,
 * with TZ set per case: zone files (tzdata) and POSIX rules, every second
 * around each change of offset from 1970 to 2100 and a grid in between. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "rawtel/tz.h"
#include "t.h"

static int same_tm(const struct tm *a, const struct tm *b)
{
	return a->tm_year == b->tm_year && a->tm_mon == b->tm_mon && a->tm_mday == b->tm_mday &&
	       a->tm_hour == b->tm_hour && a->tm_min == b->tm_min && a->tm_sec == b->tm_sec &&
	       a->tm_wday == b->tm_wday && a->tm_yday == b->tm_yday;
}

/* Ours against libc at t: 1 when they agree. */
static int agree(const struct tz *z, const char *tzv, int64_t t)
{
	time_t tt = (time_t)t;
	struct tm want, got;
	int32_t off = tz_offset(z, t);

	localtime_r(&tt, &want);
	if (off != want.tm_gmtoff || tz_civil(t + off, &got) || !same_tm(&got, &want)) {
		T_FAILF("TZ=%s t=%lld: ours offset %d %04d-%02d-%02d %02d:%02d:%02d, libc %ld %04d-%02d-%02d "
			"%02d:%02d:%02d", tzv, (long long)t, off, got.tm_year + 1900, got.tm_mon + 1,
			got.tm_mday, got.tm_hour, got.tm_min, got.tm_sec, want.tm_gmtoff,
			want.tm_year + 1900, want.tm_mon + 1, want.tm_mday, want.tm_hour, want.tm_min,
			want.tm_sec);
		return 0;
	}
	return 1;
}

static long libc_off(int64_t t)
{
	time_t tt = (time_t)t;
	struct tm tm;

	localtime_r(&tt, &tm);
	return tm.tm_gmtoff;
}

/* Compare across 1970..2100; returns how many offset changes were seen. */
static int sweep(const char *tzv)
{
	const int64_t step = 6 * 3600 + 7, end = 4102444800;	/* 2100-01-01 */
	struct tz z;
	int changes = 0;

	setenv("TZ", tzv, 1);
	tzset();
	tz_load(&z, tzv);
	for (int64_t t = 0; t < end; t += step) {
		if (!agree(&z, tzv, t))
			break;
		if (libc_off(t) == libc_off(t + step))
			continue;
		/* the exact second of the change, then both sides of it */
		int64_t lo = t, hi = t + step;
		while (hi - lo > 1) {
			int64_t mid = lo + (hi - lo) / 2;
			*(libc_off(mid) == libc_off(t) ? &lo : &hi) = mid;
		}
		changes++;
		if (!agree(&z, tzv, hi - 1) || !agree(&z, tzv, hi) || !agree(&z, tzv, hi + 1))
			break;
	}
	tz_free(&z);
	return changes;
}

static void need_tzdata(void)
{
	FILE *f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");

	T_ASSERT(f, "no /usr/share/zoneinfo (tzdata: scripts/install-deps test)");
	fclose(f);
}

static void test_zone_files(void)
{
	need_tzdata();
	T_CHECK(sweep("Europe/Berlin") > 200);
	T_CHECK(sweep("America/New_York") > 200);
	T_CHECK(sweep("Australia/Lord_Howe") > 200);
	T_CHECK(sweep(":Asia/Kolkata") == 0);
	T_CHECK(sweep("/usr/share/zoneinfo/UTC") == 0);
	T_CHECK(sweep("UTC") == 0);
}

static void test_rules(void)
{
	T_CHECK(sweep("CET-1CEST,M3.5.0,M10.5.0/3") > 250);
	T_CHECK(sweep("<+1030>-10:30<+11>-11,M10.1.0,M4.1.0") > 250);
	T_CHECK(sweep("EST5EDT4,M3.2.0/2:00:00,M11.1.0") > 250);
	T_CHECK(sweep("<-03>3<-02>,M3.5.0/-2,M10.5.0/-1") > 250);
	T_CHECK(sweep("XXX-5:30") == 0);
	T_CHECK(sweep("AAA3BBB,J60/1,J300/1") > 250);
	T_CHECK(sweep("AAA3BBB,59,300") > 250);
	T_CHECK(sweep("NZST-12NZDT,M9.5.0,M4.1.0/3") > 250);
}

static void test_bad_rules(void)
{
	static const char *bad[] = { "", "AB1", "ABC", "ABC+25", "ABC1DEF,M13.1.0,M1.1.0",
				     "ABC1DEF,M3.0.0,M1.1.0", "ABC1DEF,M3.1.7,M1.1.0", "ABC1DEF,J0,J5",
				     "ABC1DEF,366,5", "ABC1DEF,1,5/168", "ABC1DEF,1", "<AB>1",
				     "<ABC1", "ABC1DEF,1,2x", "ABC1:60" };
	struct tz_rule r;

	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
		if (tz_parse_rule(&r, bad[i]) != -EINVAL)
			T_FAILF("rule \"%s\" was accepted", bad[i]);
	T_EQ_INT(tz_parse_rule(&r, "<+0530>-5:30"), 0);
	T_EQ_INT(r.std_off, 19800);
}

/* Cut and corrupted copies of a real file are refused or read without
 * harm (the sanitizers watch), never accepted with a different answer. */
static void test_bad_files(void)
{
	static uint8_t buf[1 << 16];
	FILE *f;
	size_t n;
	struct tz z;

	need_tzdata();
	f = fopen("/usr/share/zoneinfo/Europe/Berlin", "rb");
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	T_EQ_INT(tz_load_tzif(&z, buf, n), 0);
	T_EQ_INT(tz_offset(&z, 1719835200), 7200);	/* 2024-07-01 */
	T_EQ_INT(tz_offset(&z, 4103308800), 3600);	/* 2100-01-11: footer rule */
	T_EQ_INT(tz_offset(&z, 4118400000), 7200);	/* 2100-07-03 */
	tz_free(&z);
	for (size_t cut = 0; cut < n; cut++) {
		if (tz_load_tzif(&z, buf, cut) != -EINVAL)
			T_FAILF("a copy cut at %zu of %zu bytes was accepted", cut, n);
		tz_free(&z);
	}
	buf[4] = 0;	/* version 1: the 32-bit block alone */
	T_EQ_INT(tz_load_tzif(&z, buf, n), 0);
	T_EQ_INT(tz_offset(&z, 1719835200), 7200);
	tz_free(&z);
	buf[4] = '2';
	buf[36] = 0xff;	/* a type count past the file */
	T_EQ_INT(tz_load_tzif(&z, buf, n), -EINVAL);
	T_EQ_INT(tz_offset(&z, 1719835200), 0);
}

static void test_civil(void)
{
	static const int64_t edges[] = { 0, -1, 86399, 951782400, 951868800, 4107542400, -62135596800,
					 253402300799, 67767976233532799 };
	struct tm want, got;

	for (int64_t t = -5000000000; t < 10000000000; t += 86400 * 13 + 3607) {
		time_t tt = (time_t)t;
		gmtime_r(&tt, &want);
		if (tz_civil(t, &got) || !same_tm(&got, &want)) {
			T_FAILF("t=%lld: ours %d-%d-%d, libc %d-%d-%d", (long long)t, got.tm_year,
				got.tm_mon, got.tm_mday, want.tm_year, want.tm_mon, want.tm_mday);
			return;
		}
	}
	for (size_t i = 0; i < sizeof(edges) / sizeof(edges[0]); i++) {
		time_t tt = (time_t)edges[i];
		T_ASSERT(gmtime_r(&tt, &want));
		T_EQ_INT(tz_civil(edges[i], &got), 0);
		if (!same_tm(&got, &want))
			T_FAILF("t=%lld: ours and libc differ", (long long)edges[i]);
	}
	T_EQ_INT(tz_civil(INT64_MAX, &got), -EOVERFLOW);
	T_EQ_INT(tz_civil(INT64_MIN, &got), -EOVERFLOW);
}

int main(void)
{
	T_RUN(test_civil);
	T_RUN(test_zone_files);
	T_RUN(test_rules);
	T_RUN(test_bad_rules);
	T_RUN(test_bad_files);
	return t_done();
}
