/* Civil dates and POSIX TZ rules (include/rawtel/tz.h); the TZif reader
 * is user/util/tz_file.c. */
#include <errno.h>
#include <string.h>

#include "rawtel/tz.h"

static int64_t fdiv(int64_t a, int64_t b)
{
	return a / b - (a % b < 0);
}

static int is_leap(int64_t y)
{
	return !(y % 4) && (y % 100 || !(y % 400));
}

static int month_len(int64_t y, int m)
{
	static const uint8_t len[12] = { 31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31 };

	return len[m - 1] + (m == 2 && is_leap(y));
}

/* Days from 1970-01-01 to y-m-d (m 1..12). */
static int64_t days_of(int64_t y, int m, int d)
{
	static const uint16_t before[12] = { 0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334 };
	/* leap days in the years before y, less the 477 before 1970 */
	int64_t leaps = fdiv(y - 1, 4) - fdiv(y - 1, 100) + fdiv(y - 1, 400) - 477;

	return (y - 1970) * 365 + leaps + before[m - 1] + (m > 2 && is_leap(y)) + d - 1;
}

/* The year day n (from 1970-01-01) falls in. */
static int64_t year_of(int64_t n)
{
	/* 146097 days in 400 years: the estimate is off by at most one */
	int64_t y = 1970 + fdiv(n * 400, 146097);

	while (days_of(y, 1, 1) > n)
		y--;
	while (days_of(y + 1, 1, 1) <= n)
		y++;
	return y;
}

int tz_civil(int64_t t, struct tm *tm)
{
	int64_t n = fdiv(t, 86400), s = t % 86400 + (t % 86400 < 0) * 86400, y;
	int m = 1;

	/* beyond this the day count's arithmetic overflows */
	if (n > INT64_MAX / 400 || n < INT64_MIN / 400)
		return -EOVERFLOW;
	y = year_of(n);
	if (y - 1900 > INT32_MAX || y - 1900 < INT32_MIN)
		return -EOVERFLOW;
	memset(tm, 0, sizeof(*tm));
	tm->tm_year = (int)(y - 1900);
	tm->tm_yday = (int)(n - days_of(y, 1, 1));
	tm->tm_wday = (int)(fdiv(n + 4, 7) * -7 + n + 4);	/* 1970-01-01 was a Thursday */
	while (m < 12 && days_of(y, m + 1, 1) <= n)
		m++;
	tm->tm_mon = m - 1;
	tm->tm_mday = (int)(n - days_of(y, m, 1)) + 1;
	tm->tm_hour = (int)(s / 3600);
	tm->tm_min = (int)(s / 60 % 60);
	tm->tm_sec = (int)(s % 60);
	return 0;
}

/* Decimal number of at most `max` at *s; NULL when there is none. */
static const char *num(const char *s, int max, int *out)
{
	int v = 0;

	if (*s < '0' || *s > '9')
		return NULL;
	for (; *s >= '0' && *s <= '9'; s++)
		if ((v = v * 10 + (*s - '0')) > max)
			return NULL;
	*out = v;
	return s;
}

/* [+-]h[:mm[:ss]] with h up to max_h, as seconds. */
static const char *hms(const char *s, int max_h, int32_t *out)
{
	int sign = 1, h, m = 0, sec = 0;

	if (*s == '+' || *s == '-')
		sign = *s++ == '-' ? -1 : 1;
	if (!(s = num(s, max_h, &h)))
		return NULL;
	if (*s == ':' && !(s = num(s + 1, 59, &m)))
		return NULL;
	if (s && *s == ':' && !(s = num(s + 1, 59, &sec)))
		return NULL;
	*out = sign * (h * 3600 + m * 60 + sec);
	return s;
}

/* A zone abbreviation: 3+ letters, or <...> of letters, digits, + and -. */
static const char *zone_name(const char *s)
{
	const char *p = s + (*s == '<');

	while ((*p >= 'A' && *p <= 'Z') || (*p >= 'a' && *p <= 'z') ||
	       (*s == '<' && ((*p >= '0' && *p <= '9') || *p == '+' || *p == '-')))
		p++;
	if (p - s < 3 + (*s == '<') || (*s == '<' && *p++ != '>'))
		return NULL;
	return p;
}

static const char *rule_date(const char *s, struct tz_date *d)
{
	int a, b, c;

	d->kind = *s == 'J' || *s == 'M' ? (uint8_t)*s++ : 'D';
	if (d->kind == 'M') {
		if (!(s = num(s, 12, &a)) || *s != '.' || !(s = num(s + 1, 5, &b)) || *s != '.' ||
		    !(s = num(s + 1, 6, &c)) || a < 1 || b < 1)
			return NULL;
		d->m = (uint8_t)a, d->w = (uint8_t)b, d->d = (uint8_t)c;
	} else {
		if (!(s = num(s, 365, &a)) || (d->kind == 'J' && a < 1))
			return NULL;
		d->n = (uint16_t)(a - (d->kind == 'J'));
	}
	d->time = 7200;
	/* RFC 8536's extension: -167..167 hours */
	return *s == '/' ? hms(s + 1, 167, &d->time) : s;
}

int tz_parse_rule(struct tz_rule *r, const char *s)
{
	int32_t v;

	memset(r, 0, sizeof(*r));
	if (!(s = zone_name(s)) || !(s = hms(s, 24, &v)))
		return -EINVAL;
	r->std_off = r->dst_off = -v;	/* POSIX offsets are west of UTC */
	if (!*s)
		return 0;
	if (!(s = zone_name(s)))
		return -EINVAL;
	r->has_dst = 1;
	r->dst_off = r->std_off + 3600;
	if (*s && *s != ',') {
		if (!(s = hms(s, 24, &v)))
			return -EINVAL;
		r->dst_off = -v;
	}
	/* no dates: the US rules, as glibc's posixrules default */
	if (!*s)
		s = ",M3.2.0,M11.1.0";
	if (*s != ',' || !(s = rule_date(s + 1, &r->start)) || *s != ',' ||
	    !(s = rule_date(s + 1, &r->end)) || *s)
		return -EINVAL;
	return 0;
}

/* When, in UTC, the date d of year y happens at local offset off. */
static int64_t rule_when(const struct tz_date *d, int64_t y, int32_t off)
{
	int64_t day;

	if (d->kind == 'M') {
		int64_t first = days_of(y, d->m, 1);
		int wday = (int)(first + 4 - fdiv(first + 4, 7) * 7);
		int mday = 1 + (d->d - wday + 7) % 7 + (d->w - 1) * 7;

		if (mday > month_len(y, d->m))
			mday -= 7;
		day = first + mday - 1;
	} else {
		day = days_of(y, 1, 1) + d->n + (d->kind == 'J' && d->n >= 59 && is_leap(y));
	}
	return day * 86400 + d->time - off;
}

int32_t tz_rule_offset(const struct tz_rule *r, int64_t t)
{
	int64_t y, start, end;

	if (!r->has_dst || t > INT64_MAX / 2 || t < INT64_MIN / 2)
		return r->std_off;
	y = year_of(fdiv(t + r->std_off, 86400));
	start = rule_when(&r->start, y, r->std_off);
	end = rule_when(&r->end, y, r->dst_off);
	/* south of the equator daylight time spans the new year */
	if (start < end ? t >= start && t < end : t < end || t >= start)
		return r->dst_off;
	return r->std_off;
}
