/* libFuzzer target for the HTTP/1 parser of observed sockets
 * (user/proto/http1_*.c). The input is a connection's syscalls
 * (fuzz_feed.h; byte 0: bit 0 the client role, bit 1 raw query; the
 * largest gap 2 MB).
 * Checked: no crash or sanitizer report; every exchange is sane (strings
 * terminated and printable, status 0 or 100-999, sizes consistent,
 * timestamps ordered); fed again with every captured byte in a syscall
 * of its own, the connection gives the same exchanges up to the first
 * time its framing was lost or a syscall was passed over (after that,
 * where syscalls start matters: that is where messages are looked for);
 * a table of two connections
 * fed the same records never holds more than two. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/http1.h"
#include "fuzz_feed.h"

#define MAXX 64

struct run {
	int n, n_clean;
	int lost;		/* framing lost or a probe missed, by the end */
	struct http1_stats st;
	struct http1_exchange x[MAXX];
	int clean[MAXX];	/* reported before any framing loss */
};

/* An invariant broke: say which, then stop (libFuzzer keeps the input). */
static void die(const char *why, const struct http1_exchange *x)
{
	fprintf(stderr, "fuzz_http1: %s", why);
	if (x)
		fprintf(stderr, " (flags %#x status %u times %llu %llu %llu %llu)", x->flags,
			x->status, (unsigned long long)x->start_ns,
			(unsigned long long)x->req_end_ns, (unsigned long long)x->resp_start_ns,
			(unsigned long long)x->end_ns);
	fprintf(stderr, "\n");
	abort();
}

/* The exchange's strings, each checked for its NUL and printable bytes. */
#define STR(field) FUZZ_STR(struct http1_exchange, field)
static const struct fuzz_str strs[] = {
	STR(method), STR(path), STR(query), STR(host), STR(user_agent), STR(tracestate),
};

static void on_x(void *arg, const struct http1_exchange *x)
{
	struct run *r = arg;
	const char *why = fuzz_http_bad(x, strs, sizeof(strs) / sizeof(strs[0]), x->status);

	if (why)
		die(why, x);
	if (x->req_body_bytes > x->req_bytes || x->resp_body_bytes > x->resp_bytes)
		die("body larger than its message", x);
	if (x->flags >> 12)
		die("unknown flag", x);
	if (x->start_ns > x->end_ns || (x->resp_start_ns && x->resp_start_ns > x->end_ns) ||
	    (x->resp_start_ns && x->resp_start_ns < x->start_ns))
		die("timestamps out of order", x);
	if (x->tp_state == HTTP1_TP_VALID && x->tp.version == 0xff)
		die("traceparent version ff taken as valid", x);
	if ((x->flags & HTTP1_X_NO_RESPONSE) && x->status)
		die("status without a response", x);
	if (r->n < MAXX) {
		r->x[r->n] = *x;
		r->clean[r->n] = !r->st.sync_lost && !r->st.probe_misses && !r->st.skipped;
		r->n_clean += r->clean[r->n];
	}
	r->n++;
}

static int feed(void *c, const struct fuzz_rec *r, const uint8_t *p, size_t cap, uint64_t total)
{
	enum http1_dir dir = r->ctrl & 0x80 ? HTTP1_SEND : HTTP1_RECV;

	return http1_conn_feed(c, dir, r->ts, p, cap, total);
}

/* The record also to a table of two connections, which must stay within
 * its bound. */
static void table_feed(struct http1_table *t, const struct fuzz_rec *r, enum http1_role role)
{
	enum http1_dir dir = r->ctrl & 0x80 ? HTTP1_SEND : HTTP1_RECV;
	size_t all, parsing;

	if (http1_table_feed(t, (r->ctrl >> 3) & 1, role, dir, r->ts, r->p, r->len,
			     r->len + r->gap) < 0)
		die("table feed failed", NULL);
	http1_table_count(t, &all, &parsing);
	if (all > 2 || parsing > all)
		die("table over its bound", NULL);
}

/* Feed the records; `bytewise`: each captured byte a syscall. */
static void run(const uint8_t *d, size_t n, int bytewise, struct run *r,
		struct http1_table *t)
{
	static struct http1_conn c;
	struct http1_opts o = { .on_exchange = on_x, .arg = r, .stats = &r->st,
				.raw_query = n && (d[0] & 2), .quiet_ns = 35,
				.max_wait_ns = 200 };
	enum http1_role role = n && (d[0] & 1) ? HTTP1_CLIENT : HTTP1_SERVER;
	struct fuzz_in in = { .d = d, .n = n, .i = 1, .gap_max = 2u << 20 };
	struct fuzz_rec rec;
	int kind;

	memset(r, 0, sizeof(*r));
	http1_conn_init(&c, 1, role, &o);
	while ((kind = fuzz_next(&in, &rec)) >= 0) {
		if (kind == FUZZ_TICK) {
			http1_conn_tick(&c, rec.ts);
			if (t)
				http1_table_tick(t, rec.ts);
			continue;
		}
		if (kind == FUZZ_CLOSE) {
			http1_conn_close(&c, rec.ts);
			if (t)
				http1_table_close(t, rec.gap & 1, rec.ts);
			continue;
		}
		if (fuzz_split(&rec, bytewise, feed, &c) < 0)
			die("feed refused valid arguments", NULL);
		if (t)
			table_feed(t, &rec, role);
	}
	http1_conn_close(&c, in.ts + 1);
	r->lost = r->st.sync_lost || r->st.probe_misses || r->st.skipped;
}

static int same(const void *pa, const void *pb)
{
	const struct http1_exchange *a = pa, *b = pb;

	return a->start_ns == b->start_ns && a->req_end_ns == b->req_end_ns &&
	       a->resp_start_ns == b->resp_start_ns && a->end_ns == b->end_ns &&
	       a->flags == b->flags && a->status == b->status &&
	       a->req_minor == b->req_minor && a->resp_minor == b->resp_minor &&
	       a->req_bytes == b->req_bytes && a->req_body_bytes == b->req_body_bytes &&
	       a->resp_bytes == b->resp_bytes && a->resp_body_bytes == b->resp_body_bytes &&
	       a->req_content_length == b->req_content_length &&
	       a->resp_content_length == b->resp_content_length &&
	       a->tp_state == b->tp_state && !memcmp(&a->tp, &b->tp, sizeof(a->tp)) &&
	       a->has_query == b->has_query && !strcmp(a->method, b->method) &&
	       !strcmp(a->path, b->path) && !strcmp(a->query, b->query) &&
	       !strcmp(a->host, b->host) && !strcmp(a->user_agent, b->user_agent) &&
	       !strcmp(a->tracestate, b->tracestate);
}

static struct run whole, split, table_run;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct http1_opts to = { .on_exchange = on_x, .arg = &table_run,
				 .stats = &table_run.st, .max_conns = 2 };
	struct http1_table *t = NULL;

	run(data, size, 0, &whole, NULL);
	run(data, size, 1, &split, NULL);
	/* up to the first loss, both runs are the same byte stream */
	FUZZ_RUNS_AGREE(whole, split, MAXX, same, die);
	if (http1_table_new(&t, &to))
		return 0;
	run(data, size, 0, &table_run, t);
	http1_table_free(t, UINT64_MAX);
	return 0;
}
