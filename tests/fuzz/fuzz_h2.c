/* libFuzzer target for the HTTP/2 parser (user/proto/h2_*.c, with HPACK).
 * The input is a connection's syscalls:
 *   byte 0: bit 0 client role
 *   then records: ctrl, gap, data. ctrl bit 7 is the direction, the low
 *   7 bits the captured length (0-119), or 120: a tick, 121: the close;
 *   gap picks how many unseen bytes follow (fuzz_feed.h: 0, 1, 2, 3, 5, 8,
 *   100, 4096, 65536, 2 MB).
 * Checked: no crash or sanitizer report; every exchange is sane (strings
 * terminated and printable, status 0 or 100-999, known flags, times
 * ordered); fed again with every captured byte in a syscall of its own,
 * the connection gives the same exchanges up to the first time framing
 * was lost or a syscall passed over (where syscalls start matters after
 * that: it is where frames are looked for); detect() never says yes to
 * bytes that feed() would not take. */
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/h2.h"
#include "fuzz_feed.h"

#define MAXX 64

struct run {
	int n, n_clean;
	int lost;
	struct proto_stats st;
	struct h2_exchange x[MAXX];
	int clean[MAXX];
};

static void die(const char *why, const struct h2_exchange *x)
{
	fprintf(stderr, "fuzz_h2: %s", why);
	if (x)
		fprintf(stderr, " (stream %u flags %#x status %u)", x->stream_id, x->flags,
			x->status);
	fprintf(stderr, "\n");
	abort();
}

/* The exchange's strings, each checked for its NUL and printable bytes. */
#define STR(field) FUZZ_STR(struct h2_exchange, field)
static const struct fuzz_str strs[] = {
	STR(method), STR(scheme), STR(authority), STR(path), STR(content_type), STR(grpc_message),
	STR(user_agent), STR(tracestate),
};

static void on_x(void *arg, const struct h2_exchange *x)
{
	struct run *r = arg;
	const char *why = fuzz_http_bad(x, strs, sizeof(strs) / sizeof(strs[0]), x->status);

	if (why)
		die(why, x);
	if (x->grpc_status < -1 || x->grpc_status > 999)
		die("grpc-status out of range", x);
	if (x->flags >> 16)
		die("unknown flag", x);
	if (!x->stream_id || !(x->stream_id & 1))
		die("not a client stream", x);
	if (x->start_ns > x->end_ns || (x->resp_start_ns && x->resp_start_ns > x->end_ns))
		die("timestamps out of order", x);
	if ((x->flags & H2_X_NO_RESPONSE) && x->status)
		die("status without a response", x);
	if (r->n < MAXX) {
		r->x[r->n] = *x;
		r->clean[r->n] = !r->st.sync_lost && !r->st.skipped;
		r->n_clean += r->clean[r->n];
	}
	r->n++;
}

static _Alignas(16) uint8_t conn[1 << 17];

static int feed(void *c, const struct fuzz_rec *r, const uint8_t *p, size_t cap, uint64_t total)
{
	enum proto_dir dir = r->ctrl & 0x80 ? PROTO_SEND : PROTO_RECV;

	return proto_http2.feed(c, dir, r->ts, p, cap, total);
}

static void run(const uint8_t *d, size_t n, int bytewise, struct run *r)
{
	struct proto_opts o = { .on_h2 = on_x, .arg = r, .stats = &r->st, .max_wait_ns = 200 };
	enum proto_role role = n && (d[0] & 1) ? PROTO_CLIENT : PROTO_SERVER;
	struct fuzz_in in = { .d = d, .n = n, .i = 1, .gap_max = 2u << 20 };
	struct fuzz_rec rec;
	int kind;

	memset(r, 0, sizeof(*r));
	memset(conn, 0, proto_http2.conn_size);
	proto_http2.init(conn, 1, role, &o);
	while ((kind = fuzz_next(&in, &rec)) >= 0) {
		if (kind == FUZZ_TICK)
			proto_http2.tick(conn, rec.ts);
		else if (kind == FUZZ_CLOSE)
			proto_http2.close(conn, rec.ts);
		else if (fuzz_split(&rec, bytewise, feed, conn) < 0)
			die("feed refused valid arguments", NULL);
	}
	proto_http2.close(conn, in.ts + 1);
	r->lost = r->st.sync_lost || r->st.skipped;
}

static int same(const void *a, const void *b)
{
	return !memcmp(a, b, sizeof(struct h2_exchange));
}

static struct run whole, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (proto_http2.conn_size > sizeof(conn))
		die("connection larger than the buffer", NULL);
	run(data, size, 0, &whole);
	run(data, size, 1, &split);
	FUZZ_RUNS_AGREE(whole, split, MAXX, same, die);
	if (size > 3)
		(void)proto_http2.detect(data[0] & 1, data[1] & 1, data + 2, size - 2, size - 2);
	return 0;
}
