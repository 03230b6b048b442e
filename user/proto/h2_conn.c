/* The HTTP/2 parser of the protocol layer (rawtel/proto.h): detection,
 * a connection's life (init, feed, tick, close), and the start after an
 * h2c Upgrade. */
#include <errno.h>
#include <string.h>

#include "h2_int.h"

static void h2_init(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o)
{
	struct h2_conn *c = conn;

	memset(c, 0, offsetof(struct h2_conn, side));
	c->id = id;
	c->role = role;
	c->o = o;
	for (int d = 0; d < 2; d++) {
		struct h2_side *s = &c->side[d];

		memset(s, 0, offsetof(struct h2_side, hp));
		s->max_frame = H2_FRAME_DEFAULT;
		hpack_init(&s->hp);
	}
	for (int i = 0; i < H2_STREAMS; i++)
		c->st[i].used = 0;
}

static int h2_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data, size_t cap,
		   uint64_t total)
{
	struct h2_conn *c = conn;

	if (cap > total || (cap && !data) || (dir != PROTO_RECV && dir != PROTO_SEND))
		return -EINVAL;
	if (c->done)
		return PROTO_DONE;
	c->now = ts;
	h2_side_bytes(c, dir, data, cap);
	h2_side_gap(c, dir, total - cap);
	if (c->done) {
		h2_stat(c, given_up, 1);
		return PROTO_DONE;
	}
	return PROTO_MORE;
}

static void h2_close(void *conn, uint64_t ts)
{
	struct h2_conn *c = conn;

	c->now = ts;
	for (int i = 0; i < H2_STREAMS; i++)
		if (c->st[i].used)
			h2_stream_report(c, &c->st[i], H2_X_CLOSED |
					 (c->st[i].resp_begun ? H2_X_RESP_OPEN : 0));
	h2_unseen_end(c);
}

static void h2_tick(void *conn, uint64_t now)
{
	struct h2_conn *c = conn;
	uint64_t wait = c->o && c->o->max_wait_ns ? c->o->max_wait_ns : 120000000000ull;

	for (int i = 0; i < H2_STREAMS; i++) {
		struct h2_stream *s = &c->st[i];

		if (s->used && now > s->last_ns && now - s->last_ns > wait) {
			c->now = now;
			h2_stream_report(c, s, H2_X_AGED | (s->resp_begun ? H2_X_RESP_OPEN : 0));
		}
	}
}

/* The client preface (a prefix of it when short) in the client's
 * direction, a server's first SETTINGS in the other; plausible frames
 * (a connection joined mid-stream) are a maybe. */
static int h2_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p, size_t cap,
		     uint64_t total)
{
	size_t k = cap < H2_PREFACE_LEN ? cap : H2_PREFACE_LEN;
	int client_dir = role == PROTO_SERVER ? dir == PROTO_RECV : dir == PROTO_SEND;

	(void)total;
	if (cap >= 4 && !memcmp(p, H2_PREFACE, k))
		return k == H2_PREFACE_LEN && client_dir ? PROTO_YES : PROTO_MAYBE;
	if (!h2_plausible(p, cap, H2_FRAME_DEFAULT))
		return PROTO_NO;
	if (!client_dir && p[3] == H2_SETTINGS && !p[4]) {
		size_t len = (size_t)p[0] << 16 | (size_t)p[1] << 8 | p[2];

		/* whole, with only the settings RFC 9113 defines (1-6) and
		 * the extensions 8 and 9 */
		for (size_t i = 9; i + 6 <= 9 + len; i += 6)
			if (i + 6 > cap || p[i] || !p[i + 1] || p[i + 1] > 9 || p[i + 1] == 7)
				return PROTO_MAYBE;
		return PROTO_YES;
	}
	return PROTO_MAYBE;
}

void h2_conn_upgraded(void *conn, uint64_t id, enum proto_role role,
		      const struct proto_opts *o, const struct h2_upgrade *u)
{
	struct h2_conn *c = conn;
	struct h2_stream *s;

	h2_init(conn, id, role, o);
	c->now = u ? u->start_ns : 0;
	c->last_sid = c->first_sid = 1;
	s = h2_stream_new(c, 1, 0);
	if (!s || !u)
		return;
	s->req_done = 1;
	s->req_told = 1;	/* the HTTP/1 parser told its request */
	s->x.req_end_ns = u->req_end_ns;
	s->x.flags |= H2_X_UPGRADED;
	h2_copy(s->x.method, sizeof(s->x.method), u->method ? u->method : "",
		u->method ? strlen(u->method) : 0, &s->x.flags);
	h2_copy(s->x.path, sizeof(s->x.path), u->path ? u->path : "",
		u->path ? strlen(u->path) : 0, &s->x.flags);
	h2_copy(s->x.authority, sizeof(s->x.authority), u->authority ? u->authority : "",
		u->authority ? strlen(u->authority) : 0, &s->x.flags);
	h2_copy(s->x.user_agent, sizeof(s->x.user_agent), u->user_agent ? u->user_agent : "",
		u->user_agent ? strlen(u->user_agent) : 0, &s->x.flags);
	h2_copy(s->x.tracestate, sizeof(s->x.tracestate), u->tracestate ? u->tracestate : "",
		u->tracestate ? strlen(u->tracestate) : 0, &s->x.flags);
	h2_copy(s->x.scheme, sizeof(s->x.scheme), "http", 4, &s->x.flags);
	s->x.tp_state = u->tp_state;
	s->x.tp = u->tp;
}

const struct proto_parser proto_http2 = {
	.name = "http2",
	.id = PROTO_HTTP2,
	.conn_size = sizeof(struct h2_conn),
	.ports = { 50051, 0 },
	.detect = h2_detect,
	.init = h2_init,
	.feed = h2_feed,
	.close = h2_close,
	.tick = h2_tick,
};
