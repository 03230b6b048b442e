/* What a collector says back: google.rpc.Status on errors and
 * Export*ServiceResponse.partial_success on 200, in protobuf or in OTLP
 * JSON. A small reader for each encoding, bounded by the body and by a
 * nesting limit; the text that reaches the log is made printable. */
#include <errno.h>
#include <string.h>

#include "rawtel/sink_parts.h"

#define JSON_DEPTH 32

/* Copy `n` bytes as printable ASCII (anything else becomes '?'). */
static void printable(char *dst, size_t cap, const uint8_t *s, size_t n)
{
	size_t k = 0;

	for (size_t i = 0; i < n && k + 1 < cap; i++)
		dst[k++] = s[i] >= 0x20 && s[i] < 0x7f ? (char)s[i] : '?';
	if (cap)
		dst[k] = 0;
}

/* ---- protobuf ----------------------------------------------------------- */

struct pb {
	const uint8_t *p, *end;
};

static int pb_varint(struct pb *b, uint64_t *v)
{
	*v = 0;
	for (int shift = 0; shift < 70; shift += 7) {
		if (b->p >= b->end)
			return -EBADMSG;
		uint8_t c = *b->p++;

		*v |= (uint64_t)(c & 0x7f) << shift;
		if (!(c & 0x80))
			return 0;
	}
	return -EBADMSG;
}

/* Next field: its number and wire type; LEN values in *val and *vlen, VARINT
 * values in *num. Returns 1, 0 at the end, or -EBADMSG. */
static int pb_next(struct pb *b, uint32_t *field, int *wt, const uint8_t **val,
		   uint64_t *vlen, uint64_t *num)
{
	uint64_t tag;

	if (b->p >= b->end)
		return 0;
	if (pb_varint(b, &tag) || (tag >> 3) == 0 || (tag >> 3) > 0x1fffffff)
		return -EBADMSG;
	*field = (uint32_t)(tag >> 3);
	*wt = (int)(tag & 7);
	switch (*wt) {
	case 0:
		return pb_varint(b, num) ? -EBADMSG : 1;
	case 1:
	case 5: {
		size_t n = *wt == 1 ? 8 : 4;

		if ((size_t)(b->end - b->p) < n)
			return -EBADMSG;
		b->p += n;
		return 1;
	}
	case 2:
		if (pb_varint(b, vlen) || *vlen > (uint64_t)(b->end - b->p))
			return -EBADMSG;
		*val = b->p;
		b->p += *vlen;
		return 1;
	}
	return -EBADMSG;	/* groups and reserved wire types */
}

static int pb_status(const uint8_t *body, size_t len, char *msg, size_t cap)
{
	struct pb b = { body, body + len };
	const uint8_t *val = NULL;
	uint64_t vlen = 0, num;
	uint32_t f;
	int wt, ret, found = -ENOENT;

	while ((ret = pb_next(&b, &f, &wt, &val, &vlen, &num)) == 1)
		if (f == 2 && wt == 2) {
			printable(msg, cap, val, (size_t)vlen);
			found = 0;
		}
	return ret < 0 ? ret : found;
}

static int pb_partial(const uint8_t *body, size_t len, int64_t *rejected, char *msg,
		      size_t cap)
{
	struct pb b = { body, body + len };
	const uint8_t *val = NULL;
	uint64_t vlen = 0, num = 0;
	uint32_t f;
	int wt, ret, found = 0;

	while ((ret = pb_next(&b, &f, &wt, &val, &vlen, &num)) == 1) {
		if (f != 1 || wt != 2)
			continue;
		struct pb in = { val, val + vlen };

		found = 1;
		while ((ret = pb_next(&in, &f, &wt, &val, &vlen, &num)) == 1) {
			if (f == 1 && wt == 0)
				*rejected = (int64_t)num;
			else if (f == 2 && wt == 2)
				printable(msg, cap, val, (size_t)vlen);
		}
		if (ret < 0)
			return ret;
	}
	return ret < 0 ? ret : found;
}

/* ---- JSON --------------------------------------------------------------- */

static const char *ws(const char *p, const char *e)
{
	while (p < e && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	return p;
}

/* End of the string starting at the '"' at p, or NULL. */
static const char *str_end(const char *p, const char *e)
{
	for (p++; p < e; p++) {
		if (*p == '\\')
			p++;
		else if (*p == '"')
			return p + 1;
		else if ((unsigned char)*p < 0x20)
			return NULL;
	}
	return NULL;
}

/* End of the value at p (after whitespace), or NULL when malformed. */
static const char *skip_value(const char *p, const char *e, int depth)
{
	p = ws(p, e);
	if (p >= e || depth > JSON_DEPTH)
		return NULL;
	if (*p == '"')
		return str_end(p, e);
	if (*p == '{' || *p == '[') {
		char close = *p == '{' ? '}' : ']';

		p = ws(p + 1, e);
		if (p < e && *p == close)
			return p + 1;
		for (;;) {
			if (close == '}') {
				p = ws(p, e);
				if (p >= e || *p != '"' || !(p = str_end(p, e)))
					return NULL;
				p = ws(p, e);
				if (p >= e || *p++ != ':')
					return NULL;
			}
			if (!(p = skip_value(p, e, depth + 1)))
				return NULL;
			p = ws(p, e);
			if (p < e && *p == ',') {
				p++;
				continue;
			}
			return p < e && *p == close ? p + 1 : NULL;
		}
	}
	const char *s = p;

	while (p < e && (strchr("+-.eE", *p) || (*p >= '0' && *p <= '9') ||
			 (*p >= 'a' && *p <= 'z')))
		p++;
	return p > s ? p : NULL;
}

/* In the object at p, the value of the first of `keys` present; NULL if
 * none (or not an object). *bad is set when the JSON is malformed. */
static const char *member(const char *p, const char *e, const char *const *keys,
			  int *bad)
{
	const char *found = NULL;

	p = ws(p, e);
	if (p >= e || *p != '{' || !skip_value(p, e, 0)) {
		*bad = 1;
		return NULL;
	}
	p = ws(p + 1, e);
	while (p < e && *p == '"') {
		const char *k = p + 1, *ke = str_end(p, e);

		p = ws(ke, e) + 1;	/* past ':' (checked by skip_value) */
		for (int i = 0; keys[i] && !found; i++)
			if ((size_t)(ke - 1 - k) == strlen(keys[i]) &&
			    !memcmp(k, keys[i], strlen(keys[i])))
				found = ws(p, e);
		p = ws(skip_value(p, e, 1), e);
		if (*p == ',')
			p = ws(p + 1, e);
	}
	return found;
}

/* A JSON string value into printable text (escapes decoded, \u as '?'). */
static int json_text(const char *p, const char *e, char *out, size_t cap)
{
	size_t k = 0;
	const char *end;

	if (p >= e || *p != '"' || !(end = str_end(p, e)))
		return -EBADMSG;
	for (p++; p < end - 1 && k + 1 < cap; p++) {
		char c = *p;

		if (c == '\\') {
			c = *++p;
			if (c == 'u') {
				p += 4 < end - 1 - p ? 4 : end - 2 - p;
				c = '?';
			} else if (c == 'n' || c == 't' || c == 'r' || c == 'b' || c == 'f') {
				c = ' ';
			}
		}
		out[k++] = (unsigned char)c >= 0x20 && (unsigned char)c < 0x7f ? c : '?';
	}
	out[k] = 0;
	return 0;
}

/* An int64 given as a JSON number or, as OTLP JSON does, a string. */
static int json_int(const char *p, const char *e, int64_t *v)
{
	uint64_t n = 0;
	int quoted = p < e && *p == '"', neg = 0, digits = 0;

	p += quoted;
	if (p < e && *p == '-') {
		neg = 1;
		p++;
	}
	for (; p < e && *p >= '0' && *p <= '9'; p++, digits++)
		if (n < (uint64_t)INT64_MAX / 10)
			n = n * 10 + (uint64_t)(*p - '0');
	if (!digits || (quoted && (p >= e || *p != '"')))
		return -EBADMSG;
	*v = neg ? -(int64_t)n : (int64_t)n;
	return 0;
}

static int json_status(const char *p, const char *e, char *msg, size_t cap)
{
	static const char *const k_msg[] = { "message", NULL };
	int bad = 0;
	const char *v = member(p, e, k_msg, &bad);

	if (bad)
		return -EBADMSG;
	return v ? json_text(v, e, msg, cap) : -ENOENT;
}

static int json_partial(const char *p, const char *e, int sig, int64_t *rejected,
			char *msg, size_t cap)
{
	static const char *const k_ps[] = { "partialSuccess", "partial_success", NULL };
	static const char *const k_rej[SINK_NSIG][3] = {
		{ "rejectedSpans", "rejected_spans", NULL },
		{ "rejectedDataPoints", "rejected_data_points", NULL },
		{ "rejectedLogRecords", "rejected_log_records", NULL },
	};
	static const char *const k_err[] = { "errorMessage", "error_message", NULL };
	int bad = 0;
	const char *ps = member(p, e, k_ps, &bad), *v;

	if (bad)
		return -EBADMSG;
	if (!ps)
		return 0;
	if ((v = member(ps, e, k_rej[sig], &bad)) && json_int(v, e, rejected))
		return -EBADMSG;
	if ((v = member(ps, e, k_err, &bad)) && json_text(v, e, msg, cap))
		return -EBADMSG;
	return bad ? -EBADMSG : 1;
}

/* ---- entry points ------------------------------------------------------- */

int rpc_status_message(const uint8_t *body, size_t len, int json, char *msg,
		       size_t cap)
{
	if (cap)
		msg[0] = 0;
	if (json)
		return json_status((const char *)body, (const char *)body + len, msg, cap);
	return pb_status(body, len, msg, cap);
}

int rpc_partial_success(const uint8_t *body, size_t len, int json, int sig,
			int64_t *rejected, char *msg, size_t cap)
{
	*rejected = 0;
	if (cap)
		msg[0] = 0;
	if (sig < 0 || sig >= SINK_NSIG)
		return -EINVAL;
	if (json)
		return len ? json_partial((const char *)body, (const char *)body + len,
					  sig, rejected, msg, cap) : 0;
	return pb_partial(body, len, rejected, msg, cap);
}
