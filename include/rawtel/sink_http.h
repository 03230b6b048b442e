/* The small HTTP/1.1 client pieces the OTLP/HTTP sink needs
 * (user/sink/http_*.c, prefix sink_http_): an incremental, strict and
 * bounded response parser, the request head, and Retry-After. The server
 * is not trusted: every length is capped and anything malformed is an
 * error. (The traced traffic's parser is http1_*, rawtel/http1.h; the
 * agent's HTTP telemetry ahttp_*, user/agent/http.h.) */
#ifndef RAWTEL_SINK_HTTP_H
#define RAWTEL_SINK_HTTP_H

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define SINK_HTTP_BODY_MAX (4u << 20)	/* the OTLP spec's response limit */
#define SINK_HTTP_LINE_MAX 8192		/* status, header, chunk-size lines */
#define SINK_HTTP_HEAD_MAX (64u << 10)	/* all header and trailer lines */
#define SINK_HTTP_FIELDS_MAX 100		/* header and trailer lines */

struct sink_http_resp {
	int state;		/* internal */
	int status;		/* final status code, 200-599 */
	int minor;		/* HTTP/1.<minor> */
	int keep_alive;		/* the connection may carry another request */
	int chunked;
	int64_t content_length;	/* -1 when absent */
	uint64_t left;		/* bytes left in the body or current chunk */
	size_t got;		/* bytes fed so far */
	char retry_after[64];	/* raw header value, "" when absent */
	char content_type[96];
	uint8_t *body;
	size_t body_len, body_cap;
	size_t line_len, head_bytes;
	int fields;
	char line[SINK_HTTP_LINE_MAX];
};

void sink_http_resp_init(struct sink_http_resp *r);
void sink_http_resp_free(struct sink_http_resp *r);
/* Parse `n` more bytes. Returns 1 when the response is complete (*used
 * tells how many bytes it took; the rest belong to nothing: a server that
 * sends them is misbehaving), 0 when more is needed, -errno with a message
 * on a malformed or oversized response. */
int sink_http_resp_feed(struct sink_http_resp *r, const void *buf, size_t n, size_t *used);
/* The server closed the connection: 1 when that completes the response
 * (a body delimited by close), else -EPROTO. */
int sink_http_resp_eof(struct sink_http_resp *r);

/* Format the head of a POST into `buf`; returns its length or -E2BIG. */
int sink_http_req_head(char *buf, size_t cap, const char *path, const char *hostport,
		  const char *content_type, size_t body_len, const char *extra);

/* An HTTP-date (IMF-fixdate, RFC 850 or asctime form) as Unix seconds;
 * -EINVAL when it is not one. */
int sink_http_date_parse(const char *s, int64_t *out);
/* Retry-After as a delay in ms from `now` (Unix seconds): delta-seconds
 * or an HTTP-date (a date in the past is 0). -EINVAL when unparseable. */
int sink_http_retry_after_ms(const char *value, int64_t now, uint64_t *ms);

#endif
