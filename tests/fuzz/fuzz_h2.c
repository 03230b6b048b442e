/* libFuzzer target for the HTTP/2 parser (user/proto/h2_*.c, with HPACK).
 * The input is a connection's syscalls:
 *   byte 0: bit 0 client role
 *   then records: ctrl, gap, data. ctrl bit 7 is the direction, the low
 *   7 bits the captured length (0-119), or 120: a tick, 121: the close;
 *   gap picks how many unseen bytes follow (0, 1, 2, 3, 5, 9, 100, 4096,
 *   65536, 2 MB, ...).
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

static void str_ok(const char *s, size_t size, const struct h2_exchange *x)
{
	const char *nul = memchr(s, 0, size);

	if (!nul)
		die("string not terminated", x);
	for (; s < nul; s++)
		if ((unsigned char)*s < 0x20 || (unsigned char)*s > 0x7e)
			die("string not printable ASCII", x);
}

static void on_x(void *arg, const struct h2_exchange *x)
{
	struct run *r = arg;

	str_ok(x->method, sizeof(x->method), x);
	str_ok(x->scheme, sizeof(x->scheme), x);
	str_ok(x->authority, sizeof(x->authority), x);
	str_ok(x->path, sizeof(x->path), x);
	str_ok(x->content_type, sizeof(x->content_type), x);
	str_ok(x->grpc_message, sizeof(x->grpc_message), x);
	str_ok(x->user_agent, sizeof(x->user_agent), x);
	str_ok(x->tracestate, sizeof(x->tracestate), x);
	if (x->status && (x->status < 100 || x->status > 999))
		die("status out of range", x);
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

static uint64_t gap_of(uint8_t g)
{
	static const uint64_t gaps[] = {
		0, 0, 0, 0, 0, 0, 0, 0, 1, 2, 3, 5, 9, 100, 4096, 65536, 2u << 20,
	};

	return gaps[g % (sizeof(gaps) / sizeof(gaps[0]))];
}

static _Alignas(16) uint8_t conn[1 << 17];

static void feed(enum proto_dir dir, uint64_t ts, const uint8_t *p, size_t n, uint64_t total)
{
	if (proto_http2.feed(conn, dir, ts, p, n, total) < 0)
		die("feed refused valid arguments", NULL);
}

static void run(const uint8_t *d, size_t n, int bytewise, struct run *r)
{
	struct proto_opts o = { .on_h2 = on_x, .arg = r, .stats = &r->st, .max_wait_ns = 200 };
	enum proto_role role = n && (d[0] & 1) ? PROTO_CLIENT : PROTO_SERVER;
	uint64_t ts = 0;
	size_t i = 1;

	memset(r, 0, sizeof(*r));
	memset(conn, 0, proto_http2.conn_size);
	proto_http2.init(conn, 1, role, &o);
	while (i + 2 <= n) {
		uint8_t ctrl = d[i], len = ctrl & 0x7f;
		uint64_t gap = gap_of(d[i + 1]);
		enum proto_dir dir = ctrl & 0x80 ? PROTO_SEND : PROTO_RECV;

		i += 2;
		ts += 10;
		if (len == 120 || len == 121) {
			if (len == 120)
				proto_http2.tick(conn, ts);
			else
				proto_http2.close(conn, ts);
			continue;
		}
		if (len > 119)
			len = 119;
		if (len > n - i)
			len = (uint8_t)(n - i);
		if (bytewise && len > 1) {
			for (uint8_t k = 0; k < len; k++)
				feed(dir, ts, d + i + k, 1, 1 + (k + 1 == len ? gap : 0));
		} else {
			feed(dir, ts, d + i, len, len + gap);
		}
		i += len;
	}
	proto_http2.close(conn, ts + 1);
	r->lost = r->st.sync_lost || r->st.skipped;
}

static int same(const struct h2_exchange *a, const struct h2_exchange *b)
{
	return !memcmp(a, b, sizeof(*a));
}

static struct run whole, split;

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	if (proto_http2.conn_size > sizeof(conn))
		die("connection larger than the buffer", NULL);
	run(data, size, 0, &whole);
	run(data, size, 1, &split);
	int k = whole.n_clean < split.n_clean ? whole.n_clean : split.n_clean;

	for (int i = 0; i < k && i < MAXX; i++) {
		if (!whole.clean[i] || !split.clean[i])
			break;
		if (!same(&whole.x[i], &split.x[i]))
			die("a byte per syscall gave another exchange", &split.x[i]);
	}
	if (!whole.lost && !split.lost && whole.n != split.n)
		die("a byte per syscall gave another number of exchanges", NULL);
	if (size > 3)
		(void)proto_http2.detect(data[0] & 1, data[1] & 1, data + 2, size - 2, size - 2);
	return 0;
}
