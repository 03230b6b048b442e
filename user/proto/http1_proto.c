/* HTTP/1 behind the protocol interface (rawtel/proto.h), for the
 * connection layer: detection from a message start, the rest handed to
 * http1_conn_* with the options in proto_opts.http (its exchanges keep
 * their own type, struct http1_exchange). */
#include "rawtel/http1.h"
#include "rawtel/pconn.h"

#include "http1_int.h"

/* A request line where requests come in, a status line where responses
 * do: sure (a known method and a target, or a status code), or a prefix
 * too short to say. */
static int h1_detect(enum proto_role role, enum proto_dir dir, const uint8_t *data, size_t cap,
		     uint64_t total)
{
	int is_req = (role == PROTO_SERVER) == (dir == PROTO_RECV);

	if (!data || !cap || cap > total)
		return PROTO_NO;
	if (http1_starts_msg(is_req, data, cap, 1))
		return PROTO_YES;
	return http1_starts_msg(is_req, data, cap, 0) ? PROTO_MAYBE : PROTO_NO;
}

static void h1_init(void *conn, uint64_t id, enum proto_role role, const struct proto_opts *o)
{
	http1_conn_init(conn, id, role == PROTO_CLIENT ? HTTP1_CLIENT : HTTP1_SERVER, o->http);
}

static int h1_feed(void *conn, enum proto_dir dir, uint64_t ts_ns, const void *data, size_t cap,
		   uint64_t total)
{
	int r = http1_conn_feed(conn, dir == PROTO_SEND ? HTTP1_SEND : HTTP1_RECV, ts_ns, data, cap,
				total);

	return r == HTTP1_DONE ? PROTO_DONE : r;
}

static void h1_close(void *conn, uint64_t ts_ns)
{
	http1_conn_close(conn, ts_ns);
}

static void h1_tick(void *conn, uint64_t now_ns)
{
	http1_conn_tick(conn, now_ns);
}

const struct proto_parser proto_http1 = {
	.name = "http",
	.id = PROTO_HTTP1,
	.conn_size = sizeof(struct http1_conn),
	.ports = { 80, 8080, 0 },
	.detect = h1_detect,
	.init = h1_init,
	.feed = h1_feed,
	.close = h1_close,
	.tick = h1_tick,
};
