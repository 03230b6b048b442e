/* Formatting shared by the probes' printers. */
#include <stdint.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "rawtel/fmt.h"
#include "rawtel/probes.h"
#include "rawtel/tz.h"

void pfmt_time(const struct probe_out *o, uint64_t ts, char *buf, size_t size)
{
	int64_t wall = (int64_t)ts + o->wall_off_ns;
	int64_t sec = wall / 1000000000;
	struct tm tm;

	if (o->json) {
		tz_civil(sec, &tm);
		fmt_snprintf(buf, size, "%04d-%02d-%02dT%02d:%02d:%02d.%09lldZ", tm.tm_year + 1900,
			 tm.tm_mon + 1, tm.tm_mday, tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (long long)(wall % 1000000000));
	} else {
		tz_civil(sec + tz_local_offset(sec), &tm);
		fmt_snprintf(buf, size, "%02d:%02d:%02d.%03lld", tm.tm_hour, tm.tm_min, tm.tm_sec,
			 (long long)(wall % 1000000000) / 1000000);
	}
}

void pfmt_comm(char dst[17], const char src[16])
{
	memcpy(dst, src, 16);
	dst[16] = 0;
	/* comm is set by the process: keep the columns and the terminal sane */
	for (int i = 0; dst[i]; i++)
		if ((unsigned char)dst[i] < 0x20 || dst[i] == 0x7f)
			dst[i] = '?';
}

/* Length of the valid UTF-8 sequence at s (at most n bytes), or 0. */
static size_t utf8_len(const unsigned char *s, size_t n)
{
	size_t len;
	uint32_t cp;

	if (s[0] < 0xc2 || s[0] > 0xf4)
		return 0;
	len = s[0] < 0xe0 ? 2 : s[0] < 0xf0 ? 3 : 4;
	if (len > n)
		return 0;
	cp = s[0] & (0x7f >> len);
	for (size_t i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = cp << 6 | (s[i] & 0x3f);
	}
	/* overlong forms, surrogates and values past U+10FFFF are invalid */
	if ((len == 3 && cp < 0x800) || (len == 4 && (cp < 0x10000 || cp > 0x10ffff)) ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void pfmt_json_str(FILE *f, const char *s, size_t max)
{
	const unsigned char *u = (const unsigned char *)s;
	size_t n = strnlen(s, max);

	fputc('"', f);
	for (size_t i = 0; i < n; i++) {
		unsigned char c = u[i];
		size_t l;

		if (c == '"' || c == '\\')
			fmt_fprintf(f, "\\%c", c);
		else if (c < 0x20 || c == 0x7f)
			fmt_fprintf(f, "\\u%04x", c);
		else if (c < 0x80)
			fputc(c, f);
		else if ((l = utf8_len(u + i, n - i)) > 0) {
			fwrite(u + i, 1, l, f);
			i += l - 1;
		} else {
			/* bytes from the kernel need not be UTF-8: JSON must be */
			fputs("\\ufffd", f);
		}
	}
	fputc('"', f);
}

void pfmt_prefix(const struct probe_out *o, const char *event, uint64_t ts,
		 uint32_t pid, const char *comm)
{
	char t[40];

	pfmt_time(o, ts, t, sizeof(t));
	if (o->multi)
		fmt_fprintf(o->f, "%-12s %-5s %-7u %-16s ", t, event, pid, comm);
	else
		fmt_fprintf(o->f, "%-12s %-7u %-16s ", t, pid, comm);
}

void pfmt_json_prefix(const struct probe_out *o, const char *event, uint64_t ts,
		      uint32_t pid, uint32_t tid, const char *comm)
{
	char t[40];

	pfmt_time(o, ts, t, sizeof(t));
	fmt_fprintf(o->f, "{\"event\":\"%s\",\"time\":\"%s\",\"ts_ns\":%llu,\"pid\":%u,\"tid\":%u,"
		"\"comm\":", event, t, (unsigned long long)ts, pid, tid);
	pfmt_json_str(o->f, comm, 16);
}
