/* The head of an OTLP/HTTP POST, and Retry-After (RFC 9110 10.2.3): either
 * delta-seconds or an HTTP-date in any of the three forms a recipient must
 * accept (IMF-fixdate, obsolete RFC 850, asctime). */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <strings.h>

#include "rawtel/fmt.h"
#include "rawtel/sink_http.h"

int sink_http_req_head(char *buf, size_t cap, const char *path, const char *hostport,
		  const char *content_type, size_t body_len, const char *extra)
{
	int n = fmt_snprintf(buf, cap,
			 "POST %s HTTP/1.1\r\n"
			 "Host: %s\r\n"
			 "User-Agent: rawtel/" RAWTEL_VERSION "\r\n"
			 "Content-Type: %s\r\n"
			 "Content-Length: %zu\r\n"
			 "%s\r\n",
			 path, hostport, content_type, body_len, extra ? extra : "");

	if (n < 0 || (size_t)n >= cap)
		return -E2BIG;
	return n;
}

/* Days since 1970-01-01 of a proleptic Gregorian date. */
static int64_t days_from_civil(int64_t y, int m, int d)
{
	y -= m <= 2;
	int64_t era = (y >= 0 ? y : y - 399) / 400;
	int64_t yoe = y - era * 400;
	int64_t doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
	int64_t doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;

	return era * 146097 + doe - 719468;
}

static int month_of(const char *s)
{
	static const char *const mon[] = { "Jan", "Feb", "Mar", "Apr", "May", "Jun",
					   "Jul", "Aug", "Sep", "Oct", "Nov", "Dec" };

	for (int i = 0; i < 12; i++)
		if (!strncmp(s, mon[i], 3))
			return i + 1;
	return 0;
}

/* Exactly `n` digits at s. */
static int digits(const char *s, int n, int *out)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -1;
		v = v * 10 + (s[i] - '0');
	}
	*out = v;
	return 0;
}

/* "HH:MM:SS" */
static int clock_of(const char *s, int *h, int *mi, int *sec)
{
	if (digits(s, 2, h) || s[2] != ':' || digits(s + 3, 2, mi) || s[5] != ':' ||
	    digits(s + 6, 2, sec))
		return -1;
	return *h > 23 || *mi > 59 || *sec > 60 ? -1 : 0;
}

int sink_http_date_parse(const char *s, int64_t *out)
{
	int y, mo, d, h, mi, sec;
	const char *comma = strchr(s, ',');
	size_t len = strlen(s);

	if (comma && comma - s == 3 && len == 29) {
		/* IMF-fixdate: Sun, 06 Nov 1994 08:49:37 GMT */
		if (s[4] != ' ' || digits(s + 5, 2, &d) || s[7] != ' ' ||
		    !(mo = month_of(s + 8)) || s[11] != ' ' || digits(s + 12, 4, &y) ||
		    s[16] != ' ' || clock_of(s + 17, &h, &mi, &sec) || strcmp(s + 25, " GMT"))
			return -EINVAL;
	} else if (comma) {
		/* RFC 850: Sunday, 06-Nov-94 08:49:37 GMT */
		const char *p = comma + 1;

		if (strlen(p) != 23 || p[0] != ' ' || digits(p + 1, 2, &d) || p[3] != '-' ||
		    !(mo = month_of(p + 4)) || p[7] != '-' || digits(p + 8, 2, &y) ||
		    p[10] != ' ' || clock_of(p + 11, &h, &mi, &sec) || strcmp(p + 19, " GMT"))
			return -EINVAL;
		/* two-digit year: RFC 9110 says a year more than 50 years in the
		 * future is in the past; rawtel is newer than 1970, so 70-99 is
		 * 19xx and the rest 20xx */
		y += y >= 70 ? 1900 : 2000;
	} else if (len == 24) {
		/* asctime: Sun Nov  6 08:49:37 1994 */
		if (s[3] != ' ' || !(mo = month_of(s + 4)) || s[7] != ' ' ||
		    (s[8] == ' ' ? digits(s + 9, 1, &d) : digits(s + 8, 2, &d)) ||
		    s[10] != ' ' || clock_of(s + 11, &h, &mi, &sec) || s[19] != ' ' ||
		    digits(s + 20, 4, &y))
			return -EINVAL;
	} else {
		return -EINVAL;
	}
	if (d < 1 || d > 31)
		return -EINVAL;
	*out = days_from_civil(y, mo, d) * 86400 + h * 3600 + mi * 60 + sec;
	return 0;
}

int sink_http_retry_after_ms(const char *v, int64_t now, uint64_t *ms)
{
	if (*v >= '0' && *v <= '9') {
		uint64_t secs = 0;

		for (const char *p = v; *p; p++) {
			if (*p < '0' || *p > '9')
				return -EINVAL;
			if (secs < 100000000)	/* saturate: capped by the caller */
				secs = secs * 10 + (uint64_t)(*p - '0');
		}
		*ms = secs * 1000;
		return 0;
	}
	int64_t at;

	if (sink_http_date_parse(v, &at))
		return -EINVAL;
	*ms = at > now ? (uint64_t)(at - now) * 1000 : 0;
	return 0;
}
