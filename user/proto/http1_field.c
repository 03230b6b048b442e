/* What the parser keeps from a head: method, target (path and redacted
 * query), Host, User-Agent, traceparent, tracestate; and what framing
 * needs: Content-Length, Transfer-Encoding. A field is recognised by its
 * name; the value of any other field never leaves the packet buffer.
 * Kept strings are stored as they stream in, bounded, printable ASCII. */
#include <errno.h>
#include <string.h>

#include "http1_int.h"

static const char hexdig[] = "0123456789ABCDEF";

/* Appends to a bounded string: *len == size means it was cut. */
static int put(char *out, uint16_t *len, size_t size, const char *s, size_t n)
{
	if (*len >= size || *len + n >= size) {
		*len = (uint16_t)size;
		return -1;
	}
	memcpy(out + *len, s, n);
	*len = (uint16_t)(*len + n);
	out[*len] = 0;
	return 0;
}

/* Appends what fits of plain bytes; -1 when cut. */
static int put_prefix(char *out, uint16_t *len, size_t size, const char *s, size_t n)
{
	size_t room;

	if (*len >= size)
		return -1;
	room = size - 1 - *len;
	if (n <= room)
		return put(out, len, size, s, n);
	put(out, len, size, s, room);
	*len = (uint16_t)size;
	return -1;
}

/* Target bytes: >= 0x80 percent-encoded, so strings stay ASCII. */
static int put_enc(char *out, uint16_t *len, size_t size, uint8_t ch)
{
	char e[3] = { '%', hexdig[ch >> 4], hexdig[ch & 15] };

	if (ch >= 0x80)
		return put(out, len, size, e, 3);
	return put(out, len, size, (const char *)&ch, 1);
}

/* What one query byte becomes once redacted: "" inside a value. */
static size_t redact_piece(uint8_t *in_value, uint8_t ch, char piece[10])
{
	if (ch == '&') {
		*in_value = 0;
		piece[0] = '&';
		return 1;
	}
	if (*in_value)
		return 0;
	if (ch == '=') {
		*in_value = 1;
		memcpy(piece, "=REDACTED", 9);
		return 9;
	}
	if (ch >= 0x80) {
		piece[0] = '%';
		piece[1] = hexdig[ch >> 4];
		piece[2] = hexdig[ch & 15];
		return 3;
	}
	piece[0] = (char)ch;
	return 1;
}

/* The streaming core of http1_query_redact; *in_value is its state (0 at
 * the query's start). Appends what `ch` becomes to out[*len] (size bytes
 * with a NUL); returns 0, or -1 when it did not fit (then *len == size:
 * nothing more is appended). */
static int http1_redact_byte(uint8_t *in_value, uint8_t ch, char *out,
		      uint16_t *len, size_t size)
{
	char piece[10];
	size_t n = redact_piece(in_value, ch, piece);

	return n ? put(out, len, size, piece, n) : 0;
}

size_t http1_query_redact(const char *q, size_t n, char *out, size_t size)
{
	uint8_t in_value = 0;
	size_t need = 0, len = 0;
	int cut = 0;

	for (size_t i = 0; i < n; i++) {
		char piece[10];
		size_t k = redact_piece(&in_value, (uint8_t)q[i], piece);

		need += k;
		if (cut || len + k >= size) {
			cut = 1;
			continue;
		}
		memcpy(out + len, piece, k);
		len += k;
	}
	if (size)
		out[len] = 0;
	return need;
}

/* The methods the semantic conventions know (RFC 9110's, PATCH, QUERY),
 * each as its bytes zero-padded to a word: one compare a method, and a
 * smaller table than a comparison per name. Index, or -1. */
int http1_method_index(const char *m, size_t n)
{
	static const char known[][8] = { "GET",	  "PUT",   "HEAD",   "POST",	"TRACE",
					 "PATCH", "QUERY", "DELETE", "CONNECT", "OPTIONS" };
	uint64_t w = 0, k;

	if (n < 3 || n > 7)
		return -1;
	memcpy(&w, m, n);
	for (int i = 0; i < 10; i++) {
		memcpy(&k, known[i], 8);
		if (w == k)
			return i;
	}
	return -1;
}

int http1_method_id(const char *m, size_t n)
{
	return http1_method_mid(http1_method_index(m, n));
}

int http1_method_known(const char *m, size_t n)
{
	return http1_method_index(m, n) >= 0;
}

/* Redacted query bytes from p[i] in one step: a value's bytes up to the
 * next '&' (they leave nothing), or a run of plain key bytes (one copy),
 * else one byte as http1_redact_byte makes it. Returns where it ended. */
static size_t query_run(struct http1_exchange *x, struct http1_side *s, const uint8_t *p,
			size_t i, size_t n, int *full)
{
	size_t j = i;

	if (!x)
		return n;	/* nowhere to keep it: as the byte loop, no state */
	if (s->q_in_val) {
		const uint8_t *amp = memchr(p + i, '&', n - i);

		if (!amp)
			return n;
		j = (size_t)(amp - p);
	} else {
		while (j < n && p[j] != '&' && p[j] != '=' && p[j] < 0x80)
			j++;
		if (j > i) {
			*full |= put_prefix(x->query, &s->query_len, sizeof(x->query),
					    (const char *)p + i, j - i);
			return j;
		}
	}
	*full |= http1_redact_byte(&s->q_in_val, p[j], x->query, &s->query_len, sizeof(x->query));
	return j + 1;
}

void http1_target_bytes(struct http1_conn *c, struct http1_side *s,
			const uint8_t *p, size_t n)
{
	struct http1_exchange *x = http1_cur_req(c);
	int raw = c->o && c->o->raw_query, full = 0;

	for (size_t i = 0; i < n;) {
		if (!s->in_query) {
			size_t j = i;

			/* plain path bytes go in one copy */
			while (j < n && p[j] != '?' && p[j] < 0x80)
				j++;
			if (j > i && x)
				full |= put_prefix(x->path, &s->path_len, sizeof(x->path),
						   (const char *)p + i, j - i);
			if (j == n)
				break;
			if (p[j] == '?') {
				s->in_query = 1;
				if (x)
					x->has_query = 1;
			} else if (x) {
				full |= put_enc(x->path, &s->path_len, sizeof(x->path), p[j]);
			}
			i = j + 1;
			continue;
		}
		if (!raw) {
			i = query_run(x, s, p, i, n, &full);
			continue;
		}
		if (x)
			full |= put_enc(x->query, &s->query_len, sizeof(x->query), p[i]);
		i++;
	}
	if (full)
		s->flags |= HTTP1_X_VALUE_TRUNC;
}

static int prefix_ci(const char *s, size_t n, const char *pre)
{
	size_t k = strlen(pre);

	if (n < k)
		return 0;
	for (size_t i = 0; i < k; i++)
		if ((s[i] | 0x20) != pre[i])
			return 0;
	return 1;
}

/* absolute-form ("http://host/p", sent to proxies): the path is what
 * follows the authority, and the authority is the host (RFC 9112 3.2.2) */
void http1_target_done(struct http1_conn *c, struct http1_side *s)
{
	struct http1_exchange *x = http1_cur_req(c);
	size_t n, skip, a;
	char *p;

	if (!x || s->path_len >= sizeof(x->path) || x->path[0] == '/')
		return;
	p = x->path;
	n = s->path_len;
	if (prefix_ci(p, n, "http://"))
		skip = 7;
	else if (prefix_ci(p, n, "https://"))
		skip = 8;
	else
		return;
	for (a = skip; a < n && p[a] != '/'; a++)
		;
	s->host_len = 0;
	x->host[0] = 0;
	put(x->host, &s->host_len, sizeof(x->host), p + skip, a - skip);
	s->host_seen = 1;
	memmove(p, p + a, n - a);
	s->path_len = (uint16_t)(n - a);
	if (!s->path_len)
		p[s->path_len++] = '/';
	p[s->path_len] = 0;
}

/* 1 when the k bytes at p are `name` (lower case, letters and '-') in
 * any case: a tchar b has (b | 0x20) equal to such a byte only when it is
 * that letter in either case, or that '-'. k is 4 or 10 or more. */
static int name_is(const uint8_t *p, const char *name, size_t k)
{
	uint64_t a, b, lo = 0x2020202020202020ull;
	uint32_t x, y;

	if (k < 8) {
		memcpy(&x, p, 4);
		memcpy(&y, name, 4);
		return (x | (uint32_t)lo) == y;
	}
	/* a word at a time, the last one ending with the name */
	for (size_t i = 0;; i += 8) {
		size_t j = i + 8 < k ? i : k - 8;

		memcpy(&a, p + j, 8);
		memcpy(&b, name + j, 8);
		if ((a | lo) != b)
			return 0;
		if (j == k - 8)
			return 1;
	}
}

/* The k tchar bytes at p name a field whose value matters: its H_* id,
 * else H_OTHER. A request's fields are all looked at, a response's only
 * for its framing. Their lengths are H_NAME_LENS and H_RESP_NAME_LENS:
 * keep them in step. */
uint8_t http1_name_id(const uint8_t *p, size_t k, int is_req)
{
	/* length, id, a response's too; the names follow each other */
	static const uint8_t kept[][3] = {
		{ 4, H_HOST, 0 }, { 10, H_UA, 0 },   { 10, H_TS, 0 },
		{ 11, H_TP, 0 },  { 14, H_CLEN, 1 }, { 17, H_TE, 1 },
	};
	const char *n = "hostuser-agenttracestatetraceparentcontent-lengthtransfer-encoding";

	for (size_t i = 0; i < sizeof(kept) / sizeof(kept[0]); n += kept[i++][0])
		if (kept[i][0] == k && (is_req || kept[i][2]) && name_is(p, n, k))
			return kept[i][1];
	return H_OTHER;
}

void http1_field_name_set(struct http1_side *s, uint8_t id)
{
	s->hdr = s->trailers ? H_OTHER : id;
	s->val_len = 0;
	s->val_total = 0;
	s->in_value = 0;
	s->sp = 0;
	/* the first Host and User-Agent are the ones kept */
	if ((s->hdr == H_HOST && s->host_seen) || (s->hdr == H_UA && s->ua_seen))
		s->hdr = H_OTHER;
	/* several tracestate fields are one list joined by commas */
	if (s->hdr == H_TS) {
		s->ts_join = s->ts_len > 0;
		s->ts_mark = s->ts_len;
	}
}

void http1_field_name_done(struct http1_side *s)
{
	/* s->name holds the name's first bytes, lower case: every kept
	 * name fits */
	http1_field_name_set(s, s->name_len > sizeof(s->name) ? H_OTHER :
				http1_name_id((const uint8_t *)s->name, s->name_len, s->is_req));
}

/* Header values: printable ASCII kept, anything else as '?' (HT as a
 * space). Returns -1 once cut. What fits is known before the loop: no
 * bound check per byte. */
static int put_text(char *out, uint16_t *len, size_t size, const uint8_t *p,
		    size_t n)
{
	size_t k = *len, m, i = 0;

	if (k >= size)
		return -1;
	m = size - 1 - k < n ? size - 1 - k : n;
	/* eight printable bytes at a time go as they are */
	for (; i + 8 <= m; i += 8) {
		uint64_t w = h1_word(p + i);

		if (h1_below(w, 0x20) | h1_eq(w, 0x7f) | (w & H1_HIGH))
			break;
		memcpy(out + k + i, p + i, 8);
	}
	for (; i < m; i++) {
		uint8_t ch = p[i];

		out[k + i] = (ch >= 0x20 && ch < 0x7f) ? (char)ch : ch == '\t' ? ' ' : '?';
	}
	out[k + m] = 0;
	if (m < n) {
		*len = (uint16_t)size;
		return -1;
	}
	*len = (uint16_t)(k + m);
	return 0;
}

/* Value bytes (no OWS at either end, no CR/LF: the caller's): kept where
 * the current field's value goes. */
static void http1_field_value_bytes(struct http1_conn *c, struct http1_side *s,
				    const uint8_t *p, size_t n)
{
	struct http1_exchange *x = http1_cur_req(c);

	switch (s->hdr) {
	case H_HOST:
		if (x && put_text(x->host, &s->host_len, sizeof(x->host), p, n))
			s->flags |= HTTP1_X_VALUE_TRUNC;
		return;
	case H_UA:
		if (x && put_text(x->user_agent, &s->ua_len, sizeof(x->user_agent), p, n))
			s->flags |= HTTP1_X_VALUE_TRUNC;
		return;
	case H_TS:
		if (!x || s->ts_over)
			return;
		if (s->ts_join) {
			s->ts_join = 0;
			if (put(x->tracestate, &s->ts_len, sizeof(x->tracestate), ",", 1)) {
				s->ts_over = 1;
				return;
			}
		}
		if (put_text(x->tracestate, &s->ts_len, sizeof(x->tracestate), p, n))
			s->ts_over = 1;
		return;
	default:
		break;
	}
	for (size_t i = 0; i < n; i++) {
		uint8_t ch = p[i];

		if (s->hdr == H_TE) {
			/* only the last coding matters: chunked must be last */
			if (ch == ',') {
				s->val_len = 0;
				s->val_total = 0;
				continue;
			}
			if (ch == ' ')
				continue;
			if (ch >= 'A' && ch <= 'Z')
				ch |= 0x20;
		}
		/* H_CLEN, H_TE, H_TP: a scratch copy, its true length counted */
		if (s->val_len < sizeof(s->val))
			s->val[s->val_len++] = (char)ch;
		if (s->val_total < UINT32_MAX)
			s->val_total++;
	}
}

static int ows(uint8_t ch)
{
	return ch == ' ' || ch == '\t';
}

/* http1_value_run for Host, User-Agent and tracestate, whose values
 * put_text keeps with each HT as a space: what lies between the first
 * and the last non-OWS byte goes in one step, not word by word. Inner
 * OWS is kept as it comes, as the word loop keeps it while a run stays
 * under its count's bound (255): a stretch that long takes that loop.
 * Returns 0 when it did not take the bytes. */
static int value_run_text(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t k)
{
	size_t i = 0, e = k;

	while (i < k && ows(p[i]))
		i++;
	while (e > i && ows(p[e - 1]))
		e--;
	if (e - i > 255)
		return 0;
	if (s->in_value)
		s->sp = (uint8_t)(s->sp + i < 255 ? s->sp + i : 255);
	if (e > i) {
		while (s->sp) {
			s->sp--;
			http1_field_value_bytes(c, s, (const uint8_t *)" ", 1);
		}
		s->in_value = 1;
		http1_field_value_bytes(c, s, p + i, e - i);
	}
	for (; e < k && s->sp < 255; e++)
		s->sp++;
	return 1;
}

void http1_value_run(struct http1_conn *c, struct http1_side *s, const uint8_t *p, size_t k)
{
	size_t i = 0;

	if ((s->hdr == H_HOST || s->hdr == H_UA || s->hdr == H_TS) && value_run_text(c, s, p, k))
		return;

	while (i < k) {
		size_t j = i;

		if (p[i] == ' ' || p[i] == '\t') {
			if (s->in_value && s->sp < 255)
				s->sp++;
			i++;
			continue;
		}
		while (j < k && p[j] != ' ' && p[j] != '\t')
			j++;
		while (s->sp) {
			s->sp--;
			http1_field_value_bytes(c, s, (const uint8_t *)" ", 1);
		}
		s->in_value = 1;
		http1_field_value_bytes(c, s, p + i, j - i);
		i = j;
	}
}

/* Content-Length: one number, or a list of the same number (a proxy
 * joining repeated fields); anything else is a framing error. */
static int clen_parse(struct http1_side *s)
{
	int64_t v = -1, cur = -1;

	if (s->val_total > sizeof(s->val) || !s->val_len)
		return -1;
	for (size_t i = 0; i <= s->val_len; i++) {
		char ch = i < s->val_len ? s->val[i] : ',';

		if (ch >= '0' && ch <= '9') {
			if (cur > (INT64_MAX / 4 - 9) / 10)
				return -1;
			cur = (cur < 0 ? 0 : cur * 10) + (ch - '0');
		} else if (ch == ',') {
			if (cur < 0 || (v >= 0 && v != cur))
				return -1;
			v = cur;
			cur = -1;
		} else if (ch != ' ') {
			return -1;
		}
	}
	if (s->clen >= 0 && s->clen != v)
		return -1;
	s->clen = v;
	return 0;
}

int http1_field_done(struct http1_conn *c, struct http1_side *s)
{
	struct http1_exchange *x;

	switch (s->hdr) {
	case H_CLEN:
		return clen_parse(s);
	case H_TE:
		s->te_seen = 1;
		s->te_chunked = s->val_total == 7 && !memcmp(s->val, "chunked", 7);
		break;
	case H_HOST:
		s->host_seen = 1;
		break;
	case H_UA:
		s->ua_seen = 1;
		break;
	case H_TP:
		/* two traceparent fields make the context invalid */
		if (s->tp_seen < 2)
			s->tp_seen++;
		if (!(x = http1_cur_req(c)))
			break;
		if (s->tp_seen > 1) {
			x->tp_state = HTTP1_TP_INVALID;
			memset(&x->tp, 0, sizeof(x->tp));
		} else if (http1_tp_check(s->val, s->val_total, &x->tp) == 0) {
			x->tp_state = HTTP1_TP_VALID;
		} else {
			x->tp_state = HTTP1_TP_INVALID;
			memset(&x->tp, 0, sizeof(x->tp));
		}
		break;
	}
	s->hdr = H_OTHER;
	return 0;
}

void http1_head_cut(struct http1_conn *c, struct http1_side *s)
{
	struct http1_exchange *x = http1_cur_req(c);

	if (!s->is_req) {
		/* "HTTP/1.1 5" or "HTTP/1.1 020": no status */
		if (s->state == SL_CODE && (s->pos < 3 || s->status < 100))
			s->status = 0;
		return;
	}
	if (!x)
		return;
	if (s->state == RL_TARGET && s->pos) {
		/* a path prefix still says something (and is flagged) */
		s->flags |= HTTP1_X_VALUE_TRUNC;
		http1_target_done(c, s);
	}
	if (s->state != F_VALUE)
		return;
	if (s->cr) {
		/* its CR was seen: the value is whole */
		http1_field_done(c, s);
		return;
	}
	/* half a host or user agent would be wrong, not short */
	if (s->hdr == H_HOST) {
		s->host_len = 0;
		x->host[0] = 0;
	} else if (s->hdr == H_UA) {
		s->ua_len = 0;
		x->user_agent[0] = 0;
	} else if (s->hdr == H_TS && !s->ts_over) {
		s->ts_len = s->ts_mark;
		x->tracestate[s->ts_len] = 0;
	}
}

void http1_fields_finish(struct http1_conn *c, struct http1_side *s)
{
	struct http1_exchange *x = http1_cur_req(c);

	if (!x || !s->ts_over)
		return;
	/* a tracestate cut in a list-member loses that member whole */
	char *cut = memrchr(x->tracestate, ',', strlen(x->tracestate));
	size_t n = cut ? (size_t)(cut - x->tracestate) : 0;

	while (n && (x->tracestate[n - 1] == ' ' || x->tracestate[n - 1] == '\t'))
		n--;
	x->tracestate[n] = 0;
	s->ts_len = (uint16_t)n;
	s->ts_over = 0;
	s->flags |= HTTP1_X_VALUE_TRUNC;
}
