/* JSON writer (jw.h). */
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#include "jw.h"
#include "rawtel/fmt.h"

static void jw_raw(struct jw *w, const void *p, size_t n)
{
	struct otlp_buf *o = w->o;
	int ret;

	if (w->err)
		return;
	if (n > o->cap - o->len && (ret = otlp_buf_grow(o, o->len + n))) {
		w->err = ret;
		return;
	}
	memcpy(o->p + o->len, p, n);
	o->len += n;
}

static void jw_ch(struct jw *w, char c)
{
	jw_raw(w, &c, 1);
}

/* Length of the valid UTF-8 sequence at p (1-4), or 0 when invalid; then
 * *bad is how many bytes form the maximal invalid subpart (at least 1), so
 * each one becomes a single U+FFFD as Unicode recommends. */
static size_t utf8_seq(const uint8_t *p, size_t n, size_t *bad)
{
	uint8_t c = p[0], lo = 0x80, hi = 0xBF;
	size_t need, i;

	if (c >= 0xC2 && c <= 0xDF)
		need = 1;
	else if (c >= 0xE0 && c <= 0xEF) {
		need = 2;
		if (c == 0xE0)
			lo = 0xA0;
		if (c == 0xED)
			hi = 0x9F;	/* no surrogates */
	} else if (c >= 0xF0 && c <= 0xF4) {
		need = 3;
		if (c == 0xF0)
			lo = 0x90;
		if (c == 0xF4)
			hi = 0x8F;	/* nothing past U+10FFFF */
	} else {
		*bad = 1;
		return 0;
	}
	for (i = 1; i <= need; i++) {
		if (i >= n || p[i] < lo || p[i] > hi) {
			*bad = i;
			return 0;
		}
		lo = 0x80;
		hi = 0xBF;
	}
	return need + 1;
}

void jw_str(struct jw *w, const char *s, size_t n)
{
	static const char hexd[] = "0123456789abcdef";
	const uint8_t *p = (const uint8_t *)s;
	size_t i = 0, run = 0;

	jw_ch(w, '"');
	while (i < n) {
		uint8_t c = p[i];
		size_t len, bad;
		char esc[6];

		if (c >= 0x20 && c < 0x80 && c != '"' && c != '\\') {
			run++;
			i++;
			continue;
		}
		jw_raw(w, p + i - run, run);
		run = 0;
		if (c >= 0x80) {
			if ((len = utf8_seq(p + i, n - i, &bad))) {
				jw_raw(w, p + i, len);
				i += len;
			} else {
				jw_raw(w, "\xEF\xBF\xBD", 3);
				i += bad;
			}
			continue;
		}
		esc[0] = '\\';
		switch (c) {
		case '"': esc[1] = '"'; break;
		case '\\': esc[1] = '\\'; break;
		case '\n': esc[1] = 'n'; break;
		case '\r': esc[1] = 'r'; break;
		case '\t': esc[1] = 't'; break;
		case '\b': esc[1] = 'b'; break;
		case '\f': esc[1] = 'f'; break;
		default:
			memcpy(esc + 1, "u00", 3);
			esc[4] = hexd[c >> 4];
			esc[5] = hexd[c & 15];
			jw_raw(w, esc, 6);
			i++;
			continue;
		}
		jw_raw(w, esc, 2);
		i++;
	}
	jw_raw(w, p + i - run, run);
	jw_ch(w, '"');
}

void jw_open(struct jw *w, char c)
{
	jw_ch(w, c);
	w->first = 1;
}

void jw_close(struct jw *w, char c)
{
	jw_ch(w, c);
	w->first = 0;
}

void jw_elem(struct jw *w)
{
	if (!w->first)
		jw_ch(w, ',');
	w->first = 0;
}

void jw_key(struct jw *w, const char *key)
{
	jw_elem(w);
	jw_ch(w, '"');
	jw_raw(w, key, strlen(key));
	jw_raw(w, "\":", 2);
}

void jw_u64(struct jw *w, uint64_t v)
{
	char t[24];

	jw_raw(w, t, (size_t)fmt_snprintf(t, sizeof(t), "%" PRIu64, v));
}

void jw_u64q(struct jw *w, uint64_t v)
{
	char t[24];

	jw_raw(w, t, (size_t)fmt_snprintf(t, sizeof(t), "\"%" PRIu64 "\"", v));
}

void jw_i64q(struct jw *w, int64_t v)
{
	char t[24];

	jw_raw(w, t, (size_t)fmt_snprintf(t, sizeof(t), "\"%" PRId64 "\"", v));
}

void jw_double(struct jw *w, double d)
{
	char t[32];
	int n = 0;

	if (isnan(d)) {
		jw_raw(w, "\"NaN\"", 5);
		return;
	}
	if (isinf(d)) {
		if (d < 0)
			jw_raw(w, "\"-Infinity\"", 11);
		else
			jw_raw(w, "\"Infinity\"", 10);
		return;
	}
	/* the shortest of 15, 16, 17 significant digits that reads back */
	for (int prec = 15; prec <= 17; prec++) {
		n = fmt_snprintf(t, sizeof(t), "%.*g", prec, d);
		if (fmt_strtod(t, NULL) == d)
			break;
	}
	jw_raw(w, t, (size_t)n);
}

void jw_bool(struct jw *w, int v)
{
	if (v)
		jw_raw(w, "true", 4);
	else
		jw_raw(w, "false", 5);
}

void jw_hex(struct jw *w, const uint8_t *p, size_t n)
{
	static const char hexd[] = "0123456789abcdef";

	jw_ch(w, '"');
	for (size_t i = 0; i < n; i++) {
		char h[2] = { hexd[p[i] >> 4], hexd[p[i] & 15] };

		jw_raw(w, h, 2);
	}
	jw_ch(w, '"');
}

void jw_base64(struct jw *w, const uint8_t *p, size_t n)
{
	static const char b64[] =
		"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

	jw_ch(w, '"');
	for (size_t i = 0; i < n; i += 3) {
		uint32_t v = (uint32_t)p[i] << 16;
		char q[4];

		if (i + 1 < n)
			v |= (uint32_t)p[i + 1] << 8;
		if (i + 2 < n)
			v |= p[i + 2];
		q[0] = b64[v >> 18];
		q[1] = b64[(v >> 12) & 63];
		q[2] = i + 1 < n ? b64[(v >> 6) & 63] : '=';
		q[3] = i + 2 < n ? b64[v & 63] : '=';
		jw_raw(w, q, 4);
	}
	jw_ch(w, '"');
}
