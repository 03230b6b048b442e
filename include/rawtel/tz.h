/* Local time without the C library's time zone code (user/util/tz.c):
 * musl's tzset, __tz and __secs_to_tm are ~6 KB of the static binary for
 * the text printer's HH:MM:SS. A zone is a TZif file (v1, or v2+ with
 * 64-bit transitions and the footer's rule past the last one) or a POSIX
 * TZ rule such as "CET-1CEST,M3.5.0,M10.5.0/3"; leap seconds ("right/"
 * zones) are not applied. */
#ifndef RAWTEL_TZ_H
#define RAWTEL_TZ_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

/* One end of daylight time: kind 'J' (day n of 0..364, Feb 29 never
 * counted), 'D' (day n of 0..365) or 'M' (day d of week w of month m),
 * at `time` seconds of local time (may be negative or past a day). */
struct tz_date {
	uint8_t kind, m, w, d;
	uint16_t n;
	int32_t time;
};

/* Offsets east of UTC in seconds. */
struct tz_rule {
	int32_t std_off, dst_off;
	uint8_t has_dst;
	struct tz_date start, end;
};

struct tz {
	uint8_t *buf;			/* owned copy of the TZif data */
	const uint8_t *times, *idx, *types;
	uint32_t timecnt, typecnt, tsize;
	uint8_t has_rule;
	struct tz_rule rule;		/* all zero: UTC */
};

/* A POSIX TZ rule: 0 or -EINVAL. */
int tz_parse_rule(struct tz_rule *r, const char *s);
/* Seconds east of UTC at t under rule r. */
int32_t tz_rule_offset(const struct tz_rule *r, int64_t t);
/* TZif bytes (copied): 0, -EINVAL or -ENOMEM; z is UTC on failure. */
int tz_load_tzif(struct tz *z, const uint8_t *p, size_t n);
/* The zone a TZ value names (NULL: /etc/localtime): ":path", a path, a
 * name under /usr/share/zoneinfo, else a rule, else UTC (as glibc). */
void tz_load(struct tz *z, const char *tzenv);
void tz_free(struct tz *z);
/* Seconds east of UTC at t in zone z. */
int32_t tz_offset(const struct tz *z, int64_t t);
/* The same for the process's zone (TZ, loaded at the first call). */
int32_t tz_local_offset(int64_t t);
/* t as UTC broken-down time (gmtime_r's fields, tm_isdst 0): 0, or
 * -EOVERFLOW when the year does not fit an int. */
int tz_civil(int64_t t, struct tm *tm);

#endif
