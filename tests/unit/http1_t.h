/* Helpers for the HTTP/1 parser tests: scripts of syscalls on one
 * connection, the exchanges they produce as one line of text each (so
 * an expectation is a string and a failure shows both), and runners that
 * feed a script whole, split at every byte, or in small pieces. */
#ifndef RAWTEL_HTTP1_T_H
#define RAWTEL_HTTP1_T_H

/* scripts spell only the fields they need */
#pragma GCC diagnostic ignored "-Wmissing-field-initializers"
/* t.h copies compared strings into its message buffer */
#pragma GCC diagnostic ignored "-Wformat-truncation"

#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/http1.h"

/* One syscall: 'q' = the direction carrying requests, 'r' = responses,
 * 'c' = the connection closes, 't' = a tick at `ts`. `gap` unseen bytes
 * follow the `len` captured ones. ts 0: the step's number (from 1). */
struct step {
	char dir;
	const char *data;
	size_t len;	/* 0 without a gap: strlen(data) */
	uint64_t gap;
	uint64_t ts;
};

#define XMAX 64
struct xrec {
	int n;
	char line[XMAX][1024];
	int ret;		/* last feed result */
	int state;		/* http1_conn_state at the end */
};

static const char *const xflag_names[] = {
	"NO_REQUEST", "NO_RESPONSE", "REQ_TRUNC", "RESP_TRUNC",
	"REQ_SIZE?", "RESP_SIZE?", "ABORTED", "CLOSE_DELIM", "OTHER",
	"VALUE_TRUNC", "INTERIM", "UPGRADED",
};

/* One exchange as text: the fields a span needs, in a fixed order. */
static inline void x_fmt(const struct http1_exchange *x, char *b, size_t n)
{
	size_t k;

	k = (size_t)snprintf(b, n, "%s %s%s%s %u %d/%d host=%s ua=%s "
			     "req=%" PRIu64 "/%" PRIu64 " resp=%" PRIu64 "/%" PRIu64
			     " cl=%" PRId64 "/%" PRId64 " t=%" PRIu64 ",%" PRIu64
			     ",%" PRIu64 ",%" PRIu64,
			     x->method[0] ? x->method : "-", x->path,
			     x->has_query ? "?" : "", x->query, x->status,
			     x->req_minor, x->resp_minor, x->host, x->user_agent,
			     x->req_bytes, x->req_body_bytes, x->resp_bytes,
			     x->resp_body_bytes, x->req_content_length,
			     x->resp_content_length, x->start_ns, x->req_end_ns,
			     x->resp_start_ns, x->end_ns);
	if (k < n && x->tp_state != HTTP1_TP_ABSENT) {
		char tp[64] = "invalid";

		if (x->tp_state == HTTP1_TP_VALID)
			http1_traceparent_format(&x->tp, tp, sizeof(tp));
		k += (size_t)snprintf(b + k, n - k, " tp=%s", tp);
	}
	if (k < n && x->tracestate[0])
		k += (size_t)snprintf(b + k, n - k, " ts=%s", x->tracestate);
	for (int i = 0; i < 12 && k < n; i++)
		if (x->flags & (1u << i))
			k += (size_t)snprintf(b + k, n - k, " %s", xflag_names[i]);
}

static inline void x_record(void *arg, const struct http1_exchange *x)
{
	struct xrec *r = arg;

	if (r->n < XMAX)
		x_fmt(x, r->line[r->n], sizeof(r->line[0]));
	r->n++;
}

static inline size_t step_len(const struct step *s)
{
	if (s->len || s->gap || !s->data)
		return s->len;
	return strlen(s->data);
}

/* Feed one step's bytes as syscalls of at most `piece` bytes (0: one),
 * every syscall carrying the step's timestamp; the gap goes with the
 * last. `at`, when not 0, splits once there instead. */
static inline void step_feed(struct http1_conn *c, int role, const struct step *s,
			     uint64_t ts, size_t piece, size_t at, struct xrec *r)
{
	size_t len = step_len(s);
	int recv = (s->dir == 'q') == (role == HTTP1_SERVER);
	enum http1_dir dir = recv ? HTTP1_RECV : HTTP1_SEND;

	if (s->dir == 'c') {
		http1_conn_close(c, ts);
		return;
	}
	if (s->dir == 't') {
		http1_conn_tick(c, ts);
		return;
	}
	if (at && at < len) {
		r->ret = http1_conn_feed(c, dir, ts, s->data, at, at);
		r->ret = http1_conn_feed(c, dir, ts, s->data + at, len - at,
					 len - at + s->gap);
		return;
	}
	if (!piece || piece >= len) {
		r->ret = http1_conn_feed(c, dir, ts, s->data, len, len + s->gap);
		return;
	}
	for (size_t off = 0; off < len; off += piece) {
		size_t k = len - off < piece ? len - off : piece;
		uint64_t g = off + k == len ? s->gap : 0;

		r->ret = http1_conn_feed(c, dir, ts, s->data + off, k, k + g);
	}
}

/* Run a script; split: step `split_step` at byte `split_at`, or every
 * step in pieces of `piece` bytes. */
static inline void script_run(const struct step *st, size_t n, int role,
			      const struct http1_opts *base, size_t piece,
			      size_t split_step, size_t split_at, struct xrec *r)
{
	static struct http1_conn c;
	struct http1_opts o = *base;

	memset(r, 0, sizeof(*r));
	o.on_exchange = x_record;
	o.arg = r;
	http1_conn_init(&c, 7, (enum http1_role)role, &o);
	for (size_t i = 0; i < n; i++) {
		uint64_t ts = st[i].ts ? st[i].ts : i + 1;

		step_feed(&c, role, &st[i], ts, piece,
			  i == split_step ? split_at : 0, r);
	}
	r->state = http1_conn_state(&c);
}

/* Compare two runs; on a difference, says which line. */
static inline int xrec_same(const struct xrec *a, const struct xrec *b,
			    char *why, size_t n)
{
	if (a->n != b->n) {
		snprintf(why, n, "%d exchanges vs %d (first: %.300s)", a->n, b->n,
			 b->n ? b->line[0] : "none");
		return 0;
	}
	for (int i = 0; i < a->n && i < XMAX; i++) {
		if (strcmp(a->line[i], b->line[i])) {
			snprintf(why, n, "exchange %d: '%.400s' vs '%.400s'", i,
				 a->line[i], b->line[i]);
			return 0;
		}
	}
	if (a->ret != b->ret || a->state != b->state) {
		snprintf(why, n, "feed result %d vs %d, state %d vs %d", a->ret,
			 b->ret, a->state, b->state);
		return 0;
	}
	return 1;
}

#endif
