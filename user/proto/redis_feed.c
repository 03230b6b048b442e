/* The Redis parser's entry points (rawtel/proto.h): detection, syscalls
 * to the two directions, the close and the clock.
 *
 * Detection: a command array ("*N\r\n$M\r\n") is Redis beyond doubt, so
 * the command direction's first bytes suffice, also on a connection
 * picked up mid-stream (the next syscall that starts a command); inline
 * commands and replies only make it likely (Memcached's "get k\r\n" is a
 * valid inline command too: the port breaks that tie).
 *
 * Resynchronisation: the command side at the next syscall that starts a
 * command; the reply side, once pairing was lost (or before anything was
 * seen), only after a command was seen following the loss, at a syscall
 * that starts a reply: a client reads the replies it waits for before it
 * writes again. A client that writes while replies to commands rawtel
 * did not see are still arriving (asynchronous pipelining over a gap)
 * would get those replies paired with its new commands; a reply syscall
 * that does not start a reply after the new command proves that case and
 * gives up the pairing again. */
#include <errno.h>
#include <string.h>

#include "rawtel/err.h"
#include "redis_int.h"

#define DEFAULT_MAX_WAIT_NS (120ull * 1000000000ull)

static int redis_detect(enum proto_role role, enum proto_dir dir, const uint8_t *p,
			size_t cap, uint64_t total)
{
	int req = (dir == PROTO_RECV) == (role == PROTO_SERVER);

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
	c->role = (uint8_t)role;
	c->req.state = RS_SEEK;
	c->resp.state = RS_SEEK;
	c->head_seq = c->tail_seq = 1;
	c->lost_seq = REDIS_NO_LOSS;
	c->wait_req = 1;
}

static void give_up(struct redis_conn *c)
{
	REDIS_STAT(c, given_up, 1);
	c->done = 1;
	c->req.state = RS_DEAD;
	c->resp.state = RS_DEAD;
}

/* A syscall while the side's framing is unknown: 1 when it starts a
 * message here (parse it), 0 when passed over. */
static int seek(struct redis_conn *c, struct redis_side *s, const uint8_t *p, size_t cap)
{
	int req = s == &c->req;

	/* before anything was seen the first syscall may be short: only a
	 * resynchronisation must be sure */
	if (req && cap && redis_req_starts(p, cap, s->synced)) {
		if (s->synced)
			REDIS_STAT(c, resyncs, 1);
		s->state = RS_IDLE;
		return 1;
	}
	if (!req && c->wait_req == 2 && cap && redis_resp_starts(p, cap, s->synced)) {
		if (s->synced)
			REDIS_STAT(c, resyncs, 1);
		c->wait_req = 0;
		s->state = RS_IDLE;
		return 1;
	}
	REDIS_STAT(c, skipped, 1);
	if (!req && c->wait_req == 2) {
		/* replies to commands not seen still come: the new command's
		 * reply is somewhere behind them */
		redis_conn_flush(c, c->req.last_ns);
		c->wait_req = 1;
	}
	if (cap && !c->seen && ++c->misses >= REDIS_MISSES)
		give_up(c);
	return 0;
}

static int redis_feed(void *conn, enum proto_dir dir, uint64_t ts, const void *data,
		      size_t cap, uint64_t total)
{
	struct redis_conn *c = conn;
	const uint8_t *p = data;
	struct redis_side *s;
	size_t off;

	if (cap > total || (cap && !data))
		return err_set(EINVAL, "Redis feed: %zu bytes captured of %llu", cap,
			       (unsigned long long)total);
	if (c->done)
		return PROTO_DONE;
	if (!total)
		return PROTO_MORE;
	s = (dir == PROTO_RECV) == (c->role == PROTO_SERVER) ? &c->req : &c->resp;
	if (total > cap)
		REDIS_STAT(c, gap_bytes, total - cap);
	if (!c->seen && cap >= 2 && p[0] == 0x16 && p[1] == 0x03) {
		give_up(c);	/* TLS */
		return PROTO_DONE;
	}
	if (s->state == RS_SEEK && !seek(c, s, p, cap))
		return c->done ? PROTO_DONE : PROTO_MORE;
	if (s == &c->req)
		off = redis_req_parse(c, p, cap, ts);
	else
		off = redis_resp_parse(c, p, cap, ts);
	if (off < cap && !c->seen && ++c->misses >= REDIS_MISSES) {
		give_up(c);
		return PROTO_DONE;
	}
	if (total > cap && off == cap) {
		if (s == &c->req)
			redis_req_gap(c, total - cap, ts);
		else
			redis_resp_gap(c, total - cap, ts);
	}
	return PROTO_MORE;
}

static void redis_close(void *conn, uint64_t ts)
{
	struct redis_conn *c = conn;

	if (c->req.active && c->seen && c->req.state != RS_SEEK) {
		c->req.last_ns = ts;
		redis_req_lose(c);
	}
	redis_conn_flush(c, ts);
	c->done = 1;
	c->req.state = RS_DEAD;
	c->resp.state = RS_DEAD;
}

static void redis_tick(void *conn, uint64_t now)
{
	struct redis_conn *c = conn;
	uint64_t wait = c->o && c->o->max_wait_ns ? c->o->max_wait_ns : DEFAULT_MAX_WAIT_NS;

	if (!c->done)
		redis_conn_tick(c, now, wait);
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
