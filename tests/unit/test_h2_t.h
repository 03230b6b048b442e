/* Helpers of the HTTP/2 tests: conversations recorded by
 * tests/fixtures/h2/relay.py (or written here) fed to proto_http2 in
 * several ways, and its exchanges as text lines. */
#ifndef RAWTEL_TEST_H2_T_H
#define RAWTEL_TEST_H2_T_H

#include "rawtel/h2.h"
#include "test_hpack_t.h"

/* One recv: 'c' client to server, 's' server to client, 'x' the close. */
struct rec {
	char dir;
	size_t n;
	uint8_t *b;
};

struct conv {
	int n;
	struct rec r[256];
};

/* A relay recording (path under RAWTEL_TOP); 0 or -1. */
static inline int conv_load(struct conv *cv, const char *rel)
{
	char *text = t_slurp(rel, NULL), *line, *save;

	memset(cv, 0, sizeof(*cv));
	if (!text)
		return -1;
	for (line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		struct rec *r;
		size_t len = strlen(line);

		if (line[0] == '#')
			continue;
		if (cv->n == 256)
			break;
		r = &cv->r[cv->n++];
		r->dir = line[0];
		r->b = malloc(len / 2 + 1);
		if (!r->b)
			break;
		if (len > 2) {
			long k = t_unhex(line + 2, r->b, len / 2 + 1);

			r->n = k > 0 ? (size_t)k : 0;
		}
	}
	free(text);
	return cv->n ? 0 : -1;
}

struct xlines {
	int n;
	char line[64][512];
	struct h2_exchange x[64];
	struct proto_stats st;
};

static inline void x_text(const struct h2_exchange *x, char *out, size_t size)
{
	snprintf(out, size,
		 "%u %s %s %s %s %u ct=%s grpc=%d/%s ua=%s tp=%d ts=%s "
		 "f=%#x err=%u unk=%u req=%llu/%u resp=%llu/%u",
		 x->stream_id, x->method, x->scheme, x->authority, x->path, x->status,
		 x->content_type, x->grpc_status, x->grpc_message, x->user_agent,
		 (int)x->tp_state, x->tracestate, x->flags, x->error_code, x->unknown_fields,
		 (unsigned long long)x->req_bytes, x->req_msgs,
		 (unsigned long long)x->resp_bytes, x->resp_msgs);
}

static inline void on_h2_x(void *arg, const struct h2_exchange *x)
{
	struct xlines *l = arg;

	if (l->n < 64) {
		x_text(x, l->line[l->n], sizeof(l->line[0]));
		l->x[l->n] = *x;
	}
	l->n++;
}

/* Feed a conversation: `role` the observed side; each recv cut to its
 * first `cap` bytes (the rest a gap); `split` feeds each captured byte as
 * a syscall of its own; records before `from` are not seen. */
static inline void conv_run(const struct conv *cv, enum proto_role role, size_t cap,
			    int split, int from, struct xlines *out)
{
	static _Alignas(16) uint8_t conn[1 << 17];
	struct proto_opts o = { .on_h2 = on_h2_x, .arg = out, .stats = &out->st };
	uint64_t id = 100;	/* + the connection's index in the recording */

	memset(out, 0, sizeof(*out));
	if (proto_http2.conn_size > sizeof(conn))
		abort();
	memset(conn, 0, proto_http2.conn_size);
	proto_http2.init(conn, id, role, &o);
	for (int i = from; i < cv->n; i++) {
		const struct rec *r = &cv->r[i];
		int c2s = r->dir == 'c';
		enum proto_dir dir = (role == PROTO_SERVER) == c2s ? PROTO_RECV : PROTO_SEND;
		size_t k = r->n < cap ? r->n : cap;

		if (r->dir == 'x') {	/* the next connection begins */
			proto_http2.close(conn, (uint64_t)i + 1);
			memset(conn, 0, proto_http2.conn_size);
			proto_http2.init(conn, ++id, role, &o);
			continue;
		}
		if (!split || k < 2) {
			proto_http2.feed(conn, dir, (uint64_t)i + 1, r->b, k, r->n);
			continue;
		}
		for (size_t j = 0; j < k; j++)
			proto_http2.feed(conn, dir, (uint64_t)i + 1, r->b + j, 1,
					 j + 1 == k ? 1 + r->n - k : 1);
	}
	proto_http2.close(conn, 1000);
}

#endif
