/* HTTP/1.x seen from outside the process (user/proto/http1_*.c): turns
 * the payload bytes of a socket's syscalls into request/response
 * exchanges for HTTP spans and metrics.
 *
 * Input model. Per connection (an opaque id) and per direction (bytes the
 * process received, bytes it sent), the caller feeds the syscalls in the
 * order they happened, each as (timestamp, total bytes transferred, the
 * first `cap` of them). The (total - cap) bytes after the captured prefix
 * are a gap: known to exist, never seen. The parser skips gaps exactly
 * where the framing is known (Content-Length bodies, chunk data); a gap
 * anywhere else loses the framing: the message keeps what was seen and is
 * flagged, and parsing resumes at the first later syscall that starts
 * with a request line (or status line): a new message almost always
 * begins a new syscall. The role says which direction carries requests:
 * a server receives requests and sends responses; a client the reverse.
 *
 * Output. One struct http1_exchange per request, through a callback, when
 * its final response ends (or when it is given up: closed, aged out,
 * evicted). Responses pair with requests in order (pipelining: up to
 * HTTP1_PIPELINE requests wait for their responses with their fields;
 * the others keep their place in line as counts and their responses are
 * reported as "request not seen").
 *
 * Privacy. Only the values reported below are ever copied out of the
 * payload: Authorization, Proxy-Authorization, Cookie, Set-Cookie (and any
 * other header) values are never stored, not even in a scratch line
 * buffer. Query parameter values are replaced by "REDACTED" as they are
 * parsed unless the caller asks for the raw query.
 *
 * Bounds. A connection is a fixed-size struct (no allocation); the table
 * (http1_table_*) holds at most max_conns of them and keeps a few bytes
 * for connections found not to be HTTP/1. Work per syscall is linear in
 * the captured bytes, and constant for gaps. */
#ifndef RAWTEL_HTTP1_H
#define RAWTEL_HTTP1_H

#include <stddef.h>
#include <stdint.h>

/* Protocol limits: a head over them is treated as malformed (the server
 * would answer 414/431/400), its message flagged *_TRUNC. */
#define HTTP1_LINE_MAX 8192		/* start line, each field line */
#define HTTP1_HEAD_MAX (64u << 10)	/* the whole head */
#define HTTP1_FIELDS_MAX 256		/* field lines in a head or trailer */
/* Requests waiting for their responses with their fields kept. */
#define HTTP1_PIPELINE 4
/* Syscalls that start with non-HTTP bytes before a connection is given up
 * (a connection that has shown HTTP/1 is never given up for garbage). */
#define HTTP1_PROBE_MISSES 4

/* Sizes of the kept strings, NUL included; longer values are cut
 * (HTTP1_X_VALUE_TRUNC). */
#define HTTP1_METHOD_MAX 24
#define HTTP1_PATH_MAX 512
#define HTTP1_QUERY_MAX 256
#define HTTP1_HOST_MAX 256
#define HTTP1_UA_MAX 256
#define HTTP1_TRACESTATE_MAX 512

enum http1_role { HTTP1_SERVER = 0, HTTP1_CLIENT = 1 };
/* Direction from the observed process's side. */
enum http1_dir { HTTP1_RECV = 0, HTTP1_SEND = 1 };

/* http1_conn_feed / http1_table_feed results (>= 0). */
#define HTTP1_MORE 0	/* keep feeding this connection */
#define HTTP1_DONE 1	/* not HTTP/1 (or no longer: upgraded, tunnel,
			 * closed): its payloads may stop being captured */

/* W3C trace context (traceparent), parsed. */
struct http1_traceparent {
	uint8_t version;
	uint8_t trace_id[16];
	uint8_t parent_id[8];
	uint8_t flags;		/* bit 0: sampled */
};
enum http1_tp_state { HTTP1_TP_ABSENT = 0, HTTP1_TP_VALID, HTTP1_TP_INVALID };

/* struct http1_exchange.flags */
#define HTTP1_X_NO_REQUEST (1u << 0)	/* request not seen: tracing began
					 * mid-connection or the pipeline
					 * queue was full; request fields empty */
#define HTTP1_X_NO_RESPONSE (1u << 1)	/* given up before a response:
					 * closed, aged out, evicted; status 0 */
#define HTTP1_X_REQ_TRUNC (1u << 2)	/* request head not all seen (gap,
					 * over a limit, malformed): fields
					 * hold what came before */
#define HTTP1_X_RESP_TRUNC (1u << 3)	/* the same for the response head */
#define HTTP1_X_REQ_SIZE_UNKNOWN (1u << 4)  /* request framing lost or the
					 * request unfinished: sizes are
					 * lower bounds */
#define HTTP1_X_RESP_SIZE_UNKNOWN (1u << 5) /* response framing lost: sizes
					 * are lower bounds and end_ns is the
					 * last response byte seen */
#define HTTP1_X_RESP_ABORTED (1u << 6)	/* the connection closed inside the
					 * response */
#define HTTP1_X_CLOSE_DELIMITED (1u << 7) /* the body ran to the close */
#define HTTP1_X_METHOD_OTHER (1u << 8)	/* method not known to the semantic
					 * conventions: report "_OTHER" (method
					 * keeps the original) */
#define HTTP1_X_VALUE_TRUNC (1u << 9)	/* a kept string was cut */
#define HTTP1_X_INTERIM (1u << 10)	/* 1xx interim response(s) came first */
#define HTTP1_X_UPGRADED (1u << 11)	/* 101, or 2xx to CONNECT: the
					 * connection left HTTP/1 after this */

/* One request and its final response. Strings are NUL-terminated,
 * printable ASCII (bytes >= 0x80 in path/query percent-encoded, in header
 * values replaced by '?'). Timestamps are the caller's syscall times;
 * 0 when not seen. */
struct http1_exchange {
	uint64_t conn_id;
	uint64_t start_ns;	/* syscall with the request's first byte
				 * (without a request: the response's) */
	uint64_t req_end_ns;	/* ... with its last byte */
	uint64_t resp_start_ns;	/* the first response byte (1xx included) */
	uint64_t end_ns;	/* the final response's last byte; without a
				 * response: when it was given up */
	uint32_t flags;		/* HTTP1_X_* */
	uint16_t status;	/* final status; 0 without a response */
	int8_t req_minor;	/* HTTP/1.<minor>; -1 unknown */
	int8_t resp_minor;
	/* Sizes on the wire, gaps included: whole message (start line,
	 * fields, body), and body alone (chunk framing and trailers
	 * included). Content-Length as declared, -1 when absent. */
	uint64_t req_bytes, req_body_bytes;
	uint64_t resp_bytes, resp_body_bytes;
	int64_t req_content_length, resp_content_length;
	enum http1_tp_state tp_state;
	struct http1_traceparent tp;
	uint8_t has_query;	/* the target had a '?' */
	char method[HTTP1_METHOD_MAX];
	char path[HTTP1_PATH_MAX];	/* absolute-form targets: path only */
	char query[HTTP1_QUERY_MAX];	/* without '?'; values "REDACTED" */
	char host[HTTP1_HOST_MAX];	/* Host, or an absolute-form authority */
	char user_agent[HTTP1_UA_MAX];
	char tracestate[HTTP1_TRACESTATE_MAX]; /* verbatim; several headers
				 * joined by ','; cut at a list-member */
};

/* Counters every connection adds to (all monotonic). */
struct http1_stats {
	uint64_t exchanges;	/* reported, any flags */
	uint64_t no_request;	/* ... of which HTTP1_X_NO_REQUEST */
	uint64_t no_response;	/* ... of which HTTP1_X_NO_RESPONSE */
	uint64_t sync_lost;	/* framing lost (gap or malformed) */
	uint64_t resyncs;	/* framing found again at a syscall start */
	uint64_t probe_misses;	/* syscalls not starting HTTP on connections
				 * that had not shown any yet */
	uint64_t skipped;	/* syscalls passed over while the framing was
				 * unknown (not starting a message) */
	uint64_t gap_bytes;	/* bytes fed as not captured */
	uint64_t not_http;	/* connections given up as not HTTP/1 */
	uint64_t upgraded;	/* connections that left HTTP/1 */
	uint64_t queue_full;	/* requests that found the queue full: their
				 * responses come as HTTP1_X_NO_REQUEST, or
				 * they are dropped at the close */
	uint64_t late;		/* responses to requests already reported
				 * as aged out (not reported again) */
	uint64_t evicted;	/* table: connections pushed out when full */
	uint64_t unpaired;	/* responses not paired: pipelined requests
				 * whose order a loss left unknown (each such
				 * request was reported HTTP1_X_NO_RESPONSE) */
};

struct http1_opts {
	/* Called for every exchange; `x` is valid during the call only. */
	void (*on_exchange)(void *arg, const struct http1_exchange *x);
	/* Optional: a request's head is over (parsed or cut short) and it
	 * waits for its response, in the queue: `x` holds the request's
	 * fields (valid during the call only). Called once for each request
	 * later reported with its fields (not HTTP1_X_NO_REQUEST), before
	 * that report. What a tracer needs to know while the request is in
	 * progress: its trace context, the thread that handles it. */
	void (*on_request)(void *arg, const struct http1_exchange *x);
	void *arg;
	struct http1_stats *stats;	/* optional */
	int raw_query;		/* keep query values (default: redacted) */
	/* A request whose response has not begun after this long is
	 * reported HTTP1_X_NO_RESPONSE by a tick (0: 120 s). */
	uint64_t max_wait_ns;
	/* A response whose framing was lost ends at its last byte once
	 * nothing came for this long (0: 2 s); the next request on the
	 * connection, a new response or the close end it sooner. */
	uint64_t quiet_ns;
	/* Table only: most connections kept (0: 1024), and how long a
	 * connection may stay silent before it is dropped (0: 600 s). */
	unsigned max_conns;
	uint64_t idle_ns;
};

/* ---- one connection (caller-owned, fixed size, no allocation) -------- */

struct http1_conn;	/* defined below: size known for embedding */

/* Start a connection. `o` must outlive it (it is shared, not copied). */
void http1_conn_init(struct http1_conn *c, uint64_t id, enum http1_role role,
		     const struct http1_opts *o);
/* One syscall's bytes: `total` transferred at `ts_ns`, the first `cap` of
 * them in `data`. Returns HTTP1_MORE, HTTP1_DONE, or -EINVAL (cap > total,
 * or no data for cap > 0). */
int http1_conn_feed(struct http1_conn *c, enum http1_dir dir, uint64_t ts_ns,
		    const void *data, size_t cap, uint64_t total);
/* The connection closed at `ts_ns`: a response running to the close ends,
 * every request still waiting is reported HTTP1_X_NO_RESPONSE. */
void http1_conn_close(struct http1_conn *c, uint64_t ts_ns);
/* Time passes (`now_ns` on the feed's clock): responses with lost framing
 * that went quiet end; requests waiting too long are reported. */
void http1_conn_tick(struct http1_conn *c, uint64_t now_ns);
/* HTTP1_DONE when the connection is finished with, else HTTP1_MORE. */
int http1_conn_state(const struct http1_conn *c);

/* ---- a bounded table of connections by id -------------------------- */

struct http1_table;

int http1_table_new(struct http1_table **out, const struct http1_opts *o);
/* Closes every connection (reporting what waits) and frees the table. */
void http1_table_free(struct http1_table *t, uint64_t now_ns);
/* As http1_conn_feed, for connection `id`, created with `role` when new.
 * When the table is full, the least recently fed connection is closed
 * and dropped to make room (http1_stats.evicted). -ENOMEM when a new
 * connection cannot be allocated. */
int http1_table_feed(struct http1_table *t, uint64_t id, enum http1_role role,
		     enum http1_dir dir, uint64_t ts_ns, const void *data,
		     size_t cap, uint64_t total);
/* Connection `id` closed: http1_conn_close, then forgotten. */
void http1_table_close(struct http1_table *t, uint64_t id, uint64_t ts_ns);
/* http1_conn_tick for each; connections idle past idle_ns are closed
 * and forgotten. Call about once a second. */
void http1_table_tick(struct http1_table *t, uint64_t now_ns);
/* Connections held: all, and those being parsed (the rest are small
 * records of connections found not to be HTTP/1). */
void http1_table_count(const struct http1_table *t, size_t *all, size_t *parsing);

/* ---- pure helpers ------------------------------------------------------ */

/* 1 when `m` (length n) is a method the semantic conventions know
 * (RFC 9110's, PATCH, QUERY); case-sensitive. */
int http1_method_known(const char *m, size_t n);
/* traceparent header value (OWS around it trimmed) per W3C Trace
 * Context: 0, or -EINVAL when invalid (an answer, not an error: no
 * err_set message). */
int http1_traceparent_parse(const char *s, size_t n, struct http1_traceparent *tp);
/* Version-00 form "00-<32 hex>-<16 hex>-<2 hex>" into out (56 bytes with
 * the NUL); returns 55, or -EINVAL (no message) when an id is all zeros
 * or out is too small. */
int http1_traceparent_format(const struct http1_traceparent *tp, char *out,
			     size_t size);
/* url.query redaction: every parameter value becomes "REDACTED", keys and
 * separators stay ("a=1&b&c=2" -> "a=REDACTED&b&c=REDACTED"). Writes at
 * most size-1 bytes and a NUL; returns the full length it needed. */
size_t http1_query_redact(const char *q, size_t n, char *out, size_t size);

/* ---- http.route without the application's help ------------------------ */

/* Segments replaced by HTTP1_ROUTE_ID: decimal numbers; numbers with
 * separators (2024-01-05, 1.2.3: digits and . - _ : , with a digit);
 * UUIDs (8-4-4-4-12 hex); hex strings of HTTP1_ROUTE_HEX_MIN or more
 * characters. Everything else stays; bytes outside 0x21-0x7e are
 * percent-encoded; the result is cut at HTTP1_ROUTE_MAX - 1 bytes. */
#define HTTP1_ROUTE_ID "{id}"
#define HTTP1_ROUTE_HEX_MIN 16
#define HTTP1_ROUTE_MAX 256
/* What every route past the cap becomes. */
#define HTTP1_ROUTE_OTHER "/*"
#define HTTP1_ROUTES_DEFAULT 100
#define HTTP1_PATTERNS_MAX 64

/* `path` (length n, no query) with id-like segments replaced; writes at
 * most size-1 bytes and a NUL, returns the length written. */
size_t http1_route_normalize(const char *path, size_t n, char *out, size_t size);
/* 1 when `path` matches `pattern`: literal segments compare exactly, a
 * "{name}" segment matches one non-empty segment, a final "*" segment
 * matches the rest (empty included). */
int http1_route_match(const char *pattern, const char *path, size_t n);

/* Per service: user patterns first (in the order added), then the
 * normalised path, counted against a cap on distinct routes. */
struct http1_routes;
int http1_routes_new(struct http1_routes **out, unsigned max_routes);
void http1_routes_free(struct http1_routes *r);
/* A pattern must start with '/'; -EINVAL when malformed, -ENOSPC past
 * HTTP1_PATTERNS_MAX. */
int http1_routes_add(struct http1_routes *r, const char *pattern);
/* The route for `path` into out (HTTP1_ROUTE_MAX bytes suffice); returns
 * its length. Once max_routes distinct normalised routes have been seen,
 * any other becomes HTTP1_ROUTE_OTHER. */
size_t http1_route(struct http1_routes *r, const char *path, size_t n,
		   char *out, size_t size);
/* Distinct normalised routes held (patterns not counted). */
unsigned http1_routes_count(const struct http1_routes *r);

/* ---- the connection's layout (internal: read only http1_conn_state) --- */

/* One direction's parser. */
struct http1_side {
	uint8_t state;
	uint8_t is_req;		/* this direction carries requests */
	uint8_t synced;		/* a start line parsed here: resync strictly */
	uint8_t active;		/* a message is in progress */
	uint8_t in_head;	/* ... and its head is not over */
	uint8_t committed;	/* request: queued (or counted past the queue) */
	uint8_t has_slot;	/* request: fields go to q[seq % HTTP1_PIPELINE] */
	uint8_t mid;		/* request: method id (HEAD, CONNECT, other) */
	uint8_t orphan;		/* response: no request waited when it began */
	uint8_t hdr;		/* the field being read */
	uint8_t trailers;	/* field states read a trailer section */
	uint8_t pos;		/* index in a fixed token (version, status) */
	uint8_t cr;		/* a CR ended the line; LF must follow */
	uint8_t newline;	/* a line just ended */
	uint8_t name_len, val_len, sp;	/* field name, scratch value, OWS */
	uint8_t in_value, in_query, q_in_val;
	uint8_t te_seen, te_chunked, tp_seen, host_seen, ua_seen;
	uint8_t ts_over, ts_join, chunk_digits, method_len;
	int8_t minor;
	uint16_t status;
	uint16_t fields;
	uint16_t path_len, query_len, host_len, ua_len, ts_len, ts_mark;
	uint32_t line_len, head_len;
	uint32_t flags;		/* HTTP1_X_* of this message */
	uint32_t val_total;
	int64_t clen;
	uint64_t remain;
	uint64_t msg_bytes, head_bytes;
	uint64_t start_ns, last_ns;
	uint64_t seq;		/* request: its queue sequence number */
	char name[20];
	char val[64];
};

struct http1_conn {
	uint64_t id;
	const struct http1_opts *o;
	uint8_t role;
	uint8_t done;		/* HTTP1_DONE */
	uint8_t seen_http;	/* a valid head parsed on this connection */
	uint8_t misses;		/* syscalls that began with non-HTTP bytes */
	uint8_t interim;	/* the answered request had a 1xx */
	uint8_t unpaired;	/* pipelined order lost: not pairing */
	/* Requests that found the queue full keep their place in line as
	 * counts: skip[i] of them come before q[i], `overflow` after the
	 * last queued one. */
	uint32_t overflow;
	uint32_t skip[HTTP1_PIPELINE];
	uint64_t head_seq, tail_seq;	/* queue: [head, tail) committed */
	uint8_t reported[HTTP1_PIPELINE];	/* aged out, already reported */
	uint8_t mid[HTTP1_PIPELINE];	/* the queued requests' method ids */
	struct http1_side req, resp;
	struct http1_exchange q[HTTP1_PIPELINE];
};

#endif
