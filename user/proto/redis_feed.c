/* The Redis parser's entry points (rawtel/proto.h): detection, syscalls
 * to the two directions, the close and the clock.
 *
 * Detection: a command array ("*N\r\n$M\r\n") is Redis beyond doubt, so
 * the command direction's first bytes suffice, also on a connection
 * picked up mid-stream (the next syscall that starts a command); inline
 * commands and replies only make it likely (Memcached's "get k\r\n" is a
 * valid inline command too: the port breaks that tie).
 *
 * Syscalls, resynchronisation and giving up: lpf.h, shared with
 * Memcached. */
#include <string.h>

#include "redis_int.h"

static int redis_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p,
			size_t cap, uint64_t total)
{
	int req = lpf_is_req(role, dir);

	(void)total;
	if (!cap)
		return PROTO_NO;
	if (req && p[0] == '*')
		return redis_req_starts(p, cap, 1) ? PROTO_YES
						   : redis_req_starts(p, cap, 0) ? PROTO_MAYBE
										 : PROTO_NO;
	if (req) {
		/* an inline command, but not an HTTP request line */
		for (size_t i = 0; i + 5 < cap && p[i] != '\n'; i++)
			if (!memcmp(p + i, " HTTP/", 6))
				return PROTO_NO;
		return redis_req_starts(p, cap, 1) ? PROTO_MAYBE : PROTO_NO;
	}
	return redis_resp_starts(p, cap, 1) ? PROTO_MAYBE : PROTO_NO;
}

static void redis_init(void *conn, uint64_t id, enum proto_role role,
		       const struct proto_opts *o)
{
	struct redis_conn *c = conn;

	memset(c, 0, sizeof(*c));
	c->id = id;
	c->o = o;
	c->lp.role = (uint8_t)role;
	c->req.state = RS_SEEK;
	c->resp.state = RS_SEEK;
	c->head_seq = c->tail_seq = 1;
	c->lost_seq = REDIS_NO_LOSS;
	c->lp.wait_req = 1;
}

static int tls(const uint8_t *p, size_t cap)
{
	return cap >= 2 && p[0] == 0x16 && p[1] == 0x03;
}

static struct lpf_conn *lp(void *conn)
{
	return &((struct redis_conn *)conn)->lp;
}

static struct lpf_side side(void *conn, int req)
{
	struct redis_conn *c = conn;
	struct redis_side *s = req ? &c->req : &c->resp;

	return (struct lpf_side){ .state = &s->state, .synced = s->synced };
}

static void stat(const void *conn, size_t off, uint64_t n)
{
	redis_stat(conn, off, n);
}

/* replies to commands not seen still come: the new command's reply is
 * somewhere behind them */
static void unpair(void *conn)
{
	struct redis_conn *c = conn;

	redis_conn_flush(c, c->req.last_ns);
}

static const struct lpf_ops ops = {
	.name = "Redis",
	.dead = RS_DEAD,
	.alien = tls,
	.lp = lp,
	.side = side,
	.stat = stat,
	.req = &redis_req_dir,
	.resp = &redis_resp_dir,
	.unpair = unpair,
};

static int redis_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data,
		      size_t cap, uint64_t total)
{
	return lpf_feed(conn, &ops, dir, ts, data, cap, total);
}

static void redis_close(void *conn, uint64_t ts)
{
	struct redis_conn *c = conn;

	if (c->req.active && c->lp.seen && c->req.state != RS_SEEK) {
		c->req.last_ns = ts;
		redis_req_lose(c);
	}
	redis_conn_flush(c, ts);
	lpf_stop(c, &ops);
}

static void redis_tick(void *conn, uint64_t now)
{
	struct redis_conn *c = conn;

	if (!c->lp.done)
		redis_conn_tick(c, now, lpf_max_wait(c->o));
}

const struct proto_parser proto_redis = {
	.name = "redis",
	.id = PROTO_REDIS,
	.conn_size = sizeof(struct redis_conn),
	.ports = { 6379, 0 },
	.detect = redis_detect,
	.init = redis_init,
	.feed = redis_feed,
	.close = redis_close,
	.tick = redis_tick,
};
