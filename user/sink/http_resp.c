/* Incremental HTTP/1.x response parser. Bytes may arrive split anywhere;
 * lines are collected in a fixed buffer, bodies in a buffer capped at
 * SINK_HTTP_BODY_MAX. Strict where laxness could be exploited (obs-fold, both
 * Content-Length and Transfer-Encoding, disagreeing lengths, bare CR). */
#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rawtel/err.h"
#include "rawtel/sink_http.h"

enum { S_STATUS, S_HEADER, S_BODY, S_BODY_EOF, S_CHUNK_SIZE, S_CHUNK_DATA,
       S_CHUNK_END, S_TRAILER, S_DONE };

void sink_http_resp_init(struct sink_http_resp *r)
{
	memset(r, 0, offsetof(struct sink_http_resp, line));
	r->content_length = -1;
	r->line[0] = 0;
}

void sink_http_resp_free(struct sink_http_resp *r)
{
	free(r->body);
	sink_http_resp_init(r);
}

static int bad(const char *what)
{
	return err_set(EPROTO, "bad HTTP response from the collector: %s", what);
}

static int body_append(struct sink_http_resp *r, const uint8_t *p, size_t n)
{
	if (n > SINK_HTTP_BODY_MAX - r->body_len)
		return err_set(EMSGSIZE, "collector response body over %u bytes; refused",
			       SINK_HTTP_BODY_MAX);
	if (r->body_len + n > r->body_cap) {
		size_t cap = r->body_cap ? r->body_cap : 4096;

		while (cap < r->body_len + n)
			cap *= 2;
		if (cap > SINK_HTTP_BODY_MAX)
			cap = SINK_HTTP_BODY_MAX;
		uint8_t *nb = realloc(r->body, cap);

		if (!nb)
			return err_set(ENOMEM, "out of memory for a %zu-byte response", cap);
		r->body = nb;
		r->body_cap = cap;
	}
	memcpy(r->body + r->body_len, p, n);
	r->body_len += n;
	return 0;
}

static int parse_status(struct sink_http_resp *r, const char *l, size_t n)
{
	if (n < 12 || memcmp(l, "HTTP/1.", 7) || l[7] < '0' || l[7] > '9' ||
	    l[8] != ' ')
		return bad("status line is not 'HTTP/1.x NNN reason'");
	for (int i = 9; i < 12; i++)
		if (l[i] < '0' || l[i] > '9')
			return bad("status code is not three digits");
	if (n > 12 && l[12] != ' ')
		return bad("status code is not three digits");
	r->minor = l[7] - '0';
	r->status = (l[9] - '0') * 100 + (l[10] - '0') * 10 + (l[11] - '0');
	if (r->status < 100 || r->status > 599)
		return bad("status code out of range");
	if (r->status == 101)
		return bad("unexpected protocol switch (101)");
	r->keep_alive = r->minor >= 1;
	r->chunked = 0;
	r->content_length = -1;
	r->retry_after[0] = r->content_type[0] = 0;
	return 0;
}

static int token_char(unsigned char ch)
{
	return (ch >= 'a' && ch <= 'z') || (ch >= 'A' && ch <= 'Z') ||
	       (ch >= '0' && ch <= '9') || (ch && strchr("!#$%&'*+-.^_`|~", ch));
}

/* Does the comma-separated token list `v` contain `tok`? */
static int list_has(const char *v, const char *tok)
{
	size_t tl = strlen(tok);

	while (*v) {
		while (*v == ' ' || *v == '\t' || *v == ',')
			v++;
		size_t n = strcspn(v, ", \t");

		if (n == tl && !strncasecmp(v, tok, n))
			return 1;
		v += n;
	}
	return 0;
}

static int parse_length(struct sink_http_resp *r, const char *v)
{
	uint64_t len = 0;

	if (!*v)
		return bad("empty Content-Length");
	for (const char *p = v; *p; p++) {
		if (*p < '0' || *p > '9')
			return bad("Content-Length is not a number");
		len = len * 10 + (uint64_t)(*p - '0');
		if (len > SINK_HTTP_BODY_MAX)
			return err_set(EMSGSIZE, "collector response body over %u bytes; refused",
				       SINK_HTTP_BODY_MAX);
	}
	if (r->content_length >= 0 && (uint64_t)r->content_length != len)
		return bad("two different Content-Length values");
	r->content_length = (int64_t)len;
	return 0;
}

static void copy_value(char *dst, size_t cap, const char *v)
{
	size_t n = strlen(v);

	if (n >= cap) {		/* too long to be meaningful: ignore it */
		dst[0] = 0;
		return;
	}
	memcpy(dst, v, n + 1);
}

static int parse_field(struct sink_http_resp *r, char *l, size_t n, int trailer)
{
	char *colon = memchr(l, ':', n), *v, *e;

	if (l[0] == ' ' || l[0] == '\t')
		return bad("folded header line (obs-fold)");
	if (!colon || colon == l)
		return bad("header line without a name");
	for (char *p = l; p < colon; p++)
		if (!token_char((unsigned char)*p))
			return bad("bad character in a header name");
	for (v = colon + 1; *v == ' ' || *v == '\t'; v++)
		;
	for (e = l + n; e > v && (e[-1] == ' ' || e[-1] == '\t'); e--)
		;
	*e = 0;
	for (char *p = v; p < e; p++)
		if (((unsigned char)*p < 0x20 && *p != '\t') || *p == 0x7f)
			return bad("control character in a header value");
	*colon = 0;
	if (trailer)	/* trailers cannot change framing or retry policy */
		return 0;
	if (!strcasecmp(l, "content-length"))
		return parse_length(r, v);
	if (!strcasecmp(l, "transfer-encoding")) {
		if (r->chunked || strcasecmp(v, "chunked"))
			return err_set(ENOTSUP, "collector used Transfer-Encoding '%.40s'; only chunked is supported",
				       v);
		r->chunked = 1;
	} else if (!strcasecmp(l, "connection")) {
		if (list_has(v, "close"))
			r->keep_alive = 0;
		else if (list_has(v, "keep-alive") && r->minor == 0)
			r->keep_alive = 1;
	} else if (!strcasecmp(l, "retry-after")) {
		copy_value(r->retry_after, sizeof(r->retry_after), v);
	} else if (!strcasecmp(l, "content-type")) {
		copy_value(r->content_type, sizeof(r->content_type), v);
	}
	return 0;
}

/* The empty line after the header block: choose how the body is framed. */
static int end_of_head(struct sink_http_resp *r)
{
	if (r->status < 200) {		/* interim (100 Continue ...): skip it */
		r->state = S_STATUS;
		return 0;
	}
	if (r->chunked && r->content_length >= 0)
		return bad("both Transfer-Encoding and Content-Length");
	if (r->status == 204 || r->status == 304) {
		r->state = S_DONE;
	} else if (r->chunked) {
		r->state = S_CHUNK_SIZE;
	} else if (r->content_length >= 0) {
		r->left = (uint64_t)r->content_length;
		r->state = r->left ? S_BODY : S_DONE;
	} else {
		r->keep_alive = 0;	/* the body ends when the server closes */
		r->state = S_BODY_EOF;
	}
	return 0;
}

static int hexval(char ch)
{
	if (ch >= '0' && ch <= '9')
		return ch - '0';
	if ((ch | 0x20) >= 'a' && (ch | 0x20) <= 'f')
		return (ch | 0x20) - 'a' + 10;
	return -1;
}

static int parse_chunk_size(struct sink_http_resp *r, const char *l, size_t n)
{
	uint64_t v = 0;
	size_t i = 0;

	for (; i < n && hexval(l[i]) >= 0; i++) {
		v = v << 4 | (uint64_t)hexval(l[i]);
		if (v > SINK_HTTP_BODY_MAX)
			return err_set(EMSGSIZE, "collector response body over %u bytes; refused",
				       SINK_HTTP_BODY_MAX);
	}
	if (i == 0)
		return bad("chunk size is not hexadecimal");
	while (i < n && (l[i] == ' ' || l[i] == '\t'))
		i++;
	if (i < n && l[i] != ';')
		return bad("junk after a chunk size");
	if (v > SINK_HTTP_BODY_MAX - r->body_len)
		return err_set(EMSGSIZE, "collector response body over %u bytes; refused",
			       SINK_HTTP_BODY_MAX);
	r->left = v;
	r->state = v ? S_CHUNK_DATA : S_TRAILER;
	return 0;
}

/* One complete line (CRLF or LF removed). */
static int on_line(struct sink_http_resp *r, char *l, size_t n)
{
	switch (r->state) {
	case S_STATUS: {
		int ret = parse_status(r, l, n);

		if (!ret) {
			r->fields = 0;
			r->state = S_HEADER;
		}
		return ret;
	}
	case S_HEADER:
	case S_TRAILER:
		if (n == 0) {
			if (r->state == S_TRAILER) {
				r->state = S_DONE;
				return 0;
			}
			return end_of_head(r);
		}
		if (++r->fields > SINK_HTTP_FIELDS_MAX)
			return bad("too many header lines");
		return parse_field(r, l, n, r->state == S_TRAILER);
	case S_CHUNK_SIZE:
		return parse_chunk_size(r, l, n);
	case S_CHUNK_END:
		if (n)
			return bad("chunk data longer than its size");
		r->state = S_CHUNK_SIZE;
		return 0;
	}
	return bad("internal state");
}

static int line_byte(struct sink_http_resp *r, char ch)
{
	if (ch == '\n') {
		size_t n = r->line_len;

		if (n && r->line[n - 1] == '\r')
			n--;
		r->line[n] = 0;
		r->line_len = 0;
		if (memchr(r->line, '\r', n) || memchr(r->line, 0, n))
			return bad("stray CR or NUL in a line");
		return on_line(r, r->line, n);
	}
	if (r->line_len + 1 >= SINK_HTTP_LINE_MAX)
		return err_set(EMSGSIZE, "bad HTTP response from the collector: a line longer than %d bytes",
			       SINK_HTTP_LINE_MAX);
	if (++r->head_bytes > SINK_HTTP_HEAD_MAX)
		return err_set(EMSGSIZE, "bad HTTP response from the collector: headers over %u bytes",
			       SINK_HTTP_HEAD_MAX);
	r->line[r->line_len++] = ch;
	return 0;
}

int sink_http_resp_feed(struct sink_http_resp *r, const void *buf, size_t n, size_t *used)
{
	const uint8_t *p = buf;
	size_t i = 0;
	int ret = 0;

	while (i < n && r->state != S_DONE) {
		if (r->state == S_BODY || r->state == S_CHUNK_DATA ||
		    r->state == S_BODY_EOF) {
			size_t take = n - i;

			if (r->state != S_BODY_EOF && take > r->left)
				take = (size_t)r->left;
			ret = body_append(r, p + i, take);
			if (ret)
				break;
			i += take;
			if (r->state == S_BODY_EOF)
				continue;
			r->left -= take;
			if (!r->left)
				r->state = r->state == S_BODY ? S_DONE : S_CHUNK_END;
			continue;
		}
		ret = line_byte(r, (char)p[i++]);
		if (ret)
			break;
	}
	r->got += i;
	*used = i;
	if (ret)
		return ret;
	return r->state == S_DONE;
}

int sink_http_resp_eof(struct sink_http_resp *r)
{
	if (r->state == S_DONE)
		return 1;
	if (r->state == S_BODY_EOF) {
		r->state = S_DONE;
		return 1;
	}
	return err_set(EPROTO, "collector closed the connection %s",
		       r->got ? "in the middle of its response" : "without answering");
}
