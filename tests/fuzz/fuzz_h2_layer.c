/* libFuzzer target for HTTP/2 in the connection layer (user/proto/pconn.c
 * with HTTP/1 and HTTP/2 enabled): detection by preface or first SETTINGS,
 * and the h2c Upgrade handover (a 101 held, the rest of its syscall
 * looked at, stream 1 made from the HTTP/1 request). The input is the
 * record format of fuzz_h2.c (byte 0: bit 0 the client role; then ctrl,
 * gap, data records; ctrl 120 a tick, 121 the close of this connection
 * and the start of the next).
 * Checked: no crash or sanitizer report; every HTTP/2 exchange has
 * terminated strings and a client stream id; an upgraded stream is stream
 * 1; each HTTP/1 101 held is reported at most once (as HTTP/1 or as
 * stream 1, never both). */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rawtel/h2.h"
#include "rawtel/pconn.h"

/* per connection id: 101s reported as HTTP/1's plus upgraded streams */
static uint8_t ups[8192];

static void die(const char *why)
{
	fprintf(stderr, "fuzz_h2_layer: %s\n", why);
	abort();
}

static void on_h1(void *arg, const struct http1_exchange *x)
{
	(void)arg;
	if (!memchr(x->path, 0, sizeof(x->path)) || !memchr(x->method, 0, sizeof(x->method)))
		die("HTTP/1 string not terminated");
	if (x->status == 101 && (x->flags & HTTP1_X_UPGRADED) && ++ups[x->conn_id & 8191] > 1)
		die("a 101 reported twice");
}

static void on_h2(void *arg, const struct h2_exchange *x)
{
	(void)arg;
	if (!memchr(x->path, 0, sizeof(x->path)) || !memchr(x->method, 0, sizeof(x->method)) ||
	    !memchr(x->authority, 0, sizeof(x->authority)))
		die("HTTP/2 string not terminated");
	if (!(x->stream_id & 1))
		die("not a client stream");
	if ((x->flags & H2_X_UPGRADED) && x->stream_id != 1)
		die("an upgraded stream other than 1");
	if ((x->flags & H2_X_UPGRADED) && ++ups[x->conn_id & 8191] > 1)
		die("an upgrade reported twice");
}

static uint64_t gap_of(uint8_t g)
{
	static const uint64_t gaps[] = { 0, 0, 0, 0, 0, 0, 0, 0, 1, 3, 9, 100, 4096, 2u << 20 };

	return gaps[g % (sizeof(gaps) / sizeof(gaps[0]))];
}

int LLVMFuzzerTestOneInput(const uint8_t *d, size_t n)
{
	struct http1_opts ho = { .on_exchange = on_h1 };
	struct pconn_opts o = { .protos = 1u << PROTO_HTTP1 | 1u << PROTO_HTTP2, .http = &ho,
				.max_conns = 4 };
	enum proto_role role = n && (d[0] & 1) ? PROTO_CLIENT : PROTO_SERVER;
	struct pconn *t;
	uint64_t ts = 0, id = 1;
	size_t i = 1;

	o.db.on_h2 = on_h2;
	memset(ups, 0, sizeof(ups));
	if (pconn_new(&t, &o))
		return 0;
	while (i + 2 <= n) {
		uint8_t ctrl = d[i], len = ctrl & 0x7f;
		uint64_t gap = gap_of(d[i + 1]);

		i += 2;
		ts += 10;
		if (len == 120 || len == 121) {
			if (len == 120)
				pconn_tick(t, ts);
			else
				pconn_close(t, id++, ts);
			continue;
		}
		if (len > 119)
			len = 119;
		if (len > n - i)
			len = (uint8_t)(n - i);
		if (pconn_feed(t, id, role, 80, ctrl & 0x80 ? PROTO_SEND : PROTO_RECV, ts, d + i, len,
			       len + gap) == -EINVAL)
			die("feed refused valid arguments");
		i += len;
	}
	pconn_free(t, ts + 1);
	return 0;
}
