/* W3C Trace Context traceparent: "version-traceid-parentid-flags" in
 * lower-case hex. Version ff is invalid; all-zero ids are invalid; a
 * version-00 value is exactly 55 characters; a later version is read as
 * 00 would be, provided anything after the flags starts a new field with
 * '-' (the specification's room for future versions). */
#include <errno.h>
#include <string.h>

#include "http1_int.h"

static int lchex(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if (ch >= 'a' && ch <= 'f')
		return ch - 'a' + 10;
	return -1;
}

/* n lower-case hex digits into n/2 bytes; -1 on any other character. */
static int hex_bytes(const char *s, size_t n, uint8_t *out)
{
	for (size_t i = 0; i < n; i += 2) {
		int hi = lchex(s[i]), lo = lchex(s[i + 1]);

		if (hi < 0 || lo < 0)
			return -1;
		out[i / 2] = (uint8_t)(hi << 4 | lo);
	}
	return 0;
}

static int all_zero(const uint8_t *b, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (b[i])
			return 0;
	return 1;
}

int http1_tp_check(const char *s, size_t n, struct http1_traceparent *tp)
{
	struct http1_traceparent t;

	memset(tp, 0, sizeof(*tp));
	if (n < 55 || s[2] != '-' || s[35] != '-' || s[52] != '-')
		return -EINVAL;
	if (hex_bytes(s, 2, &t.version) || hex_bytes(s + 3, 32, t.trace_id) ||
	    hex_bytes(s + 36, 16, t.parent_id) || hex_bytes(s + 53, 2, &t.flags))
		return -EINVAL;
	if (t.version == 0xff)
		return -EINVAL;
	if (t.version == 0 ? n != 55 : (n > 55 && s[55] != '-'))
		return -EINVAL;
	if (all_zero(t.trace_id, 16) || all_zero(t.parent_id, 8))
		return -EINVAL;
	*tp = t;
	return 0;
}

int http1_traceparent_parse(const char *s, size_t n, struct http1_traceparent *tp)
{
	while (n && (*s == ' ' || *s == '\t'))
		s++, n--;
	while (n && (s[n - 1] == ' ' || s[n - 1] == '\t'))
		n--;
	return http1_tp_check(s, n, tp);
}

int http1_traceparent_format(const struct http1_traceparent *tp, char *out,
			     size_t size)
{
	static const char hx[] = "0123456789abcdef";
	char *o = out;

	if (size < 56 || all_zero(tp->trace_id, 16) || all_zero(tp->parent_id, 8))
		return -EINVAL;
	/* what we send is what we speak: version 00 */
	*o++ = '0';
	*o++ = '0';
	*o++ = '-';
	for (int i = 0; i < 16; i++) {
		*o++ = hx[tp->trace_id[i] >> 4];
		*o++ = hx[tp->trace_id[i] & 15];
	}
	*o++ = '-';
	for (int i = 0; i < 8; i++) {
		*o++ = hx[tp->parent_id[i] >> 4];
		*o++ = hx[tp->parent_id[i] & 15];
	}
	*o++ = '-';
	*o++ = hx[tp->flags >> 4];
	*o++ = hx[tp->flags & 15];
	*o = 0;
	return 55;
}
